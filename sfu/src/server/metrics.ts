import { Counter, Gauge, Registry } from 'prom-client';
import type { WorkerPool } from './worker-pool';

/**
 * The node's Prometheus metrics, in a registry of its own so an embedding process (signaling) can
 * merge it with `Registry.merge` without name clashes.
 */
export class SfuMetrics {
  readonly registry = new Registry();
  readonly bytesReceived: Counter;
  readonly bytesSent: Counter;
  readonly requests: Counter<'event' | 'result'>;
  readonly workerDeaths: Counter;

  constructor(pool: WorkerPool, roomCount: () => number, peerCount: () => number) {
    const registry = this.registry;
    const gauge = (name: string, help: string, value: () => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(value());
        },
      });
    const sum = (pick: (s: { transports: number; producers: number; consumers: number }) => number) => () =>
      pool.live().reduce((n, s) => n + pick(s), 0);
    gauge('ablak_sfu_workers', 'Live mediasoup workers', () => pool.live().length);
    gauge('ablak_sfu_rooms', 'Open rooms (one router each)', roomCount);
    gauge('ablak_sfu_peers', 'Connected media peers', peerCount);
    gauge('ablak_sfu_transports', 'WebRTC transports', sum((s) => s.transports));
    gauge('ablak_sfu_producers', 'Producers', sum((s) => s.producers));
    gauge('ablak_sfu_consumers', 'Consumers', sum((s) => s.consumers));
    new Gauge({
      name: 'ablak_sfu_worker_cpu_ratio',
      help: 'Worker CPU share of one core over the last heartbeat interval',
      labelNames: ['worker'],
      registers: [registry],
      collect() {
        this.reset();
        for (const slot of pool.live()) this.set({ worker: String(slot.index) }, slot.cpu);
      },
    });
    this.bytesReceived = new Counter({ name: 'ablak_sfu_bytes_received_total', help: 'Bytes received on WebRTC transports', registers: [registry] });
    this.bytesSent = new Counter({ name: 'ablak_sfu_bytes_sent_total', help: 'Bytes sent on WebRTC transports', registers: [registry] });
    this.requests = new Counter({
      name: 'ablak_sfu_requests_total',
      help: '/media requests by event and result code',
      labelNames: ['event', 'result'],
      registers: [registry],
    });
    this.workerDeaths = new Counter({ name: 'ablak_sfu_worker_deaths_total', help: 'Worker processes that died', registers: [registry] });
  }
}
