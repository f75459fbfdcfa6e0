import type { MediaAccess } from '@ablak/protocol';
import type { QualityFigures } from '@ablak/ui';

export type MediaConnection = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** The clerk's side of the call as the citizen receives it. */
export interface RemoteMedia {
  name: string;
  camera: MediaStreamTrack | null;
  mic: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
}

export interface MediaSnapshot {
  connection: MediaConnection;
  room: string | null;
  remote: RemoteMedia | null;
  stats: QualityFigures | null;
}

/**
 * The citizen's media, one object from the waiting room to the end of the call: opened with the
 * ticket's media access while waiting (camera and mic published paused), made live when a clerk
 * answers. The app talks to this; only its implementation knows `@ablak/sfu/client`.
 */
export interface CallMedia {
  snapshot(): MediaSnapshot;
  subscribe(listener: () => void): () => void;
  /** Joins the room and publishes the local tracks, paused unless `live`. Re-joins if the room differs. */
  open(access: MediaAccess, local: MediaStream, live: boolean): Promise<void>;
  /** Starts (or stops) sending: called when the clerk answers. */
  setLive(live: boolean): Promise<void>;
  setMicMuted(muted: boolean): Promise<void>;
  setCameraOff(off: boolean): Promise<void>;
  /** Swaps a device without re-negotiating (replaceTrack). */
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void>;
  close(): void;
}
