import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The current time, re-rendering every `intervalMs` (for countdowns and "time in state"). */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** "m:ss" or "h:mm:ss" of a duration in seconds (clock style reads well on a wall screen). */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Formats optional seconds as "m p ss mp" / "m min ss s", or a dash when there is no figure. */
export function useDuration(): (seconds: number | null | undefined) => string {
  const { t } = useTranslation('console');
  return (seconds) => {
    if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return t('units.none');
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return t('units.seconds', { count: s });
    return t('units.minutes', { m: Math.floor(s / 60), s: s % 60 });
  };
}

/** Formats a 0..1 share as a whole percent, or a dash. */
export function usePercent(): (share: number | null | undefined) => string {
  const { t } = useTranslation('console');
  return (share) =>
    share === null || share === undefined
      ? t('units.none')
      : t('units.percent', { value: Math.round(share * 100) });
}
