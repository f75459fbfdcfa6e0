import { randomBytes } from 'node:crypto';
import { AblakError, SharedDocument, type CallId, type Role } from '@ablak/protocol';
import type { SharedKv } from '../kv/types';
import type { Records } from '../records/records';
import type { CallRecord } from '../store/types';

type MimeType = SharedDocument['mimeType'];

/** The type the bytes say they are, whatever the upload claimed; null for anything else. */
export function sniff(bytes: Buffer): MimeType | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

/** A file name safe to show and to put in Content-Disposition. */
export function cleanName(name: string, mimeType: MimeType): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .trim()
    .slice(0, 120);
  if (cleaned.length > 0) return cleaned;
  return `document.${mimeType.split('/')[1] ?? 'bin'}`;
}

const MAX_DOCUMENTS_PER_CALL = 50;

/**
 * Documents shared in calls. With a record database they live there (bytea), per contact, so they
 * follow the citizen through a transfer, under per-call and per-citizen quotas charged atomically.
 * Without one (a server started with no DATA_DIR or DATABASE_URL) they stay in the live KV for the
 * retention period, per call, as before.
 */
export class Documents {
  constructor(
    private readonly kv: SharedKv,
    private readonly retentionSeconds: number,
    private readonly records: Records | null = null,
  ) {}

  private get db() {
    return this.records?.enabled ? this.records.store() : null;
  }

  async save(
    call: CallRecord,
    upload: { name: string; bytes: Buffer },
    uploadedBy: Role,
    now: number,
  ): Promise<SharedDocument> {
    const mimeType = sniff(upload.bytes);
    if (!mimeType)
      throw new AblakError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Only JPEG, PNG, WebP images and PDF files can be shared',
      );
    const doc: SharedDocument = {
      id: `d-${randomBytes(9).toString('base64url')}`,
      callId: call.id,
      name: cleanName(upload.name, mimeType),
      mimeType,
      size: upload.bytes.length,
      uploadedBy,
      uploadedAt: now,
    };
    const db = this.db;
    if (db && this.records) {
      await db.putDocument(doc, call.ticketId, upload.bytes, this.records.documentQuotas);
      return doc;
    }
    const existing = await this.listKv(call.id);
    if (existing.length >= MAX_DOCUMENTS_PER_CALL)
      throw new AblakError('CONFLICT', 'Too many documents in this call');
    await this.kv.setBuffer(`doc:${call.id}:${doc.id}`, upload.bytes, this.retentionSeconds);
    await this.kv.push(`docs:${call.id}`, JSON.stringify(doc), this.retentionSeconds, MAX_DOCUMENTS_PER_CALL);
    return doc;
  }

  /** The documents of the call's contact (every call of the ticket with a record database). */
  async list(call: CallRecord): Promise<SharedDocument[]> {
    const db = this.db;
    if (db) return db.documentsOfTicket(call.ticketId);
    return this.listKv(call.id);
  }

  private async listKv(callId: CallId): Promise<SharedDocument[]> {
    const raw = await this.kv.list(`docs:${callId}`);
    return raw.flatMap((r) => {
      const parsed = SharedDocument.safeParse(JSON.parse(r));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async read(call: CallRecord, docId: string): Promise<{ doc: SharedDocument; bytes: Buffer }> {
    const db = this.db;
    if (db) {
      const stored = await db.getDocument(docId);
      if (!stored || stored.ticketId !== call.ticketId)
        throw new AblakError('NOT_FOUND', 'No such document (or its retention ended)');
      return { doc: stored.doc, bytes: stored.bytes };
    }
    const doc = (await this.listKv(call.id)).find((d) => d.id === docId);
    const bytes = doc ? await this.kv.getBuffer(`doc:${call.id}:${doc.id}`) : null;
    if (!doc || !bytes) throw new AblakError('NOT_FOUND', 'No such document (or its retention ended)');
    return { doc, bytes };
  }
}
