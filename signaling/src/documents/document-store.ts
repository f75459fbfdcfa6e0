/**
 * Documents in the record database (bytea), with quotas per call and per citizen (ticket) checked
 * and charged in the same transaction as the insert: two uploads racing for the last megabyte cannot
 * both win, because the usage row is locked by the first upsert until its transaction ends.
 */
import { AblakError, type SharedDocument } from '@ablak/protocol';
import { DOCUMENT_COLUMNS, documentFromRow } from '../records/read';
import type { SqlClient, SqlExecutor } from '../records/sql';

export interface DocumentQuotas {
  /** Bytes of all documents of one call. */
  perCallBytes: number;
  /** Documents in one call. */
  perCallCount: number;
  /** Bytes of all documents of one citizen's contact (every call of the ticket, transfers included). */
  perCitizenBytes: number;
}

export interface StoredDocument {
  doc: SharedDocument;
  ticketId: string;
  bytes: Buffer;
}

async function charge(tx: SqlExecutor, scope: string, size: number, maxBytes: number, maxCount: number): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO document_usage AS u (scope, bytes, count) SELECT $1, $2::bigint, 1 WHERE $2::bigint <= $3::bigint AND 1 <= $4::int
     ON CONFLICT (scope) DO UPDATE SET bytes = u.bytes + EXCLUDED.bytes, count = u.count + 1
       WHERE u.bytes + EXCLUDED.bytes <= $3::bigint AND u.count + 1 <= $4::int
     RETURNING bytes`,
    [scope, size, maxBytes, maxCount],
  );
  return rows.length > 0;
}

export async function insertDocument(
  db: SqlClient,
  doc: SharedDocument,
  ticketId: string,
  bytes: Buffer,
  quotas: DocumentQuotas,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await charge(tx, `call:${ticketId}:${doc.callId}`, doc.size, quotas.perCallBytes, quotas.perCallCount)))
      throw new AblakError('PAYLOAD_TOO_LARGE', 'This call has reached its document limit');
    if (!(await charge(tx, `ticket:${ticketId}`, doc.size, quotas.perCitizenBytes, 2_147_483_647)))
      throw new AblakError('PAYLOAD_TOO_LARGE', 'The documents of this contact have reached their limit');
    await tx.query(
      `INSERT INTO documents (id, ticket_id, call_id, name, mime_type, size, uploaded_by, uploaded_at, bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [doc.id, ticketId, doc.callId, doc.name, doc.mimeType, doc.size, doc.uploadedBy, new Date(doc.uploadedAt), new Uint8Array(bytes)],
    );
  });
}

export async function readDocument(db: SqlExecutor, id: string): Promise<StoredDocument | null> {
  const rows = await db.query(`SELECT ${DOCUMENT_COLUMNS}, ticket_id, bytes FROM documents WHERE id = $1`, [id]);
  const row = rows[0];
  if (!row) return null;
  const raw = row.bytes as Uint8Array;
  return { doc: documentFromRow(row), ticketId: String(row.ticket_id), bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) };
}
