import { z } from 'zod';
import {
  AccessibilityNeed,
  CaseType,
  Language,
  LocalizedText,
  QueueDef,
  Role,
  SharedDocument,
  Skill,
  UiLanguage,
} from './domain';
import { MediaAccess } from './common';
import { SupervisorScope } from './grant';
import { CaseTypeCode, OfficeId, TicketId } from './ids';

export const LoginRequest = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const StaffUser = z.object({
  id: z.string(),
  role: Role.exclude(['citizen']),
  displayName: z.string(),
  office: OfficeId,
  skills: z.array(Skill),
  languages: z.array(Language),
  /** Supervisors: the offices they oversee. */
  scope: SupervisorScope.optional(),
});
export type StaffUser = z.infer<typeof StaffUser>;

export const LoginResponse = z.object({
  token: z.string(),
  refreshToken: z.string(),
  expiresAt: z.number(),
  user: StaffUser,
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/**
 * `POST /api/auth/refresh`: a refresh token is good once. The answer carries a new one (same sign-in,
 * same end); presenting a used one again revokes the whole sign-in (every token of it) as stolen.
 */
export const RefreshRequest = z.object({ refreshToken: z.string().min(10).max(4096) });
export type RefreshRequest = z.infer<typeof RefreshRequest>;

/**
 * `POST /api/auth/logout` with `Authorization: Bearer <session token>`: ends the sign-in. Its refresh
 * tokens and access tokens stop working at once, on HTTP and on sockets (live ones are disconnected).
 */
export const LogoutRequest = z.object({}).strip();
export type LogoutRequest = z.infer<typeof LogoutRequest>;

export const CaseTypeQuery = z.object({
  q: z.string().max(100).optional(),
  lang: UiLanguage.default('hu'),
  category: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(50),
});
export type CaseTypeQuery = z.infer<typeof CaseTypeQuery>;

export const CaseTypeCategory = z.object({ id: z.string(), name: LocalizedText, count: z.number().int() });
export type CaseTypeCategory = z.infer<typeof CaseTypeCategory>;

export const CaseTypeList = z.object({
  caseTypes: z.array(CaseType),
  categories: z.array(CaseTypeCategory),
  total: z.number().int(),
});
export type CaseTypeList = z.infer<typeof CaseTypeList>;

export const QueueList = z.object({ queues: z.array(QueueDef) });
export type QueueList = z.infer<typeof QueueList>;

export const DisplayName = z.string().trim().min(1).max(60);

export const CreateTicketRequest = z.object({
  displayName: DisplayName,
  caseType: CaseTypeCode,
  language: Language.default('hu'),
  accessibility: z.array(AccessibilityNeed).max(3).default([]),
  /** Check-in with a booked appointment gives appointment priority. */
  appointmentCode: z.string().trim().min(4).max(32).optional(),
});
export type CreateTicketRequest = z.infer<typeof CreateTicketRequest>;

export const CreateTicketResponse = z.object({
  ticketId: TicketId,
  citizenToken: z.string(),
  resumeSecret: z.string(),
  expiresAt: z.number(),
});
export type CreateTicketResponse = z.infer<typeof CreateTicketResponse>;

/** Where a booking's confirmation code is sent (the booking ranks ahead only once it is confirmed). */
export const AppointmentContact = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('email'), address: z.email().max(254) }),
  z.object({ kind: z.literal('sms'), number: z.string().regex(/^\+?[0-9][0-9 ]{5,19}$/) }),
]);
export type AppointmentContact = z.infer<typeof AppointmentContact>;

export const CreateAppointmentRequest = z.object({
  caseType: CaseTypeCode,
  displayName: DisplayName,
  language: Language.default('hu'),
  /** ISO 8601 start of the slot. */
  slotStart: z.iso.datetime({ offset: true }),
  /** A confirmation code goes here; confirmed, the booking gets appointment priority at check-in. */
  contact: AppointmentContact.optional(),
});
export type CreateAppointmentRequest = z.infer<typeof CreateAppointmentRequest>;

/**
 * Whether a booking ranks ahead at check-in: `staff` (booked by a clerk or supervisor) and
 * `verified` (its contact confirmed) do; `pending` (code sent, not yet confirmed) and `none`
 * (anonymous) check in as any other citizen.
 */
export const AppointmentVerification = z.enum(['none', 'pending', 'verified', 'staff']);
export type AppointmentVerification = z.infer<typeof AppointmentVerification>;

export const Appointment = z.object({
  code: z.string(),
  caseType: CaseTypeCode,
  slotStart: z.string(),
  joinUrl: z.string(),
  verification: AppointmentVerification.optional(),
});
export type Appointment = z.infer<typeof Appointment>;

/**
 * `GET /api/appointments/:code` (no auth, per-IP limit): whether a code can be used now, checked when
 * the citizen enters it (the ticket's check-in applies the same rules). NOT_FOUND for an unknown code.
 */
export const AppointmentStatus = z.object({
  /** The matter booked: the citizen need not look for it again. */
  matter: CaseType,
  slotStart: z.string(),
  /** `open`: check-in is possible now; `early`: from 30 minutes before the slot; `used`, `lapsed`: no more. */
  status: z.enum(['open', 'early', 'used', 'lapsed']),
});
export type AppointmentStatus = z.infer<typeof AppointmentStatus>;

/** `POST /api/appointments/:code/confirm`: the code sent to the booking's contact. */
export const ConfirmAppointmentRequest = z.object({ confirmationCode: z.string().regex(/^[0-9]{6}$/) });
export type ConfirmAppointmentRequest = z.infer<typeof ConfirmAppointmentRequest>;

export const RatingRequest = z.object({
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(1000).optional(),
});
export type RatingRequest = z.infer<typeof RatingRequest>;

/** Limits of a shared document upload. */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

/** `POST /api/calls/:id/documents` (multipart, field `file`) answers `{ ok: true, document }`. */
export const DocumentUploadResponse = z.object({ document: SharedDocument });
export type DocumentUploadResponse = z.infer<typeof DocumentUploadResponse>;
/** `GET /api/calls/:id/documents` answers `{ ok: true, documents }` (bytes at `…/documents/:docId`). */
export const DocumentList = z.object({ documents: z.array(SharedDocument) });
export type DocumentList = z.infer<typeof DocumentList>;

/** `POST /api/appointments/:code/check-in`: takes a ticket with appointment priority (CreateTicketResponse). */
export const CheckInRequest = z.object({ displayName: DisplayName.optional() });
export type CheckInRequest = z.infer<typeof CheckInRequest>;

/** Longest life of a network-probe grant. */
export const NETWORK_PROBE_MAX_TTL_SECONDS = 60;

/** `POST /api/network-probe` (no auth, per-IP limit): the body is empty (`{}` or none). */
export const NetworkProbeRequest = z.object({}).strict();
export type NetworkProbeRequest = z.infer<typeof NetworkProbeRequest>;

/**
 * A short-lived grant for a fresh room `probe-<uuid>` on the least-loaded SFU node (role citizen,
 * may publish, may not subscribe, display name "probe"), so the citizen app can test UDP → TCP →
 * TURN reachability before it queues. `expiresAt` is the grant's expiry (ms since epoch).
 */
export const NetworkProbeResponse = MediaAccess.extend({ expiresAt: z.number() });
export type NetworkProbeResponse = z.infer<typeof NetworkProbeResponse>;
