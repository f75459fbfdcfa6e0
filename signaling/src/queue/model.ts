/**
 * The matchmaker's records: plain data, shared by the pure core, both stores and the signaling server.
 * Protocol types (ClerkView, QueuePosition, QueueStats …) are what leaves the server; these are what
 * the store keeps.
 */
import type {
  AccessibilityNeed,
  AwayReason,
  CallEndReason,
  CallId,
  CaseReference,
  CaseTypeCode,
  ClerkId,
  ClerkState,
  Language,
  OfficeId,
  PriorityReason,
  QueueId,
  RoomId,
  Skill,
  TicketId,
  TicketState,
} from '@ablak/protocol';

/** One citizen waiting for (or being served on) one case type. */
export interface TicketRecord {
  id: TicketId;
  displayName: string;
  caseType: CaseTypeCode;
  /** Queue of the case type, or the queue it was transferred to. */
  queue: QueueId;
  language: Language;
  accessibility: AccessibilityNeed[];
  priority: PriorityReason;
  /** When the citizen first took a ticket. */
  enqueuedAt: number;
  /** When the ticket entered its current queue (differs from enqueuedAt after a transfer). */
  queuedAt: number;
  /** Sort key in the queue, lower is served first: `enqueuedAt - priorityBoost` (see queue/score.ts). */
  score: number;
  state: TicketState;
  stateSince: number;
  /** Room the citizen warms up in while waiting; the call reuses it. */
  room: RoomId;
  /** Set while the citizen's connection is gone: the ticket keeps its place until this time. */
  dropDeadline: number | null;
  /** Clerk holding the current offer, and its deadline. */
  offeredTo: ClerkId | null;
  offerDeadline: number | null;
  /** Transfer to a named clerk: only that clerk is offered the ticket. */
  directClerk: ClerkId | null;
  transferNote: string | null;
  callId: CallId | null;
  /** How the ticket closed (ended, abandoned, expired), for people. */
  closedReason: string | null;
}

/** Everything the store keeps about a clerk. `toClerkView` (queue/clerk.ts) gives the protocol view. */
export interface ClerkRecord {
  id: ClerkId;
  displayName: string;
  office: OfficeId;
  skills: Skill[];
  languages: Language[];
  accessibility: AccessibilityNeed[];
  state: ClerkState;
  awayReason: AwayReason | null;
  stateSince: number;
  /** Calendar day (Europe/Budapest, YYYY-MM-DD) the two counters below belong to. */
  countersDay: string;
  callsToday: number;
  talkSecondsToday: number;
  currentCall: CallId | null;
  /** Ticket currently offered to this clerk, and the offer's deadline. */
  offerTicket: TicketId | null;
  offerDeadline: number | null;
  /** When the clerk last became available (longest-idle key). */
  idleSince: number;
  /** Last time an offer was made to this clerk (round-robin key). */
  lastOfferAt: number;
  /** Reject delay: available, but not offered anything before this time. */
  notBefore: number;
  /** While in wrap_up: when it ends and where the clerk goes then. */
  wrapUpUntil: number | null;
  afterWrapUp: AfterWrapUp;
}

export type AfterWrapUp =
  | { state: 'available' }
  | { state: 'offline' }
  | { state: 'away'; reason: AwayReason };

/** The profile a clerk is registered with (from the directory); state is kept across re-registration. */
export interface ClerkProfile {
  id: ClerkId;
  displayName: string;
  office: OfficeId;
  skills: Skill[];
  languages: Language[];
  accessibility: AccessibilityNeed[];
}

/** A ticket offered to one clerk until `deadline`. */
export interface OfferRecord {
  clerkId: ClerkId;
  ticket: TicketRecord;
  offeredAt: number;
  deadline: number;
}

/** A call between one clerk and one ticket's citizen. */
export interface CallRecord {
  id: CallId;
  ticketId: TicketId;
  queue: QueueId;
  caseType: CaseTypeCode;
  clerkId: ClerkId;
  clerkName: string;
  citizenName: string;
  language: Language;
  room: RoomId;
  startedAt: number;
  /** Seconds the citizen waited in this queue before the clerk accepted. */
  waitedSeconds: number;
  transferNote: string | null;
  endedAt: number | null;
  endReason: CallEndReason | null;
  caseReference: CaseReference | null;
  rating: number | null;
  ratingComment: string | null;
}
