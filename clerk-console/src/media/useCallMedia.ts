import { useCallback, useEffect, useRef, useState } from 'react';
import type { MediaAccess, PeerId, RemotePeer, Role } from '@ablak/protocol';
import { MediaSession, type MediaStats, type RemoteTrack } from '@ablak/sfu/client';
import type { QualityFigures } from '@ablak/ui';

export interface RemoteParticipant {
  peerId: PeerId;
  name: string;
  role: Role;
  video: MediaStreamTrack | null;
  audio: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
}

export type CallMediaStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface CallMedia {
  status: CallMediaStatus;
  remote: RemoteParticipant[];
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  /** The local screen-share track while sharing. */
  screen: MediaStreamTrack | null;
  figures: QualityFigures | null;
  setMic(on: boolean): void;
  setCamera(on: boolean): void;
  startShare(): Promise<void>;
  stopShare(): Promise<void>;
}

export interface CallMediaOptions {
  /** The warm local camera + mic to publish; null joins receive-only (silent monitoring). */
  publish: MediaStream | null;
  /**
   * The clerk's warm standby session (useStandbyMedia): when given and connected, the call borrows it
   * (switches it into the call's room: no new transport, no handshake) and hands it back afterwards.
   */
  warm?: MediaSession | null;
  /** Fresh access to the same room, for a call that outlives its grant (the SFU ends a grant on time). */
  renew?: () => Promise<MediaAccess>;
}

/** Groups received tracks by the peer that sends them; a paused camera shows as no video. */
function participantsOf(peers: readonly RemotePeer[], tracks: readonly RemoteTrack[]): RemoteParticipant[] {
  const byPeer = new Map<string, RemoteParticipant>();
  for (const peer of peers) {
    byPeer.set(peer.peerId, {
      peerId: peer.peerId,
      name: peer.name,
      role: peer.role,
      video: null,
      audio: null,
      screen: null,
    });
  }
  for (const track of tracks) {
    const entry = byPeer.get(track.peerId);
    if (!entry || track.producerPaused) continue;
    if (track.source === 'screen') entry.screen = track.track;
    else if (track.kind === 'video') entry.video = track.track;
    else entry.audio = track.track;
  }
  return [...byPeer.values()];
}

function figuresOf(stats: MediaStats): QualityFigures {
  return {
    rttMs: stats.roundTripTime === null ? null : stats.roundTripTime * 1000,
    packetLoss: stats.recv.lossRatio,
    bitrateKbps: stats.recv.bitrate / 1000,
  };
}

/**
 * One media session per call (or per monitored call): joins with the grant from the server, publishes
 * the already-open camera and mic, and exposes the other side's tracks grouped by participant.
 */
