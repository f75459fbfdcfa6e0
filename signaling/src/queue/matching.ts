/**
 * The match step: pairs waiting tickets with available clerks, making offers until no pair is left
 * (or `limit` offers were made). The rules, the same in MemoryStore and in RedisStore's Lua:
 *
 * 1. Queues are visited by the sort key of their best waiting ticket (ticketScore, see score.ts),
 *    best first, ties by queue key. After each offer the order is taken again. So a clerk holding
 *    skills on several queues is always offered the best-scored ticket at the head of any of its
 *    queues: deterministic, and "best score first" across queues. A queue that made no offer is not
 *    tried again in the same step (clerks only leave availability during a step).
 * 2. In a queue, the first `scanDepth` waiting tickets are tried in order; the first one for which an
 *    eligible clerk exists is offered.
 * 3. A clerk is eligible for a ticket when available and past any reject delay, speaking the
 *    ticket's language, and holding every accessibility need of the ticket.
 * 4. Skill-level tiers: a clerk of level L is offered a ticket only after it waited
 *    `(L - best) * tierStep(queue)` (the queue's `tierStepSeconds`, else the catalogue's), where `best` is the best level among clerks staffing the queue
 *    (available, offered, busy or wrap-up). With no better clerk signed in, L = best and the wait is 0.
 * 5. Among eligible clerks the best level wins; within a level, the queue's routing strategy
 *    (strategyKey in clerk.ts), ties by clerk id; the first `scanDepth` clerks of each level are tried (sets are read from the head, so the usual
 *    offer reads one ticket and one clerk).
 * 6. A ticket transferred to a named clerk sits in the queue `@clerkId` and is offered only to that
 *    clerk (no language, skill or tier check: the sending clerk chose them).
 */
import { clerkTransition } from './clerk';
import type { DeskState } from './desk';
import type { ClerkRecord, OfferRecord, TicketRecord } from './model';
import { ticketTransition } from './ticket';
import type { ClerkId, QueueId } from '@ablak/protocol';
import type { Entry } from './sorted';

export function eligible(clerk: ClerkRecord, ticket: TicketRecord, now: number): boolean {
  if (clerk.state !== 'available' || clerk.notBefore > now || !clerk.languages.includes(ticket.language)) return false;
  for (const need of ticket.accessibility) if (!clerk.accessibility.includes(need)) return false;
  return true;
}

/** Runs one match step on the desk; returns the offers made (events are queued on the desk). */
export function matchStep(desk: DeskState, now: number, limit: number): OfferRecord[] {
  const offers: OfferRecord[] = [];
  // A key that made no offer cannot make one later in the same step: clerks only leave availability.
  const dead = new Set<string>();
  while (offers.length < limit) {
    let offer: OfferRecord | null = null;
    for (let rank = 0; ; rank++) {
      const entry = desk.active.at(rank);
      if (!entry) break;
      const key = entry.id;
      if (dead.has(key)) continue;
      offer = key.charCodeAt(0) === 64 ? tryDirect(desk, key, now) : tryQueue(desk, key as QueueId, now);
      if (offer) break; // the offer moved `active`: take the order again
      dead.add(key);
    }
    if (!offer) break;
    offers.push(offer);
  }
  return offers;
}

function tryDirect(desk: DeskState, key: string, now: number): OfferRecord | null {
  const clerk = desk.clerks.get(key.slice(1) as ClerkId);
  if (!clerk || clerk.state !== 'available' || clerk.notBefore > now) return null;
  const head = desk.waiting.get(key)?.first();
  const ticket = head && desk.tickets.get(head.id as TicketRecord['id']);
  return ticket ? makeOffer(desk, ticket, clerk, now) : null;
}

function tryQueue(desk: DeskState, queue: QueueId, now: number): OfferRecord | null {
  if ((desk.clerkCounts.get(queue)?.available ?? 0) === 0) return null;
  const waiting = desk.waiting.get(queue);
  const levels = desk.available.get(queue);
  if (!waiting || !levels) return null;
  const best = desk.bestStaffedLevel(queue);
  const tierMs = desk.catalogue.tierStep(queue) * 1000;
  const depth = desk.options.scanDepth;
  const tickets = Math.min(depth, waiting.size);
  for (let i = 0; i < tickets; i++) {
    const ticket = desk.tickets.get((waiting.at(i) as Entry).id as TicketRecord['id']);
    if (!ticket) continue;
    const waitedMs = now - ticket.queuedAt;
    for (let level = best; level <= 9; level++) {
      if (level > best && waitedMs < (level - best) * tierMs) break;
      const set = levels[level];
      if (!set) continue;
      const clerks = Math.min(depth, set.size);
      for (let j = 0; j < clerks; j++) {
        const clerk = desk.clerks.get((set.at(j) as Entry).id as ClerkId);
        if (clerk && eligible(clerk, ticket, now)) return makeOffer(desk, ticket, clerk, now);
      }
    }
  }
  return null;
}

function makeOffer(desk: DeskState, ticket: TicketRecord, clerk: ClerkRecord, now: number): OfferRecord {
  const timeout = desk.catalogue.queues.get(ticket.queue)?.offerTimeoutSeconds ?? 15;
  const deadline = now + timeout * 1000;
  const nextTicket = ticketTransition(ticket, { type: 'offer', clerkId: clerk.id, deadline }, now);
  const nextClerk = clerkTransition(clerk, { type: 'offer', ticketId: ticket.id, deadline }, now);
  desk.putOffer(ticket, nextTicket, clerk, nextClerk, now);
  const offer: OfferRecord = { clerkId: clerk.id, ticket: nextTicket, offeredAt: now, deadline };
  desk.events.push({ type: 'offer:made', offer });
  return offer;
}
