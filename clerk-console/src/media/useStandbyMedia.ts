import { useEffect, useRef, useState } from 'react';
import { MediaSession } from '@ablak/sfu/client';
import { request, type ClerkSocket } from '@ablak/ui';

/**
 * The clerk's media session kept warm between calls (issue 8): joined to the clerk's own standby
 * room on the SFU, camera and mic published but not sent, both transports through ICE and DTLS. On
 * accept, `useCallMedia` moves this session into the call instead of opening a new one, so the call
 * starts with no handshake at all; after the call it comes back here.
 *
 * Open while `enabled` (device check done, clerk signed in and on shift) and the local stream runs;
 * null until it is connected, and whenever it is not (the call then opens its own session as before).
 */
export function useStandbyMedia(socket: ClerkSocket | null, connected: boolean, stream: MediaStream | null, enabled: boolean): MediaSession | null {
  const [ready, setReady] = useState<MediaSession | null>(null);
  const live = enabled && connected && socket !== null && stream !== null;
  const streamRef = useRef(stream);
  streamRef.current = stream;

  useEffect(() => {
    if (!live || !socket) return;
    let cancelled = false;
    const session = new MediaSession({
      statsIntervalMs: 2000,
      // Grants live ten minutes; a reconnect after that asks for a fresh one.
      refreshAccess: async () => (await request(socket, 'clerk:standby-media', {})).media,
    });
    session.on('state-changed', (state) => {
      if (cancelled) return;
      if (state === 'failed' || state === 'closed') setReady(null);
    });
    void (async () => {
      try {
        const { media } = await request(socket, 'clerk:standby-media', {});
        if (cancelled) return;
        await session.join(media);
        const current = streamRef.current;
        if (cancelled || !current) return;
        await session.publish(
          { camera: current.getVideoTracks()[0] ?? null, mic: current.getAudioTracks()[0] ?? null },
          { paused: true },
        );
        if (!cancelled) setReady(session);
      } catch {
        // Best effort: without a warm session every call opens its own, as before.
        if (!cancelled) setReady(null);
      }
    })();
    return () => {
      cancelled = true;
      setReady(null);
      void session.close();
    };
  }, [live, socket]);

  // Another camera or mic (device change): swap the tracks, keep the session and whatever room it is in.
  useEffect(() => {
    if (!ready || !stream) return;
    const camera = stream.getVideoTracks()[0];
    const mic = stream.getAudioTracks()[0];
    if (camera && ready.localTrack('camera') !== camera) void ready.replaceTrack('camera', camera).catch(() => undefined);
    if (mic && ready.localTrack('mic') !== mic) void ready.replaceTrack('mic', mic).catch(() => undefined);
  }, [ready, stream]);

  return ready;
}
