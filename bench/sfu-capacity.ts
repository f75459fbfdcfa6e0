/**
 * SFU forwarding capacity on this box, with synthetic RTP (bench/sfu-rtp.ts) on loopback:
 *  1. consumers one mediasoup worker carries at 80% of a core (one 1 Mbps VP8 producer, N consumers);
 *  2. concurrent 1:1 calls (1 Mbps VP8 + Opus each way, four consumers per call) the box's workers
 *     carry at 80% of a core each.
 * Consumers leave through SRTP PlainTransports (AEAD_AES_256_GCM, as Chromium negotiates), so the worker pays for
 * encryption and one sendmsg per packet as with browsers; packets go to a closed loopback port.
 * Producers are fed in the clear (the generator does not encrypt). Figures, not pass/fail.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import os from 'node:os';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '@ablak/sfu';
import type { Benchmark, BenchResult } from './lib';
import { RtpGenerator, audioRtpParameters, expectedBitrate, videoRtpParameters } from './sfu-rtp';

const BENCH = 'sfu-capacity';
const TARGET_CPU = 0.8;
const BUDGET_S = Number(process.env.SFU_BENCH_SECONDS ?? 90);
const SETTLE_MS = 1_000;
/** What Chromium negotiates with mediasoup over DTLS-SRTP. */
const SRTP_SUITE = 'AEAD_AES_256_GCM';
/** A step whose streams get less than this share of their nominal packet rate means the worker is saturated. */
const SATURATED = 0.6;
const WINDOW_MS = 4_000;

/** One measured step: the load, the CPU the worker(s) used and the packets they actually sent. */
interface Point {
  load: number;
  /** CPU seconds per second, summed over workers. */
  cpu: number;
  /** Forwarded (sent) RTP packets per second, summed over workers. */
  pps: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The box is shared, so a worker may not get the CPU it would use: the robust figure is CPU time per
 * forwarded packet (marginal, between the lightest and the heaviest step), turned into load at 80% of a
 * core at the nominal packet rate.
 */
function costPerPacket(points: Point[]): number {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || last.pps <= first.pps) return Number.NaN;
  return (last.cpu - first.cpu) / (last.pps - first.pps);
}

async function closedUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Over `ms`: CPU share of one core per worker, this process's share (the generator) and forwarded pkt/s. */
async function measure(
  workers: types.Worker[],
  probes: types.Consumer[],
  scale: number,
  ms: number,
): Promise<{ workers: number[]; generator: number; pps: number }> {
  const usage = async () =>
    Promise.all(
      workers.map(async (w) => {
        const u = await w.getResourceUsage();
        return u.ru_utime + u.ru_stime;
      }),
    );
  const packets = async () => (await Promise.all(probes.map(packetsOut))).reduce((a, b) => a + b, 0);
  const [before, packetsBefore] = await Promise.all([usage(), packets()]);
  const self = process.cpuUsage();
  const start = performance.now();
  await sleep(ms);
  const [after, packetsAfter] = await Promise.all([usage(), packets()]);
  const elapsed = performance.now() - start;
  const selfUsed = process.cpuUsage(self);
  return {
    workers: after.map((a, i) => (a - (before[i] ?? 0)) / elapsed),
    generator: (selfUsed.user + selfUsed.system) / 1000 / elapsed,
    pps: probes.length === 0 ? 0 : ((packetsAfter - packetsBefore) * scale * 1000) / elapsed,
  };
}

async function consumerTransport(router: types.Router, sink: number): Promise<types.PlainTransport> {
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux: true,
    comedia: false,
    enableSrtp: true,
    srtpCryptoSuite: SRTP_SUITE,
  });
  await transport.connect({
    ip: '127.0.0.1',
    port: sink,
    srtpParameters: { cryptoSuite: SRTP_SUITE, keyBase64: randomBytes(44).toString('base64') },
  });
  return transport;
}

