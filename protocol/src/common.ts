import { z } from 'zod';
import { CaseReference, ChatMessage, IceServer, SharedDocument } from './domain';
import { CallId, ClerkId, QueueId, RoomId } from './ids';

/** Handshake `auth` of every Socket.IO namespace (signaling and the SFU's /media). */
export const HandshakeAuth = z.object({
  token: z.string().min(10).max(4096),
  protocolVersion: z.number().int(),
  /** Citizen only: proves that this browser held the ticket before a drop or reload. */
  resumeSecret: z.string().min(16).max(128).optional(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

/** Everything a browser needs to open its media session for a room. */
export const MediaAccess = z.object({
  sfuUrl: z.string().min(1),
  room: RoomId,
  grant: z.string().min(10),
  iceServers: z.array(IceServer),
});
export type MediaAccess = z.infer<typeof MediaAccess>;

export const ChatText = z.string().trim().min(1).max(2000);

export const CallEndReason = z.enum(['clerk_ended', 'citizen_ended', 'transferred', 'dropped', 'supervisor']);
export type CallEndReason = z.infer<typeof CallEndReason>;

export const CallSummary = z.object({
  callId: CallId,
  queue: QueueId,
  caseType: z.string(),
  clerkId: ClerkId,
  clerkName: z.string(),
  citizenName: z.string(),
  startedAt: z.number(),
  caseReference: CaseReference.nullable(),
  room: RoomId,
});
export type CallSummary = z.infer<typeof CallSummary>;

export const TransferTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('queue'), queue: QueueId }),
  z.object({ kind: z.literal('clerk'), clerk: ClerkId }),
]);
export type TransferTarget = z.infer<typeof TransferTarget>;

/**
 * This signaling node is shutting down: reconnect (the load balancer sends the new connection to
 * another node) at a moment of your choosing within `reconnectWithinMs`. Nothing is lost: tickets,
 * calls and sessions live in the shared store.
 */
export const ServerDraining = z.object({ reconnectWithinMs: z.number().int().nonnegative() });
export type ServerDraining = z.infer<typeof ServerDraining>;

export const sharedPushes = {
  'chat:received': ChatMessage,
  'document:shared': SharedDocument,
  /** The session token expired: the client must sign in (or re-ticket) again; the socket closes. */
  'session:expired': z.object({}),
  'server:draining': ServerDraining,
};
