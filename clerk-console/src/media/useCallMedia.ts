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
    const session = new MediaSession();
    sessionRef.current = session;
    const sync = () => setRemote(participantsOf(session.peers, session.remoteTracks));
    session.on('state-changed', (state) => {
      setStatus(state);
      sync();
    });
    session.on('peer-joined', sync);
    session.on('peer-left', sync);
    session.on('track-added', sync);
    session.on('track-removed', sync);
    session.on('track-paused', sync);
    session.on('stats', (stats) => setFigures(figuresOf(stats)));
    session.join(access).catch(() => setStatus('failed'));
    return () => {
      sessionRef.current = null;
      void session.close();
      setScreen((track) => {
        track?.stop();
        return null;
      });
    };
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
