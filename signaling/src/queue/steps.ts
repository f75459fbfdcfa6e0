/**
 * `Desk`: every step of the queue as one method over DeskState. Each method checks first (typed
 * error, nothing changed) and then writes; events of the step are collected with `drainEvents()`.
 */
import { AblakError } from '@ablak/protocol';
import type { CallEndReason, CallId, CaseReference, ClerkId, ClerkView, TicketId, TransferTarget } from '@ablak/protocol';
import type { Catalogue } from './catalogue';
import { clerkTransition, newClerk, toClerkView } from './clerk';
import { DEFAULT_DESK_OPTIONS, DeskState, type DeskOptions } from './desk';
import { matchStep } from './matching';
import type { AfterWrapUp, CallRecord, ClerkProfile, ClerkRecord, OfferRecord, TicketRecord } from './model';
import { transferPriority } from './score';
import { dayOf } from './stats';
import { newTicket, ticketTransition } from './ticket';
import type { EnqueueInput, RequestedClerkState, SweepResult } from './inputs';

export function formatCaseReference(year: number, n: number): CaseReference {
  return `ABL-${year}-${String(n).padStart(6, '0')}` as CaseReference;
}

export class Desk extends DeskState {
  constructor(catalogue: Catalogue, options: Partial<DeskOptions> = {}) {
    super(catalogue, { ...DEFAULT_DESK_OPTIONS, ...options });
  }

  ticket(id: TicketId): TicketRecord {
    const t = this.tickets.get(id);
    if (!t) throw new AblakError('TICKET_NOT_FOUND', `no ticket ${id}`);
    return t;
  }

  clerk(id: ClerkId): ClerkRecord {
    const c = this.clerks.get(id);
    if (!c) throw new AblakError('UNKNOWN_CLERK', `no clerk ${id}`);
    return c;
  }

  call(id: CallId): CallRecord {
    const c = this.calls.get(id);
    if (!c) throw new AblakError('CALL_NOT_FOUND', `no call ${id}`);
    return c;
  }

  view(clerk: ClerkRecord, now: number): ClerkView {
    return toClerkView(clerk, dayOf(now));
  }

  enqueue(input: EnqueueInput, now: number): TicketRecord {
    const existing = this.tickets.get(input.id);
    if (existing) return existing;
    const ticket = newTicket(input, this.catalogue.caseType(input.caseType), now);
    this.secrets.set(ticket.id, input.resumeSecret);
    this.putTicket(undefined, ticket, 'enqueued');
    this.recordArrival(ticket.queue, now);
    return ticket;
  }

  /** Takes an offer back from its clerk (ticket leaving or clerk leaving), clerk made available. */
  private withdrawFromClerk(ticket: TicketRecord, now: number): void {
    if (ticket.state !== 'offered' || !ticket.offeredTo) return;
    const clerk = this.clerks.get(ticket.offeredTo);
    if (!clerk) return;
    this.putClerk(clerk, clerkTransition(clerk, { type: 'offer_withdrawn' }, now), now);
    this.events.push({ type: 'offer:withdrawn', clerkId: clerk.id, ticketId: ticket.id, reason: 'cancelled' });
  }

  cancel(id: TicketId, now: number): TicketRecord {
    const ticket = this.ticket(id);
    const next = ticketTransition(ticket, { type: 'cancel' }, now);
    this.withdrawFromClerk(ticket, now);
    this.putTicket(ticket, next, 'cancelled');
    this.day(next.queue, now).abandoned++;
    return next;
  }

  drop(id: TicketId, now: number): TicketRecord {
    const ticket = this.ticket(id);
    // A connected citizen's media reconnects by itself; a dropped ticket stays dropped.
    if (ticket.state === 'connected' || (ticket.state === 'waiting' && ticket.dropDeadline !== null)) return ticket;
    const next = ticketTransition(ticket, { type: 'drop', deadline: now + this.options.dropGraceSeconds * 1000 }, now);
    this.withdrawFromClerk(ticket, now);
    this.putTicket(ticket, next, 'dropped');
    return next;
  }

  resume(id: TicketId, secret: string, now: number): TicketRecord {
    const ticket = this.ticket(id);
    if (this.secrets.get(id) !== secret) throw new AblakError('RESUME_REJECTED', 'this browser cannot resume the ticket');
    if (ticket.state !== 'waiting' || ticket.dropDeadline === null) {
      if (ticket.state === 'ended' || ticket.state === 'abandoned' || ticket.state === 'expired') {
        throw new AblakError('TICKET_CLOSED', `ticket ${id} is ${ticket.state}`);
      }
      return ticket;
    }
    const next = ticketTransition(ticket, { type: 'resume' }, now);
    this.putTicket(ticket, next, 'resumed');
    return next;
  }

  registerClerk(profile: ClerkProfile, now: number): ClerkView {
    for (const s of profile.skills) this.catalogue.queue(s.queue);
    const prev = this.clerks.get(profile.id);
    const next: ClerkRecord = prev ? { ...prev, ...profile } : newClerk(profile, now);
    this.putClerk(prev, next, now);
    return this.view(next, now);
  }

