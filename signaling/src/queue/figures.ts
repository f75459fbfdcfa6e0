/** Positions, estimates and queue figures read from a DeskState (no writes). */
import { AblakError } from '@ablak/protocol';
import type { QueueId, QueuePosition, QueueStats, TicketId } from '@ablak/protocol';
import { waitingKey, type DeskState } from './desk';
import type { TicketRecord } from './model';
import { WINDOW_MS, averageHandleSeconds, computeQueueStats, estimateWaitSeconds, staffedCount, dayOf, emptyDayCounters } from './stats';

function ahtOf(desk: DeskState, queue: QueueId): number {
  return averageHandleSeconds(desk.recentHandles.get(queue) ?? [], desk.catalogue.expectedHandleSeconds.get(queue) ?? 600);
}

/**
 * Place of one ticket: waiting (also while dropped) by its rank in the queue's order (score, then id,
 * as `positionsOf` numbers them: tickets of the same millisecond get places of their own), offered = 1,
 * otherwise 1 with no wait.
 */
export function positionOf(desk: DeskState, ticket: TicketRecord): QueuePosition {
  const counts = desk.counts(ticket.queue);
  const staffed = staffedCount(counts);
  let position = 1;
  if (ticket.state === 'waiting') {
    position = (desk.waiting.get(waitingKey(ticket))?.rank(ticket.id) ?? 0) + 1;
  }
  const estimatedWaitSeconds =
    ticket.state === 'waiting' ? estimateWaitSeconds(position, staffed, counts.available, ahtOf(desk, ticket.queue)) : 0;
  return { ticketId: ticket.id, state: ticket.state, position, estimatedWaitSeconds, clerksServing: staffed };
}

export function positionById(desk: DeskState, id: TicketId): QueuePosition {
  const ticket = desk.tickets.get(id);
  if (!ticket) throw new AblakError('TICKET_NOT_FOUND', `no ticket ${id}`);
  return positionOf(desk, ticket);
}

/** Places of the first `limit` waiting tickets of a queue, best first. */
export function positionsOf(desk: DeskState, queue: QueueId, limit: number): QueuePosition[] {
  desk.catalogue.queue(queue);
  const counts = desk.counts(queue);
  const staffed = staffedCount(counts);
  const aht = ahtOf(desk, queue);
  return (desk.waiting.get(queue)?.head(limit) ?? []).map((e, i) => ({
    ticketId: e.id as TicketId,
    state: 'waiting' as const,
    position: i + 1,
    estimatedWaitSeconds: estimateWaitSeconds(i + 1, staffed, counts.available, aht),
    clerksServing: staffed,
  }));
}

export function statsOf(desk: DeskState, now: number, queues?: readonly QueueId[]): QueueStats[] {
  const ids = queues ?? [...desk.catalogue.queues.keys()];
  const day = dayOf(now);
  return ids.map((id) => {
    const def = desk.catalogue.queue(id);
    const set = desk.waiting.get(id);
    let longest = 0;
    for (const e of set?.head(16) ?? []) {
      const t = desk.tickets.get(e.id as TicketId);
      if (t) longest = Math.max(longest, (now - t.queuedAt) / 1000);
    }
    const answers = (desk.answers.get(id) ?? []).filter((a) => a.at > now - WINDOW_MS);
    return computeQueueStats(def, {
      day: desk.dayCounters.get(`${day}|${id}`) ?? emptyDayCounters(),
      answered15m: answers.length,
      answeredInTarget15m: answers.filter((a) => a.inTarget).length,
      arrivals15m: (desk.arrivals.get(id) ?? []).filter((t) => t > now - WINDOW_MS).length,
      recentHandleSeconds: desk.recentHandles.get(id) ?? [],
      waiting: set?.size ?? 0,
      longestWaitSeconds: longest,
      clerksByState: desk.counts(id),
      fallbackHandleSeconds: desk.catalogue.expectedHandleSeconds.get(id) ?? 600,
    });
  });
}
