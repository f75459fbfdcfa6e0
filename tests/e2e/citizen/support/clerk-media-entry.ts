// Bundled by the test (esbuild) and evaluated in the clerk's Chromium page: the clerk's side of the
// media, through the same @ablak/sfu/client the apps use.
import type { MediaAccess } from '@ablak/protocol';
import { MediaSession } from '@ablak/sfu/client';

interface ClerkMediaApi {
  start(access: MediaAccess): Promise<void>;
  state(): string;
  /** Shares a moving canvas as the clerk's "screen" (a second video producer, source 'screen'). */
  shareScreen(): Promise<void>;
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
  async shareScreen() {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 360;
    const ctx = canvas.getContext('2d');
    let frame = 0;
    setInterval(() => {
      if (!ctx) return;
      ctx.fillStyle = '#0b4f8a';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = '#ffffff';
      ctx.font = '32px sans-serif';
      ctx.fillText(`Űrlap – ${frame++}`, 40, 180);
    }, 100);
    const track = canvas.captureStream(10).getVideoTracks()[0];
    if (track) await session?.startScreenShare(track);
  },
  async close() {
    await session?.close();
  },
};
(window as unknown as { clerkMedia: ClerkMediaApi }).clerkMedia = api;
