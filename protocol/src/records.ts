/**
 * The system of record as people read it: contacts (every ticket's life), cases (reference, notes,
 * documents, hand-off to the back office), the supervisor's history and its CSV export, the audit
 * log of access to personal data, and the privacy notice the citizen reads before joining.
 *
 * Socket requests: `clerkRecordRequests` are part of the /clerk namespace's map, and
 * `supervisorRecordRequests` of the /supervisor one. HTTP routes are named in `recordRoutes`.
 */
import { z } from 'zod';
import { CallEndReason } from './common';
import {
  AccessibilityNeed,
  CaseReference,
  ChatMessage,
  Language,
  LocalizedText,
  OfferOutcome,
  PriorityReason,
  Role,
  SharedDocument,
} from './domain';
import { CallId, CaseTypeCode, ClerkId, OfficeId, QueueId, TicketId } from './ids';
import { defineRequests } from './rpc';

/** How the citizen reached the desk. Every ticket today is a video call. */
export const ContactChannel = z.enum(['video', 'chat', 'phone']);
export type ContactChannel = z.infer<typeof ContactChannel>;

/** Where a contact stands: waiting (or offered), in a call, or closed one of three ways. */
export const ContactState = z.enum(['waiting', 'in_call', 'ended', 'abandoned', 'expired']);
export type ContactState = z.infer<typeof ContactState>;

/** One offer of the ticket to one clerk, and how it went. */
export const ContactOffer = z.object({
  clerkId: ClerkId,
  offeredAt: z.number(),
  /** accepted; declined by the clerk; missed (deadline passed); withdrawn (citizen left or dropped). */
  outcome: z.enum(['pending', 'accepted', 'declined', 'missed', 'withdrawn']),
  decidedAt: z.number().nullable(),
});
export type ContactOffer = z.infer<typeof ContactOffer>;

/** One call of the contact: the first, and one more after each transfer. */
export const ContactLeg = z.object({
  callId: CallId,
  clerkId: ClerkId,
  clerkName: z.string(),
  office: OfficeId.nullable(),
  queue: QueueId,
  startedAt: z.number(),
  /** Seconds the citizen waited in this leg's queue before the clerk accepted. */
  waitSeconds: z.number().nonnegative(),
  endedAt: z.number().nullable(),
  endReason: CallEndReason.nullable(),
});
export type ContactLeg = z.infer<typeof ContactLeg>;

/** A transfer: from the clerk of one leg to a queue or a named clerk, with the clerk's note. */
export const ContactTransfer = z.object({
  at: z.number(),
  fromCallId: CallId,
  fromClerk: ClerkId,
  toQueue: QueueId.nullable(),
  toClerk: ClerkId.nullable(),
  reason: z.string(),
});
export type ContactTransfer = z.infer<typeof ContactTransfer>;

/** Every ticket's life, as recorded (times in ms since epoch, durations in seconds). */
export const ContactRecord = z.object({
  ticketId: TicketId,
  channel: ContactChannel,
  caseType: CaseTypeCode,
  caseTypeName: LocalizedText.nullable(),
  /** The queue the citizen first waited in. */
  queue: QueueId,
  language: Language,
  accessibility: z.array(AccessibilityNeed),
  priority: PriorityReason,
  state: ContactState,
  queuedAt: z.number(),
  /** The first answer (the first leg's start), null if never answered. */
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  abandonedAt: z.number().nullable(),
  /** Seconds from queued to first answer (or to abandonment). */
  waitSeconds: z.number().nonnegative().nullable(),
  /** Seconds in calls, all legs together. */
  handleSeconds: z.number().nonnegative().nullable(),
  /** The office and clerk of the last leg. */
  office: OfficeId.nullable(),
  clerkId: ClerkId.nullable(),
  offers: z.array(ContactOffer),
  legs: z.array(ContactLeg),
  transfers: z.array(ContactTransfer),
  rating: z.number().int().min(1).max(5).nullable(),
  ratingComment: z.string().nullable(),
  caseReference: CaseReference.nullable(),
});
export type ContactRecord = z.infer<typeof ContactRecord>;

/**
 * Where a case stands: opened in a call; waiting to hand off (queued for the back office, not yet
 * acknowledged); handed off (the back office answered 2xx); hand-off failed (still retried, but
 * it has failed often enough that a person should look).
 */
export const CaseStatus = z.enum(['opened', 'waiting_to_hand_off', 'handed_off', 'hand_off_failed']);
export type CaseStatus = z.infer<typeof CaseStatus>;

export const HandOffState = z.object({
  status: CaseStatus,
  attempts: z.number().int().nonnegative(),
  lastAttemptAt: z.number().nullable(),
  nextAttemptAt: z.number().nullable(),
  deliveredAt: z.number().nullable(),
  /** What the last failed attempt got (an HTTP status or a network error), for people; no body. */
  lastError: z.string().nullable(),
});
export type HandOffState = z.infer<typeof HandOffState>;

