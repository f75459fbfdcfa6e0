import { useEffect, useRef } from 'react';
import type { TicketId } from '@ablak/protocol';
import type { MediaSession } from '@ablak/sfu/client';
import { request, type ClerkSocket } from '@ablak/ui';

/**
 * While an offer is on screen, the warm standby session gets ready for that call (issue 8): the SFU
 * makes the consumers both ways in advance, so pressing accept only resumes them. Nothing is seen or
 * heard before accept. A declined or withdrawn offer drops the preparation; an accepted one hands it to
 * the call (`useCallMedia` switches the same session in). Best effort: without it, accept works as before.
 */
export function usePreparedOffer(socket: ClerkSocket | null, standby: MediaSession | null, ticketId: TicketId | null, inCall: boolean): void {
  const inCallRef = useRef(inCall);
  inCallRef.current = inCall;

  useEffect(() => {
    if (!socket || !standby || !ticketId) return;
    let cancelled = false;
    const preparing = (async (): Promise<string | null> => {
      try {
        const { media } = await request(socket, 'offer:prepare-media', { ticketId });
        if (cancelled) return null;
        await standby.prepare(media);
        return media.room;
      } catch {
        // The offer went away meanwhile, or the call is on another SFU node: accept joins as before.
        return null;
      }
    })();
    return () => {
      cancelled = true;
      // Accepted: the call takes the preparation over. Otherwise (declined, withdrawn) drop it, unless
      // a newer offer's preparation replaced it already.
      if (inCallRef.current) return;
      void preparing.then((room) => (room ? standby.unprepare(room) : undefined)).catch(() => undefined);
    };
  }, [socket, standby, ticketId]);
}
