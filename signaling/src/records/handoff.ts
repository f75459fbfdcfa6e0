/**
 * Delivers cases to the back office: the outbox rows written when a contact closed are sent as a
 * signed webhook and retried with backoff until a 2xx. At-least-once by design; the receiver keeps
 * exactly-once by the idempotency key, which stays the same for every attempt of one case.
 *
 * Signature: `X-Ablak-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, with the
 * timestamp (ms since epoch) in `X-Ablak-Timestamp`; the key in `Idempotency-Key`.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { RecordsConfig } from './config';
import type { DueHandOff, RecordStore } from './record-store';
import { isUnavailable } from './sql';

const LEASE_MS = 30_000;
const BATCH = 10;
const REQUEST_TIMEOUT_MS = 10_000;

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Delay before attempt `attempts + 1`: doubling from the minimum, capped, with ±20 % jitter. */
export function backoffMs(attempts: number, min: number, max: number): number {
  const base = Math.min(max, min * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export class HandOffDeliverer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly logger: Logger;

  constructor(
    private readonly store: () => RecordStore | null,
    private readonly config: RecordsConfig,
    logger: Logger,
  ) {
    this.logger = logger.child({ module: 'handoff' });
  }

  start(): void {
    if (!this.config.webhook || this.timer || this.closed) return;
    this.timer = setInterval(() => void this.runOnce(), this.config.handOff.pollMs);
    this.timer.unref();
  }

  /** One round: claim due cases and send each (also called by tests). */
  runOnce(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<void> {
    const store = this.store();
    if (!store || !this.config.webhook || this.closed) return;
    let due: DueHandOff[];
    try {
      due = await store.claimHandOffs(Date.now(), BATCH, LEASE_MS);
    } catch (error) {
      if (!isUnavailable(error)) this.logger.error({ err: error }, 'hand-off claim failed');
      return;
    }
    for (const item of due) {
      if (this.closed) return;
      await this.deliver(store, item);
    }
  }

  private async deliver(store: RecordStore, item: DueHandOff): Promise<void> {
    const webhook = this.config.webhook;
    if (!webhook) return;
    let outcome: { ok: true } | { ok: false; error: string };
    try {
      const detail = await store.caseDetail(item.reference);
      if (!detail) return;
      const { chat: _chat, ...rest } = detail;
      const body = JSON.stringify({ idempotencyKey: item.idempotencyKey, case: rest });
      const timestamp = String(Date.now());
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': item.idempotencyKey,
          'x-ablak-timestamp': timestamp,
          'x-ablak-signature': signWebhook(webhook.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.body?.cancel();
      outcome = response.ok ? { ok: true } : { ok: false, error: `HTTP ${response.status}` };
    } catch (error) {
      if (isUnavailable(error)) return; // the database went away: the lease runs out, retried later
      outcome = { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : 'error' };
    }
    try {
      const now = Date.now();
      if (outcome.ok) {
        await store.handOffDelivered(item, now);
        this.logger.info({ case: item.reference }, 'case handed off');
      } else {
        const summary = await store.caseSummary(item.reference);
        const attempts = (summary?.handOff.attempts ?? 0) + 1;
        const { minBackoffMs, maxBackoffMs, failAfterAttempts } = this.config.handOff;
        await store.handOffFailed(item, now, outcome.error, now + backoffMs(attempts, minBackoffMs, maxBackoffMs), failAfterAttempts);
        this.logger.warn({ case: item.reference, attempts, error: outcome.error }, 'case hand-off failed; will retry');
      }
    } catch (error) {
      if (!isUnavailable(error)) this.logger.error({ err: error, case: item.reference }, 'hand-off bookkeeping failed');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
