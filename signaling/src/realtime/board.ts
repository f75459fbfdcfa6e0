import { BoardSample, type BoardFilter, type BoardSnapshot, type ClerkView } from '@ablak/protocol';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import { callSummary } from '../calls/views';
import type { AppContext } from '../context';
import { pushSupervisor } from './push';

const HISTORY_LENGTH = 120; // one hour at 30 s
const historyKey = (filterKey: string) => `history:${filterKey}`;

function parseSample(raw: string): BoardSample | null {
  try {
    const parsed = BoardSample.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function filterKey(filter: BoardFilter): string {
  return `board:${filter.office ?? '*'}:${filter.region ?? '*'}`;
}

/**
 * The supervisor board: a snapshot per filter, pushed to local supervisors when something changed,
 * at most once per `boardPushIntervalMs`; plus a last-hour history sampled every
 * `boardHistoryIntervalMs`. The history lives in the shared KV and each interval's sample is taken
 * by one node only (a KV slot lock), so supervisors on every node see the same chart.
 */
export class Board {
  private dirty = false;
  private readonly filters = new Map<string, BoardFilter>();
  private pushTimer: NodeJS.Timeout | null = null;
  private sampleTimer: NodeJS.Timeout | null = null;
  private readonly logger: Logger;

  constructor(private readonly ctx: Omit<AppContext, 'matcher'>) {
    this.logger = ctx.logger.child({ module: 'board' });
  }

  start(): void {
    this.pushTimer = setInterval(() => void this.flush(), this.ctx.config.boardPushIntervalMs);
    this.sampleTimer = setInterval(() => void this.sample(), this.ctx.config.boardHistoryIntervalMs);
    this.pushTimer.unref();
    this.sampleTimer.unref();
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Moves the socket to its filter's room and returns the current snapshot for it. */
  async subscribe(socket: Socket, filter: BoardFilter): Promise<BoardSnapshot> {
    for (const room of socket.rooms) if (room.startsWith('board:')) await socket.leave(room);
    const key = filterKey(filter);
    this.filters.set(key, filter);
    await socket.join(key);
    if ((await this.history(key)).length === 0) await this.sample([key]);
    return this.snapshot(filter, key, Date.now());
  }

  private clerkMatches(clerk: { office: string }, filter: BoardFilter): boolean {
    if (filter.office && clerk.office !== filter.office) return false;
    if (filter.region && this.ctx.directory.office(clerk.office)?.region !== filter.region) return false;
    return true;
  }

  async snapshot(filter: BoardFilter, key: string, now: number): Promise<BoardSnapshot> {
    const [queues, clerks, calls, history] = await Promise.all([
      this.ctx.store.queueStats(now),
      this.ctx.store.clerkViews(),
      this.ctx.store.activeCalls(),
      this.history(key),
    ]);
    const shown = clerks.filter((c) => this.clerkMatches(c, filter));
    const ids = new Set(shown.map((c) => c.id));
    return {
      at: now,
      queues,
      clerks: shown,
      calls: calls.filter((c) => ids.has(c.clerkId)).map(callSummary),
      history,
    };
  }

  private async history(key: string): Promise<BoardSample[]> {
    const samples: BoardSample[] = [];
    for (const raw of await this.ctx.kv.list(historyKey(key))) {
      const sample = parseSample(raw);
      if (sample) samples.push(sample);
    }
    return samples;
  }

  private activeKeys(): string[] {
    const nsp = this.ctx.io.of('/supervisor');
    const keys: string[] = [];
    for (const key of this.filters.keys()) {
      if ((nsp.adapter.rooms.get(key)?.size ?? 0) > 0) keys.push(key);
      else this.filters.delete(key);
    }
    return keys;
  }

  private async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const keys = this.activeKeys();
    if (keys.length === 0) return;
    const now = Date.now();
    try {
      const nsp = this.ctx.io.of('/supervisor').local;
      for (const key of keys) {
        const filter = this.filters.get(key);
        if (filter) pushSupervisor(nsp.to(key), 'board:updated', await this.snapshot(filter, key, now));
      }
    } catch (error) {
      this.logger.error({ err: error }, 'board push failed');
    }
  }

  /** Adds this interval's sample to each key's history, unless another node already did. */
  private async sample(keys = this.activeKeys()): Promise<void> {
    if (keys.length === 0) return;
    try {
      const { kv, config } = this.ctx;
      const interval = config.boardHistoryIntervalMs;
      const now = Date.now();
      const slot = Math.floor(now / interval);
      const lockSeconds = Math.ceil((2 * interval) / 1000);
      const mine: string[] = [];
      for (const key of keys)
        if (await kv.setIfAbsent(`history-slot:${key}:${slot}`, '1', lockSeconds)) mine.push(key);
      if (mine.length === 0) return;
      const [stats, clerks] = await Promise.all([
        this.ctx.store.queueStats(now),
        this.ctx.store.clerkViews(),
      ]);
      const waiting = stats.reduce((n, q) => n + q.waiting, 0);
      const keepSeconds = Math.ceil((HISTORY_LENGTH * interval) / 1000) + 60;
      for (const key of mine) {
        const filter = this.filters.get(key) ?? {};
        const available = clerks.filter(
          (c: ClerkView) => c.state === 'available' && this.clerkMatches(c, filter),
        ).length;
        const sample: BoardSample = { at: now, waiting, available };
        await kv.push(historyKey(key), JSON.stringify(sample), keepSeconds, HISTORY_LENGTH);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'board sample failed');
    }
  }

  close(): void {
    if (this.pushTimer) clearInterval(this.pushTimer);
    if (this.sampleTimer) clearInterval(this.sampleTimer);
  }
}
