import { z } from 'zod';
import { CallId, CaseTypeCode, ClerkId, OfficeId, QueueId, SfuNodeId, TicketId } from './ids';

export const Language = z.enum(['hu', 'en', 'de', 'ro', 'sk', 'uk']);
export type Language = z.infer<typeof Language>;
export const UiLanguage = z.enum(['hu', 'en']);
export type UiLanguage = z.infer<typeof UiLanguage>;

/** Accessibility needs are routed as skills: only clerks holding the matching skill are offered. */
export const AccessibilityNeed = z.enum(['sign_language', 'captions', 'slower_pace']);
export type AccessibilityNeed = z.infer<typeof AccessibilityNeed>;

/** Why a ticket ranks higher than plain arrival order. */
export const PriorityReason = z.enum(['none', 'appointment', 'accessibility', 'transfer']);
export type PriorityReason = z.infer<typeof PriorityReason>;

export const LocalizedText = z.object({ hu: z.string().min(1), en: z.string().min(1) });
export type LocalizedText = z.infer<typeof LocalizedText>;

export const CaseType = z.object({
  code: CaseTypeCode,
  name: LocalizedText,
  category: z.string().min(1),
  categoryName: LocalizedText,
  queue: QueueId,
  expectedMinutes: z.number().positive().max(480),
});
export type CaseType = z.infer<typeof CaseType>;

export const RoutingStrategy = z.enum(['longest-idle', 'least-talk-time', 'fewest-calls', 'round-robin']);
export type RoutingStrategy = z.infer<typeof RoutingStrategy>;

export const QueueDef = z.object({
  id: QueueId,
  name: LocalizedText,
  strategy: RoutingStrategy.default('longest-idle'),
  /** Answered within this many seconds counts toward the service level. */
  targetAnswerSeconds: z.number().int().positive().default(60),
  /** Share of calls to answer within the target, 0..1. */
  targetServiceLevel: z.number().min(0).max(1).default(0.8),
  wrapUpSeconds: z.number().int().nonnegative().default(30),
  offerTimeoutSeconds: z.number().int().positive().default(15),
  /** Seconds a ticket waits before each lower skill level may be offered it; the catalogue's default when absent. */
  tierStepSeconds: z.number().int().nonnegative().optional(),
});
export type QueueDef = z.infer<typeof QueueDef>;

export const Skill = z.object({
  queue: QueueId,
  /** 1 is best, 9 is the lowest tier. */
  level: z.number().int().min(1).max(9),
});
export type Skill = z.infer<typeof Skill>;

export const ClerkState = z.enum(['offline', 'available', 'offered', 'busy', 'wrap_up', 'away']);
export type ClerkState = z.infer<typeof ClerkState>;
export const AwayReason = z.enum(['break', 'meeting', 'admin', 'no_answer', 'supervisor']);
export type AwayReason = z.infer<typeof AwayReason>;

/** How a call ended for the case, chosen at wrap-up. */
export const OfferOutcome = z.enum(['resolved', 'needs_follow_up', 'referred', 'no_show', 'other']);
export type OfferOutcome = z.infer<typeof OfferOutcome>;

export const Role = z.enum(['citizen', 'clerk', 'supervisor']);
export type Role = z.infer<typeof Role>;

export const Office = z.object({
  id: OfficeId,
  name: z.string().min(1),
  region: z.string().min(1),
});
export type Office = z.infer<typeof Office>;

/** What the console and the supervisor board see of a clerk. */
export const ClerkView = z.object({
  id: ClerkId,
  displayName: z.string(),
  office: OfficeId,
  skills: z.array(Skill),
  languages: z.array(Language),
  accessibility: z.array(AccessibilityNeed),
  state: ClerkState,
  awayReason: AwayReason.nullable(),
  stateSince: z.number(),
  callsToday: z.number().int().nonnegative(),
  talkSecondsToday: z.number().nonnegative(),
  currentCall: CallId.nullable(),
});
export type ClerkView = z.infer<typeof ClerkView>;

export const TicketState = z.enum(['waiting', 'offered', 'connected', 'ended', 'abandoned', 'expired']);
export type TicketState = z.infer<typeof TicketState>;

/** What a waiting citizen sees of their own place. */
export const QueuePosition = z.object({
  ticketId: TicketId,
  state: TicketState,
  /** 1 = next. */
  position: z.number().int().positive(),
  estimatedWaitSeconds: z.number().nonnegative(),
  clerksServing: z.number().int().nonnegative(),
});
export type QueuePosition = z.infer<typeof QueuePosition>;

export const QueueStats = z.object({
  queue: QueueId,
  waiting: z.number().int().nonnegative(),
  longestWaitSeconds: z.number().nonnegative(),
  /** Share answered within target, 0..1; null while nothing was answered in the window. */
  serviceLevelToday: z.number().min(0).max(1).nullable(),
  serviceLevel15m: z.number().min(0).max(1).nullable(),
  targetServiceLevel: z.number(),
  targetAnswerSeconds: z.number(),
  abandonmentRate: z.number().min(0).max(1).nullable(),
  averageSpeedOfAnswerSeconds: z.number().nullable(),
  averageHandleSeconds: z.number().nullable(),
  answeredToday: z.number().int().nonnegative(),
  abandonedToday: z.number().int().nonnegative(),
  clerksStaffed: z.number().int().nonnegative(),
  clerksAvailable: z.number().int().nonnegative(),
  clerksByState: z.record(ClerkState, z.number().int().nonnegative()),
  /** Erlang C: clerks needed to meet the target at the current arrival rate and handle time. */
  clerksNeeded: z.number().int().nonnegative(),
  averageRatingToday: z.number().min(1).max(5).nullable(),
});
export type QueueStats = z.infer<typeof QueueStats>;

/** An SFU node as it registers itself in the store, with a TTL heartbeat. */
export const SfuNodeInfo = z.object({
  id: SfuNodeId,
  /** Socket.IO base URL browsers use for the /media namespace. */
  url: z.string().min(1),
  workers: z.number().int().nonnegative(),
  rooms: z.number().int().nonnegative(),
  consumers: z.number().int().nonnegative(),
  /** Average worker CPU share over the last interval, 0..1 per worker. */
  cpu: z.number().nonnegative(),
  draining: z.boolean().default(false),
  updatedAt: z.number(),
});
export type SfuNodeInfo = z.infer<typeof SfuNodeInfo>;

export const ChatMessage = z.object({
  id: z.string(),
  callId: CallId,
  from: Role,
  fromName: z.string(),
  text: z.string(),
  sentAt: z.number(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const CaseReference = z.string().regex(/^ABL-\d{4}-\d{6,}$/);
export type CaseReference = z.infer<typeof CaseReference>;

/** A document shared in a call (photo or PDF). The bytes are served only to the call's peers. */
export const SharedDocument = z.object({
  id: z.string(),
  callId: CallId,
  name: z.string(),
  mimeType: z.enum(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']),
  size: z.number().int().nonnegative(),
  uploadedBy: Role,
  uploadedAt: z.number(),
});
export type SharedDocument = z.infer<typeof SharedDocument>;



/** An SFU node whose last heartbeat is older than this is dead: it gets no new calls. */
export const SFU_NODE_TTL_MS = 10_000;
/** Redis hash of live SFU nodes: field = node id, value = JSON SfuNodeInfo (fleet mode). */
export const SFU_REGISTRY_REDIS_KEY = 'ablak:sfu:nodes';
