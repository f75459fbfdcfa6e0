import type { MediaAccess } from '@ablak/protocol';
import { MediaSession, type MediaStats } from '@ablak/sfu/client';
import type { QualityFigures } from '@ablak/ui';
import type { CallMedia, MediaSnapshot, RemoteMedia } from './types';

export interface CallMediaOptions {
  /** Fresh media access when the SFU refuses an expired grant on a reconnect (long waits). */
  refreshAccess?: () => Promise<MediaAccess>;
}

function figuresOf(stats: MediaStats): QualityFigures {
  return {
    rttMs: stats.roundTripTime === null ? null : stats.roundTripTime * 1000,
    packetLoss: stats.recv.lossRatio,
    bitrateKbps: stats.recv.bitrate / 1000,
  };
}

/**
 * CallMedia over `@ablak/sfu/client`'s MediaSession. While waiting the session joins the ticket's room
 * and publishes camera and mic paused; when the clerk answers in that same room, going live is just
 * resuming the producers (the pre-warmed path). A different room means a fresh session.
 */
export function createCallMedia(options: CallMediaOptions = {}): CallMedia {
  let session: MediaSession | null = null;
  let snap: MediaSnapshot = { connection: 'idle', room: null, remote: null, stats: null };
  let live = false;
  let micMuted = false;
  let cameraOff = false;
  // every change to the session runs in order: open, then live, then mute…
  let queue: Promise<void> = Promise.resolve();
  const listeners = new Set<() => void>();

  const set = (next: Partial<MediaSnapshot>) => {
    snap = { ...snap, ...next };
    listeners.forEach((listener) => listener());
  };
  const enqueue = (job: () => Promise<void>) => {
    const run = queue.then(job);
    queue = run.catch(() => undefined);
    return run;
  };

  const remoteOf = (s: MediaSession): RemoteMedia | null => {
    const tracks = s.remoteTracks;
    const peer = s.peers[0];
    if (!peer && tracks.length === 0) return null;
    const pick = (source: 'camera' | 'mic' | 'screen') =>
      tracks.find((t) => t.source === source && !t.producerPaused)?.track ?? null;
    return { name: peer?.name ?? '', camera: pick('camera'), mic: pick('mic'), screen: pick('screen') };
  };

  /** Sends or holds each source according to live / muted / camera-off. */
  const applySending = async (s: MediaSession) => {
    const sendMic = live && !micMuted;
    const sendCamera = live && !cameraOff;
    if (s.localTrack('mic')) await (sendMic ? s.unmute('mic') : s.mute('mic'));
    if (s.localTrack('camera')) await (sendCamera ? s.unmute('camera') : s.mute('camera'));
  };

  return {
    snapshot: () => snap,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    open(access, local, liveNow) {
      return enqueue(async () => {
        live = liveNow;
        if (
          session &&
          snap.room === access.room &&
          session.state !== 'failed' &&
          session.state !== 'closed'
        ) {
          await applySending(session);
          return;
        }
        if (session) await session.close();
        // One camera layer: a citizen's picture goes to one clerk (and maybe a silent supervisor), so three
        // layers would only cost a weak home uplink more. (The simulcast freeze this once also avoided is
        // fixed: sfu/README.md, "Simulcast and capture time".)
        const s = new MediaSession({
          simulcast: false,
          ...(options.refreshAccess ? { refreshAccess: options.refreshAccess } : {}),
        });
        session = s;
        const refresh = () => session === s && set({ remote: remoteOf(s) });
        s.on('state-changed', (state) => session === s && set({ connection: state }));
        s.on('track-added', refresh);
        s.on('track-removed', refresh);
        s.on('track-paused', refresh);
        s.on('peer-joined', refresh);
        s.on('peer-left', refresh);
        s.on('stats', (stats) => session === s && set({ stats: figuresOf(stats) }));
        set({ room: access.room, connection: 'connecting', remote: null, stats: null });
        await s.join(access);
        const mic = local.getAudioTracks()[0] ?? null;
        const camera = local.getVideoTracks()[0] ?? null;
        if (live) {
          // The call is on (a page reloaded mid-call, a session opened at the match): publish at once,
          // muted sources paused from the start, without waiting to warm the receive side up.
          await s.publish({ mic, camera }, { paused: { mic: micMuted, camera: cameraOff }, warmReceive: false });
          await applySending(s);
        } else {
          // Waiting: publish both paused (nothing leaves before the call) and connect both transports.
          await s.publish({ mic, camera }, { paused: true });
        }
        refresh();
      });
    },
    setLive(next) {
      return enqueue(async () => {
        live = next;
        if (session) await applySending(session);
      });
    },
    setMicMuted(muted) {
      return enqueue(async () => {
        micMuted = muted;
        if (session) await applySending(session);
      });
    },
    setCameraOff(off) {
      return enqueue(async () => {
        cameraOff = off;
        if (session) await applySending(session);
      });
    },
    replaceTrack(kind, track) {
      return enqueue(async () => {
        await session?.replaceTrack(kind === 'audio' ? 'mic' : 'camera', track);
      });
    },
    close() {
      const s = session;
      session = null;
      void s?.close();
      set({ connection: 'closed', remote: null });
    },
  };
}
