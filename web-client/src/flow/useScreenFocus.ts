import { useEffect, useRef } from 'react';

let pageJustLoaded = true;

/**
 * Moves focus to the screen's heading when the screen appears, so keyboard and screen-reader users
 * start at the top of the new content instead of on a button that no longer exists. The first screen
 * after a page load is left alone: the browser already starts at the top.
 */
export function useScreenFocus<T extends HTMLElement = HTMLHeadingElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (pageJustLoaded) {
      pageJustLoaded = false;
      return;
    }
    ref.current?.focus();
  }, []);
  return ref;
}
