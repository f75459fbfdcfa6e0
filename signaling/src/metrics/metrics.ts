import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricSources {
  socketsByRole(): Record<string, number>;
  waitingByQueue(): Promise<{ queue: string; waiting: number }[]>;
}

/** Prometheus figures of one signaling server (own registry, so two servers can share a process). */
export class Metrics {
  readonly registry = new Registry();
  readonly offers: Counter<'outcome'>;
  readonly calls: Counter<'event'>;
  readonly waitToOffer: Histogram;
  readonly matchDuration: Histogram;
  readonly socketEvents: Counter<'namespace' | 'result'>;
  private sources: MetricSources | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics)
      collectDefaultMetrics({ register: this.registry, prefix: 'ablak_signaling_' });
    this.offers = new Counter({
      name: 'ablak_offers_total',
      help: 'Offers by outcome (made, accepted, declined, expired, cancelled)',
      labelNames: ['outcome'],
      registers,
    });
    this.calls = new Counter({
      name: 'ablak_calls_total',
      help: 'Calls started and ended',
      labelNames: ['event'],
      registers,
    });
    this.waitToOffer = new Histogram({
      name: 'ablak_match_latency_seconds',
      help: 'Time a ticket waited in its queue before its offer was made',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.matchDuration = new Histogram({
      name: 'ablak_match_step_seconds',
      help: 'Duration of one store match step',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.socketEvents = new Counter({
      name: 'ablak_socket_events_total',
      help: 'Socket requests handled, by namespace and result',
      labelNames: ['namespace', 'result'],
      registers,
    });
    const sources = () => this.sources;
    new Gauge({
      name: 'ablak_sockets',
      help: 'Connected sockets on this node by role',
      labelNames: ['role'],
      registers,
      collect() {
        const counts = sources()?.socketsByRole() ?? {};
        for (const [role, n] of Object.entries(counts)) this.set({ role }, n);
      },
    });
    new Gauge({
      name: 'ablak_tickets_waiting',
      help: 'Tickets waiting by queue',
      labelNames: ['queue'],
      registers,
      async collect() {
        const rows = (await sources()?.waitingByQueue()) ?? [];
        for (const row of rows) this.set({ queue: row.queue }, row.waiting);
      },
    });
  }

  bind(sources: MetricSources): void {
    this.sources = sources;
  }
}
