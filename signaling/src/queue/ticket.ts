/**
 * The ticket state machine. `ticketTransition` refuses a move the table does not allow with
 * TICKET_CLOSED (the ticket already ended) or CONFLICT, and changes nothing.
 *
 *   waiting   → offered (offer) · abandoned (cancel) · expired (drop_expired) · waiting (drop, resume)
 *   offered   → waiting (offer_returned, drop) · connected (accept) · abandoned (cancel)
 *   connected → ended (end) · waiting (transfer)
 *   ended, abandoned, expired: final.
 */
import { AblakError } from '@ablak/protocol';
import type { CallId, CaseType, ClerkId, PriorityReason, QueueId, TicketState } from '@ablak/protocol';
import type { EnqueueInput } from './inputs';
import type { TicketRecord } from './model';
import { initialPriority, sortKey } from './score';

export type TicketEvent =
  | { type: 'offer'; clerkId: ClerkId; deadline: number }
  | { type: 'offer_returned' }
  | { type: 'accept'; callId: CallId }
  | { type: 'drop'; deadline: number }
  | { type: 'resume' }
  | { type: 'cancel' }
  | { type: 'drop_expired' }
  | { type: 'end'; reason: string }
  | { type: 'transfer'; queue: QueueId; directClerk: ClerkId | null; note: string | null; priority: PriorityReason };

const ALLOWED: Readonly<Record<TicketState, readonly TicketEvent['type'][]>> = {
  waiting: ['offer', 'drop', 'resume', 'cancel', 'drop_expired'],
  offered: ['offer_returned', 'accept', 'cancel', 'drop'],
  connected: ['end', 'transfer'],
  ended: [],
  abandoned: [],
  expired: [],
};

export const FINAL_TICKET_STATES: readonly TicketState[] = ['ended', 'abandoned', 'expired'];

export function isFinal(state: TicketState): boolean {
  return FINAL_TICKET_STATES.includes(state);
}

const noOffer = { offeredTo: null, offerDeadline: null } as const;

/** Applies one event to a ticket; TICKET_CLOSED on a final ticket, CONFLICT on another illegal move. */
export function ticketTransition(ticket: TicketRecord, event: TicketEvent, now: number): TicketRecord {
  if (!ALLOWED[ticket.state].includes(event.type)) {
    if (isFinal(ticket.state)) throw new AblakError('TICKET_CLOSED', `ticket ${ticket.id} is ${ticket.state}`);
    throw new AblakError('CONFLICT', `ticket ${ticket.id} is ${ticket.state}: cannot ${event.type}`, { state: ticket.state });
  }
  switch (event.type) {
    case 'offer':
      return offeredTicket(ticket, event.clerkId, event.deadline, now);
    case 'offer_returned':
      return { ...ticket, ...noOffer, state: 'waiting', stateSince: now };
    case 'accept':
      return { ...ticket, ...noOffer, state: 'connected', stateSince: now, callId: event.callId, dropDeadline: null };
    case 'drop':
      return { ...ticket, ...noOffer, state: 'waiting', stateSince: ticket.state === 'waiting' ? ticket.stateSince : now, dropDeadline: event.deadline };
    case 'resume':
      return { ...ticket, dropDeadline: null };
    case 'cancel':
      return { ...ticket, ...noOffer, state: 'abandoned', stateSince: now, dropDeadline: null, closedReason: 'cancelled' };
    case 'drop_expired':
      return { ...ticket, state: 'expired', stateSince: now, dropDeadline: null, closedReason: 'connection lost' };
    case 'end':
      return { ...ticket, state: 'ended', stateSince: now, closedReason: event.reason };
    case 'transfer':
      return {
        ...ticket,
        state: 'waiting',
        stateSince: now,
        queue: event.queue,
        queuedAt: now,
        priority: event.priority,
        score: sortKey(ticket.enqueuedAt, event.priority),
        directClerk: event.directClerk,
        transferNote: event.note,
        callId: null,
        room: nextCallRoom(ticket),
      };
  }
}

/**
 * The room of a transferred ticket's next call: a room of its own, so nobody of the transferred call
 * (whose room the SFU revokes) meets the next one. Named after the call that ended; call ids are unique.
 * (RedisStore's ticket_tr writes the same name.)
 */
export function nextCallRoom(ticket: TicketRecord): TicketRecord['room'] {
  return `room-after-${ticket.callId ?? ticket.id}` as TicketRecord['room'];
}

/**
 * The offer transition's record, field by field: the match step makes one per offer, and V8 builds a
 * literal of a fixed shape several times faster than a spread (a missing field fails the type check).
 */
function offeredTicket(t: TicketRecord, clerkId: ClerkId, deadline: number, now: number): TicketRecord {
  return {
    id: t.id,
    displayName: t.displayName,
    caseType: t.caseType,
    queue: t.queue,
    language: t.language,
    accessibility: t.accessibility,
    priority: t.priority,
    enqueuedAt: t.enqueuedAt,
    queuedAt: t.queuedAt,
    score: t.score,
    state: 'offered',
    stateSince: now,
    room: t.room,
    dropDeadline: t.dropDeadline,
    offeredTo: clerkId,
    offerDeadline: deadline,
    directClerk: t.directClerk,
    transferNote: t.transferNote,
    callId: t.callId,
    closedReason: t.closedReason,
  };
}

/** A fresh waiting ticket for `input` (the one record both stores write on enqueue). */
export function newTicket(input: EnqueueInput, caseType: CaseType, now: number): TicketRecord {
  const priority = initialPriority(input.appointment, input.accessibility.length);
  return {
    id: input.id,
    displayName: input.displayName,
    caseType: caseType.code,
    queue: caseType.queue,
    language: input.language,
    accessibility: [...input.accessibility],
    priority,
    enqueuedAt: now,
    queuedAt: now,
    score: sortKey(now, priority),
    state: 'waiting',
    stateSince: now,
    room: `room-${input.id}` as TicketRecord['room'],
    dropDeadline: null,
    offeredTo: null,
    offerDeadline: null,
    directClerk: null,
    transferNote: null,
    callId: null,
    closedReason: null,
  };
}
