import { z } from 'zod';
import { Empty } from './ack';
import { CallEndReason, ChatText, MediaAccess, sharedPushes } from './common';
import { CaseReference, ChatMessage, QueuePosition, TicketState } from './domain';
import { CallId, QueueId } from './ids';
import { RatingRequest } from './http';
import { definePushes, defineRequests } from './rpc';

export const citizenRequests = defineRequests({
  /**
   * Takes (or, after a drop, retakes) the place in the queue. The answer carries media access for the
   * ticket's room so the citizen's media session is warm before a clerk accepts.
   */
  'queue:join': {
    request: z.object({}).strict(),
    result: z.object({ position: QueuePosition, media: MediaAccess.nullable() }),
  },
  'queue:leave': { request: z.object({}).strict(), result: Empty },
  'chat:send': { request: z.object({ text: ChatText }), result: z.object({ message: ChatMessage }) },
  /** The chat of the ticket's current call so far, oldest first (a reloaded page gets it back). */
  'chat:history': { request: z.object({}).strict(), result: z.object({ messages: z.array(ChatMessage) }) },
  'call:end': { request: z.object({}).strict(), result: Empty },
  'call:rate': { request: RatingRequest, result: Empty },
});
export type CitizenRequests = typeof citizenRequests;

export const CallMatched = z.object({
  callId: CallId,
  clerkName: z.string(),
  media: MediaAccess,
});
export type CallMatched = z.infer<typeof CallMatched>;

export const citizenPushes = definePushes({
  ...sharedPushes,
  'queue:position-changed': QueuePosition,
  /** A clerk was offered this ticket (the citizen may hear "a clerk is about to answer"). */
  'call:offered': z.object({ deadline: z.number() }),
  'call:matched': CallMatched,
  'case:opened': z.object({ callId: CallId, caseReference: CaseReference }),
  /** Back in a queue; `media`: access to the room of the next call (the transferred call's room ended). */
  'call:transferred': z.object({ queue: QueueId, position: QueuePosition, media: MediaAccess.optional() }),
  'call:ended': z.object({ callId: CallId, reason: CallEndReason, caseReference: CaseReference.nullable() }),
  'ticket:closed': z.object({ state: TicketState, reason: z.string() }),
});
export type CitizenPushes = typeof citizenPushes;
