import type { SharedKv } from './types';

type Value = string | Buffer | string[] | Map<string, string>;

/** In-process SharedKv (embedded default); expired keys vanish on read and on a periodic prune. */
export class MemoryKv implements SharedKv {
  private readonly data = new Map<string, { value: Value; expiresAt: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.timer = setInterval(() => this.prune(), 60_000);
    this.timer.unref();
  }

  private read(key: string): Value | undefined {
    const entry = this.data.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private write(key: string, value: Value, ttlSeconds: number): void {
    this.data.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async get(key: string): Promise<string | null> {
    const v = this.read(key);
    return typeof v === 'string' ? v : null;
  }
  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.write(key, value, ttlSeconds);
  }
  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.read(key) !== undefined) return false;
    this.write(key, value, ttlSeconds);
    return true;
  }
  async getBuffer(key: string): Promise<Buffer | null> {
    const v = this.read(key);
    return Buffer.isBuffer(v) ? v : null;
  }
  async setBuffer(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    this.write(key, Buffer.from(value), ttlSeconds);
  }
  async push(key: string, value: string, ttlSeconds: number, max: number): Promise<void> {
    const v = this.read(key);
    const list = Array.isArray(v) ? v : [];
    list.push(value);
    if (list.length > max) list.splice(0, list.length - max);
    this.write(key, list, ttlSeconds);
  }
  async list(key: string): Promise<string[]> {
    const v = this.read(key);
    return Array.isArray(v) ? [...v] : [];
  }
  async del(key: string): Promise<void> {
    this.data.delete(key);
  }
  async incr(key: string, ttlSeconds: number): Promise<number> {
    const entry = this.data.get(key);
    const live = entry && entry.expiresAt > this.now() && typeof entry.value === 'string' ? entry : undefined;
    const next = (live ? Number(live.value) || 0 : 0) + 1;
    this.data.set(key, {
      value: String(next),
      expiresAt: live ? live.expiresAt : this.now() + ttlSeconds * 1000,
    });
    return next;
  }
  async mapSet(key: string, field: string, value: string, ttlSeconds: number): Promise<void> {
    const v = this.read(key);
    const map = v instanceof Map ? v : new Map<string, string>();
    map.set(field, value);
    this.write(key, map, ttlSeconds);
  }
  async mapGetAll(key: string): Promise<Record<string, string>> {
    const v = this.read(key);
    return v instanceof Map ? Object.fromEntries(v) : {};
  }
  async mapDel(key: string, field: string): Promise<void> {
    const v = this.read(key);
    if (v instanceof Map) v.delete(field);
  }
  async ping(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.data.clear();
  }

  private prune(): void {
    const now = this.now();
    for (const [k, e] of this.data) if (e.expiresAt <= now) this.data.delete(k);
  }
}
