import { ChatMessage, type CallId } from '@ablak/protocol';
import type { SharedKv } from '../kv/types';

/** Messages kept per call (the newest); a call's chat is a conversation at a counter, not a log. */
export const CHAT_MAX_ENTRIES = 500;

const key = (callId: CallId) => `chat:${callId}`;

/**
 * Keeps a call's chat in the shared KV for the call's retention, so a reloaded console or citizen page
 * (on any node) gets the conversation back with `chat:history`.
 */
export function recordChat(kv: SharedKv, message: ChatMessage, ttlSeconds: number): Promise<void> {
  return kv.push(key(message.callId), JSON.stringify(message), ttlSeconds, CHAT_MAX_ENTRIES);
}

/** The call's chat, oldest first; an entry that does not parse is left out. */
export async function chatHistory(kv: SharedKv, callId: CallId): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  for (const raw of await kv.list(key(callId))) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      continue;
    }
    const parsed = ChatMessage.safeParse(value);
    if (parsed.success) messages.push(parsed.data);
  }
  return messages;
}
