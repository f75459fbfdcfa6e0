import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The view named in the address's hash (`#cases`), so a reload or a bookmark keeps it and the
 * browser's back button goes back to the previous view.
 */
export function useHashView<V extends string>(views: readonly V[], fallback: V): [V, (view: V) => void] {
  const fromHash = useCallback((): V | null => {
    const wanted = globalThis.location?.hash.replace(/^#/, '') ?? '';
    return (views as readonly string[]).includes(wanted) ? (wanted as V) : null;
  }, [views]);
  const [view, setView] = useState<V>(() => fromHash() ?? fallback);
  useEffect(() => {
    // other hashes (the skip link's #main) leave the view as it is
    const onHash = () => {
      const next = fromHash();
      if (next) setView(next);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [fromHash]);
  const go = useCallback((next: V) => {
    if (globalThis.location.hash !== `#${next}`) globalThis.location.hash = next;
    setView(next);
  }, []);
  return [view, go];
}

interface Props<V extends string> {
  views: readonly V[];
  current: V;
  onChange(view: V): void;
}

/** Links between the views of one role; the current one is marked for screen readers too. */
export function ViewNav<V extends string>({ views, current, onChange }: Props<V>) {
  const { t } = useTranslation('console');
  return (
    <nav className="view-nav" aria-label={t('nav.label')}>
      <ul>
        {views.map((v) => (
          <li key={v}>
            <a
              href={`#${v}`}
              aria-current={v === current ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                onChange(v);
              }}
            >
              {t(`nav.${v}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
