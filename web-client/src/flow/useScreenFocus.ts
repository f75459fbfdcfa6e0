import { useEffect, useRef } from 'react';

/**
 * Moves focus to the screen's heading when the screen appears, so keyboard and screen-reader users
 * start at the top of the new content instead of on a button that no longer exists.
 */
export function useScreenFocus<T extends HTMLElement = HTMLHeadingElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
