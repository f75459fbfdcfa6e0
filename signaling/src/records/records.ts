/**
 * The system of record as the rest of signaling sees it: one object built at start, holding the
 * outbox (writes), the record store (reads, once the database is open), the audit service, case
 * references, the hand-off deliverer and the retention job.
 *
 * Opening the database never holds up the server: records wait in the outbox until it is open.
 * A schema newer than this build rejects `opened` (the process entry stops on it).
 */
import { randomUUID } from 'node:crypto';
import {
  AblakError,
  type CallId,
  type CaseReference,
  type ChatMessage,
  type CaseTypeCode,
  type ClerkId,
  type OfficeId,
  type OfferOutcome,
  type PrivacyNotice,
  type TicketId,
} from '@ablak/protocol';
import type { Logger } from 'pino';
import type { Directory } from '../directory/directory';
import type { SharedKv } from '../kv/types';
import type { Catalogue } from '../queue/catalogue';
import type { CallRecord, Store } from '../store/types';
import { Audit } from './audit';
import { CaseReferences } from './case-references';
import type { RecordsConfig } from './config';
import { HandOffDeliverer } from './handoff';
import { grantApplicationRole, SchemaTooNew } from './migrate';
import { Outbox } from './outbox';
import { SqlRecordStore, type RecordStore } from './record-store';
import { Recorder } from './recorder';
import { isUnavailable, openPglite, openPostgres, type SqlClient } from './sql';

const REOPEN_MS = 2000;
/** Live KV: the case reference a ticket's contact has (so the next leg after a transfer keeps it). */
const caseKey = (ticketId: string) => `case-ref:${ticketId}`;
const CASE_KEY_TTL_SECONDS = 2 * 86_400;

export interface RecordsDeps {
  config: RecordsConfig;
  store: Store;
  catalogue: Catalogue;
  directory: Directory;
  kv: SharedKv;
  logger: Logger;
  /** Tests: the database to use instead of the configured one (owned by Records from here). */
  openDatabase?: () => Promise<SqlClient>;
}

export class Records {
  readonly outbox: Outbox;
  readonly audit: Audit;
  readonly references: CaseReferences;
  readonly handOff: HandOffDeliverer;
  /** Resolves once migrations ran and records are written; rejects only on SchemaTooNew. */
  readonly opened: Promise<void>;
  private recordStore: RecordStore | null = null;
  private readonly recorder: Recorder;
  private retentionTimer: NodeJS.Timeout | null = null;
  private reopenTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private closed = false;
  private readonly logger: Logger;

  private constructor(private readonly deps: RecordsDeps) {
    this.logger = deps.logger.child({ module: 'records' });
    this.outbox = Outbox.open(deps.config.spoolDir, deps.config.batch, this.logger);
    this.audit = new Audit(this.outbox);
    this.references = new CaseReferences(() => this.recordStore, this.logger, this.outbox.dir);
    this.handOff = new HandOffDeliverer(() => this.recordStore, deps.config, this.logger);
    this.recorder = new Recorder({
      store: deps.store,
      catalogue: deps.catalogue,
      directory: deps.directory,
      outbox: this.outbox,
      logger: this.logger,
      onLegStarted: (call) => void this.carryCase(call),
    });
    this.opened = this.open();
    // Nobody may be awaiting `opened` (tests, library use): a rejection is logged, not unhandled.
    this.opened.catch((error: unknown) => this.logger.fatal({ err: error }, 'record database refused'));
  }

  /** Starts recording at once; the database opens in the background. */
  static async start(deps: RecordsDeps): Promise<Records> {
    const records = new Records(deps);
    if (records.enabled) await records.recorder.start();
    return records;
  }

  /** False when no database is configured (no DATABASE_URL, no DATA_DIR). */
  get enabled(): boolean {
    return this.deps.config.database.kind !== 'none' || this.deps.openDatabase !== undefined;
  }

  /** The record store for reads; UNAVAILABLE while the database is not open. */
  store(): RecordStore {
    if (!this.enabled) throw new AblakError('UNAVAILABLE', 'No record database is configured');
    if (!this.recordStore) throw new AblakError('UNAVAILABLE', 'The record database is not available yet');
    return this.recordStore;
  }

  private async connect(): Promise<SqlClient> {
    if (this.deps.openDatabase) return this.deps.openDatabase();
    const db = this.deps.config.database;
    if (db.kind === 'pglite') return openPglite(db.dir);
    if (db.kind !== 'postgres') throw new Error('no database configured');
    if (db.migrationUrl !== db.url) {
      // Migrate and grant as the owner, then work as the application role.
      const owner = await openPostgres({ url: db.migrationUrl, max: 1 });
      try {
        const { store } = await SqlRecordStore.create(owner);
        void store;
        await grantApplicationRole(owner, decodeURIComponent(new URL(db.url).username));
      } finally {
        await owner.close();
      }
    }
    return openPostgres({ url: db.url, max: db.poolSize });
  }

