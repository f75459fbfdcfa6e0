import { z } from 'zod';

// Branded ids: a TicketId cannot be passed where a ClerkId is expected, even though both are strings.
const id = (max = 64) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'only letters, digits and _ . : -');

export const TicketId = id().brand<'TicketId'>();
export type TicketId = z.infer<typeof TicketId>;
export const ClerkId = id().brand<'ClerkId'>();
export type ClerkId = z.infer<typeof ClerkId>;
export const CallId = id().brand<'CallId'>();
export type CallId = z.infer<typeof CallId>;
export const QueueId = id().brand<'QueueId'>();
export type QueueId = z.infer<typeof QueueId>;
export const CaseTypeCode = id().brand<'CaseTypeCode'>();
export type CaseTypeCode = z.infer<typeof CaseTypeCode>;
export const OfficeId = id().brand<'OfficeId'>();
export type OfficeId = z.infer<typeof OfficeId>;
export const RoomId = id(128).brand<'RoomId'>();
export type RoomId = z.infer<typeof RoomId>;
export const PeerId = id(128).brand<'PeerId'>();
export type PeerId = z.infer<typeof PeerId>;
export const SfuNodeId = id().brand<'SfuNodeId'>();
export type SfuNodeId = z.infer<typeof SfuNodeId>;
export const DocumentId = id().brand<'DocumentId'>();
export type DocumentId = z.infer<typeof DocumentId>;