/** One note of a case: taken during a call (`call:note`) or at wrap-up (with the outcome). */
export const CaseNote = z.object({
  at: z.number(),
  clerkId: ClerkId,
  callId: CallId,
  text: z.string(),
  outcome: OfferOutcome.nullable(),
});
export type CaseNote = z.infer<typeof CaseNote>;

/** A case as a list shows it. */
export const CaseSummary = z.object({
  reference: CaseReference,
  caseType: CaseTypeCode,
  caseTypeName: LocalizedText.nullable(),
  /** The citizen's name as given when taking the ticket. */
  citizenName: z.string(),
  ticketId: TicketId,
  openedAt: z.number(),
  openedBy: ClerkId,
  office: OfficeId.nullable(),
  handOff: HandOffState,
});
export type CaseSummary = z.infer<typeof CaseSummary>;

/** A case opened in full. Reading it is recorded in the audit log (notes, chat, document list). */
export const CaseDetail = CaseSummary.extend({
  contact: ContactRecord,
  notes: z.array(CaseNote),
  /** Documents of every call of the contact; bytes at `recordRoutes.caseDocument`. */
  documents: z.array(SharedDocument),
  chat: z.array(ChatMessage),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

/** One row of the clerk's "my cases": a contact the clerk served, with its case if one was opened. */
export const MyContact = z.object({
  contact: ContactRecord,
  case: CaseSummary.nullable(),
  notesCount: z.number().int().nonnegative(),
});
export type MyContact = z.infer<typeof MyContact>;

export const MyContactsQuery = z.object({
  /** Contacts queued at or after this time (ms); default: no lower bound. */
  from: z.coerce.number().int().nonnegative().optional(),
  /** Contacts queued before this time (ms); default: now. */
  to: z.coerce.number().int().nonnegative().optional(),
  /** Paging: contacts queued strictly before this time (the last row's `queuedAt`). */
  before: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type MyContactsQuery = z.infer<typeof MyContactsQuery>;

// --- history --------------------------------------------------------------------------------------

export const HistoryBucket = z.enum(['hour', 'day', 'week']);
export type HistoryBucket = z.infer<typeof HistoryBucket>;
/** What each history row is broken down by: queue, office (of the answering clerk), region, or nothing. */
export const HistoryGroupBy = z.enum(['queue', 'office', 'region', 'none']);
export type HistoryGroupBy = z.infer<typeof HistoryGroupBy>;

/** Also the query string of the CSV export (numbers coerced). Hours/days/weeks in Europe/Budapest. */
export const HistoryQuery = z
  .object({
    from: z.coerce.number().int().nonnegative(),
    to: z.coerce.number().int().nonnegative(),
    bucket: HistoryBucket.default('day'),
    groupBy: HistoryGroupBy.default('queue'),
    queue: QueueId.optional(),
    office: OfficeId.optional(),
    region: z.string().max(64).optional(),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to - q.from <= 400 * 86_400_000, { message: 'at most 400 days', path: ['to'] });
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/**
 * Figures of one bucket and group, computed from contact records with the live board's rules:
 * a contact counts in the bucket (and queue) where it was answered or abandoned; service level =
 * answered within the queue's target / answered; abandonment = abandoned / (answered + abandoned);
 * average speed of answer over answered; handle time over legs ended in the bucket.
 */
export const HistoryRow = z.object({
  bucketStart: z.number(),
  /** The queue / office id or region name; null when `groupBy` is none. */
  group: z.string().nullable(),
  arrived: z.number().int().nonnegative(),
  answered: z.number().int().nonnegative(),
  answeredInTarget: z.number().int().nonnegative(),
  abandoned: z.number().int().nonnegative(),
  handled: z.number().int().nonnegative(),
  serviceLevel: z.number().min(0).max(1).nullable(),
  averageSpeedOfAnswerSeconds: z.number().nonnegative().nullable(),
  averageHandleSeconds: z.number().nonnegative().nullable(),
  abandonmentRate: z.number().min(0).max(1).nullable(),
  averageRating: z.number().min(1).max(5).nullable(),
  ratings: z.number().int().nonnegative(),
});
export type HistoryRow = z.infer<typeof HistoryRow>;

/** Column order of the CSV export (header row = these names; empty cell for null). */
export const HISTORY_CSV_COLUMNS = [
  'bucketStart',
  'group',
  'arrived',
  'answered',
  'answeredInTarget',
  'abandoned',
  'handled',
  'serviceLevel',
  'averageSpeedOfAnswerSeconds',
  'averageHandleSeconds',
  'abandonmentRate',
  'averageRating',
  'ratings',
] as const satisfies readonly (keyof HistoryRow)[];

// --- audit ----------------------------------------------------------------------------------------

/** What was done to personal data (reads) or by the system to it (retention). */
export const AuditAction = z.enum([
  'case.read',
  'contact.read',
  'notes.read',
  'chat.read',
  'document.opened',
  'documents.listed',
  'call.monitored',
  'record.exported',
  'audit.searched',
  'retention.deleted',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** Who did it: a staff member or citizen (`Role`), or the system itself (retention job). */
export const AuditActorRole = z.enum([...Role.options, 'system']);
export type AuditActorRole = z.infer<typeof AuditActorRole>;

export const AuditEntry = z.object({
  id: z.string(),
  at: z.number(),
  actorId: z.string(),
  actorRole: AuditActorRole,
  action: AuditAction,
  caseReference: CaseReference.nullable(),
  callId: CallId.nullable(),
  ticketId: TicketId.nullable(),
  /** What was read: a document id, an export's query, a count of rows deleted … never content. */
  subject: z.string().nullable(),
  /** Why: the purpose the reading screen names (e.g. "case lookup", "quality monitoring"). */
  reason: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z
  .object({
    caseReference: CaseReference.optional(),
    /** A clerk's (or any actor's) id. */
    actorId: z.string().min(1).max(64).optional(),
    from: z.coerce.number().int().nonnegative().optional(),
    to: z.coerce.number().int().nonnegative().optional(),
    /** Paging: entries strictly older than this entry's `at`. */
    before: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((q) => q.caseReference !== undefined || q.actorId !== undefined, {
    message: 'name a case reference or an actor',
    path: ['caseReference'],
  });
export type AuditQuery = z.infer<typeof AuditQuery>;

// --- privacy --------------------------------------------------------------------------------------

/** Kinds of recorded data, each with its own retention. */
export const RetentionKind = z.enum(['contacts', 'chat', 'documents', 'notes', 'audit']);
export type RetentionKind = z.infer<typeof RetentionKind>;

/** `GET /api/privacy` (no auth): what the citizen reads before joining. */
export const PrivacyNotice = z.object({
  /** Days each kind of data is kept before the retention job deletes it. */
  retentionDays: z.record(RetentionKind, z.number().int().positive()),
  /** Calls may be watched by a supervisor for quality (each time recorded in the audit log). */
  monitoring: z.boolean(),
  /** Video and audio are never recorded; only what `retentionDays` names is kept. */
  mediaRecorded: z.literal(false),
});
export type PrivacyNotice = z.infer<typeof PrivacyNotice>;

// --- requests and routes --------------------------------------------------------------------------

const CaseFind = {
  request: z.object({ reference: CaseReference, reason: z.string().trim().min(1).max(200).default('case lookup') }),
  result: z.object({ case: CaseDetail }),
};

/** Part of the /clerk namespace (see `clerkRequests`). */
export const clerkRecordRequests = defineRequests({
  /** The contacts this clerk served (any leg), newest first, with their cases and hand-off state. */
  'records:my-contacts': { request: MyContactsQuery, result: z.object({ contacts: z.array(MyContact) }) },
  /** A case in full by reference; a clerk may open cases of contacts they served. Audited. */
  'case:find': CaseFind,
});
export type ClerkRecordRequests = typeof clerkRecordRequests;

/** Part of the /supervisor namespace (see `supervisorRequests`). */
export const supervisorRecordRequests = defineRequests({
  'history:query': { request: HistoryQuery, result: z.object({ rows: z.array(HistoryRow) }) },
  /** Audit entries by case reference and/or actor, newest first. The search itself is audited. */
  'audit:search': { request: AuditQuery, result: z.object({ entries: z.array(AuditEntry) }) },
  /** Any case in full by reference. Audited. */
  'case:find': CaseFind,
});
export type SupervisorRecordRequests = typeof supervisorRecordRequests;

/**
 * HTTP routes (Bearer token of the named role). Errors answer `{ ok: false, error }` like every route.
 * - `historyCsv`: GET, supervisor; query string = HistoryQuery; `text/csv` with HISTORY_CSV_COLUMNS. Audited.
 * - `caseDocument`: GET, clerk (who served the contact) or supervisor; the bytes. Audited.
 * - `privacy`: GET, no auth; PrivacyNotice as `{ ok: true, notice }`.
 */
export const recordRoutes = {
  historyCsv: '/api/records/history.csv',
  caseDocument: (reference: string, documentId: string) =>
    `/api/cases/${encodeURIComponent(reference)}/documents/${encodeURIComponent(documentId)}`,
  privacy: '/api/privacy',
} as const;
