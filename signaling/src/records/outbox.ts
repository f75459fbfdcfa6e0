/**
 * Record ops wait here until the database has them: in memory in order, and (with a data directory)
 * in the local spool, so neither a database outage nor a node restart loses them. Nothing that
 * records ever waits for the database: `record()` returns at once; a flush loop writes batches and,
 * while the database is away, retries with backoff.
 */
import type { Logger } from 'pino';
import type { RecordOp } from './ops';
import type { RecordStore } from './record-store';
import { isUnavailable } from './sql';
import { Spool, type SpooledOp } from './spool';

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

export interface OutboxStats {
  pending: number;
  written: number;
  rejected: number;
  /** Milliseconds each batch took to write (most recent last, at most 1000). */
  batchMs: number[];
}

export class Outbox {
  private readonly queue: SpooledOp[] = [];
  private store: RecordStore | null = null;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryMs = 0;
  private closed = false;
  private closing = false;
  private readonly idleWaiters: (() => void)[] = [];
  readonly stats: OutboxStats = { pending: 0, written: 0, rejected: 0, batchMs: [] };

  constructor(
    private readonly spool: Spool | null,
    replay: readonly SpooledOp[],
    private readonly batch: number,
    private readonly logger: Logger,
  ) {
    this.queue.push(...replay);
    this.stats.pending = this.queue.length;
  }

  static open(spoolDir: string | null, batch: number, logger: Logger): Outbox {
    if (!spoolDir) return new Outbox(null, [], batch, logger);
    const { spool, replay, skipped } = Spool.open(spoolDir);
    if (replay.length > 0 || skipped > 0)
      logger.info({ replay: replay.length, skipped, dir: spool.dir }, 'record spool replayed');
    return new Outbox(spool, replay, batch, logger);
  }

  /** This process's spool slot (also holds the case number reserve), or null without a data directory. */
  get dir(): string | null {
    return this.spool?.dir ?? null;
  }

  /** The database is there: start writing (the queue so far first). */
  attach(store: RecordStore): void {
    this.store = store;
    this.kick();
  }

  /** Queues an op; it is written in order, soon, whatever the database is doing now. */
  record(op: RecordOp): void {
    if (this.closed || this.closing) return;
    let segment = -1;
    if (this.spool) {
      try {
        segment = this.spool.append(op);
      } catch (error) {
        this.logger.error({ err: error, kind: op.kind }, 'record spool write failed: kept in memory only');
      }
    }
    this.queue.push({ op, segment });
    this.stats.pending = this.queue.length;
    this.kick();
  }

  /** Resolves when every op queued so far is in the database (tests, shutdown). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.flushing || this.timer || !this.store || this.closed) return;
    this.flushing = this.flush()
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'record outbox flush failed');
        this.retryMs = RETRY_MAX_MS;
      })
      .finally(() => {
      this.flushing = null;
      if (this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
      else if (!this.closed) this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const delay = this.retryMs;
    if (delay === 0) {
      this.kick();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, delay);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    const store = this.store;
    while (store && this.queue.length > 0 && !this.closed) {
      const items = this.queue.slice(0, this.batch);
      const started = performance.now();
      try {
        await store.apply(items.map((i) => i.op));
      } catch (error) {
        if (isUnavailable(error)) {
          if (this.retryMs === 0) this.logger.warn({ pending: this.queue.length }, 'record database away: records wait in the outbox');
          this.retryMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.retryMs * 2));
          return;
        }
        // Not an outage: one op is bad. Write the batch one by one and set the bad one aside.
        if (await this.applyOneByOne(store, items)) continue;
        this.retryMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.retryMs * 2));
        return;
      }
      this.done(items, performance.now() - started);
    }
    if (this.retryMs !== 0) this.logger.info('record database back: outbox written');
    this.retryMs = 0;
  }

  /** False when the database went away meanwhile (the rest is retried later). */
  private async applyOneByOne(store: RecordStore, items: SpooledOp[]): Promise<boolean> {
    for (const item of items) {
      try {
        await store.apply([item.op]);
      } catch (error) {
        if (isUnavailable(error)) return false;
        this.stats.rejected++;
        this.logger.error({ err: error, kind: item.op.kind }, 'record op rejected by the database: dropped');
      }
      this.done([item], 0);
    }
    return true;
  }

  private done(items: SpooledOp[], ms: number): void {
    this.queue.splice(0, items.length);
    this.stats.pending = this.queue.length;
    this.stats.written += items.length;
    if (ms > 0) {
      this.stats.batchMs.push(ms);
      if (this.stats.batchMs.length > 1000) this.stats.batchMs.splice(0, this.stats.batchMs.length - 1000);
    }
    this.spool?.written(items.filter((i) => i.segment >= 0).map((i) => i.segment));
  }

  /** Stops writing; what is not written stays in the spool for the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing;
    // One last write of what is left, if the database is there; the rest stays in the spool.
    if (this.store && this.queue.length > 0 && this.retryMs === 0) {
      this.closed = false;
      this.closing = true;
      await this.flush().catch(() => undefined);
      this.closed = true;
    }
    this.spool?.close();
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
