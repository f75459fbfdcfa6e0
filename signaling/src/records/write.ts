/**
 * Applies record ops. Every statement is idempotent and order-insensitive where it matters: derived
 * contact fields (state, answered, handle time, last office and clerk) are recomputed from the legs
 * after each leg change, so a replayed or duplicated op cannot move a contact backwards.
 */
import type { OpOf, RecordOp } from './ops';
import type { SqlExecutor } from './sql';

const at = (ms: number) => new Date(ms);

/**
 * What a batch's ops leave to do once at its end: contacts whose derived fields must be recomputed,
 * and contacts whose case may now go to the hand-off outbox (both read the batch's final state).
 */
export interface BatchEffects {
  refresh: Set<string>;
  handOff: Map<string, number>;
}

type Apply<K extends RecordOp['kind']> = (tx: SqlExecutor, op: OpOf<K>, effects: BatchEffects) => Promise<void>;
type Appliers = { [K in RecordOp['kind']]: Apply<K> };

/** Recomputes what a contact's legs say about it. */
async function refreshContact(tx: SqlExecutor, ticketId: string): Promise<void> {
  await tx.query(
    `UPDATE contacts c SET
       answered_at = l.first_start,
       wait_seconds = COALESCE(l.first_wait, CASE WHEN c.abandoned_at IS NOT NULL
         THEN GREATEST(0, extract(epoch FROM c.abandoned_at - c.queued_at))::float8 END),
       handle_seconds = l.handle,
       office = l.last_office,
       clerk_id = l.last_clerk,
       ended_at = l.final_end,
       state = CASE
         WHEN c.closed_state IS NOT NULL AND l.final_end IS NULL THEN c.closed_state
         WHEN l.final_end IS NOT NULL THEN 'ended'
         WHEN l.open_legs > 0 THEN 'in_call'
         ELSE 'waiting' END
     FROM (
       SELECT min(started_at) AS first_start,
              (array_agg(wait_seconds ORDER BY started_at))[1] AS first_wait,
              sum(handle_seconds) AS handle,
              (array_agg(office ORDER BY started_at DESC))[1] AS last_office,
              (array_agg(clerk_id ORDER BY started_at DESC))[1] AS last_clerk,
              max(ended_at) FILTER (WHERE end_reason IS DISTINCT FROM 'transferred' AND ended_at IS NOT NULL) AS final_end,
              count(*) FILTER (WHERE ended_at IS NULL) AS open_legs
       FROM contact_legs WHERE ticket_id = $1
     ) l
     WHERE c.ticket_id = $1`,
    [ticketId],
  );
}

/** Puts the contact's case (if any, once) into the hand-off outbox: same transaction as the close. */
async function queueHandOff(tx: SqlExecutor, ticketId: string, now: number): Promise<void> {
  const closed = await tx.query(
    `SELECT 1 FROM contact_legs WHERE ticket_id = $1 AND ended_at IS NOT NULL
       AND end_reason IS DISTINCT FROM 'transferred' LIMIT 1`,
    [ticketId],
  );
  if (closed.length === 0) return;
  await tx.query(
    `INSERT INTO handoff_outbox (idempotency_key, case_reference, created_at)
       SELECT 'case:' || reference, reference, $2 FROM cases WHERE ticket_id = $1
     ON CONFLICT DO NOTHING`,
    [ticketId, at(now)],
  );
  await tx.query(
    `UPDATE cases SET status = 'waiting_to_hand_off', next_attempt_at = COALESCE(next_attempt_at, $2)
       WHERE ticket_id = $1 AND status = 'opened'`,
    [ticketId, at(now)],
  );
}

