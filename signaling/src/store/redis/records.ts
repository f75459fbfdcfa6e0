/**
 * How RedisStore keeps a ticket or a clerk: one hash per record (`t:<id>`, `c:<id>`), so the match
 * step reads and writes single fields instead of decoding and re-encoding JSON (lua-lib.ts
 * get_/write_ticket, get_/write_clerk; lua-match.ts).
 * - `s`: JSON of every field the match step never writes (written by the other steps);
 * - the fields the match step writes, apart (ticket: state, since, to, dl; clerk: state, since, ot,
 *   odl, lo), '' for null;
 * - copies of what the match step reads, as plain strings (ticket: q, lang, acc, qat, drop; clerk: nb,
 *   lang, acc, sk, v, cd, calls, talk), written with `s` and never read back here.
 */
import type { ClerkRecord, TicketRecord } from '../../queue/model';
import * as norm from './normalize';

export const TICKET_FIELDS = ['s', 'state', 'since', 'to', 'dl'] as const;
export const CLERK_FIELDS = ['s', 'state', 'since', 'ot', 'odl', 'lo'] as const;

type Fields = (string | null)[];

const orNull = (v: string | null | undefined): string | null => (v ? v : null);
const numOrNull = (v: string | null | undefined): number | null => (v ? Number(v) : null);

/** A ticket from HMGET t:<id> TICKET_FIELDS, or null when it does not exist. */
export function ticketFrom(f: Fields): TicketRecord | null {
  const [s, state, since, to, dl] = f;
  if (!s) return null;
  const t = JSON.parse(s) as TicketRecord;
  return norm.ticket({
    ...t,
    state: state as TicketRecord['state'],
    stateSince: Number(since),
    offeredTo: orNull(to) as TicketRecord['offeredTo'],
    offerDeadline: numOrNull(dl),
  });
}

/** A clerk from HMGET c:<id> CLERK_FIELDS, or null when it does not exist. */
export function clerkFrom(f: Fields): ClerkRecord | null {
  const [s, state, since, ot, odl, lo] = f;
  if (!s) return null;
  const c = JSON.parse(s) as ClerkRecord;
  return norm.clerk({
    ...c,
    state: state as ClerkRecord['state'],
    stateSince: Number(since),
    offerTicket: orNull(ot) as ClerkRecord['offerTicket'],
    offerDeadline: numOrNull(odl),
    lastOfferAt: Number(lo),
  });
}
