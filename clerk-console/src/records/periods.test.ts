import { describe, expect, it } from 'vitest';
import { bucketLabels, bucketStarts, dayInputValue, dayStart, dayStartOf } from './periods';

const HOUR = 3_600_000;

describe('office periods (Europe/Budapest)', () => {
  it('starts an office day at local midnight in winter (UTC+1) and summer (UTC+2)', () => {
    expect(new Date(dayStart('2026-01-15')!).toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(new Date(dayStart('2026-07-15')!).toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(dayStart('15/07/2026')).toBeNull();
  });

  it('reads the office date of an instant, also just after midnight there', () => {
    expect(dayInputValue(Date.parse('2026-07-14T22:30:00Z'))).toBe('2026-07-15');
    expect(dayInputValue(Date.parse('2026-07-14T21:30:00Z'))).toBe('2026-07-14');
    expect(dayStartOf(Date.parse('2026-07-15T10:00:00Z'))).toBe(dayStart('2026-07-15'));
  });

  it('has 23 hourly buckets on the spring-forward day and a day bucket for each date across it', () => {
    const from = dayStart('2026-03-29')!;
    const to = dayStart('2026-03-30')!;
    expect(bucketStarts({ from, to }, 'hour')).toHaveLength(23);
    const days = bucketStarts({ from: dayStart('2026-03-28')!, to: dayStart('2026-04-01')! }, 'day');
    expect(days.map(dayInputValue)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
    expect(days[2]! - days[1]!).toBe(23 * HOUR);
  });

  it('starts weeks on the Monday on or before the first day', () => {
    // 2026-03-04 is a Wednesday
    const weeks = bucketStarts({ from: dayStart('2026-03-04')!, to: dayStart('2026-03-20')! }, 'week');
    expect(weeks.map(dayInputValue)).toEqual(['2026-03-02', '2026-03-09', '2026-03-16']);
  });

  it('labels buckets in the chosen language and keeps starts the rows name that the range does not', () => {
    const from = dayStart('2026-03-02')!;
    const labels = bucketLabels({ from, to: from + 2 * 86_400_000, bucket: 'day' }, 'en', (d) => `week of ${d}`, [
      from + 5 * 86_400_000,
    ]);
    expect(labels.map((l) => l.long)).toEqual(['2 March 2026', '3 March 2026', '7 March 2026']);
    const hu = bucketLabels({ from, to: from + 86_400_000, bucket: 'day' }, 'hu', (d) => `${d} hete`);
    expect(hu[0]!.long).toBe('2026. március 2.');
  });
});
