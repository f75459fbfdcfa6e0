import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { AblakError } from '@ablak/protocol';
import { pickLeastLoaded, type WorkerLoad } from './placement';

export interface WorkerPoolOptions {
  readonly workers: number;
  readonly listenIp: string;
  readonly announcedIp: string | undefined;
  /** Worker i listens on base+i (UDP and TCP); 0 lets the OS pick. */
  readonly rtcPortBase: number;
  readonly enableTcp: boolean;
  readonly logLevel: types.WorkerLogLevel;
}

/** One mediasoup worker process, its WebRtcServer and live counts of what it carries. */
export class WorkerSlot {
  rooms = 0;
  transports = 0;
  producers = 0;
  consumers = 0;
  cpu = 0;
  /** Live transports of this worker (for byte counters). */
  readonly transportSet = new Set<types.Transport>();
  private lastUsage: { at: number; cpuMs: number } | undefined;

  constructor(
    readonly index: number,
    readonly worker: types.Worker,
    readonly webRtcServer: types.WebRtcServer,
  ) {
    worker.observer.on('newrouter', (router) => {
      this.rooms++;
      router.observer.once('close', () => this.rooms--);
      router.observer.on('newtransport', (transport) => {
        this.transports++;
        this.transportSet.add(transport);
        transport.observer.once('close', () => {
          this.transports--;
          this.transportSet.delete(transport);
        });
        transport.observer.on('newproducer', (producer) => {
          this.producers++;
          producer.observer.once('close', () => this.producers--);
        });
        transport.observer.on('newconsumer', (consumer) => {
          this.consumers++;
          consumer.observer.once('close', () => this.consumers--);
        });
      });
    });
  }

  get alive(): boolean {
    return !this.worker.closed && !this.worker.died;
  }

  load(): WorkerLoad {
    return { index: this.index, alive: this.alive, rooms: this.rooms, producers: this.producers, consumers: this.consumers, cpu: this.cpu };
  }

  /** Updates `cpu` (share of one core since the previous sample). */
  async sampleCpu(now = Date.now()): Promise<number> {
    if (!this.alive) return this.cpu;
    const usage = await this.worker.getResourceUsage();
    const cpuMs = usage.ru_utime + usage.ru_stime;
    if (this.lastUsage !== undefined && now > this.lastUsage.at) {
      this.cpu = Math.max(0, (cpuMs - this.lastUsage.cpuMs) / (now - this.lastUsage.at));
    }
    this.lastUsage = { at: now, cpuMs };
    return this.cpu;
  }
}

export type WorkerPoolEvents = {
  /** A worker process died; its slot is being replaced (its routers are already closed). */
  'worker-died': [index: number, pid: number, error: Error];
  'worker-replaced': [slot: WorkerSlot];
};