async function packetsOut(consumer: types.Consumer): Promise<number> {
  const stats = await consumer.getStats();
  return stats.find((s) => s.type === 'outbound-rtp')?.packetCount ?? 0;
}

const VIDEO_PPS = expectedBitrate('video') / 8 / 1056;
const AUDIO_PPS = expectedBitrate('audio') / 8 / 112;
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

async function consumersPerWorker(deadline: number): Promise<BenchResult[]> {
  const worker = await mediasoup.createWorker({ logLevel: 'error' });
  const generator = new RtpGenerator();
  try {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const ingress = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    const producer = await ingress.produce({ kind: 'video', rtpParameters: videoRtpParameters(0x1111) });
    generator.add({ kind: 'video', ssrc: 0x1111, port: ingress.tuple.localPort });
    generator.start();
    const sink = await closedUdpPort();
    const consumers: types.Consumer[] = [];
    const points: Point[] = [];
    for (const target of [0, 50, 100, 200, 400, 700, 1000, 1500, 2000]) {
      if (Date.now() > deadline) break;
      while (consumers.length < target && Date.now() < deadline) {
        const batch = Math.min(25, target - consumers.length);
        const created = await Promise.all(
          Array.from({ length: batch }, async () => {
            const transport = await consumerTransport(router, sink);
            return transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
          }),
        );
        consumers.push(...created);
      }
      await sleep(SETTLE_MS);
      // Every consumer forwards the same stream: ten probes, scaled, give the total.
      const probes = consumers.slice(0, 10);
      const m = await measure([worker], probes, probes.length ? consumers.length / probes.length : 0, WINDOW_MS);
      const cpu = m.workers[0] ?? 0;
      const load = consumers.length;
      points.push({ load, cpu, pps: m.pps });
      const perConsumer = load ? m.pps / load : 0;
      console.log(`  [sfu-capacity] ${load} consumers: worker ${pct(cpu)} of a core, ${perConsumer.toFixed(0)} of ${VIDEO_PPS} pkt/s per consumer`);
      if (cpu >= TARGET_CPU || (load > 0 && perConsumer < SATURATED * VIDEO_PPS)) break;
    }
    const cost = costPerPacket(points);
    const last = points.at(-1)!;
    const atTarget = Math.round(TARGET_CPU / (cost * VIDEO_PPS));
    return [
      {
        bench: BENCH,
        figure: 'consumers one worker forwards at 80% of a core (1 Mbps VP8 each)',
        value: atTarget,
        unit: 'consumers',
        notes: `from CPU per forwarded packet (${(cost * 1e6).toFixed(2)} µs) at ${VIDEO_PPS} pkt/s per consumer; measured up to ${last.load} consumers (worker ${pct(last.cpu)}, ${(last.pps / Math.max(1, last.load)).toFixed(0)} pkt/s each); SRTP out; load average ${os.loadavg()[0]!.toFixed(1)} on a shared box`,
      },
      {
        bench: BENCH,
        figure: 'worker CPU per forwarded RTP packet (video, SRTP)',
        value: Number((cost * 1e6).toFixed(2)),
        unit: 'µs',
        notes: `marginal between ${points[0]!.load} and ${last.load} consumers`,
      },
    ];
  } finally {
    worker.close();
    await generator.close();
  }
}

interface Call {
  consumers: types.Consumer[];
}

async function openCall(router: types.Router, generator: RtpGenerator, sink: number, ssrcBase: number): Promise<Call> {
  const published: types.Producer[][] = [];
  for (let side = 0; side < 2; side++) {
    const ingress = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    const videoSsrc = ssrcBase + side * 2;
    const audioSsrc = videoSsrc + 1;
    const video = await ingress.produce({ kind: 'video', rtpParameters: videoRtpParameters(videoSsrc) });
    const audio = await ingress.produce({ kind: 'audio', rtpParameters: audioRtpParameters(audioSsrc) });
    generator.add({ kind: 'video', ssrc: videoSsrc, port: ingress.tuple.localPort });
    generator.add({ kind: 'audio', ssrc: audioSsrc, port: ingress.tuple.localPort });
    published.push([video, audio]);
  }
  const call: Call = { consumers: [] };
  for (let side = 0; side < 2; side++) {
    const egress = await consumerTransport(router, sink);
    for (const producer of published[1 - side]!) {
      call.consumers.push(await egress.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }));
    }
  }
  return call;
}

