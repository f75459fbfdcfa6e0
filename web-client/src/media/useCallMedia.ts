import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { MediaAccess } from '@ablak/protocol';
import type { CallMedia, MediaSnapshot } from './types';

const idle: MediaSnapshot = { connection: 'idle', room: null, remote: null, stats: null };
const noop = () => () => undefined;

/**
 * Keeps one CallMedia for the ticket: loaded on demand (mediasoup-client stays out of the first
 * screen's bundle), opened as soon as there is media access and a local stream, made live when
 * `live` turns true, closed on unmount.
 */
export function useCallMedia(
  access: MediaAccess | null,
  local: MediaStream | null,
  live: boolean,
  enabled: boolean,
  refreshAccess?: () => Promise<MediaAccess>,
) {
  const refreshRef = useRef(refreshAccess);
  refreshRef.current = refreshAccess;
  const [media, setMedia] = useState<CallMedia | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const openedFor = useRef<string | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    let created: CallMedia | null = null;
    import('./callMedia')
      .then(({ createCallMedia }) => {
        if (cancelled) return;
        created = createCallMedia({
          refreshAccess: async () => {
            if (!refreshRef.current) throw new Error('no way to refresh media access');
            return refreshRef.current();
          },
        });
        setMedia(created);
      })
      .catch((error: unknown) => setLoadError(error));
    return () => {
      cancelled = true;
      created?.close();
      openedFor.current = null;
      setMedia(null);
    };
  }, [enabled]);

  useEffect(() => {
    if (!media || !access || !local) return;
    const key = `${access.room}|${access.grant}`;
    if (openedFor.current === key) return;
    openedFor.current = key;
    media.open(access, local, live).catch((error: unknown) => {
      console.warn('media open failed', error);
      openedFor.current = null;
    });
    // `live` is applied by the effect below; opening again only for a new room or grant
  }, [media, access, local]);

  useEffect(() => {
    if (media && openedFor.current)
      void media.setLive(live).catch((error: unknown) => console.warn('media live', error));
  }, [media, live]);

  const snapshot = useSyncExternalStore(media ? media.subscribe : noop, media ? media.snapshot : () => idle);
  return { media, snapshot, loadError };
}
