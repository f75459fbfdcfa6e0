import { z } from 'zod';
import { Empty } from './ack';
import { CallEndReason, CallSummary, ChatText, MediaAccess, TransferTarget, sharedPushes } from './common';
import {
  AccessibilityNeed,
  AwayReason,
  CaseReference,
  ChatMessage,
  ClerkState,
  ClerkView,
  Language,
  LocalizedText,
  OfferOutcome,
  PriorityReason,
} from './domain';
import { CallId, CaseTypeCode, ClerkId, OfficeId, QueueId, TicketId } from './ids';
import { clerkRecordRequests } from './records';
import { definePushes, defineRequests } from './rpc';

export const SettableClerkState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('available') }),
  z.object({ state: z.literal('offline') }),
  z.object({ state: z.literal('away'), reason: AwayReason.exclude(['no_answer', 'supervisor']) }),
]);
export type SettableClerkState = z.infer<typeof SettableClerkState>;

export const Offer = z.object({
  ticketId: TicketId,
  queue: QueueId,
  caseType: CaseTypeCode,
  caseTypeName: LocalizedText,
  citizenFirstName: z.string(),
  language: Language,
  accessibility: z.array(AccessibilityNeed),
  priority: PriorityReason,
  enqueuedAt: z.number(),
  deadline: z.number(),
  /** When the offer was made (server clock): the countdown runs from here to `deadline`. */
  offeredAt: z.number().optional(),
  transferNote: z.string().nullable(),
});
export type Offer = z.infer<typeof Offer>;

/** A clerk a transfer can name (`clerk:colleagues`). */
export const Colleague = z.object({
  id: ClerkId,
  displayName: z.string(),
  office: OfficeId,
  officeName: z.string(),
  state: ClerkState,
  /** Queue ids the colleague holds a skill for. */
  skills: z.array(QueueId),
});
export type Colleague = z.infer<typeof Colleague>;

/** One entry of a call's notes (`call:notes`, oldest first). */
export const CallNote = z.object({
  at: z.number(),
  text: z.string(),
  /** Set on the entry `wrapup:done` writes; null on notes taken during the call. */
  outcome: OfferOutcome.nullable(),
});
export type CallNote = z.infer<typeof CallNote>;

export const clerkRequests = defineRequests({
  'clerk:hello': { request: z.object({}).strict(), result: z.object({ clerk: ClerkView, offer: Offer.nullable(), call: CallSummary.nullable() }) },
  'clerk:set-state': { request: SettableClerkState, result: z.object({ clerk: ClerkView }) },
  'offer:accept': {
    request: z.object({ ticketId: TicketId }),
    result: z.object({ call: CallSummary, media: MediaAccess }),
  },
  'offer:decline': { request: z.object({ ticketId: TicketId }), result: Empty },
  /**
   * While an offer is on screen: a prepare grant for the offered call's room (`MediaGrantClaims.prepare`),
   * for the clerk's standby session to get ready with (`media:prepare`), so accepting only resumes what
   * is already wired. Refused with OFFER_NOT_YOURS for a ticket not offered to this clerk now. `media`
   * names the node of the call; a session on another node cannot prepare (it joins after accept).
   */
  'offer:prepare-media': { request: z.object({ ticketId: TicketId }), result: z.object({ media: MediaAccess }) },
  /**
   * Media access to the clerk's own standby room: the console keeps a media session there while the
   * clerk is signed in (camera and mic published paused, transports connected), and on accept moves
   * that session into the call (`media:switch-room` with the accept's grant) instead of opening a new one.
   *
   * `near`: a ticket offered to this clerk now. The answer is then a standby room of this clerk on the
   * SFU node of that ticket's call (placing the call as `offer:prepare-media` would): in a fleet the
   * citizen may wait warm on another node than the clerk's standby, and a session can only switch into
   * a room of its own node, so the console opens a second warm session there during the offer (a
   * satellite) and prepares that one. Refused with OFFER_NOT_YOURS for a ticket not offered to this
   * clerk now.
   */
  'clerk:standby-media': {
    request: z.object({ near: TicketId.optional() }).strict(),
    result: z.object({ media: MediaAccess }),
  },
  /**
   * Clerks a transfer can name, the caller excluded: everyone of the caller's office, plus anyone
   * available who shares a skill with the caller. Available first, then the own office, then by name.
   */
  'clerk:colleagues': { request: z.object({}).strict(), result: z.object({ colleagues: z.array(Colleague) }) },
  /** A fresh MediaAccess for the clerk's own open call (a console reloaded mid-call gets its media back). */
  'call:media': { request: z.object({ callId: CallId }), result: z.object({ media: MediaAccess }) },
  'chat:send': { request: z.object({ callId: CallId, text: ChatText }), result: z.object({ message: ChatMessage }) },
  /** The chat of one of the clerk's own calls (open or in wrap-up), oldest first: a reloaded console gets it back. */
  'chat:history': { request: z.object({ callId: CallId }), result: z.object({ messages: z.array(ChatMessage) }) },
  'call:note': { request: z.object({ callId: CallId, text: z.string().max(5000) }), result: Empty },
  /** The notes of one of the clerk's own calls (open or in wrap-up), oldest first. */
  'call:notes': { request: z.object({ callId: CallId }), result: z.object({ notes: z.array(CallNote) }) },
  'case:open': { request: z.object({ callId: CallId }), result: z.object({ caseReference: CaseReference }) },
  'call:transfer': {
    request: z.object({ callId: CallId, target: TransferTarget, note: z.string().trim().max(1000).default('') }),
    result: Empty,
  },
  'call:end': { request: z.object({ callId: CallId }), result: z.object({ wrapUpUntil: z.number() }) },
  'wrapup:done': {
    request: z.object({
      outcome: OfferOutcome.optional(),
      notes: z.string().max(5000).optional(),
      /** Where to go after wrap-up; defaults to available. */
      next: z.enum(['available', 'away', 'offline']).default('available'),
    }),
    result: z.object({ clerk: ClerkView }),
  },
  ...clerkRecordRequests,
});
export type ClerkRequests = typeof clerkRequests;

export const clerkPushes = definePushes({
  ...sharedPushes,
  'clerk:state-changed': ClerkView,
  'offer:received': Offer,
  /** `declined`: this clerk declined it (from another tab too); `cancelled`: the citizen left. */
  'offer:withdrawn': z.object({ ticketId: TicketId, reason: z.enum(['timeout', 'cancelled', 'taken', 'declined']) }),
  'call:ended': z.object({ callId: CallId, reason: CallEndReason, wrapUpUntil: z.number() }),
});
export type ClerkPushes = typeof clerkPushes;
