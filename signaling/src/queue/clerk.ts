/**
 * The clerk state machine. Every change of a clerk's state goes through `clerkTransition`, which
 * refuses a move the table below does not allow with CONFLICT and changes nothing.
 *
 *   from \ event   request  offer  accept  decline  offer_timeout  offer_withdrawn  call_end  wrapup_done  wrapup_expired
 *   offline        ✓        
 *   available      ✓        ✓
 *   offered        ✓(a)            ✓       ✓        ✓              ✓
 *   busy                                                                            ✓
 *   wrap_up        ✓(b)                                                                       ✓            ✓
 *   away           ✓
 * (a) away/offline only; the offer is withdrawn by the caller. (b) chooses the state after wrap-up.
 */
import { AblakError } from '@ablak/protocol';
import type { AwayReason, CallId, ClerkState, ClerkView, QueueId, RoutingStrategy, TicketId } from '@ablak/protocol';
import type { AfterWrapUp, ClerkProfile, ClerkRecord } from './model';

export type ClerkEvent =
  | { type: 'request'; requested: AfterWrapUp }
  | { type: 'offer'; ticketId: TicketId; deadline: number }
  | { type: 'accept'; callId: CallId }
  | { type: 'decline'; rejectDelayMs: number }
  | { type: 'offer_timeout' }
  | { type: 'offer_withdrawn' }
  | { type: 'call_end'; wrapUpUntil: number; talkSeconds: number; day: string }
  | { type: 'wrapup_done'; next: AfterWrapUp }
  | { type: 'wrapup_expired' };

const ALLOWED: Readonly<Record<ClerkState, readonly ClerkEvent['type'][]>> = {
  offline: ['request'],
  available: ['request', 'offer'],
  offered: ['request', 'accept', 'decline', 'offer_timeout', 'offer_withdrawn'],
  busy: ['call_end'],
  wrap_up: ['request', 'wrapup_done', 'wrapup_expired'],
  away: ['request'],
};

/** States in which a clerk counts as staffing their queues. */
export const STAFFED_STATES: readonly ClerkState[] = ['available', 'offered', 'busy', 'wrap_up'];

export function newClerk(profile: ClerkProfile, now: number): ClerkRecord {
  return {
    ...profile,
    state: 'offline',
    awayReason: null,
    stateSince: now,
    countersDay: '',
    callsToday: 0,
    talkSecondsToday: 0,
    currentCall: null,
    offerTicket: null,
    offerDeadline: null,
    idleSince: now,
    lastOfferAt: 0,
    notBefore: 0,
    wrapUpUntil: null,
    afterWrapUp: { state: 'available' },
  };
}

function enter(clerk: ClerkRecord, target: AfterWrapUp, now: number): ClerkRecord {
  const awayReason: AwayReason | null = target.state === 'away' ? target.reason : null;
  const next: ClerkRecord = { ...clerk, state: target.state, awayReason, wrapUpUntil: null };
  if (clerk.state !== target.state || clerk.awayReason !== awayReason) next.stateSince = now;
  if (target.state === 'available' && clerk.state !== 'available') next.idleSince = now;
  return next;
}

const noOffer = { offerTicket: null, offerDeadline: null } as const;

/** Applies one event to a clerk; CONFLICT when the table does not allow it. */
export function clerkTransition(clerk: ClerkRecord, event: ClerkEvent, now: number): ClerkRecord {
  if (!ALLOWED[clerk.state].includes(event.type)) {
    throw new AblakError('CONFLICT', `clerk ${clerk.id} is ${clerk.state}: cannot ${event.type}`, { state: clerk.state });
  }
  switch (event.type) {
    case 'request':
      if (clerk.state === 'wrap_up') return { ...clerk, afterWrapUp: event.requested };
      if (clerk.state === 'offered' && event.requested.state === 'available') {
        throw new AblakError('CONFLICT', `clerk ${clerk.id} holds an offer: accept or decline it`);
      }
      return { ...enter(clerk, event.requested, now), ...noOffer };
    case 'offer':
      return offeredClerk(clerk, event.ticketId, event.deadline, now);
    case 'accept':
      return { ...clerk, ...noOffer, state: 'busy', stateSince: now, currentCall: event.callId };
    case 'decline':
      return { ...enter(clerk, { state: 'available' }, now), ...noOffer, notBefore: now + event.rejectDelayMs };
    case 'offer_timeout':
      return { ...enter(clerk, { state: 'away', reason: 'no_answer' }, now), ...noOffer };
    case 'offer_withdrawn':
      return { ...clerk, ...noOffer, state: 'available', stateSince: now };
    case 'call_end': {
      const sameDay = clerk.countersDay === event.day;
      return {
        ...clerk,
        state: 'wrap_up',
        stateSince: now,
        currentCall: null,
        wrapUpUntil: event.wrapUpUntil,
        afterWrapUp: { state: 'available' },
        countersDay: event.day,
        callsToday: (sameDay ? clerk.callsToday : 0) + 1,
        talkSecondsToday: (sameDay ? clerk.talkSecondsToday : 0) + event.talkSeconds,
      };
    }
    case 'wrapup_done':
      return enter(clerk, event.next, now);
    case 'wrapup_expired':
      return enter(clerk, clerk.afterWrapUp, now);
  }
}

/** The offer transition's record, field by field (the match step's hot path; see offeredTicket in ticket.ts). */
function offeredClerk(c: ClerkRecord, ticketId: TicketId, deadline: number, now: number): ClerkRecord {
  return {
    id: c.id,
    displayName: c.displayName,
    office: c.office,
    skills: c.skills,
    languages: c.languages,
    accessibility: c.accessibility,
    state: 'offered',
    awayReason: c.awayReason,
    stateSince: now,
    countersDay: c.countersDay,
    callsToday: c.callsToday,
    talkSecondsToday: c.talkSecondsToday,
    currentCall: c.currentCall,
    offerTicket: ticketId,
    offerDeadline: deadline,
    idleSince: c.idleSince,
    lastOfferAt: now,
    notBefore: c.notBefore,
    wrapUpUntil: c.wrapUpUntil,
    afterWrapUp: c.afterWrapUp,
  };
}

/** What the console and the board see; counters of an earlier day read as zero. */
export function toClerkView(clerk: ClerkRecord, day: string): ClerkView {
  const today = clerk.countersDay === day;
  return {
    id: clerk.id,
    displayName: clerk.displayName,
    office: clerk.office,
    skills: clerk.skills,
    languages: clerk.languages,
    accessibility: clerk.accessibility,
    state: clerk.state,
    awayReason: clerk.awayReason,
    stateSince: clerk.stateSince,
    callsToday: today ? clerk.callsToday : 0,
    talkSecondsToday: today ? clerk.talkSecondsToday : 0,
    currentCall: clerk.currentCall,
  };
}

/**
 * Order of available clerks on a queue, lower first: longest-idle → became available earliest;
 * least-talk-time → least talk today; fewest-calls → fewest calls today; round-robin → offered
 * longest ago. Ties by clerk id.
 */
export function strategyKey(clerk: ClerkRecord, strategy: RoutingStrategy, day: string): number {
  const today = clerk.countersDay === day;
  switch (strategy) {
    case 'longest-idle':
      return clerk.idleSince;
    case 'least-talk-time':
      return today ? clerk.talkSecondsToday : 0;
    case 'fewest-calls':
      return today ? clerk.callsToday : 0;
    case 'round-robin':
      return clerk.lastOfferAt;
  }
}

export function skillLevel(clerk: ClerkRecord, queue: QueueId): number | undefined {
  return clerk.skills.find((s) => s.queue === queue)?.level;
}
