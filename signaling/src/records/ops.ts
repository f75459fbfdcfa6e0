/**
 * What the recorder writes: one small, idempotent operation per fact. Applying an op twice (after
 * a retry, a spool replay, or because every fleet node recorded the same store event) changes
 * nothing the second time. Ops are plain JSON so the spool can keep them on disk; they are parsed
 * with these schemas when read back.
 */
import {
  AccessibilityNeed,
  AuditAction,
  AuditActorRole,
  CallEndReason,
  CallId,
  CaseReference,
  CaseTypeCode,
  ClerkId,
  ContactChannel,
  Language,
  OfferOutcome,
  OfficeId,
  PriorityReason,
  QueueId,
  Role,
  TicketId,
} from '@ablak/protocol';
import { z } from 'zod';

const ms = z.number().finite();

export const RecordOp = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('contact.queued'),
    ticketId: TicketId,
    channel: ContactChannel,
    caseType: CaseTypeCode,
    queue: QueueId,
    language: Language,
    accessibility: z.array(AccessibilityNeed),
    priority: PriorityReason,
    citizenName: z.string(),
    queuedAt: ms,
  }),
  z.object({ kind: z.literal('offer.made'), ticketId: TicketId, clerkId: ClerkId, offeredAt: ms }),
  z.object({
    kind: z.literal('offer.decided'),
    ticketId: TicketId,
    clerkId: ClerkId,
    outcome: z.enum(['declined', 'missed', 'withdrawn']),
    at: ms,
  }),
  z.object({
    kind: z.literal('leg.started'),
    callId: CallId,
    ticketId: TicketId,
    clerkId: ClerkId,
    clerkName: z.string(),
    office: OfficeId.nullable(),
    region: z.string().nullable(),
    queue: QueueId,
    startedAt: ms,
    waitSeconds: z.number().nonnegative(),
    inTarget: z.boolean(),
  }),
  z.object({
    kind: z.literal('leg.ended'),
    callId: CallId,
    ticketId: TicketId,
    endedAt: ms,
    endReason: CallEndReason,
    /** The contact closed with this leg (not a transfer): its case is handed off. */
    final: z.boolean(),
  }),
  z.object({
    kind: z.literal('contact.transferred'),
    fromCallId: CallId,
    ticketId: TicketId,
    at: ms,
    fromClerk: ClerkId,
    toQueue: QueueId.nullable(),
    toClerk: ClerkId.nullable(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('contact.abandoned'),
    ticketId: TicketId,
    queue: QueueId,
    state: z.enum(['abandoned', 'expired']),
    at: ms,
  }),
  z.object({
    kind: z.literal('contact.rated'),
    ticketId: TicketId,
    callId: CallId,
    rating: z.number().int().min(1).max(5),
    comment: z.string().nullable(),
    at: ms,
  }),
  z.object({
    kind: z.literal('case.opened'),
    reference: CaseReference,
    ticketId: TicketId,
    callId: CallId,
    caseType: CaseTypeCode,
    citizenName: z.string(),
    clerkId: ClerkId,
    office: OfficeId.nullable(),
    at: ms,
  }),
  z.object({
    kind: z.literal('note.added'),
    id: z.string().min(1),
    ticketId: TicketId,
    callId: CallId,
    clerkId: ClerkId,
    text: z.string(),
    outcome: OfferOutcome.nullable(),
    at: ms,
  }),
  z.object({
    kind: z.literal('audit'),
    id: z.string().min(1),
    at: ms,
    actorId: z.string().min(1),
    actorRole: AuditActorRole,
    action: AuditAction,
    caseReference: CaseReference.nullable(),
    callId: CallId.nullable(),
    ticketId: TicketId.nullable(),
    subject: z.string().nullable(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('chat.sent'),
    id: z.string().min(1),
    ticketId: TicketId,
    callId: CallId,
    from: Role,
    fromName: z.string(),
    text: z.string(),
    at: ms,
  }),
]);
export type RecordOp = z.infer<typeof RecordOp>;
export type OpOf<K extends RecordOp['kind']> = Extract<RecordOp, { kind: K }>;
