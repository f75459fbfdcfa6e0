/** The hand-off outbox as the deliverer sees it: claim due cases, mark them delivered or failed. */
import type { SqlClient } from './sql';

export interface DueHandOff {
  idempotencyKey: string;
  reference: string;
}

/**
 * Leases up to `limit` due hand-offs for `leaseMs` so that two nodes never send the same case at the
 * same time (SKIP LOCKED); a node that dies mid-send lets the lease run out and another one retries.
 */
export async function claimDue(db: SqlClient, now: number, limit: number, leaseMs: number): Promise<DueHandOff[]> {
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      `UPDATE handoff_outbox o SET leased_until = $2
        WHERE o.idempotency_key IN (
          SELECT o2.idempotency_key FROM handoff_outbox o2 JOIN cases c ON c.reference = o2.case_reference
           WHERE (o2.leased_until IS NULL OR o2.leased_until <= $1)
             AND (c.next_attempt_at IS NULL OR c.next_attempt_at <= $1)
           ORDER BY o2.created_at LIMIT $3 FOR UPDATE OF o2 SKIP LOCKED)
        RETURNING o.idempotency_key, o.case_reference`,
      [new Date(now), new Date(now + leaseMs), limit],
    );
    return rows.map((r) => ({ idempotencyKey: String(r.idempotency_key), reference: String(r.case_reference) }));
  });
}

export async function markDelivered(db: SqlClient, due: DueHandOff, now: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`DELETE FROM handoff_outbox WHERE idempotency_key = $1`, [due.idempotencyKey]);
    await tx.query(
      `UPDATE cases SET status = 'handed_off', delivered_at = $2, last_attempt_at = $2, attempts = attempts + 1,
         next_attempt_at = NULL, last_error = NULL WHERE reference = $1`,
      [due.reference, new Date(now)],
    );
  });
}

export async function markFailed(
  db: SqlClient,
  due: DueHandOff,
  now: number,
  error: string,
  nextAttemptAt: number,
  failAfterAttempts: number,
): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query(`UPDATE handoff_outbox SET leased_until = NULL WHERE idempotency_key = $1`, [due.idempotencyKey]);
    const rows = await tx.query(
      `UPDATE cases SET attempts = attempts + 1, last_attempt_at = $2, next_attempt_at = $3, last_error = $4,
         status = CASE WHEN attempts + 1 >= $5 THEN 'hand_off_failed' ELSE 'waiting_to_hand_off' END
       WHERE reference = $1 RETURNING attempts`,
      [due.reference, new Date(now), new Date(nextAttemptAt), error.slice(0, 200), failAfterAttempts],
    );
    return Number(rows[0]?.attempts ?? 0);
  });
}
