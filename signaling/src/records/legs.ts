/**
 * A transferred citizen's earlier calls, so chat and notes follow them to the next clerk: the
 * transferring node notes the ended call under the ticket in the live KV (memory or Redis), and a
 * call's context is every earlier leg of its ticket, then itself.
 */
import type { CallId, TicketId } from '@ablak/protocol';
import type { SharedKv } from '../kv/types';

const key = (ticketId: string) => `legs:${ticketId}`;
const MAX_LEGS = 20;

export function noteTransferredLeg(kv: SharedKv, ticketId: TicketId, callId: CallId, ttlSeconds: number): Promise<void> {
  return kv.push(key(ticketId), callId, ttlSeconds, MAX_LEGS);
}

/** The ticket's earlier calls (oldest first) and then `callId`. */
export async function contextCalls(kv: SharedKv, ticketId: TicketId, callId: CallId): Promise<CallId[]> {
  const earlier = (await kv.list(key(ticketId))).filter((id) => id !== callId) as CallId[];
  return [...new Set(earlier), callId];
}
