import { useState } from 'react';
import type { MediaAccess, PeerId, Role } from '@ablak/protocol';
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

/** PLACEHOLDER until @ablak/sfu/client lands. */
export function useCallMedia(access: MediaAccess | null, options: CallMediaOptions): CallMedia {
  void access;
  void options;
  const [state] = useState<CallMedia>({
    status: 'idle',
    remote: [],
    micOn: true,
    cameraOn: true,
    sharing: false,
    screen: null,
    figures: null,
    setMic: () => undefined,
    setCamera: () => undefined,
    startShare: async () => undefined,
    stopShare: async () => undefined,
  });
  return state;
}
