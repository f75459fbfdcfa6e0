import { createHash } from 'node:crypto';
import { AblakError } from '@ablak/protocol';
import type { SharedKv } from '../kv/types';

/**
 * Fixed-window counter per key, per process: for socket events, where a socket lives on one node
 * anyway. Limits per client address use `SharedRateLimiter`, which holds across a fleet.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private lastPrune = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** True when the key may act now (and counts the act). */
  take(key: string, now = Date.now()): boolean {
    this.prune(now);
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= this.limit;
  }

  /** Throws RATE_LIMITED when the key is over its allowance. */
  check(key: string, now = Date.now()): void {
    if (!this.take(key, now)) throw new AblakError('RATE_LIMITED', 'Too many requests, slow down');
  }

  forget(key: string): void {
    this.windows.delete(key);
  }

  private prune(now: number): void {
    if (now - this.lastPrune < this.windowMs || this.windows.size < 1000) return;
    this.lastPrune = now;
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}

/**
 * Fixed-window counter per key kept in the shared KV, so the allowance holds across every node of a
 * fleet (one atomic increment per act). Keys are hashed, so no client address is written to the KV.
 */
export class SharedRateLimiter {
  constructor(
    private readonly kv: SharedKv,
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Throws RATE_LIMITED when the key is over its allowance in this window (and counts the act). */
  async check(key: string): Promise<void> {
    const id = createHash('sha256').update(key).digest('base64url').slice(0, 22);
    // The counter's expiry is set when the first act creates it: the window starts there.
    const count = await this.kv.incr(`rate:${this.name}:${id}`, Math.ceil(this.windowMs / 1000));
    if (count > this.limit) throw new AblakError('RATE_LIMITED', 'Too many requests, slow down');
  }
}
