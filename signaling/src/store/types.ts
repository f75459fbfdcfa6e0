/**
 * The store: the one place where shared queue state lives. The signaling server calls only this
 * interface; `MemoryStore` (embedded default, unit tests) and `RedisStore` (fleet) implement it and
 * pass one contract suite (store/contract.ts).
 *
 * Every method is one atomic step: it either applies completely or throws an `AblakError` (codes
 * from @ablak/protocol) and changes nothing. On Redis each multi-key step is one Lua script.
 * Every method that changes state takes `now` (ms since epoch) from the caller, so tests and all
 * nodes agree on time; nothing in a store runs on a timer — call `sweep(now)` periodically (every
 * node may: each expiry happens once).
 */
import type {
  CallEndReason,
  CallId,
  CaseReference,
  ClerkId,
  ClerkView,
  QueueId,
  QueuePosition,
  QueueStats,
  SfuNodeId,
  SfuNodeInfo,
  TicketId,
  TransferTarget,
} from '@ablak/protocol';
import type { Catalogue } from '../queue/catalogue';
import type { DeskEvent, TicketMoveReason } from '../queue/events';
import type { EnqueueInput, RequestedClerkState, SweepResult } from '../queue/inputs';
import type { AfterWrapUp, CallRecord, ClerkProfile, ClerkRecord, OfferRecord, TicketRecord } from '../queue/model';

export type { AfterWrapUp, CallRecord, ClerkProfile, ClerkRecord, OfferRecord, TicketRecord };

export type { EnqueueInput, RequestedClerkState, SweepResult };

export interface MatchOptions {
  /** Most offers to make in this step (default 100). */
  limit?: number;
}

export interface EndCallResult {
  call: CallRecord;
  /** The clerk is in wrap_up until this time (then available unless they chose otherwise). */
  wrapUpUntil: number;
  clerk: ClerkView;
}

export interface TransferResult {
  /** The ended call (reason `transferred`). */
  call: CallRecord;
  /** The ticket, waiting again in the target queue (or for the named clerk), priority kept. */
  ticket: TicketRecord;
  clerk: ClerkView;
}

/** Events every signaling node receives (Redis pub/sub in fleet mode), for pushing to sockets. */
export type StoreEvent = DeskEvent;
export type { TicketMoveReason };

export type StoreListener = (event: StoreEvent) => void;

export interface Store {
  /** Case types and queues this store routes with (fixed for the store's life). */
  readonly catalogue: Catalogue;

  /** Takes a ticket for a case type (UNKNOWN_CASE_TYPE); an existing id returns that ticket unchanged. */
  enqueue(input: EnqueueInput, now: number): Promise<TicketRecord>;
  /** The citizen leaves: a waiting or offered ticket becomes `abandoned` (an offer is withdrawn). */
  cancel(ticketId: TicketId, now: number): Promise<TicketRecord>;
  /** The citizen's connection dropped: a waiting/offered ticket leaves matching until `now + grace`. */
  drop(ticketId: TicketId, now: number): Promise<TicketRecord>;
  /** The same browser is back with its secret (RESUME_REJECTED otherwise): same place as before. */
  resume(ticketId: TicketId, resumeSecret: string, now: number): Promise<TicketRecord>;
  /** A ticket, or null. */
  getTicket(ticketId: TicketId): Promise<TicketRecord | null>;

  /** Creates or updates a clerk's profile (a new clerk starts offline; state is kept otherwise). */
  registerClerk(profile: ClerkProfile, now: number): Promise<ClerkView>;
  /** available / away(reason) / offline; in wrap_up it chooses the state after wrap-up; CONFLICT while busy. */
  setClerkState(clerkId: ClerkId, requested: RequestedClerkState, now: number): Promise<ClerkView>;
  /** A clerk's view, or null. */
  getClerk(clerkId: ClerkId): Promise<ClerkView | null>;
  /** Every registered clerk's view (supervisor board). */
  clerkViews(): Promise<ClerkView[]>;

