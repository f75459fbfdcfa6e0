/**
 * The desk: the whole queue state in memory, as plain data plus sorted indexes, and every step as a
 * method that first checks (throwing a typed error, nothing changed) and then writes. MemoryStore
 * wraps it; RedisStore's Lua scripts keep the same indexes in Redis and follow the same rules.
 *
 * Indexes (their Redis twins in store/redis/lua-lib.ts):
 * - waiting tickets per queue key (queue id, or `@clerkId` for a transfer to a named clerk), by sortKey;
 * - active: the waiting keys that hold a ticket, by their head's sortKey (Redis `active`);
 * - available clerks per (queue, skill level), by the queue's strategy key;
 * - offers by deadline, dropped tickets by grace end, wrap-ups by end; counts of clerks by state;
 * - closed tickets and ended calls by when they closed, forgotten by the sweep after the retention.
 */
import type { CallId, ClerkId, ClerkState, QueueId, TicketId } from '@ablak/protocol';
import type { Catalogue } from './catalogue';
import { STAFFED_STATES, strategyKey, toClerkView } from './clerk';
import type { DeskEvent, TicketMoveReason } from './events';
import type { CallRecord, ClerkRecord, TicketRecord } from './model';
import { SortedSet } from './sorted';
import { FINAL_TICKET_STATES } from './ticket';
import { RECENT_HANDLES, WINDOW_MS, dayOf, emptyDayCounters, type DayCounters } from './stats';

export interface DeskOptions {
  /** Grace period of a dropped citizen, seconds (default 60). */
  dropGraceSeconds: number;
  /** After a decline the clerk is offered nothing for this long, seconds (default 10). */
  rejectDelaySeconds: number;
  /** How many waiting tickets per queue, and available clerks per skill level, one match step looks at. */
  scanDepth: number;
  /** Closed tickets (ended, abandoned, expired) and ended calls are forgotten by the sweep this long
   * after they closed, seconds (default 86,400: a day). Day figures are kept apart and last longer. */
  retentionSeconds: number;
}

export const DEFAULT_DESK_OPTIONS: DeskOptions = { dropGraceSeconds: 60, rejectDelaySeconds: 10, scanDepth: 32, retentionSeconds: 86_400 };

/** Key of the waiting set a ticket sits in. */
export function waitingKey(ticket: Pick<TicketRecord, 'queue' | 'directClerk'>): string {
  return ticket.directClerk ? `@${ticket.directClerk}` : ticket.queue;
}

export class DeskState {
  readonly tickets = new Map<TicketId, TicketRecord>();
  readonly secrets = new Map<TicketId, string>();
  readonly waiting = new Map<string, SortedSet>();
  /** Waiting keys that hold a ticket, by the sort key of their head ticket (the match step's entry). */
  readonly active = new SortedSet();
  readonly clerks = new Map<ClerkId, ClerkRecord>();
  /** Per queue, available clerks of each skill level (index = level) by strategy key. */
  readonly available = new Map<QueueId, SortedSet[]>();
  readonly clerkCounts = new Map<QueueId, Record<ClerkState, number>>();
  /** Per queue, how many staffed clerks hold each skill level (index = level). */
  readonly staffedLevels = new Map<QueueId, number[]>();
  readonly offers = new SortedSet();
  readonly drops = new SortedSet();
  readonly wrapUps = new SortedSet();
  /** Closed tickets and ended calls by when they closed (retention). */
  readonly closedTickets = new SortedSet();
  readonly closedCalls = new SortedSet();
  readonly calls = new Map<CallId, CallRecord>();
  readonly activeCalls = new Set<CallId>();
  readonly caseCounters = new Map<number, number>();
  readonly dayCounters = new Map<string, DayCounters>();
  readonly answers = new Map<QueueId, { at: number; inTarget: boolean }[]>();
  readonly arrivals = new Map<QueueId, number[]>();
  readonly recentHandles = new Map<QueueId, number[]>();
  callSeq = 0;
  events: DeskEvent[] = [];
  private touched = new Set<QueueId>();

