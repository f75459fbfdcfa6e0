// Bundled by the test (esbuild) and evaluated in the clerk's Chromium page: the clerk's side of the
// media, through the same @ablak/sfu/client the apps use.
import type { MediaAccess } from '@ablak/protocol';
import { MediaSession } from '@ablak/sfu/client';

interface ClerkMediaApi {
  start(access: MediaAccess): Promise<void>;
  state(): string;
  close(): Promise<void>;
}

let session: MediaSession | null = null;
const api: ClerkMediaApi = {
  async start(access) {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: 640, height: 480 },
    });
    session = new MediaSession({ statsIntervalMs: 0 });
    await session.join(access);
    await session.publish({
      camera: stream.getVideoTracks()[0] ?? null,
      mic: stream.getAudioTracks()[0] ?? null,
    });
  },
  state: () => session?.state ?? 'idle',
  async close() {
    await session?.close();
  },
};
(window as unknown as { clerkMedia: ClerkMediaApi }).clerkMedia = api;
