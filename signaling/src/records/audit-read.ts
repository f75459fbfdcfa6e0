import { AuditEntry, type AuditQuery } from '@ablak/protocol';
import type { SqlExecutor } from './sql';

/** Audit entries by case reference and/or actor, newest first. */
export async function searchAudit(db: SqlExecutor, q: AuditQuery): Promise<AuditEntry[]> {
  const rows = await db.query(
    `SELECT id, ms(at) AS at, actor_id, actor_role, action, case_reference, call_id, ticket_id, subject, reason
       FROM audit_log
      WHERE ($1::text IS NULL OR case_reference = $1) AND ($2::text IS NULL OR actor_id = $2)
        AND at >= $3 AND ($4::timestamptz IS NULL OR at < $4)
      ORDER BY at DESC, id DESC LIMIT $5`,
    [
      q.caseReference ?? null,
      q.actorId ?? null,
      new Date(q.from ?? 0),
      q.to === undefined && q.before === undefined ? null : new Date(Math.min(q.to ?? Infinity, q.before ?? Infinity)),
      q.limit,
    ],
  );
  return rows.map((r) =>
    AuditEntry.parse({
      id: r.id,
      at: Number(r.at),
      actorId: r.actor_id,
      actorRole: r.actor_role,
      action: r.action,
      caseReference: r.case_reference,
      callId: r.call_id,
      ticketId: r.ticket_id,
      subject: r.subject,
      reason: r.reason,
    }),
  );
}