  setClerkState(id: ClerkId, requested: RequestedClerkState, now: number): ClerkView {
    const clerk = this.clerk(id);
    const next = clerkTransition(clerk, { type: 'request', requested }, now);
    const offered = clerk.state === 'offered' && clerk.offerTicket ? this.tickets.get(clerk.offerTicket) : undefined;
    if (offered) {
      this.putTicket(offered, ticketTransition(offered, { type: 'offer_returned' }, now), 'offer_returned');
      this.events.push({ type: 'offer:withdrawn', clerkId: id, ticketId: offered.id, reason: 'cancelled' });
    }
    this.putClerk(clerk, next, now);
    return this.view(next, now);
  }

  match(now: number, limit: number): OfferRecord[] {
    return matchStep(this, now, limit);
  }

  currentOffer(id: ClerkId): OfferRecord | null {
    const clerk = this.clerks.get(id);
    if (!clerk || clerk.state !== 'offered' || !clerk.offerTicket || clerk.offerDeadline === null) return null;
    const ticket = this.tickets.get(clerk.offerTicket);
    if (!ticket) return null;
    return { clerkId: id, ticket, offeredAt: clerk.lastOfferAt, deadline: clerk.offerDeadline };
  }

  /** The clerk's live offer of `ticketId`, or the typed reason why there is none. */
  private liveOffer(clerkId: ClerkId, ticketId: TicketId, now: number): { clerk: ClerkRecord; ticket: TicketRecord } {
    const clerk = this.clerk(clerkId);
    const ticket = this.ticket(ticketId);
    if (ticket.state === 'offered' && ticket.offeredTo !== clerkId) {
      throw new AblakError('OFFER_NOT_YOURS', `ticket ${ticketId} is offered to another clerk`);
    }
    if (clerk.state !== 'offered' || clerk.offerTicket !== ticketId || clerk.offerDeadline === null || clerk.offerDeadline <= now) {
      throw new AblakError('OFFER_EXPIRED', `the offer of ticket ${ticketId} is no longer open`);
    }
    return { clerk, ticket };
  }

  accept(clerkId: ClerkId, ticketId: TicketId, now: number): CallRecord {
    const { clerk, ticket } = this.liveOffer(clerkId, ticketId, now);
    const id = `call-${++this.callSeq}` as CallId;
    const waitedSeconds = (now - ticket.queuedAt) / 1000;
    const call: CallRecord = {
      id,
      ticketId,
      queue: ticket.queue,
      caseType: ticket.caseType,
      clerkId,
      clerkName: clerk.displayName,
      citizenName: ticket.displayName,
      language: ticket.language,
      room: ticket.room,
      startedAt: now,
      waitedSeconds,
      transferNote: ticket.transferNote,
      endedAt: null,
      endReason: null,
      caseReference: null,
      rating: null,
      ratingComment: null,
    };
    this.putTicket(ticket, ticketTransition(ticket, { type: 'accept', callId: id }, now), 'connected');
    this.putClerk(clerk, clerkTransition(clerk, { type: 'accept', callId: id }, now), now);
    this.calls.set(id, call);
    this.activeCalls.add(id);
    this.recordAnswer(ticket.queue, waitedSeconds, now);
    this.events.push({ type: 'call:started', call });
    return call;
  }

  decline(clerkId: ClerkId, ticketId: TicketId, now: number): void {
    const { clerk, ticket } = this.liveOffer(clerkId, ticketId, now);
    this.putTicket(ticket, ticketTransition(ticket, { type: 'offer_returned' }, now), 'offer_returned');
    this.putClerk(clerk, clerkTransition(clerk, { type: 'decline', rejectDelayMs: this.options.rejectDelaySeconds * 1000 }, now), now);
    this.events.push({ type: 'offer:withdrawn', clerkId, ticketId, reason: 'declined' });
  }

  sweep(now: number): SweepResult {
    const result: SweepResult = { expiredOffers: [], expiredDrops: [], wrapUpsEnded: [] };
    for (const e of this.offers.upTo(now)) {
      const offer = this.currentOffer(e.id as ClerkId);
      const clerk = this.clerks.get(e.id as ClerkId);
      if (!offer || !clerk) continue;
      this.putTicket(offer.ticket, ticketTransition(offer.ticket, { type: 'offer_returned' }, now), 'offer_returned');
      this.putClerk(clerk, clerkTransition(clerk, { type: 'offer_timeout' }, now), now);
      this.events.push({ type: 'offer:withdrawn', clerkId: clerk.id, ticketId: offer.ticket.id, reason: 'timeout' });
      result.expiredOffers.push(offer);
    }
    for (const e of this.drops.upTo(now)) {
      const ticket = this.tickets.get(e.id as TicketId);
      if (!ticket) continue;
      const next = ticketTransition(ticket, { type: 'drop_expired' }, now);
      this.putTicket(ticket, next, 'expired');
      this.day(next.queue, now).abandoned++;
      result.expiredDrops.push(next);
    }
    for (const e of this.wrapUps.upTo(now)) {
      const clerk = this.clerks.get(e.id as ClerkId);
      if (!clerk) continue;
      const next = clerkTransition(clerk, { type: 'wrapup_expired' }, now);
      this.putClerk(clerk, next, now);
      result.wrapUpsEnded.push(this.view(next, now));
    }
    this.forgetClosed(now);
    return result;
  }