  constructor(
    readonly catalogue: Catalogue,
    readonly options: DeskOptions,
  ) {}

  /** Hands out the events of the last step, with one stats:changed for the queues it touched. */
  drainEvents(): DeskEvent[] {
    const out = this.events;
    if (this.touched.size > 0) out.push({ type: 'stats:changed', queues: [...this.touched] });
    this.events = [];
    this.touched = new Set();
    return out;
  }

  waitingSet(key: string): SortedSet {
    let set = this.waiting.get(key);
    if (!set) this.waiting.set(key, (set = new SortedSet()));
    return set;
  }

  availableSet(queue: QueueId, level: number): SortedSet {
    let levels = this.available.get(queue);
    if (!levels) this.available.set(queue, (levels = []));
    let set = levels[level];
    if (!set) levels[level] = set = new SortedSet();
    return set;
  }

  counts(queue: QueueId): Record<ClerkState, number> {
    let c = this.clerkCounts.get(queue);
    if (!c) this.clerkCounts.set(queue, (c = { offline: 0, available: 0, offered: 0, busy: 0, wrap_up: 0, away: 0 }));
    return c;
  }

  /** Best (lowest) skill level among clerks staffing `queue`, or 10 when nobody does. */
  bestStaffedLevel(queue: QueueId): number {
    const levels = this.staffedLevels.get(queue);
    if (levels) for (let l = 1; l <= 9; l++) if ((levels[l] ?? 0) > 0) return l;
    return 10;
  }

  private countLevel(queue: QueueId, level: number, delta: number): void {
    let levels = this.staffedLevels.get(queue);
    if (!levels) this.staffedLevels.set(queue, (levels = new Array<number>(10).fill(0)));
    levels[level] = (levels[level] ?? 0) + delta;
  }

  /** A figure of the queue changed (e.g. its ratings) without a ticket or clerk moving. */
  touch(queue: QueueId): void {
    this.touched.add(queue);
  }

  day(queue: QueueId, now: number): DayCounters {
    const key = `${dayOf(now)}|${queue}`;
    let d = this.dayCounters.get(key);
    if (!d) this.dayCounters.set(key, (d = emptyDayCounters()));
    return d;
  }

  /** Puts a waiting key's head into `active` (or takes the key out when it is empty). */
  private refreshActive(key: string): void {
    const head = this.waiting.get(key)?.first();
    if (!head) this.active.delete(key);
    else if (this.active.score(key) !== head.score) this.active.add(key, head.score);
  }

  /** Writes a ticket and keeps the waiting, active and drop indexes in step. */
  putTicket(prev: TicketRecord | undefined, next: TicketRecord, reason: TicketMoveReason): void {
    if (prev) {
      const key = waitingKey(prev);
      if (this.waiting.get(key)?.delete(prev.id)) this.refreshActive(key);
      this.drops.delete(prev.id);
    }
    this.tickets.set(next.id, next);
    if (next.state === 'waiting' && next.dropDeadline === null) {
      const key = waitingKey(next);
      this.waitingSet(key).add(next.id, next.score);
      this.refreshActive(key);
    }
    if (next.state === 'waiting' && next.dropDeadline !== null) this.drops.add(next.id, next.dropDeadline);
    if (FINAL_TICKET_STATES.includes(next.state) && !this.closedTickets.has(next.id)) this.closedTickets.add(next.id, next.stateSince);
    this.events.push({ type: 'ticket:moved', ticketId: next.id, queue: next.queue, state: next.state, reason });
    this.touched.add(next.queue);
    if (prev && prev.queue !== next.queue) this.touched.add(prev.queue);
  }

