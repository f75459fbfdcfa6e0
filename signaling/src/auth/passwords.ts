import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * bcrypt comparisons on worker threads. bcryptjs's own "async" compare runs in chunks of up to
 * 100 ms on the event loop: four sign-ins at cost 10 stalled every socket of the node for 415 ms
 * (measured). Here the event loop only posts a message and waits.
 */
const BCRYPT_PATH = createRequire(import.meta.url).resolve('bcryptjs');

// CommonJS source of the worker (an eval worker: no separate file to ship beside a bundle).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const bcrypt = require(${JSON.stringify(BCRYPT_PATH)});
parentPort.on('message', ({ id, password, hash }) => {
  let ok = false;
  try { ok = bcrypt.compareSync(password, hash); } catch { ok = false; }
  parentPort.postMessage({ id, ok });
});
`;

interface Slot {
  worker: Worker;
  busy: number;
}

interface Pending {
  slot: Slot;
  resolve(ok: boolean): void;
  reject(error: Error): void;
}

class PasswordWorkers {
  private readonly workers: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly size: number) {}

  compare(password: string, hash: string): Promise<boolean> {
    const slot = this.pick();
    const id = this.nextId++;
    return new Promise<boolean>((resolve, reject) => {
      this.pending.set(id, {
        slot,
        resolve: (ok) => {
          slot.busy -= 1;
          resolve(ok);
        },
        reject: (error) => {
          slot.busy -= 1;
          reject(error);
        },
      });
      slot.worker.postMessage({ id, password, hash });
    });
  }

  private pick(): Slot {
    const idle = this.workers.find((w) => w.busy === 0);
    const slot =
      idle ??
      (this.workers.length < this.size
        ? this.spawn()
        : this.workers.reduce((a, b) => (b.busy < a.busy ? b : a)));
    slot.busy += 1;
    return slot;
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // Idle workers never keep the process alive (a server that closes need not close them).
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (m: { id: number; ok: boolean }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m.ok === true);
    });
    worker.on('error', (error) => this.fail(slot, error));
    worker.on('exit', () => this.fail(slot, new Error('password worker exited')));
    this.workers.push(slot);
    return slot;
  }

  /** A worker died: its work fails (the sign-in answers an error) and a new worker takes over. */
  private fail(slot: Slot, error: Error): void {
    const index = this.workers.indexOf(slot);
    if (index >= 0) this.workers.splice(index, 1);
    for (const [id, p] of this.pending) {
      if (p.slot !== slot) continue;
      this.pending.delete(id);
      p.reject(error);
    }
  }
}

let shared: PasswordWorkers | undefined;

/** True when `password` matches the bcrypt `hash`; computed off the event loop. */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  shared ??= new PasswordWorkers(Math.max(1, Math.min(2, availableParallelism() - 1)));
  return shared.compare(password, hash);
}