export function useCallMedia(access: MediaAccess | null, options: CallMediaOptions): CallMedia {
  const { publish } = options;
  // Read when a call starts only: a standby session appearing or going mid-call changes nothing.
  const warmRef = useRef(options.warm ?? null);
  warmRef.current = options.warm ?? null;
  const renewRef = useRef(options.renew);
  renewRef.current = options.renew;
  const sessionRef = useRef<MediaSession | null>(null);
  const [status, setStatus] = useState<CallMediaStatus>('idle');
  const [remote, setRemote] = useState<RemoteParticipant[]>([]);
  const [figures, setFigures] = useState<QualityFigures | null>(null);
  const [micOn, setMicOn] = useState(true);
  const [cameraOn, setCameraOn] = useState(true);
  const [screen, setScreen] = useState<MediaStreamTrack | null>(null);

  useEffect(() => {
    if (!access) {
      setStatus('idle');
      setRemote([]);
      return;
    }
    const warm = warmRef.current;
    let active = true;
    let session: MediaSession;
    let borrowed = false;
    let offs: (() => void)[] = [];
    const sync = () => {
      if (active) setRemote(participantsOf(session.peers, session.remoteTracks));
    };
    const attach = (next: MediaSession, isBorrowed: boolean) => {
      for (const off of offs) off();
      session = next;
      borrowed = isBorrowed;
      sessionRef.current = next;
      offs = [
        next.on('state-changed', (state) => {
          if (!active) return;
          setStatus(state);
          sync();
        }),
        next.on('peer-joined', sync),
        next.on('peer-left', sync),
        next.on('track-added', sync),
        next.on('track-removed', sync),
        next.on('track-paused', sync),
        next.on('stats', (stats) => active && setFigures(figuresOf(stats))),
      ];
    };
    const release = (s: MediaSession, wasBorrowed: boolean) => {
      if (wasBorrowed) {
        // Back to standby: stop sending (unannounced, nobody receives it there) and leave the call.
        void s.stopScreenShare().catch(() => undefined);
        void Promise.all([s.hold('camera'), s.hold('mic')]).catch(() => undefined);
        void s.returnHome().catch(() => undefined);
      } else {
        void s.close();
      }
    };
    const renew = async () => {
      if (!renewRef.current) throw new Error('no way to renew media access');
      return renewRef.current();
    };
    const openOwn = () => {
      const own = new MediaSession({ refreshAccess: renew });
      attach(own, false);
      if (publish) {
        void own
          .join(access)
          .then(() =>
            own.publish({ camera: publish.getVideoTracks()[0] ?? null, mic: publish.getAudioTracks()[0] ?? null }),
          )
          .catch(() => active && setStatus('failed'));
      } else {
        own.join(access).catch(() => active && setStatus('failed'));
      }
    };
    if (warm !== null && warm.state === 'connected') {
      attach(warm, true);
      setStatus('connecting');
      warm
        .switchRoom(access, { renew })
        .then(() => {
          if (!active) return;
          setStatus(warm.state);
          sync();
        })
        .catch(() => {
          // The call's room is elsewhere (another SFU node) or the switch was refused: a session of its own.
          if (!active) return;
          release(warm, true);
          openOwn();
        });
    } else {
      openOwn();
    }
    return () => {
      active = false;
      for (const off of offs) off();
      sessionRef.current = null;
      release(session, borrowed);
      setScreen((track) => {
        track?.stop();
        return null;
      });
    };
    // `publish` is read when the call starts; its later changes go through the effect below.
  }, [access]);

  // Publish the warm tracks; a new stream (device change) replaces them without renegotiation.
  useEffect(() => {
    const session = sessionRef.current;
    if (!session || !publish) return;
    const camera = publish.getVideoTracks()[0] ?? null;
    const mic = publish.getAudioTracks()[0] ?? null;
    void session.publish({ camera, mic }).catch(() => undefined);
  }, [access, publish]);

  // Tracks belong to the warm stream that outlives the call: leave them enabled for the next one.
  useEffect(() => {
    setMicOn(true);
    setCameraOn(true);
    return () => publish?.getTracks().forEach((t) => (t.enabled = true));
  }, [access, publish]);

  const setMic = useCallback(
    (on: boolean) => {
      setMicOn(on);
      publish?.getAudioTracks().forEach((t) => (t.enabled = on));
      const session = sessionRef.current;
      if (session) void (on ? session.unmute('mic') : session.mute('mic')).catch(() => undefined);
    },
    [publish],
  );

  const setCamera = useCallback(
    (on: boolean) => {
      setCameraOn(on);
      publish?.getVideoTracks().forEach((t) => (t.enabled = on));
      const session = sessionRef.current;
      if (session) void (on ? session.unmute('camera') : session.mute('camera')).catch(() => undefined);
    },
    [publish],
  );

  const stopShare = useCallback(async () => {
    const session = sessionRef.current;
    setScreen((track) => {
      track?.stop();
      return null;
    });
    await session?.stopScreenShare();
  }, []);

  const startShare = useCallback(async () => {
    const session = sessionRef.current;
    if (!session || !navigator.mediaDevices?.getDisplayMedia) return;
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    track.addEventListener('ended', () => setScreen((current) => (current === track ? null : current)), {
      once: true,
    });
    setScreen(track);
    await session.startScreenShare(track);
  }, []);

  return {
    status,
    remote,
    micOn,
    cameraOn,
    sharing: screen !== null,
    screen,
    figures,
    setMic,
    setCamera,
    startShare,
    stopShare,
  };
}
