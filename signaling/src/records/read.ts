/** Reads contacts and cases back into the protocol's shapes. */
import type {
  CaseNote,
  CaseSummary,
  ChatMessage,
  ContactLeg,
  ContactOffer,
  ContactRecord,
  ContactTransfer,
  LocalizedText,
  MyContactsQuery,
  SharedDocument,
} from '@ablak/protocol';
import { CaseStatus, ContactRecord as ContactSchema, SharedDocument as DocSchema, CaseNote as NoteSchema, CaseSummary as SummarySchema, ChatMessage as ChatSchema } from '@ablak/protocol';
import type { SqlExecutor, SqlRow } from './sql';

export type CaseTypeNames = (code: string) => LocalizedText | null;

const CONTACT_COLUMNS = `ticket_id, channel, case_type, queue, language, accessibility, priority, state,
  ms(queued_at) AS queued_at, ms(answered_at) AS answered_at, ms(ended_at) AS ended_at,
  ms(abandoned_at) AS abandoned_at, wait_seconds, handle_seconds, office, clerk_id, rating::int AS rating,
  rating_comment, case_reference`;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

async function contactsFromRows(db: SqlExecutor, rows: SqlRow[], names: CaseTypeNames): Promise<ContactRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => String(r.ticket_id));
  const [offers, legs, transfers] = await Promise.all([
    db.query(
      `SELECT ticket_id, clerk_id, ms(offered_at) AS offered_at, outcome, ms(decided_at) AS decided_at
         FROM contact_offers WHERE ticket_id = ANY($1) ORDER BY offered_at`,
      [ids],
    ),
    db.query(
      `SELECT ticket_id, call_id, clerk_id, clerk_name, office, queue, ms(started_at) AS started_at, wait_seconds,
              ms(ended_at) AS ended_at, end_reason
         FROM contact_legs WHERE ticket_id = ANY($1) ORDER BY started_at`,
      [ids],
    ),
    db.query(
      `SELECT ticket_id, from_call_id, ms(at) AS at, from_clerk, to_queue, to_clerk, reason
         FROM contact_transfers WHERE ticket_id = ANY($1) ORDER BY at`,
      [ids],
    ),
  ]);
  const group = <T>(list: SqlRow[], map: (r: SqlRow) => T) => {
    const out = new Map<string, T[]>();
    for (const r of list) {
      const key = String(r.ticket_id);
      const arr = out.get(key) ?? [];
      arr.push(map(r));
      out.set(key, arr);
    }
    return out;
  };
  const offersBy = group<unknown>(offers, (r) => ({
    clerkId: r.clerk_id,
    offeredAt: num(r.offered_at),
    outcome: r.outcome,
    decidedAt: num(r.decided_at),
  }));
  const legsBy = group<unknown>(legs, (r) => ({
    callId: r.call_id,
    clerkId: r.clerk_id,
    clerkName: r.clerk_name,
    office: r.office,
    queue: r.queue,
    startedAt: num(r.started_at),
    waitSeconds: num(r.wait_seconds),
    endedAt: num(r.ended_at),
    endReason: r.end_reason,
  }));
  const transfersBy = group<unknown>(transfers, (r) => ({
    at: num(r.at),
    fromCallId: r.from_call_id,
    fromClerk: r.from_clerk,
    toQueue: r.to_queue,
    toClerk: r.to_clerk,
    reason: r.reason,
  }));
  return rows.map((r) => {
    const id = String(r.ticket_id);
    return ContactSchema.parse({
      ticketId: id,
      channel: r.channel,
      caseType: r.case_type,
      caseTypeName: names(String(r.case_type)),
      queue: r.queue,
      language: r.language,
      accessibility: r.accessibility,
      priority: r.priority,
      state: r.state,
      queuedAt: num(r.queued_at),
      answeredAt: num(r.answered_at),
      endedAt: num(r.ended_at),
      abandonedAt: num(r.abandoned_at),
      waitSeconds: num(r.wait_seconds),
      handleSeconds: num(r.handle_seconds),
      office: r.office,
      clerkId: r.clerk_id,
      offers: (offersBy.get(id) ?? []) as ContactOffer[],
      legs: (legsBy.get(id) ?? []) as ContactLeg[],
      transfers: (transfersBy.get(id) ?? []) as ContactTransfer[],
      rating: num(r.rating),
      ratingComment: r.rating_comment,
      caseReference: r.case_reference,
    });
  });
}

const CASE_COLUMNS = `reference, ticket_id, case_type, citizen_name, ms(opened_at) AS opened_at, opened_by, office,
  status, attempts, ms(last_attempt_at) AS last_attempt_at, ms(next_attempt_at) AS next_attempt_at,
  ms(delivered_at) AS delivered_at, last_error`;

function caseFromRow(r: SqlRow, names: CaseTypeNames): CaseSummary {
  return SummarySchema.parse({
    reference: r.reference,
    caseType: r.case_type,
    caseTypeName: names(String(r.case_type)),
    citizenName: r.citizen_name,
    ticketId: r.ticket_id,
    openedAt: num(r.opened_at),
    openedBy: r.opened_by,
    office: r.office,
    handOff: {
      status: CaseStatus.parse(r.status),
      attempts: num(r.attempts) ?? 0,
      lastAttemptAt: num(r.last_attempt_at),
      nextAttemptAt: r.status === 'handed_off' ? null : num(r.next_attempt_at),
      deliveredAt: num(r.delivered_at),
      lastError: r.last_error ?? null,
    },
  });
}

