/**
 * Ticket order. A ticket's score is `waitedSeconds + boost(priority)`, so it grows with waiting time
 * at the same rate for everyone: a plain ticket that has waited longer than a higher-priority
 * arrival's boost stays ahead of it (no starvation). Because every score grows at the same rate the
 * order never changes while tickets wait, so stores keep one static sort key per ticket,
 * `sortKey = enqueuedAt - boost` (ms, lower is served first), in a sorted set.
 */
import type { PriorityReason } from '@ablak/protocol';

/** Head start of each priority, in seconds of waiting. */
export const PRIORITY_BOOST_SECONDS: Readonly<Record<PriorityReason, number>> = {
  none: 0,
  accessibility: 120,
  appointment: 300,
  transfer: 600,
};

/** The static sort key of a ticket (lower first). */
export function sortKey(enqueuedAt: number, priority: PriorityReason): number {
  return enqueuedAt - PRIORITY_BOOST_SECONDS[priority] * 1000;
}

/** The ticket's score at `now` (higher first); `sortKey` orders tickets the same way at every `now`. */
export function ticketScore(enqueuedAt: number, priority: PriorityReason, now: number): number {
  return (now - enqueuedAt) / 1000 + PRIORITY_BOOST_SECONDS[priority];
}

/** Priority of a new ticket: an appointment outranks an accessibility need. */
export function initialPriority(appointment: boolean, accessibilityNeeds: number): PriorityReason {
  if (appointment) return 'appointment';
  if (accessibilityNeeds > 0) return 'accessibility';
  return 'none';
}

/** A transferred ticket keeps its priority, and ranks at least as a transfer. */
export function transferPriority(current: PriorityReason): PriorityReason {
  return PRIORITY_BOOST_SECONDS[current] >= PRIORITY_BOOST_SECONDS.transfer ? current : 'transfer';
}