/** The node's workers: starts them, places rooms on the least-loaded one, replaces the dead. */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  private readonly slots: (WorkerSlot | undefined)[];
  private readonly replacing = new Map<number, Promise<WorkerSlot | undefined>>();
  private closed = false;

  private constructor(
    private readonly options: WorkerPoolOptions,
    private readonly logger: Logger,
  ) {
    super();
    this.slots = new Array<WorkerSlot | undefined>(options.workers).fill(undefined);
  }

  static async create(options: WorkerPoolOptions, logger: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(options, logger.child({ module: 'worker-pool' }));
    try {
      for (let i = 0; i < options.workers; i++) pool.slots[i] = await pool.start(i);
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  /** Live slots, in index order. */
  live(): WorkerSlot[] {
    return this.slots.filter((s): s is WorkerSlot => s !== undefined && s.alive);
  }

  all(): readonly (WorkerSlot | undefined)[] {
    return this.slots;
  }

  get size(): number {
    return this.options.workers;
  }

  /** The least-loaded live worker; waits for a replacement when none is alive. */
  async acquire(): Promise<WorkerSlot> {
    if (this.closed) throw new AblakError('UNAVAILABLE', 'the SFU node is closing');
    const best = pickLeastLoaded(this.live().map((s) => s.load()));
    if (best !== undefined) return this.slots[best.index] as WorkerSlot;
    const pending = [...this.replacing.values()];
    if (pending.length > 0) {
      const slot = (await Promise.all(pending)).find((s) => s?.alive);
      if (slot) return slot;
    }
    throw new AblakError('UNAVAILABLE', 'no live media worker');
  }

  /**
   * Live workers for `count` rooms moving off a dead worker, spread as placement would place them
   * one by one: each pick counts the rooms already given out in this batch. Waits (up to
   * `waitMs`) for workers being replaced, so the dead worker's replacement takes its share.
   */
  async spread(count: number, waitMs = 2000): Promise<WorkerSlot[]> {
    if (this.closed) throw new AblakError('UNAVAILABLE', 'the SFU node is closing');
    const pending = [...this.replacing.values()];
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(pending),
        new Promise((resolve) => (timer = setTimeout(resolve, waitMs))),
      ]).finally(() => clearTimeout(timer));
    }
    const loads = new Map(this.live().map((s) => [s.index, s.load()]));
    const picked: WorkerSlot[] = [];
    for (let i = 0; i < count; i++) {
      const best = pickLeastLoaded([...loads.values()]);
      if (best === undefined) break;
      picked.push(this.slots[best.index] as WorkerSlot);
      loads.set(best.index, { ...best, rooms: best.rooms + 1 });
    }
    return picked;
  }

  /** Kills nothing itself: closes every worker (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) slot?.worker.close();
  }

  private async start(index: number): Promise<WorkerSlot> {
    const worker = await createWorkerOwningNoSignals({ logLevel: this.options.logLevel, appData: { index } });
    try {
      const webRtcServer = await this.createWebRtcServer(worker, index);
      const slot = new WorkerSlot(index, worker, webRtcServer);
      worker.on('died', (error) => this.onDied(slot, error));
      this.logger.info({ worker: index, pid: worker.pid }, 'worker started');
      return slot;
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  private async createWebRtcServer(worker: types.Worker, index: number): Promise<types.WebRtcServer> {
    const { listenIp, announcedIp, rtcPortBase, enableTcp } = this.options;
    const listenInfos = (port: number | undefined): types.TransportListenInfo[] => {
      const base = { ip: listenIp, ...(announcedIp ? { announcedAddress: announcedIp } : {}), ...(port ? { port } : {}) };
      return enableTcp ? [{ protocol: 'udp', ...base }, { protocol: 'tcp', ...base }] : [{ protocol: 'udp', ...base }];
    };
    if (rtcPortBase === 0) return worker.createWebRtcServer({ listenInfos: listenInfos(undefined) });
    const port = rtcPortBase + index;
    // A replaced worker reuses its predecessor's port; the kernel may need a moment to release it.
    for (let attempt = 0; ; attempt++) {
      try {
        return await worker.createWebRtcServer({ listenInfos: listenInfos(port) });
      } catch (error) {
        if (attempt >= 4) throw error;
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    }
  }

  private onDied(slot: WorkerSlot, error: Error): void {
    if (this.closed) return;
    this.logger.error({ worker: slot.index, pid: slot.worker.pid, err: error.message }, 'worker died; replacing it');
    const replacement = this.replace(slot.index);
    this.replacing.set(slot.index, replacement);
    void replacement.finally(() => this.replacing.delete(slot.index));
    this.emit('worker-died', slot.index, slot.worker.pid, error);
  }

  private async replace(index: number): Promise<WorkerSlot | undefined> {
    for (let attempt = 0; attempt < 5 && !this.closed; attempt++) {
      try {
        const slot = await this.start(index);
        if (this.closed) {
          slot.worker.close();
          return undefined;
        }
        this.slots[index] = slot;
        this.emit('worker-replaced', slot);
        return slot;
      } catch (error) {
        this.logger.error({ worker: index, attempt, err: (error as Error).message }, 'worker replacement failed');
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      }
    }
    return undefined;
  }
}

/**
 * mediasoup's Worker closes itself on the process's SIGINT/SIGTERM (a `process.once` listener per
 * worker). Here the service's entry owns those signals: a SIGTERM starts a drain in which the workers
 * must keep carrying the running calls, and one during start-up must stop the process, not close a
 * worker under a start that then never finishes. So the listeners a new worker adds are taken off.
 */
async function createWorkerOwningNoSignals(settings: types.WorkerSettings): Promise<types.Worker> {
  const before = {
    SIGINT: new Set(process.listeners('SIGINT')),
    SIGTERM: new Set(process.listeners('SIGTERM')),
  };
  const worker = await mediasoup.createWorker(settings);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before[signal].has(listener)) process.removeListener(signal, listener);
    }
  }
  return worker;
}
