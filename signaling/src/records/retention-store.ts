/** Deletes what has outlived its retention, per kind of data; returns what it deleted. */
import type { RetentionKind } from '@ablak/protocol';
import type { SqlClient, SqlParam } from './sql';

export type RetentionDays = Readonly<Record<RetentionKind, number>>;
export type PurgeCounts = Record<RetentionKind, number>;

const DAY_MS = 86_400_000;

export async function purgeExpired(db: SqlClient, now: number, days: RetentionDays): Promise<PurgeCounts> {
  const before = (kind: RetentionKind) => new Date(now - days[kind] * DAY_MS);
  const counted = async (sql: string, params: readonly SqlParam[]) =>
    (await db.query(`WITH d AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM d`, params)).map((r) => Number(r.n))[0] ?? 0;
  const chat = await counted(`DELETE FROM chat_messages WHERE sent_at < $1`, [before('chat')]);
  const documents = await db.transaction(async (tx) => {
    const rows = await tx.query(
      `WITH d AS (DELETE FROM documents WHERE uploaded_at < $1 RETURNING call_id, ticket_id, size)
       SELECT call_id, ticket_id, size FROM d`,
      [before('documents')],
    );
    // Deleted bytes no longer count toward a quota.
    for (const r of rows) {
      await tx.query(
        `UPDATE document_usage SET bytes = GREATEST(0, bytes - $2::bigint), count = GREATEST(0, count - 1)
          WHERE scope = $1`,
        [`call:${String(r.ticket_id)}:${String(r.call_id)}`, Number(r.size)],
      );
      await tx.query(`UPDATE document_usage SET bytes = GREATEST(0, bytes - $2::bigint) WHERE scope = $1`, [
        `ticket:${String(r.ticket_id)}`,
        Number(r.size),
      ]);
    }
    await tx.query(`DELETE FROM document_usage WHERE bytes = 0 AND count = 0`);
    return rows.length;
  });
  const notes = await counted(`DELETE FROM case_notes WHERE at < $1`, [before('notes')]);
  // A contact goes with its legs, offers and transfers, and its case once handed off (never a case
  // still waiting for the back office).
  const contacts = await db.transaction(async (tx) => {
    const rows = await tx.query(
      `DELETE FROM contacts c WHERE c.queued_at < $1
         AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.ticket_id = c.ticket_id AND k.status <> 'handed_off')
       RETURNING ticket_id`,
      [before('contacts')],
    );
    const ids = rows.map((r) => String(r.ticket_id));
    if (ids.length > 0) {
      for (const table of ['contact_offers', 'contact_legs', 'contact_transfers', 'cases']) {
        await tx.query(`DELETE FROM ${table} WHERE ticket_id = ANY($1)`, [ids]);
      }
    }
    return ids.length;
  });
  const audit = Number((await db.query(`SELECT purge_audit($1) AS n`, [days.audit]))[0]?.n ?? 0);
  return { chat, documents, notes, contacts, audit };
}
