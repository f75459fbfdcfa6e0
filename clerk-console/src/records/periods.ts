import type { HistoryBucket, UiLanguage } from '@ablak/protocol';

/** History buckets are hours, days and weeks of the offices' own clock (the contract says so). */
export const OFFICE_TIME_ZONE = 'Europe/Budapest';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface Range {
  from: number;
  to: number;
}

const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: OFFICE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function wall(at: number): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.formatToParts(at).find((p) => p.type === type)?.value ?? 0);
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), min: get('minute'), s: get('second') };
}

/** How far the office clock is ahead of UTC at `at`, in ms. */
function offsetAt(at: number): number {
  const w = wall(at);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - Math.floor(at / 1000) * 1000;
}

/** `YYYY-MM-DD` of the office date at `at` (the value of an `<input type="date">`). */
export function dayInputValue(at: number): string {
  const w = wall(at);
  return `${w.y}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/** The instant an office day (`YYYY-MM-DD`) starts, or null for a value that is not a date. */
export function dayStart(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const guess = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(guess)) return null;
  // the offset at the guess may differ from the one at the result across a DST change: ask twice
  const first = guess - offsetAt(guess);
  return guess - offsetAt(first);
}

/** Start of the office day that holds `at`. */
export function dayStartOf(at: number): number {
  return dayStart(dayInputValue(at)) ?? at;
}

/** Bucket starts from `from` to `to` (office hours, days, or weeks starting on Monday). */
export function bucketStarts(range: Range, bucket: HistoryBucket): number[] {
  const out: number[] = [];
  if (bucket === 'hour') {
    for (let at = range.from; at < range.to; at += HOUR_MS) out.push(at);
    return out;
  }
  let day = dayStartOf(range.from);
  if (bucket === 'week') {
    const weekday = (new Date(day + offsetAt(day)).getUTCDay() + 6) % 7; // Monday = 0
    day = dayStartOf(day - weekday * DAY_MS + HOUR_MS * 12);
  }
  const step = bucket === 'week' ? 7 : 1;
  while (day < range.to) {
    out.push(day);
    // noon of the next day (or week) then back to its midnight: DST days are 23 or 25 hours long
    day = dayStartOf(day + step * DAY_MS + HOUR_MS * 12);
  }
  return out;
}

export interface BucketLabel {
  start: number;
  short: string;
  long: string;
}

const LOCALE: Record<UiLanguage, string> = { hu: 'hu-HU', en: 'en-GB' };

/** Labels of every bucket of the range (and of any other start the rows name), in order. */
export function bucketLabels(
  query: Range & { bucket: HistoryBucket },
  language: UiLanguage,
  weekOf: (date: string) => string,
  extraStarts: readonly number[] = [],
): BucketLabel[] {
  const locale = LOCALE[language];
  const zone = { timeZone: OFFICE_TIME_ZONE };
  const hour = new Intl.DateTimeFormat(locale, { ...zone, hour: '2-digit' });
  const dayShort = new Intl.DateTimeFormat(locale, { ...zone, month: 'short', day: 'numeric' });
  const dayLong = new Intl.DateTimeFormat(locale, { ...zone, dateStyle: 'long' });
  const hourLong = new Intl.DateTimeFormat(locale, { ...zone, dateStyle: 'medium', timeStyle: 'short' });
  const starts = [...new Set([...bucketStarts(query, query.bucket), ...extraStarts])].sort((a, b) => a - b);
  return starts.map((start) => {
    switch (query.bucket) {
      case 'hour':
        return { start, short: hour.format(start), long: hourLong.format(start) };
      case 'day':
        return { start, short: dayShort.format(start), long: dayLong.format(start) };
      case 'week':
        return { start, short: dayShort.format(start), long: weekOf(dayLong.format(start)) };
    }
  });
}
