/**
 * Small shared key-value state that signaling keeps beside the queue store: room placements, call
 * notes, shared documents, appointments, board history, fleet-wide rate limits, node presence. Memory in the embedded default, Redis in a fleet, so any
 * node can answer for any call. Every key expires.
 */
export interface SharedKv {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Sets only when absent; true when this call wrote the value (first writer wins). */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  getBuffer(key: string): Promise<Buffer | null>;
  setBuffer(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
  /** Appends to a list (capped at `max` newest entries) and refreshes its expiry. */
  push(key: string, value: string, ttlSeconds: number, max: number): Promise<void>;
  list(key: string): Promise<string[]>;
  del(key: string): Promise<void>;
  /** Adds 1 to a counter (created at 0 with this expiry, which later calls keep) and returns it. */
  incr(key: string, ttlSeconds: number): Promise<number>;
  /** Sets one field of a map and refreshes the map's expiry. */
  mapSet(key: string, field: string, value: string, ttlSeconds: number): Promise<void>;
  /** Every field of a map ({} when absent). */
  mapGetAll(key: string): Promise<Record<string, string>>;
  mapDel(key: string, field: string): Promise<void>;
  /** True when the backing service answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
