/**
 * Queue figures from raw counters. Stores keep the counters (per queue and day, plus 15-minute
 * windows); this module turns them into the protocol's QueueStats and the citizen's estimate.
 */
import type { ClerkState, QueueDef, QueueStats } from '@ablak/protocol';
import { clerksNeeded } from './erlang';

export const WINDOW_MS = 15 * 60 * 1000;
/** Handle times kept for the rolling average. */
export const RECENT_HANDLES = 50;

/** Counters of one queue for one day (Europe/Budapest). */
export interface DayCounters {
  answered: number;
  answeredInTarget: number;
  abandoned: number;
  answerWaitSeconds: number;
  handled: number;
  handleSeconds: number;
  ratingSum: number;
  ratingCount: number;
}

export function emptyDayCounters(): DayCounters {
  return { answered: 0, answeredInTarget: 0, abandoned: 0, answerWaitSeconds: 0, handled: 0, handleSeconds: 0, ratingSum: 0, ratingCount: 0 };
}

export interface QueueFigures {
  day: DayCounters;
  answered15m: number;
  answeredInTarget15m: number;
  arrivals15m: number;
  /** Last RECENT_HANDLES handle times, seconds. */
  recentHandleSeconds: readonly number[];
  waiting: number;
  longestWaitSeconds: number;
  clerksByState: Readonly<Partial<Record<ClerkState, number>>>;
  /** Expected handle time from the catalogue, used before any call was handled. */
  fallbackHandleSeconds: number;
}

const ALL_STATES: readonly ClerkState[] = ['offline', 'available', 'offered', 'busy', 'wrap_up', 'away'];

/** Average handle time: rolling average of recent calls, else the catalogue's expectation. */
export function averageHandleSeconds(recent: readonly number[], fallback: number): number {
  if (recent.length === 0) return fallback;
  return recent.reduce((a, b) => a + b, 0) / recent.length;
}

export function staffedCount(byState: Readonly<Partial<Record<ClerkState, number>>>): number {
  return (byState.available ?? 0) + (byState.offered ?? 0) + (byState.busy ?? 0) + (byState.wrap_up ?? 0);
}

export function computeQueueStats(def: QueueDef, f: QueueFigures): QueueStats {
  const clerksByState = Object.fromEntries(ALL_STATES.map((s) => [s, f.clerksByState[s] ?? 0])) as Record<ClerkState, number>;
  const d = f.day;
  const aht = averageHandleSeconds(f.recentHandleSeconds, f.fallbackHandleSeconds);
  const closed = d.answered + d.abandoned;
  return {
    queue: def.id,
    waiting: f.waiting,
    longestWaitSeconds: Math.max(0, f.longestWaitSeconds),
    serviceLevelToday: d.answered > 0 ? d.answeredInTarget / d.answered : null,
    serviceLevel15m: f.answered15m > 0 ? f.answeredInTarget15m / f.answered15m : null,
    targetServiceLevel: def.targetServiceLevel,
    targetAnswerSeconds: def.targetAnswerSeconds,
    abandonmentRate: closed > 0 ? d.abandoned / closed : null,
    averageSpeedOfAnswerSeconds: d.answered > 0 ? d.answerWaitSeconds / d.answered : null,
    averageHandleSeconds: d.handled > 0 ? d.handleSeconds / d.handled : null,
    answeredToday: d.answered,
    abandonedToday: d.abandoned,
    clerksStaffed: staffedCount(clerksByState),
    clerksAvailable: clerksByState.available,
    clerksByState,
    clerksNeeded: clerksNeeded(f.arrivals15m / (WINDOW_MS / 1000), aht, def.targetAnswerSeconds, def.targetServiceLevel),
    averageRatingToday: d.ratingCount > 0 ? d.ratingSum / d.ratingCount : null,
  };
}

/**
 * Estimated wait of the ticket at `position` (1 = next): the tickets ahead are shared among the
 * clerks staffing the queue, each taking one average handle time; free clerks serve at once.
 */
export function estimateWaitSeconds(position: number, staffed: number, available: number, ahtSeconds: number): number {
  if (available >= position) return 0;
  const ahead = position - available;
  return Math.round((ahead * ahtSeconds) / Math.max(1, staffed));
}

/** Calendar day of `now` in Hungary (YYYY-MM-DD): "today" of every counter. */
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Budapest', year: 'numeric', month: '2-digit', day: '2-digit' });
let cachedMinute = Number.NaN;
let cachedDay = '';
export function dayOf(now: number): string {
  // Days change on a minute boundary in every time zone Hungary uses, so one answer per minute is exact.
  const minute = Math.floor(now / 60_000);
  if (minute !== cachedMinute) {
    cachedMinute = minute;
    cachedDay = dayFormat.format(now);
  }
  return cachedDay;
}
