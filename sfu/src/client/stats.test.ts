import { describe, expect, it } from 'vitest';
import { StatsSampler, trackStatsOf } from './stats';

const report = (...stats: Record<string, unknown>[]) => new Map(stats.map((s, i) => [String(s['id'] ?? i), s])) as unknown as RTCStatsReport;

describe('media stats', () => {
  it('turns byte counters into bitrates between samples and reports loss, frames and RTT', () => {
    const sampler = new StatsSampler();
    const send = (bytes: number) =>
      report(
        { type: 'outbound-rtp', bytesSent: bytes },
        { type: 'remote-inbound-rtp', packetsLost: 3, roundTripTime: 0.042 },
        { id: 'L1', type: 'local-candidate', candidateType: 'host' },
        { type: 'candidate-pair', state: 'succeeded', nominated: true, localCandidateId: 'L1', currentRoundTripTime: 0.04 },
      );
    const recv = (bytes: number, frames: number) =>
      report(
        { type: 'inbound-rtp', kind: 'video', bytesReceived: bytes, packetsReceived: 95, packetsLost: 5, framesDecoded: frames, framesPerSecond: 30, jitter: 0.01 },
        { type: 'inbound-rtp', kind: 'audio', bytesReceived: 0, packetsReceived: 0, packetsLost: 0 },
      );
    const first = sampler.sample(send(0), recv(0, 0), 1_000);
    expect(first.send.bitrate).toBe(0);
    const second = sampler.sample(send(125_000), recv(250_000, 60), 2_000);
    expect(second.send.bitrate).toBe(1_000_000);
    expect(second.recv.bitrate).toBe(2_000_000);
    expect(second.recv.lossRatio).toBeCloseTo(0.05);
    expect(second.recv.framesDecoded).toBe(60);
    expect(second.recv.framesPerSecond).toBe(30);
    expect(second.send.packetsLost).toBe(3);
    expect(second.roundTripTime).toBe(0.04);
    expect(second.relayed).toBe(false);
  });

  it('says a call is relayed when the selected pair uses a TURN relay candidate', () => {
    const sampler = new StatsSampler();
    const stats = sampler.sample(
      report(
        { id: 'R', type: 'local-candidate', candidateType: 'relay' },
        { type: 'candidate-pair', state: 'succeeded', nominated: true, localCandidateId: 'R' },
      ),
      undefined,
    );
    expect(stats.relayed).toBe(true);
    expect(sampler.sample(undefined, undefined).relayed).toBeNull();
  });

  it('reads what one received track decoded', () => {
    expect(trackStatsOf(report({ type: 'inbound-rtp', kind: 'audio', totalSamplesReceived: 48_000, packetsReceived: 50 }))).toMatchObject({
      kind: 'audio',
      totalSamplesReceived: 48_000,
      framesDecoded: 0,
    });
    expect(trackStatsOf(report({ type: 'outbound-rtp' }))).toBeNull();
  });
});
