import type { MediaAccess } from '@ablak/protocol';
import type { CallMedia, MediaSnapshot } from './types';

// Placeholder until @ablak/sfu/client's MediaSession lands: reports 'failed' so the UI shows it honestly.
export function createCallMedia(): CallMedia {
  let snap: MediaSnapshot = { connection: 'idle', room: null, remote: null, stats: null };
  const listeners = new Set<() => void>();
  const set = (next: Partial<MediaSnapshot>) => {
    snap = { ...snap, ...next };
    listeners.forEach((l) => l());
  };
  return {
    snapshot: () => snap,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async open(access: MediaAccess) {
      set({ connection: 'failed', room: access.room });
    },
    async setLive() {},
    async setMicMuted() {},
    async setCameraOff() {},
    async replaceTrack() {},
    close() {
      set({ connection: 'closed' });
    },
  };
}