  /** Writes a clerk and keeps the availability, count, offer and wrap-up indexes in step. */
  putClerk(prev: ClerkRecord | undefined, next: ClerkRecord, now: number): void {
    const day = dayOf(now);
    if (prev) {
      for (const s of prev.skills) {
        this.counts(s.queue)[prev.state]--;
        if (STAFFED_STATES.includes(prev.state)) this.countLevel(s.queue, s.level, -1);
        this.availableSet(s.queue, s.level).delete(prev.id);
        this.touched.add(s.queue);
      }
      this.offers.delete(prev.id);
      this.wrapUps.delete(prev.id);
    }
    this.clerks.set(next.id, next);
    for (const s of next.skills) {
      this.counts(s.queue)[next.state]++;
      if (STAFFED_STATES.includes(next.state)) this.countLevel(s.queue, s.level, 1);
      this.touched.add(s.queue);
      if (next.state === 'available') {
        const strategy = this.catalogue.queues.get(s.queue)?.strategy ?? 'longest-idle';
        this.availableSet(s.queue, s.level).add(next.id, strategyKey(next, strategy, day));
      }
    }
    if (next.state === 'offered' && next.offerDeadline !== null) this.offers.add(next.id, next.offerDeadline);
    if (next.state === 'wrap_up' && next.wrapUpUntil !== null) this.wrapUps.add(next.id, next.wrapUpUntil);
    this.events.push({ type: 'clerk:state-changed', clerk: toClerkView(next, day) });
  }

  /**
   * Writes one offer: what putTicket and putClerk would do for the two `offer` transitions (waiting
   * ticket → offered, available clerk → offered), without their general cases, as the match step makes
   * many of them (desk.test.ts checks the indexes after random walks that include offers).
   */
  putOffer(ticket: TicketRecord, nextTicket: TicketRecord, clerk: ClerkRecord, nextClerk: ClerkRecord, now: number): void {
    const key = waitingKey(ticket);
    if (this.waiting.get(key)?.delete(ticket.id)) this.refreshActive(key);
    this.tickets.set(nextTicket.id, nextTicket);
    this.events.push({ type: 'ticket:moved', ticketId: nextTicket.id, queue: nextTicket.queue, state: 'offered', reason: 'offered' });
    this.touched.add(nextTicket.queue);
    for (const s of clerk.skills) {
      const counts = this.counts(s.queue);
      counts.available--;
      counts.offered++;
      this.availableSet(s.queue, s.level).delete(clerk.id);
      this.touched.add(s.queue);
    }
    this.clerks.set(nextClerk.id, nextClerk);
    if (nextClerk.offerDeadline !== null) this.offers.add(nextClerk.id, nextClerk.offerDeadline);
    this.events.push({ type: 'clerk:state-changed', clerk: toClerkView(nextClerk, dayOf(now)) });
  }

  recordArrival(queue: QueueId, now: number): void {
    const list = this.arrivals.get(queue) ?? [];
    list.push(now);
    trimWindow(list, now, (t) => t);
    this.arrivals.set(queue, list);
  }

  recordAnswer(queue: QueueId, waitedSeconds: number, now: number): void {
    const def = this.catalogue.queue(queue);
    const inTarget = waitedSeconds <= def.targetAnswerSeconds;
    const d = this.day(queue, now);
    d.answered++;
    d.answerWaitSeconds += waitedSeconds;
    if (inTarget) d.answeredInTarget++;
    const list = this.answers.get(queue) ?? [];
    list.push({ at: now, inTarget });
    trimWindow(list, now, (a) => a.at);
    this.answers.set(queue, list);
  }

  recordHandle(queue: QueueId, seconds: number, now: number): void {
    const d = this.day(queue, now);
    d.handled++;
    d.handleSeconds += seconds;
    const list = this.recentHandles.get(queue) ?? [];
    list.push(seconds);
    if (list.length > RECENT_HANDLES) list.splice(0, list.length - RECENT_HANDLES);
    this.recentHandles.set(queue, list);
  }
}

/** Drops entries older than the 15-minute window from the front of a time-ordered list. */
export function trimWindow<T>(list: T[], now: number, at: (item: T) => number): void {
  let n = 0;
  while (n < list.length && at(list[n] as T) <= now - WINDOW_MS) n++;
  if (n > 0) list.splice(0, n);
}
