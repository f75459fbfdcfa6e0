import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics';
import type { OfferRecord, Store } from '../store/types';

/**
 * Runs the store's match step when something may have made a pair possible (ticket enqueued, clerk
 * available, offer declined or expired). Kicks coalesce: at most one step runs at a time, and kicks
 * during a step cause exactly one more. The store makes each step atomic across nodes.
 */
export class Matcher {
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** Called with the offers this node made (each offer is reported by exactly one node). */
  onOffers: ((offers: OfferRecord[]) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once no step is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      if (this.closed) return;
      const started = performance.now();
      try {
        const now = Date.now();
        const offers = await this.store.match(now);
        this.metrics.matchDuration.observe((performance.now() - started) / 1000);
        for (const offer of offers) {
          this.metrics.offers.inc({ outcome: 'made' });
          this.metrics.waitToOffer.observe(Math.max(0, offer.offeredAt - offer.ticket.queuedAt) / 1000);
        }
        if (offers.length > 0) this.onOffers?.(offers);
        // A full batch may have left more pairs behind.
        if (offers.length >= 100) this.again = true;
      } catch (error) {
        if (!this.closed) this.logger.error({ err: error }, 'match step failed');
      }
    } while (this.again);
  }
}