export async function readContacts(db: SqlExecutor, ticketIds: readonly string[], names: CaseTypeNames): Promise<ContactRecord[]> {
  const rows = await db.query(`SELECT ${CONTACT_COLUMNS} FROM contacts WHERE ticket_id = ANY($1)`, [ticketIds]);
  return contactsFromRows(db, rows, names);
}

export async function readCaseSummary(db: SqlExecutor, reference: string, names: CaseTypeNames): Promise<CaseSummary | null> {
  const rows = await db.query(`SELECT ${CASE_COLUMNS} FROM cases WHERE reference = $1`, [reference]);
  return rows[0] ? caseFromRow(rows[0], names) : null;
}

export async function readCaseByTicket(db: SqlExecutor, ticketId: string, names: CaseTypeNames): Promise<CaseSummary | null> {
  const rows = await db.query(`SELECT ${CASE_COLUMNS} FROM cases WHERE ticket_id = $1`, [ticketId]);
  return rows[0] ? caseFromRow(rows[0], names) : null;
}

export async function readNotes(db: SqlExecutor, ticketId: string): Promise<CaseNote[]> {
  const rows = await db.query(
    `SELECT ms(at) AS at, clerk_id, call_id, text, outcome FROM case_notes WHERE ticket_id = $1 ORDER BY at, id`,
    [ticketId],
  );
  return rows.map((r) => NoteSchema.parse({ at: num(r.at), clerkId: r.clerk_id, callId: r.call_id, text: r.text, outcome: r.outcome }));
}

export async function readChat(db: SqlExecutor, ticketId: string): Promise<ChatMessage[]> {
  const rows = await db.query(
    `SELECT id, call_id, from_role, from_name, text, ms(sent_at) AS sent_at FROM chat_messages
       WHERE ticket_id = $1 ORDER BY sent_at, id`,
    [ticketId],
  );
  return rows.map((r) =>
    ChatSchema.parse({ id: r.id, callId: r.call_id, from: r.from_role, fromName: r.from_name, text: r.text, sentAt: num(r.sent_at) }),
  );
}

export const DOCUMENT_COLUMNS = `id, call_id, name, mime_type, size, uploaded_by, ms(uploaded_at) AS uploaded_at`;

export function documentFromRow(r: SqlRow): SharedDocument {
  return DocSchema.parse({
    id: r.id,
    callId: r.call_id,
    name: r.name,
    mimeType: r.mime_type,
    size: num(r.size),
    uploadedBy: r.uploaded_by,
    uploadedAt: num(r.uploaded_at),
  });
}

export async function readDocuments(db: SqlExecutor, ticketId: string): Promise<SharedDocument[]> {
  const rows = await db.query(`SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE ticket_id = $1 ORDER BY uploaded_at, id`, [ticketId]);
  return rows.map(documentFromRow);
}

/** Contacts a clerk served (any leg), newest first, with their cases and note counts. */
export async function readMyContacts(db: SqlExecutor, clerkId: string, q: MyContactsQuery, now: number, names: CaseTypeNames) {
  const to = Math.min(q.to ?? now + 1, q.before ?? now + 1);
  const rows = await db.query(
    `SELECT ${CONTACT_COLUMNS} FROM contacts c
       WHERE EXISTS (SELECT 1 FROM contact_legs l WHERE l.ticket_id = c.ticket_id AND l.clerk_id = $1)
         AND c.queued_at >= $2 AND c.queued_at < $3
       ORDER BY c.queued_at DESC, c.ticket_id LIMIT $4`,
    [clerkId, new Date(q.from ?? 0), new Date(to), q.limit],
  );
  const contacts = await contactsFromRows(db, rows, names);
  const ids = contacts.map((c) => c.ticketId);
  const [cases, counts] = await Promise.all([
    db.query(`SELECT ${CASE_COLUMNS} FROM cases WHERE ticket_id = ANY($1)`, [ids]),
    db.query(`SELECT ticket_id, count(*)::int AS n FROM case_notes WHERE ticket_id = ANY($1) GROUP BY ticket_id`, [ids]),
  ]);
  const caseBy = new Map(cases.map((r) => [String(r.ticket_id), caseFromRow(r, names)]));
  const countBy = new Map(counts.map((r) => [String(r.ticket_id), Number(r.n)]));
  return contacts.map((contact) => ({
    contact,
    case: caseBy.get(contact.ticketId) ?? null,
    notesCount: countBy.get(contact.ticketId) ?? 0,
  }));
}

/** Whether a clerk served any leg of a ticket. */
export async function servedBy(db: SqlExecutor, ticketId: string, clerkId: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM contact_legs WHERE ticket_id = $1 AND clerk_id = $2 LIMIT 1`, [ticketId, clerkId]);
  return rows.length > 0;
}