  /** Pairs waiting tickets with available clerks (rules in queue/matching.ts); returns the offers made. */
  match(now: number, options?: MatchOptions): Promise<OfferRecord[]>;
  /** The offer a clerk holds now, or null. */
  currentOffer(clerkId: ClerkId): Promise<OfferRecord | null>;
  /** Clerk takes its offer → call (OFFER_EXPIRED past the deadline or gone, OFFER_NOT_YOURS). */
  accept(clerkId: ClerkId, ticketId: TicketId, now: number): Promise<CallRecord>;
  /** Clerk refuses its offer: ticket back in its place, clerk available after the reject delay. */
  decline(clerkId: ClerkId, ticketId: TicketId, now: number): Promise<void>;
  /** Expires offers past their deadline, drops past their grace, wrap-ups past their end; each once. */
  sweep(now: number): Promise<SweepResult>;

  /** Ends a call: ticket `ended`, clerk in wrap_up for the queue's wrap-up time. */
  endCall(callId: CallId, reason: CallEndReason, now: number): Promise<EndCallResult>;
  /** Clerk finishes wrap-up early and goes to `next`; CONFLICT unless in wrap_up. */
  wrapUpDone(clerkId: ClerkId, next: AfterWrapUp, now: number): Promise<ClerkView>;
  /** Sends a connected citizen to another queue or a named clerk, priority kept, with a note. */
  transfer(callId: CallId, target: TransferTarget, note: string, now: number): Promise<TransferResult>;

  /** One ticket's place: position (offered = 1), estimated wait, clerks serving its queue. */
  position(ticketId: TicketId, now: number): Promise<QueuePosition>;
  /** Places of a queue's waiting tickets, best first (at most `limit`, default 1000). */
  positions(queue: QueueId, now: number, limit?: number): Promise<QueuePosition[]>;
  /** Figures per queue (all queues when omitted), as the supervisor board shows them. */
  queueStats(now: number, queues?: QueueId[]): Promise<QueueStats[]>;

  /** The call, or null. */
  getCall(callId: CallId): Promise<CallRecord | null>;
  /** Calls not yet ended. */
  activeCalls(): Promise<CallRecord[]>;
  /**
   * Gives the call a case reference once; again returns the same. `reference` (from the record
   * database's sequence, unique across the fleet and restarts) is used when given; without it the
   * store's own counter per year (ABL-YYYY-NNNNNN) issues one.
   */
  openCase(callId: CallId, now: number, reference?: CaseReference): Promise<CaseReference>;
  /** Next case reference of `year` from a counter that only grows. */
  nextCaseReference(year: number): Promise<CaseReference>;
  /** Records the citizen's 1–5 rating of a call once (BAD_REQUEST outside 1–5, CONFLICT on a second rating). */
  rateCall(callId: CallId, rating: number, comment: string | null, now: number): Promise<CallRecord>;

  /** Writes an SFU node's heartbeat (hash SFU_REGISTRY_REDIS_KEY in Redis). */
  putSfuNode(info: SfuNodeInfo): Promise<void>;
  /** Removes an SFU node. */
  removeSfuNode(id: SfuNodeId): Promise<void>;
  /** SFU nodes whose heartbeat is younger than SFU_NODE_TTL_MS. */
  liveSfuNodes(now: number): Promise<SfuNodeInfo[]>;

  /** Receives every event from every node; resolves once subscribed; returns the unsubscribe. */
  subscribe(listener: StoreListener): Promise<() => void>;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}

/** Tunables of the matchmaker, the same on every node. */
export interface StoreOptions {
  /** Grace period of a dropped citizen (default 60 s). */
  dropGraceSeconds?: number;
  /** A declining clerk is offered nothing for this long (default 10 s). */
  rejectDelaySeconds?: number;
  /** Closed tickets and ended calls are forgotten by `sweep` this long after they closed (default 86,400 s). */
  retentionSeconds?: number;
}
