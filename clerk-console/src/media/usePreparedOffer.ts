import { useEffect, useRef, useState } from 'react';
import type { TicketId } from '@ablak/protocol';
import { MediaSession } from '@ablak/sfu/client';
import { request, type ClerkSocket } from '@ablak/ui';

/** A second warm session on another SFU node than the standby's, and the node it is on. */
interface Satellite {
  readonly url: string;
  readonly session: MediaSession;
}

const sameNode = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * While an offer is on screen, a warm session gets ready for that call (issue 8): the SFU makes the
 * consumers both ways in advance, so pressing accept only resumes them. Nothing is seen or heard
 * before accept. A declined or withdrawn offer drops the preparation; an accepted one hands it to the
 * call (`useCallMedia` switches the same session in).
 *
 * The standby session prepares when the call's room is on its SFU node. In a fleet the citizen may wait
 * warm on another node; then a second warm session (a satellite) is opened on that node during the
 * offer — joined, camera and mic published but not sent, both transports connected — and prepares
 * instead. It stays after the call, ready for the next offer from that node; an offer from a third node
 * replaces it, so the console never holds more than two. Best effort: without either, accept joins as
 * before.
 *
 * Returns the session prepared for the current offer (null while preparing or when none could be).
 */
export function usePreparedOffer(
  socket: ClerkSocket | null,
  standby: MediaSession | null,
  stream: MediaStream | null,
  ticketId: TicketId | null,
  inCall: boolean,
): MediaSession | null {
  const [prepared, setPrepared] = useState<MediaSession | null>(null);
  const inCallRef = useRef(inCall);
  inCallRef.current = inCall;
  const streamRef = useRef(stream);
  streamRef.current = stream;
  const satellite = useRef<Satellite | null>(null);

  // The satellite lives with the standby session (the clerk's shift): both go when it goes.
  useEffect(() => {
    return () => {
      void satellite.current?.session.close();
      satellite.current = null;
    };
  }, [socket, standby]);

  useEffect(() => {
    if (!socket || !standby || !ticketId) return;
    let cancelled = false;
    setPrepared(null);

    /** A warm session on the node at `url`: the satellite kept from an earlier offer, or a new one. */
    const satelliteOn = async (url: string): Promise<MediaSession | null> => {
      const kept = satellite.current;
      if (kept && sameNode(kept.url, url) && kept.session.state === 'connected') return kept.session;
      satellite.current = null;
      void kept?.session.close();
      const { media } = await request(socket, 'clerk:standby-media', { near: ticketId });
      const tracks = streamRef.current;
      if (cancelled || !tracks || !sameNode(media.sfuUrl, url)) return null;
      const session = new MediaSession({ statsIntervalMs: 2000 });
      satellite.current = { url: media.sfuUrl, session };
      await session.join(media);
      await session.publish(
        { camera: tracks.getVideoTracks()[0] ?? null, mic: tracks.getAudioTracks()[0] ?? null },
        { paused: true },
      );
      return session;
    };

    const preparing = (async (): Promise<{ session: MediaSession; room: string } | null> => {
      try {
        const { media } = await request(socket, 'offer:prepare-media', { ticketId });
        if (cancelled) return null;
        let session: MediaSession | null = standby;
        if (!(await standby.prepare(media))) {
          // The call is on another SFU node than the standby session.
          session = await satelliteOn(media.sfuUrl);
          if (cancelled || !session || !(await session.prepare(media))) return null;
        }
        if (!cancelled) setPrepared(session);
        return { session, room: media.room };
      } catch {
        // The offer went away meanwhile, or no warm session could be had: accept joins as before.
        return null;
      }
    })();
    return () => {
      cancelled = true;
      // Accepted: the call takes the preparation over. Otherwise (declined, withdrawn) drop it, unless
      // a newer offer's preparation replaced it already.
      if (inCallRef.current) return;
      void preparing.then((done) => (done ? done.session.unprepare(done.room) : undefined)).catch(() => undefined);
    };
  }, [socket, standby, ticketId]);

  return prepared;
}