const appliers: Appliers = {
  'contact.queued': async (tx, op) => {
    await tx.query(
      `INSERT INTO contacts (ticket_id, channel, case_type, queue, language, accessibility, priority,
         citizen_name, queued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (ticket_id) DO NOTHING`,
      [op.ticketId, op.channel, op.caseType, op.queue, op.language, op.accessibility, op.priority, op.citizenName, at(op.queuedAt)],
    );
  },
  'offer.made': async (tx, op) => {
    await tx.query(
      `INSERT INTO contact_offers (ticket_id, clerk_id, offered_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [op.ticketId, op.clerkId, at(op.offeredAt)],
    );
  },
  'offer.decided': async (tx, op) => {
    await tx.query(
      `UPDATE contact_offers SET outcome = $3, decided_at = $4
         WHERE ticket_id = $1 AND clerk_id = $2 AND outcome = 'pending' AND offered_at <= $4`,
      [op.ticketId, op.clerkId, op.outcome, at(op.at)],
    );
  },
  'leg.started': async (tx, op, effects) => {
    await tx.query(
      `INSERT INTO contact_legs (call_id, ticket_id, clerk_id, clerk_name, office, region, queue, started_at,
         wait_seconds, in_target)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (ticket_id, call_id) DO NOTHING`,
      [op.callId, op.ticketId, op.clerkId, op.clerkName, op.office, op.region, op.queue, at(op.startedAt), op.waitSeconds, op.inTarget],
    );
    await tx.query(
      `UPDATE contact_offers SET outcome = 'accepted', decided_at = $3
         WHERE ticket_id = $1 AND clerk_id = $2 AND outcome = 'pending' AND offered_at <= $3`,
      [op.ticketId, op.clerkId, at(op.startedAt)],
    );
    effects.refresh.add(op.ticketId);
  },
  'leg.ended': async (tx, op, effects) => {
    await tx.query(
      `UPDATE contact_legs SET ended_at = $2, end_reason = $3,
         handle_seconds = GREATEST(0, extract(epoch FROM $2::timestamptz - started_at))::float8
       WHERE call_id = $1 AND ticket_id = $4 AND ended_at IS NULL`,
      [op.callId, at(op.endedAt), op.endReason, op.ticketId],
    );
    effects.refresh.add(op.ticketId);
    if (op.final) effects.handOff.set(op.ticketId, op.endedAt);
  },
  'contact.transferred': async (tx, op) => {
    await tx.query(
      `INSERT INTO contact_transfers (from_call_id, ticket_id, at, from_clerk, to_queue, to_clerk, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (ticket_id, from_call_id) DO NOTHING`,
      [op.fromCallId, op.ticketId, at(op.at), op.fromClerk, op.toQueue, op.toClerk, op.reason],
    );
  },
  'contact.abandoned': async (tx, op, effects) => {
    await tx.query(
      `UPDATE contacts SET abandoned_at = $2, abandoned_queue = $3, closed_state = $4
         WHERE ticket_id = $1 AND abandoned_at IS NULL`,
      [op.ticketId, at(op.at), op.queue, op.state],
    );
    effects.refresh.add(op.ticketId);
  },
  'contact.rated': async (tx, op) => {
    await tx.query(
      `UPDATE contacts SET rating = $2, rating_comment = $3, rated_at = $4, rated_call_id = $5
         WHERE ticket_id = $1 AND rating IS NULL`,
      [op.ticketId, op.rating, op.comment, at(op.at), op.callId],
    );
  },
  'case.opened': async (tx, op, effects) => {
    await tx.query(
      `INSERT INTO cases (reference, ticket_id, case_type, citizen_name, opened_at, opened_by, office)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [op.reference, op.ticketId, op.caseType, op.citizenName, at(op.at), op.clerkId, op.office],
    );
    await tx.query(
      `UPDATE contacts SET case_reference = (SELECT reference FROM cases WHERE ticket_id = $1)
         WHERE ticket_id = $1`,
      [op.ticketId],
    );
    // Opened during wrap-up, after the contact closed: it goes to the back office at once.
    if (!effects.handOff.has(op.ticketId)) effects.handOff.set(op.ticketId, op.at);
  },
  'note.added': async (tx, op) => {
    await tx.query(
      `INSERT INTO case_notes (id, ticket_id, call_id, clerk_id, at, text, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
      [op.id, op.ticketId, op.callId, op.clerkId, at(op.at), op.text, op.outcome],
    );
  },
  'chat.sent': async (tx, op) => {
    await tx.query(
      `INSERT INTO chat_messages (id, ticket_id, call_id, from_role, from_name, text, sent_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
      [op.id, op.ticketId, op.callId, op.from, op.fromName, op.text, at(op.at)],
    );
  },
  audit: async (tx, op) => {
    await tx.query(
      `INSERT INTO audit_log (id, at, actor_id, actor_role, action, case_reference, call_id, ticket_id, subject, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
      [op.id, at(op.at), op.actorId, op.actorRole, op.action, op.caseReference, op.callId, op.ticketId, op.subject, op.reason],
    );
  },
};

/** Applies a batch of ops in order inside the caller's transaction, then their deferred effects. */
export async function applyOps(tx: SqlExecutor, ops: readonly RecordOp[]): Promise<void> {
  const effects: BatchEffects = { refresh: new Set(), handOff: new Map() };
  for (const op of ops) await (appliers[op.kind] as Apply<RecordOp['kind']>)(tx, op, effects);
  for (const ticketId of effects.refresh) await refreshContact(tx, ticketId);
  for (const [ticketId, at] of effects.handOff) await queueHandOff(tx, ticketId, at);
}
