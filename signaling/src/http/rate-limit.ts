import { AblakError } from '@ablak/protocol';

/**
 * Fixed-window counter per key (IP, socket). Per process: a fleet multiplies the allowance by its
 * size, which is acceptable for abuse limits whose job is to stop floods, not to meter.
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
