/**
 * The browser side of the SFU end-to-end tests: a bare page that drives one MediaSession.
 * Bundled with esbuild by the test (see bundle.ts); the test calls `window.ablakTest` through Playwright.
 */
import { MediaSession, type RemoteTrack } from '@ablak/sfu/client';
import type { MediaAccess } from '@ablak/protocol';

interface RemoteReport {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: string;
  source: string;
  framesDecoded: number;
  totalSamplesReceived: number;
  packetsReceived: number;
}

let session: MediaSession | undefined;

/** Every RTCPeerConnection this page opened (a warm session must open none when it enters a call). */
let peerConnectionsOpened = 0;
const peerConnections: RTCPeerConnection[] = [];
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(config?: RTCConfiguration) {
    super(config);
    peerConnectionsOpened += 1;
    peerConnections.push(this);
  }
} as typeof RTCPeerConnection;
const events: { event: string; peerId?: string; state?: string; code?: string }[] = [];
const elements = new Map<string, HTMLMediaElement>();

function attach(track: RemoteTrack): void {
  const el = document.createElement(track.kind === 'video' ? 'video' : 'audio');
  el.autoplay = true;
  el.muted = true;
  el.srcObject = new MediaStream([track.track]);
  document.body.appendChild(el);
  elements.set(track.consumerId, el);
}

