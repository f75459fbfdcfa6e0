/** Quality figures of a media session, for quality indicators. Rates are per second since the last sample. */
export interface MediaStats {
  at: number;
  send: { bitrate: number; packetsLost: number; roundTripTime: number | null };
  recv: { bitrate: number; packetsLost: number; lossRatio: number; jitter: number | null; framesDecoded: number; framesPerSecond: number | null };
  /** Round-trip time of the selected ICE candidate pair, seconds. */
  roundTripTime: number | null;
  /** True when the selected candidate pair goes through a TURN relay; null before ICE selects one. */
  relayed: boolean | null;
}

/** What one received track has decoded so far. */
export interface TrackStats {
  kind: 'audio' | 'video';
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  framesDecoded: number;
  totalSamplesReceived: number;
  jitter: number | null;
}

type Stat = Record<string, unknown> & { type: string };
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const opt = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function each(report: RTCStatsReport | undefined, fn: (stat: Stat) => void): void {
  report?.forEach((stat: Stat) => fn(stat));
}

export function trackStatsOf(report: RTCStatsReport): TrackStats | null {
  let found: TrackStats | null = null;
  each(report, (s) => {
    if (s.type !== 'inbound-rtp') return;
    found = {
      kind: s['kind'] === 'audio' ? 'audio' : 'video',
      packetsReceived: num(s['packetsReceived']),
      packetsLost: num(s['packetsLost']),
      bytesReceived: num(s['bytesReceived']),
      framesDecoded: num(s['framesDecoded']),
      totalSamplesReceived: num(s['totalSamplesReceived']),
      jitter: opt(s['jitter']),
    };
  });
  return found;
}

interface Totals {
  at: number;
  bytesSent: number;
  bytesReceived: number;
  framesDecoded: number;
}

/** Folds transport stats reports into MediaStats, remembering the previous sample for rates. */
export class StatsSampler {
  private last: Totals | undefined;

  sample(send: RTCStatsReport | undefined, recv: RTCStatsReport | undefined, at = Date.now()): MediaStats {
    let bytesSent = 0;
    let sendLost = 0;
    let sendRtt: number | null = null;
    let bytesReceived = 0;
    let recvLost = 0;
    let recvPackets = 0;
    let framesDecoded = 0;
    let fps: number | null = null;
    let jitter: number | null = null;
    let pairRtt: number | null = null;
    const localCandidates = new Map<string, string>();
    const selectedLocal: string[] = [];
    each(send, (s) => {
      if (s.type === 'outbound-rtp') bytesSent += num(s['bytesSent']);
      if (s.type === 'remote-inbound-rtp') {
        sendLost += num(s['packetsLost']);
        sendRtt = Math.max(sendRtt ?? 0, num(s['roundTripTime']));
      }
    });
    const pairs = (s: Stat) => {
      if (s.type === 'local-candidate') localCandidates.set(String(s['id']), String(s['candidateType']));
      if (s.type !== 'candidate-pair' || s['state'] !== 'succeeded' || s['nominated'] !== true) return;
      selectedLocal.push(String(s['localCandidateId']));
      if (opt(s['currentRoundTripTime']) !== null) pairRtt = num(s['currentRoundTripTime']);
    };
    each(send, pairs);
    each(recv, pairs);
    each(recv, (s) => {
      if (s.type !== 'inbound-rtp') return;
      bytesReceived += num(s['bytesReceived']);
      recvLost += num(s['packetsLost']);
      recvPackets += num(s['packetsReceived']);
      if (s['kind'] === 'video') {
        framesDecoded += num(s['framesDecoded']);
        if (opt(s['framesPerSecond']) !== null) fps = Math.max(fps ?? 0, num(s['framesPerSecond']));
      }
      if (opt(s['jitter']) !== null) jitter = Math.max(jitter ?? 0, num(s['jitter']));
    });
    const prev = this.last;
    const seconds = prev ? Math.max(0.001, (at - prev.at) / 1000) : 0;
    const rate = (now: number, before: number | undefined) => (prev && before !== undefined ? Math.max(0, ((now - before) * 8) / seconds) : 0);
    this.last = { at, bytesSent, bytesReceived, framesDecoded };
    return {
      at,
      send: { bitrate: rate(bytesSent, prev?.bytesSent), packetsLost: sendLost, roundTripTime: sendRtt },
      recv: {
        bitrate: rate(bytesReceived, prev?.bytesReceived),
        packetsLost: recvLost,
        lossRatio: recvPackets + recvLost > 0 ? recvLost / (recvPackets + recvLost) : 0,
        jitter,
        framesDecoded,
        framesPerSecond: fps,
      },
      roundTripTime: pairRtt ?? sendRtt,
      relayed: selectedLocal.length === 0 ? null : selectedLocal.every((id) => localCandidates.get(id) === 'relay'),
    };
  }
}
