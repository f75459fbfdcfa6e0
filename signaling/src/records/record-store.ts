/**
 * The system of record behind one interface. `SqlRecordStore` is the one implementation, over
 * PostgreSQL (`pg`) or PGlite: same SQL, same migrations; the contract suite runs it on both.
 */
import type {
  AuditEntry,
  AuditQuery,
  CaseDetail,
  CaseReference,
  CaseSummary,
  ContactRecord,
  HistoryQuery,
  HistoryRow,
  MyContact,
  MyContactsQuery,
  SharedDocument,
} from '@ablak/protocol';
import { insertDocument, readDocument, type DocumentQuotas, type StoredDocument } from '../documents/document-store';
import { searchAudit } from './audit-read';
import { claimDue, markDelivered, markFailed, type DueHandOff } from './handoff-store';
import { readHistory } from './history';
import { migrate, type MigrationResult } from './migrate';
import type { RecordOp } from './ops';
import {
  readCaseByTicket,
  readCaseSummary,
  readChat,
  readContacts,
  readDocuments,
  readMyContacts,
  readNotes,
  servedBy,
  type CaseTypeNames,
} from './read';
import { purgeExpired, type PurgeCounts, type RetentionDays } from './retention-store';
import type { SqlClient } from './sql';
import { applyOps } from './write';

export type { DocumentQuotas, DueHandOff, PurgeCounts, RetentionDays, StoredDocument };

export interface RecordStore {
  readonly engine: SqlClient['engine'];
  /** Writes ops in one transaction, in order; each is idempotent. */
  apply(ops: readonly RecordOp[]): Promise<void>;
  /** Fresh case numbers from the database sequence (unique across nodes and restarts). */
  reserveCaseNumbers(count: number): Promise<number[]>;

  contacts(ticketIds: readonly string[]): Promise<ContactRecord[]>;
  myContacts(clerkId: string, query: MyContactsQuery, now: number): Promise<MyContact[]>;
  caseSummary(reference: CaseReference): Promise<CaseSummary | null>;
  caseOfTicket(ticketId: string): Promise<CaseSummary | null>;
  /** A case in full, or null. The caller audits the read. */
  caseDetail(reference: CaseReference): Promise<CaseDetail | null>;
  /** Whether `clerkId` served any call of the ticket. */
  servedBy(ticketId: string, clerkId: string): Promise<boolean>;
  history(query: HistoryQuery): Promise<HistoryRow[]>;
  searchAudit(query: AuditQuery): Promise<AuditEntry[]>;

  /** Stores a document, charging the call's and the citizen's quota atomically (PAYLOAD_TOO_LARGE). */
  putDocument(doc: SharedDocument, ticketId: string, bytes: Buffer, quotas: DocumentQuotas): Promise<void>;
  getDocument(id: string): Promise<StoredDocument | null>;
  /** Documents of every call of a ticket, oldest first. */
  documentsOfTicket(ticketId: string): Promise<SharedDocument[]>;

  claimHandOffs(now: number, limit: number, leaseMs: number): Promise<DueHandOff[]>;
  handOffDelivered(due: DueHandOff, now: number): Promise<void>;
  /** Returns the attempts made so far. */
  handOffFailed(due: DueHandOff, now: number, error: string, nextAttemptAt: number, failAfterAttempts: number): Promise<number>;

  purgeExpired(now: number, days: RetentionDays): Promise<PurgeCounts>;
  close(): Promise<void>;
}

export class SqlRecordStore implements RecordStore {
  private constructor(
    private readonly db: SqlClient,
    private readonly names: CaseTypeNames,
  ) {}

  /** Migrates (refusing a newer schema) and returns the store; `db` is owned by the store from here. */
  static async create(db: SqlClient, names: CaseTypeNames = () => null): Promise<{ store: SqlRecordStore; migration: MigrationResult }> {
    const migration = await migrate(db);
    return { store: new SqlRecordStore(db, names), migration };
  }

  get engine() {
    return this.db.engine;
  }

  async apply(ops: readonly RecordOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.db.transaction((tx) => applyOps(tx, ops));
  }

  async reserveCaseNumbers(count: number): Promise<number[]> {
    const rows = await this.db.query(`SELECT nextval('case_number')::float8 AS n FROM generate_series(1, $1::int)`, [count]);
    return rows.map((r) => Number(r.n));
  }

  contacts(ticketIds: readonly string[]) {
    return readContacts(this.db, ticketIds, this.names);
  }
  myContacts(clerkId: string, query: MyContactsQuery, now: number) {
    return readMyContacts(this.db, clerkId, query, now, this.names);
  }
  caseSummary(reference: CaseReference) {
    return readCaseSummary(this.db, reference, this.names);
  }
  caseOfTicket(ticketId: string) {
    return readCaseByTicket(this.db, ticketId, this.names);
  }
  async caseDetail(reference: CaseReference): Promise<CaseDetail | null> {
    const summary = await readCaseSummary(this.db, reference, this.names);
    if (!summary) return null;
    const [contacts, notes, documents, chat] = await Promise.all([
      readContacts(this.db, [summary.ticketId], this.names),
      readNotes(this.db, summary.ticketId),
      readDocuments(this.db, summary.ticketId),
      readChat(this.db, summary.ticketId),
    ]);
    const contact = contacts[0];
    if (!contact) return null;
    return { ...summary, contact, notes, documents, chat };
  }
  servedBy(ticketId: string, clerkId: string) {
    return servedBy(this.db, ticketId, clerkId);
  }
  history(query: HistoryQuery) {
    return readHistory(this.db, query);
  }
  searchAudit(query: AuditQuery) {
    return searchAudit(this.db, query);
  }

  putDocument(doc: SharedDocument, ticketId: string, bytes: Buffer, quotas: DocumentQuotas) {
    return insertDocument(this.db, doc, ticketId, bytes, quotas);
  }
  getDocument(id: string) {
    return readDocument(this.db, id);
  }
  documentsOfTicket(ticketId: string) {
    return readDocuments(this.db, ticketId);
  }

  claimHandOffs(now: number, limit: number, leaseMs: number) {
    return claimDue(this.db, now, limit, leaseMs);
  }
  handOffDelivered(due: DueHandOff, now: number) {
    return markDelivered(this.db, due, now);
  }
  handOffFailed(due: DueHandOff, now: number, error: string, nextAttemptAt: number, failAfterAttempts: number) {
    return markFailed(this.db, due, now, error, nextAttemptAt, failAfterAttempts);
  }

  purgeExpired(now: number, days: RetentionDays) {
    return purgeExpired(this.db, now, days);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