const api = {
  async start(access: MediaAccess, options: { publish: boolean; paused?: boolean; relayOnly?: boolean; hd?: boolean; simulcast?: boolean }): Promise<string> {
    session = new MediaSession({ statsIntervalMs: 1000, iceTransportPolicy: options.relayOnly ? 'relay' : 'all', simulcast: options.simulcast ?? true });
    session.on('state-changed', (state) => events.push({ event: 'state', state }));
    session.on('peer-joined', (peer) => events.push({ event: 'peer-joined', peerId: peer.peerId }));
    session.on('peer-left', (peer) => events.push({ event: 'peer-left', peerId: peer.peerId }));
    session.on('track-added', (track) => {
      events.push({ event: 'track-added', peerId: track.peerId });
      attach(track);
    });
    session.on('track-removed', (track) => {
      elements.get(track.consumerId)?.remove();
      events.push({ event: 'track-removed', peerId: track.peerId });
    });
    session.on('error', (error) => events.push({ event: 'error', code: error.code }));
    session.on('layers-changed', (track) => events.push({ event: 'layers-changed', peerId: track.peerId }));
    session.on('room-left', ({ reason }) => events.push({ event: 'room-left', state: reason }));
    session.on('room-closed', ({ reason }) => events.push({ event: 'room-closed', state: reason }));
    try {
      await session.join(access);
    } catch (error) {
      return `refused:${(error as { code?: string }).code ?? 'unknown'}`;
    }
    if (options.publish) {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: options.hd ? { width: 1280, height: 720 } : { width: 640, height: 480 } });
      await session.publish({ camera: stream.getVideoTracks()[0] ?? null, mic: stream.getAudioTracks()[0] ?? null }, { paused: options.paused ?? false });
    }
    return session.state;
  },
  /** Moves the connected session into another room (warm clerk entering a call); answers the refusal code. */
  async switchRoom(access: MediaAccess): Promise<string> {
    try {
      await session?.switchRoom(access);
      return 'ok';
    } catch (error) {
      return (error as { code?: string }).code ?? 'unknown';
    }
  },
  peerConnectionsOpened: () => peerConnectionsOpened,
  returnHome: async () => session?.returnHome(),
  /** Connection states of the page's transports as RTCPeerConnections see them. */
  async muteAll(): Promise<void> {
    await session?.mute('camera');
    await session?.mute('mic');
  },
  async unmuteAll(): Promise<void> {
    await session?.unmute('camera');
    await session?.unmute('mic');
  },
  async remote(): Promise<RemoteReport[]> {
    const s = session;
    if (!s) return [];
    return Promise.all(
      s.remoteTracks.map(async (t) => {
        const stats = await s.trackStats(t.consumerId);
        return {
          consumerId: t.consumerId,
          producerId: t.producerId,
          peerId: t.peerId,
          kind: t.kind,
          source: t.source,
          framesDecoded: stats?.framesDecoded ?? 0,
          totalSamplesReceived: stats?.totalSamplesReceived ?? 0,
          packetsReceived: stats?.packetsReceived ?? 0,
        };
      }),
    );
  },
  /** A canvas that keeps drawing, as a stand-in for a screen or a second camera. */
  canvasTrack(): MediaStreamTrack {
    const canvas = document.createElement('canvas');
    canvas.width = 1280;
    canvas.height = 720;
    const ctx = canvas.getContext('2d');
    let n = 0;
    setInterval(() => {
      if (!ctx) return;
      ctx.fillStyle = `hsl(${n++ % 360} 80% 50%)`;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    }, 40);
    const track = canvas.captureStream(25).getVideoTracks()[0];
    if (!track) throw new Error('no canvas track');
    return track;
  },
  async shareScreen(): Promise<void> {
    await session?.startScreenShare(api.canvasTrack());
  },
  stopScreenShare: async () => session?.stopScreenShare(),
  muteCamera: async () => session?.mute('camera'),
  unmuteCamera: async () => session?.unmute('camera'),
  /** Device switch: a new camera track (Chromium's fake device again) replaces the published one. */
  async switchCamera(size: { width: number; height: number } = { width: 1280, height: 720 }): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia({ video: size });
    const track = stream.getVideoTracks()[0];
    if (track) await session?.replaceTrack('camera', track);
  },
  /**
   * Turns one simulcast layer of the published camera off or on in the browser's encoder, as Chromium
   * does on its own under CPU pressure or when the camera's resolution changes.
   */
  async setCameraLayerActive(index: number, active: boolean): Promise<void> {
    const sender = peerConnections
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getSenders())
      .find((s) => s.track?.kind === 'video' && s.getParameters().encodings.length === 3);
    if (!sender) throw new Error('no simulcast camera sender');
    const parameters = sender.getParameters();
    const encoding = parameters.encodings[index];
    if (!encoding) throw new Error(`no layer ${index}`);
    encoding.active = active;
    await sender.setParameters(parameters);
  },
  /** RTP streams (simulcast layers) the SFU receives for this page's camera. */
  async cameraLayers(): Promise<{ offered: number; receiving: number }> {
    const stats = await session?.request('media:stats', {});
    const camera = stats?.producers.find((p) => p['source'] === 'camera');
    return { offered: Number(camera?.['encodings'] ?? 0), receiving: Array.isArray(camera?.['stats']) ? camera['stats'].length : 0 };
  },
  /** The simulcast layer the SFU forwards for each received video, as the session last heard it. */
  videoLayers: () => session?.remoteTracks.filter((t) => t.kind === 'video').map((t) => ({ peerId: t.peerId, layers: t.layers })) ?? [],
  pausedRemote: () => session?.remoteTracks.filter((t) => t.producerPaused).map((t) => t.source) ?? [],
  peers: () => session?.peers.map((p) => p.peerId) ?? [],
  state: () => session?.state ?? 'none',
  events: () => events,
  stats: async () => (session ? session.getStats() : null),
  /** Asks the SFU directly for producers (bypassing autoConsume) and reports the refusal code. */
  async tryConsume(producerIds: string[]): Promise<string> {
    try {
      await session?.request('media:consume', { producerIds });
      return 'ok';
    } catch (error) {
      return (error as { code?: string }).code ?? 'unknown';
    }
  },
  close: async () => session?.close(),
  /**
   * The local candidate of every selected (nominated, succeeded) pair of this page's open peer
   * connections: its type and, for a relay, how the browser reaches TURN (udp, tcp or tls).
   */
  async selectedLocalCandidates(): Promise<{ candidateType: string; relayProtocol: string | undefined }[]> {
    const out: { candidateType: string; relayProtocol: string | undefined }[] = [];
    for (const pc of peerConnections) {
      if (pc.connectionState === 'closed') continue;
      const reports: Record<string, unknown>[] = [];
      (await pc.getStats()).forEach((r: Record<string, unknown>) => reports.push(r));
      for (const pair of reports) {
        if (pair['type'] !== 'candidate-pair' || pair['state'] !== 'succeeded' || pair['nominated'] !== true) continue;
        const local = reports.find((r) => r['id'] === pair['localCandidateId']);
        if (!local) continue;
        const relayProtocol = local['relayProtocol'];
        out.push({ candidateType: String(local['candidateType']), relayProtocol: typeof relayProtocol === 'string' ? relayProtocol : undefined });
      }
    }
    return out;
  },
  /** Gathers ICE candidates with the given servers and reports their types (host, srflx, relay). */
  async gatherCandidateTypes(iceServers: RTCIceServer[]): Promise<string[]> {
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
    const types: string[] = [];
    pc.createDataChannel('probe');
    const done = new Promise<void>((resolve) => {
      pc.onicecandidate = (e) => {
        if (e.candidate) types.push(e.candidate.type ?? 'unknown');
        else resolve();
      };
      setTimeout(resolve, 10_000);
    });
    await pc.setLocalDescription(await pc.createOffer());
    await done;
    pc.close();
    return types;
  },
};

declare global {
  interface Window {
    ablakTest: typeof api;
  }
}
window.ablakTest = api;