  private async open(): Promise<void> {
    if (!this.enabled) return;
    for (;;) {
      if (this.closed) return;
      let client: SqlClient | null = null;
      try {
        client = await this.connect();
        const names = (code: string) => this.deps.catalogue.caseTypes.get(code as CaseTypeCode)?.name ?? null;
        const { store, migration } = await SqlRecordStore.create(client, names);
        if (this.closed) {
          await store.close();
          return;
        }
        this.recordStore = store;
        this.logger.info({ engine: store.engine, version: migration.version, applied: migration.applied }, 'record database open');
        this.outbox.attach(store);
        void this.references.refill();
        this.handOff.start();
        this.startRetention();
        return;
      } catch (error) {
        await client?.close().catch(() => undefined);
        if (error instanceof SchemaTooNew) throw error;
        if (!isUnavailable(error)) this.logger.error({ err: error }, 'record database could not be opened');
        else this.logger.warn('record database unavailable at start: retrying; records wait in the outbox');
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.reopenTimer = setTimeout(resolve, REOPEN_MS);
          this.reopenTimer.unref();
        });
        this.wake = null;
      }
    }
  }

  private startRetention(): void {
    if (this.retentionTimer || this.closed) return;
    this.retentionTimer = setInterval(() => void this.runRetention(Date.now()).catch(() => undefined), this.deps.config.retentionIntervalMs);
    this.retentionTimer.unref();
  }

  /** Deletes what outlived its retention and records that it did. */
  async runRetention(now: number): Promise<Record<string, number>> {
    const counts = await this.store().purgeExpired(now, this.deps.config.retentionDays);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total > 0) {
      this.audit.record({
        actorId: 'retention',
        actorRole: 'system',
        action: 'retention.deleted',
        reason: 'retention period ended',
        subject: Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' '),
        at: now,
      });
      this.logger.info(counts, 'retention: expired records deleted');
    }
    return counts;
  }

  /** Resolves once every event and record so far is in the database (tests, benchmarks). */
  async idle(): Promise<void> {
    await this.recorder.idle();
    await this.outbox.idle();
  }

  // --- what handlers record -------------------------------------------------------------------

  /**
   * The call's case: the reference the contact already has (a transfer keeps it), else a fresh one
   * from the sequence. The live store keeps it on the call; the case is recorded through the outbox.
   */
  async openCase(call: CallRecord, clerkOffice: OfficeId | null, now: number): Promise<CaseReference> {
    if (call.caseReference) return call.caseReference;
    const known = await this.deps.kv.get(caseKey(call.ticketId));
    // Without a record database the live store's own counter issues it (not unique across restarts).
    const reference = (known as CaseReference | null) ?? (this.enabled ? await this.references.take(now) : undefined);
    const stored = await this.deps.store.openCase(call.id, now, reference);
    await this.deps.kv.set(caseKey(call.ticketId), stored, CASE_KEY_TTL_SECONDS);
    if (!this.enabled) return stored;
    const ticket = await this.deps.store.getTicket(call.ticketId);
    this.outbox.record({
      kind: 'case.opened',
      reference: stored,
      ticketId: call.ticketId,
      callId: call.id,
      caseType: ticket?.caseType ?? call.caseType,
      citizenName: call.citizenName,
      clerkId: call.clerkId,
      office: clerkOffice,
      at: now,
    });
    return stored;
  }

  /** A new leg of a contact with a case: the new call carries the reference from the start. */
  private async carryCase(call: CallRecord): Promise<void> {
    try {
      if (call.caseReference) return;
      const known = await this.deps.kv.get(caseKey(call.ticketId));
      if (known) await this.deps.store.openCase(call.id, Date.now(), known as CaseReference);
    } catch (error) {
      this.logger.warn({ err: error, call: call.id }, 'case reference not carried to the new call');
    }
  }

  /** The case reference of a ticket's contact, if one was opened (live KV; no database read). */
  async caseReferenceOf(ticketId: TicketId): Promise<CaseReference | null> {
    return (await this.deps.kv.get(caseKey(ticketId))) as CaseReference | null;
  }

  noteAdded(note: { ticketId: TicketId; callId: CallId; clerkId: ClerkId; text: string; outcome: OfferOutcome | null; at: number }): void {
    if (!this.enabled) return;
    this.outbox.record({ kind: 'note.added', id: randomUUID(), ...note });
  }

  chatSent(message: ChatMessage, ticketId: TicketId): void {
    if (!this.enabled) return;
    this.outbox.record({
      kind: 'chat.sent',
      id: message.id,
      ticketId,
      callId: message.callId,
      from: message.from,
      fromName: message.fromName,
      text: message.text,
      at: message.sentAt,
    });
  }

  rated(call: CallRecord, rating: number, comment: string | null, now: number): void {
    if (!this.enabled) return;
    this.outbox.record({ kind: 'contact.rated', ticketId: call.ticketId, callId: call.id, rating, comment, at: now });
  }

  get documentQuotas() {
    return this.deps.config.documentQuotas;
  }

  privacyNotice(): PrivacyNotice {
    return { retentionDays: { ...this.deps.config.retentionDays }, monitoring: true, mediaRecorded: false };
  }

  /** Stops timers, writes what it can, closes the database; unwritten records stay in the spool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.wake?.();
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.recorder.close();
    await this.handOff.close();
    await this.outbox.close();
    await this.opened.catch(() => undefined);
    await this.recordStore?.close();
    this.recordStore = null;
  }
}
