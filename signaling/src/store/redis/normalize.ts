/**
 * Lua's cjson writes an empty list as `{}`; these put the lists of records read back from Redis
 * right, so a RedisStore hands out exactly what a MemoryStore does.
 */
import type { ClerkView } from '@ablak/protocol';
import type { DeskEvent } from '../../queue/events';
import type { CallRecord, ClerkRecord, OfferRecord, TicketRecord } from '../../queue/model';

function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

export function ticket(t: TicketRecord): TicketRecord {
  return { ...t, accessibility: list(t.accessibility) };
}

export function clerk(c: ClerkRecord): ClerkRecord {
  return { ...c, skills: list(c.skills), languages: list(c.languages), accessibility: list(c.accessibility) };
}

export function clerkView(v: ClerkView): ClerkView {
  return { ...v, skills: list(v.skills), languages: list(v.languages), accessibility: list(v.accessibility) };
}

export function offer(o: OfferRecord): OfferRecord {
  return { ...o, ticket: ticket(o.ticket) };
}

export function call(c: CallRecord): CallRecord {
  return c;
}

export function event(e: DeskEvent): DeskEvent {
  switch (e.type) {
    case 'offer:made':
      return { ...e, offer: offer(e.offer) };
    case 'clerk:state-changed':
      return { ...e, clerk: clerkView(e.clerk) };
    case 'stats:changed':
      return { ...e, queues: list(e.queues) };
    default:
      return e;
  }
}