async function callsPerBox(deadline: number): Promise<BenchResult[]> {
  const workerCount = Math.max(1, os.availableParallelism());
  const workers = await Promise.all(Array.from({ length: workerCount }, () => mediasoup.createWorker({ logLevel: 'error' })));
  const generator = new RtpGenerator();
  const nominalPps = 2 * (VIDEO_PPS + AUDIO_PPS); // packets forwarded per call per second
  try {
    const routers = await Promise.all(workers.map((w) => w.createRouter({ mediaCodecs: MEDIA_CODECS })));
    const sink = await closedUdpPort();
    const calls: Call[] = [];
    const points: Point[] = [];
    let generatorCpu = 0;
    generator.start();
    for (const target of [0, 10, 25, 50, 100, 150, 200, 300]) {
      if (Date.now() > deadline) break;
      while (calls.length < target && Date.now() < deadline) {
        const first = calls.length;
        const batch = Math.min(5, target - first);
        const opened = await Promise.all(
          Array.from({ length: batch }, (_, i) => openCall(routers[(first + i) % routers.length]!, generator, sink, 0x100000 + (first + i) * 4)),
        );
        calls.push(...opened);
      }
      await sleep(SETTLE_MS);
      const probeCalls = calls.slice(0, 4);
      const probes = probeCalls.flatMap((c) => c.consumers);
      const m = await measure(workers, probes, probeCalls.length ? calls.length / probeCalls.length : 0, WINDOW_MS);
      const cpu = m.workers.reduce((a, b) => a + b, 0);
      generatorCpu = m.generator;
      const load = calls.length;
      points.push({ load, cpu, pps: m.pps });
      const perCall = load ? m.pps / load : 0;
      console.log(
        `  [sfu-capacity] ${load} calls: workers ${m.workers.map(pct).join(' ')}, generator ${pct(m.generator)}, ${perCall.toFixed(0)} of ${nominalPps} pkt/s forwarded per call`,
      );
      if (Math.max(...m.workers) >= TARGET_CPU || (load > 0 && perCall < SATURATED * nominalPps)) break;
    }
    const cost = costPerPacket(points); // CPU per forwarded packet, ingest included
    const last = points.at(-1)!;
    const atTarget = Math.round((TARGET_CPU * workerCount) / (cost * nominalPps));
    return [
      {
        bench: BENCH,
        figure: `concurrent 1:1 calls one box carries (${workerCount} workers at 80% of a core)`,
        value: atTarget,
        unit: 'calls',
        notes: `1 Mbps VP8 + Opus each way, 4 SRTP consumers per call; from CPU per forwarded packet incl. ingest (${(cost * 1e6).toFixed(2)} µs) at ${nominalPps} pkt/s per call; measured up to ${last.load} calls (workers ${pct(last.cpu / workerCount)} avg, ${(last.pps / Math.max(1, last.load)).toFixed(0)} pkt/s per call); the generator itself used ${pct(generatorCpu)} of a core; load average ${os.loadavg()[0]!.toFixed(1)} on a shared box`,
      },
    ];
  } finally {
    for (const w of workers) w.close();
    await generator.close();
  }
}

export default {
  name: BENCH,
  async run(): Promise<BenchResult[]> {
    const half = (BUDGET_S * 1000) / 2;
    const results = await consumersPerWorker(Date.now() + half);
    results.push(...(await callsPerBox(Date.now() + half)));
    return results;
  },
} satisfies Benchmark;