  /** Forgets tickets and calls closed longer ago than the retention (no event: nobody waits on them). */
  private forgetClosed(now: number): void {
    const before = now - this.options.retentionSeconds * 1000;
    for (const e of this.closedTickets.upTo(before)) {
      this.closedTickets.delete(e.id);
      this.tickets.delete(e.id as TicketId);
      this.secrets.delete(e.id as TicketId);
    }
    for (const e of this.closedCalls.upTo(before)) {
      this.closedCalls.delete(e.id);
      this.calls.delete(e.id as CallId);
    }
  }

  /** Ends the call on the clerk's side: clerk to wrap_up, counters and handle time recorded. */
  private closeCall(call: CallRecord, reason: CallEndReason, now: number): { call: CallRecord; clerk: ClerkRecord; wrapUpUntil: number } {
    const clerk = this.clerk(call.clerkId);
    const wrapUpUntil = now + this.catalogue.queue(call.queue).wrapUpSeconds * 1000;
    const talkSeconds = (now - call.startedAt) / 1000;
    const nextClerk = clerkTransition(clerk, { type: 'call_end', wrapUpUntil, talkSeconds, day: dayOf(now) }, now);
    const ended: CallRecord = { ...call, endedAt: now, endReason: reason };
    this.putClerk(clerk, nextClerk, now);
    this.calls.set(call.id, ended);
    this.activeCalls.delete(call.id);
    this.closedCalls.add(call.id, now);
    this.recordHandle(call.queue, talkSeconds, now);
    this.events.push({ type: 'call:ended', call: ended, wrapUpUntil });
    return { call: ended, clerk: nextClerk, wrapUpUntil };
  }

  endCall(callId: CallId, reason: CallEndReason, now: number): { call: CallRecord; wrapUpUntil: number; clerk: ClerkView } {
    const call = this.call(callId);
    if (call.endedAt !== null) throw new AblakError('CONFLICT', `call ${callId} already ended`);
    const ticket = this.ticket(call.ticketId);
    const nextTicket = ticketTransition(ticket, { type: 'end', reason }, now);
    const closed = this.closeCall(call, reason, now);
    this.putTicket(ticket, nextTicket, 'ended');
    return { call: closed.call, wrapUpUntil: closed.wrapUpUntil, clerk: this.view(closed.clerk, now) };
  }

  wrapUpDone(clerkId: ClerkId, next: AfterWrapUp, now: number): ClerkView {
    const clerk = this.clerk(clerkId);
    const updated = clerkTransition(clerk, { type: 'wrapup_done', next }, now);
    this.putClerk(clerk, updated, now);
    return this.view(updated, now);
  }

  transfer(callId: CallId, target: TransferTarget, note: string, now: number): { call: CallRecord; ticket: TicketRecord; clerk: ClerkView } {
    const call = this.call(callId);
    if (call.endedAt !== null) throw new AblakError('CONFLICT', `call ${callId} already ended`);
    const ticket = this.ticket(call.ticketId);
    const queue = target.kind === 'queue' ? this.catalogue.queue(target.queue).id : ticket.queue;
    const directClerk = target.kind === 'clerk' ? this.clerk(target.clerk).id : null;
    if (directClerk === call.clerkId) throw new AblakError('CONFLICT', 'cannot transfer a call to its own clerk');
    const nextTicket = ticketTransition(
      ticket,
      { type: 'transfer', queue, directClerk, note: note === '' ? null : note, priority: transferPriority(ticket.priority) },
      now,
    );
    const closed = this.closeCall(call, 'transferred', now);
    this.putTicket(ticket, nextTicket, 'transferred');
    return { call: closed.call, ticket: nextTicket, clerk: this.view(closed.clerk, now) };
  }

  nextCaseReference(year: number): CaseReference {
    const n = (this.caseCounters.get(year) ?? 0) + 1;
    this.caseCounters.set(year, n);
    return formatCaseReference(year, n);
  }

  openCase(callId: CallId, now: number, reference?: CaseReference): CaseReference {
    const call = this.call(callId);
    if (call.caseReference) return call.caseReference;
    const ref = reference ?? this.nextCaseReference(new Date(now).getUTCFullYear());
    this.calls.set(callId, { ...call, caseReference: ref });
    return ref;
  }

  rateCall(callId: CallId, rating: number, comment: string | null, now: number): CallRecord {
    const call = this.call(callId);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new AblakError('BAD_REQUEST', 'rating must be 1 to 5');
    if (call.rating !== null) throw new AblakError('CONFLICT', `call ${callId} is already rated`);
    const rated = { ...call, rating, ratingComment: comment };
    this.calls.set(callId, rated);
    const d = this.day(call.queue, now);
    d.ratingSum += rating;
    d.ratingCount++;
    this.touch(call.queue);
    return rated;
  }
}
