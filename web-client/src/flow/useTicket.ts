import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  CallEndReason,
  CallId,
  CaseReference,
  ChatMessage,
  MediaAccess,
  QueuePosition,
  SharedDocument,
  TicketState,
} from '@ablak/protocol';
import { DocumentList } from '@ablak/protocol';
import {
  apiFetch,
  request,
  useCitizenSocket,
  useSocketEvent,
  type AppError,
  type CitizenSocket,
  type SocketStatus,
} from '@ablak/ui';
import { config } from '../config';
import type { StoredTicket } from './ticketStorage';

export type Phase = 'joining' | 'waiting' | 'offered' | 'call' | 'after' | 'closed';

export interface ActiveCall {
  callId: CallId;
  clerkName: string;
  startedAt: number;
}

export interface TicketView {
  phase: Phase;
  socket: CitizenSocket | null;
  socketStatus: SocketStatus;
  position: QueuePosition | null;
  /** Media access for the current room (from queue:join while waiting, then from call:matched). */
  media: MediaAccess | null;
  call: ActiveCall | null;
  caseReference: CaseReference | null;
  messages: ChatMessage[];
  documents: SharedDocument[];
  endReason: CallEndReason | null;
  closedState: TicketState | null;
  error: AppError | null;
  /** Bumped on every `call:matched`; the waiting room plays its cue on change. */
  matchedAt: number | null;
}

const initial = (): Omit<TicketView, 'socket' | 'socketStatus'> => ({
  phase: 'joining',
  position: null,
  media: null,
  call: null,
  caseReference: null,
  messages: [],
  documents: [],
  endReason: null,
  closedState: null,
  error: null,
  matchedAt: null,
});

/**
 * The ticket's life on the /citizen namespace: (re)join the queue on every connect while waiting,
 * follow position changes, the match, the call and its end. Reconnects present the resume secret.
 */
export function useTicket(stored: StoredTicket) {
  const {
    socket,
    status,
    error: refused,
  } = useCitizenSocket({
    url: config.signalingUrl,
    token: stored.ticket.citizenToken,
    resumeSecret: stored.ticket.resumeSecret,
  });
  const [view, setView] = useState(initial);
  const phaseRef = useRef(view.phase);
  phaseRef.current = view.phase;
  const patch = useCallback((p: Partial<ReturnType<typeof initial>>) => setView((v) => ({ ...v, ...p })), []);

  useEffect(() => {
    if (!socket) return;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const join = () => {
      clearTimeout(retry);
      if (phaseRef.current !== 'joining' && phaseRef.current !== 'waiting' && phaseRef.current !== 'offered')
        return;
      request(socket, 'queue:join', {})
        .then(({ position, media }) =>
          setView((v) => ({
            ...v,
            position,
            media: media ?? v.media,
            phase:
              v.phase === 'joining' || v.phase === 'waiting' || v.phase === 'offered'
                ? position.state === 'offered'
                  ? 'offered'
                  : 'waiting'
                : v.phase,
            error: null,
          })),
        )
        .catch((error: AppError) => {
          if (
            error.code === 'TICKET_CLOSED' ||
            error.code === 'TICKET_NOT_FOUND' ||
            error.code === 'RESUME_REJECTED'
          ) {
            patch({ phase: 'closed', error });
          } else {
            patch({ error });
            // The desk is briefly away (a restart, a failover): the place is kept; ask again soon.
            if (error.code === 'UNAVAILABLE' && socket.connected) retry = setTimeout(join, 3000);
          }
        });
    };
    socket.on('connect', join);
    if (socket.connected) join();
    return () => {
      clearTimeout(retry);
      socket.off('connect', join);
    };
  }, [socket, patch]);

  useEffect(() => {
    if (refused) patch({ phase: 'closed', error: refused });
  }, [refused, patch]);

  // A place pushed while offered means the offer came back (declined, missed): waiting again.
  useSocketEvent(socket, 'queue:position-changed', (position) =>
    setView((v) => ({
      ...v,
      position,
      phase:
        v.phase === 'joining' || (v.phase === 'offered' && position.state === 'waiting') ? 'waiting' : v.phase,
    })),
  );
  useSocketEvent(socket, 'call:offered', () =>
    setView((v) => (v.phase === 'waiting' ? { ...v, phase: 'offered' } : v)),
  );
  useSocketEvent(socket, 'call:matched', ({ callId, clerkName, media }) =>
    setView((v) =>
      v.phase === 'call' && v.call?.callId === callId
        ? { ...v, media }
        : {
            ...v,
            phase: 'call',
            media,
            call: { callId, clerkName, startedAt: Date.now() },
            matchedAt: Date.now(),
            endReason: null,
          },
    ),
  );
  // A page reloaded during a call gets the chat and the documents so far back (a new call has none).
  const callId = view.call?.callId ?? null;
  const citizenToken = stored.ticket.citizenToken;
  useEffect(() => {
    if (!socket || !callId) return;
    let cancelled = false;
    apiFetch(`/api/calls/${encodeURIComponent(callId)}/documents`, {
      token: citizenToken,
      schema: DocumentList,
      baseUrl: config.signalingUrl,
    })
      .then(({ documents }) => {
        if (cancelled) return;
        setView((v) => {
          if (v.call?.callId !== callId) return v;
          const known = new Set(v.documents.map((d) => d.id));
          const fresh = documents.filter((d) => !known.has(d.id));
          return fresh.length === 0 ? v : { ...v, documents: [...fresh, ...v.documents] };
        });
      })
      .catch(() => undefined);
    request(socket, 'chat:history', {})
      .then(({ messages }) => {
        if (cancelled) return;
        setView((v) => {
          if (v.call?.callId !== callId) return v;
          const known = new Set(v.messages.map((m) => m.id));
          const fresh = messages.filter((m) => m.callId === callId && !known.has(m.id));
          return fresh.length === 0 ? v : { ...v, messages: [...fresh, ...v.messages].sort((a, b) => a.sentAt - b.sentAt) };
        });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [socket, callId, citizenToken]);
  // The next call has a room of its own: wait warm there (the transferred call's room has ended).
  useSocketEvent(socket, 'call:transferred', ({ position, media }) =>
    setView((v) => ({
      ...v,
      phase: 'waiting',
      position,
      call: null,
      messages: [],
      documents: [],
      media: media ?? v.media,
    })),
  );
  useSocketEvent(socket, 'case:opened', ({ caseReference }) => patch({ caseReference }));
  useSocketEvent(socket, 'chat:received', (message) =>
    setView((v) =>
      v.messages.some((m) => m.id === message.id) ? v : { ...v, messages: [...v.messages, message] },
    ),
  );
  useSocketEvent(socket, 'document:shared', (document) =>
    setView((v) =>
      v.documents.some((d) => d.id === document.id) ? v : { ...v, documents: [...v.documents, document] },
    ),
  );
  useSocketEvent(socket, 'call:ended', ({ reason, caseReference }) =>
    setView((v) =>
      reason === 'transferred'
        ? v
        : { ...v, phase: 'after', endReason: reason, caseReference: caseReference ?? v.caseReference },
    ),
  );
  useSocketEvent(socket, 'ticket:closed', ({ state }) =>
    setView((v) => (v.phase === 'after' ? v : { ...v, phase: 'closed', closedState: state })),
  );
  useSocketEvent(socket, 'session:expired', () =>
    setView((v) => (v.phase === 'after' ? v : { ...v, phase: 'closed', closedState: 'expired' })),
  );

  const leave = useCallback(async () => {
    if (socket) await request(socket, 'queue:leave', {}).catch(() => undefined);
    patch({ phase: 'closed', closedState: 'abandoned' });
  }, [socket, patch]);

  const sendChat = useCallback(
    async (text: string) => {
      if (!socket) throw new Error('offline');
      const { message } = await request(socket, 'chat:send', { text });
      setView((v) =>
        v.messages.some((m) => m.id === message.id) ? v : { ...v, messages: [...v.messages, message] },
      );
    },
    [socket],
  );

  const endCall = useCallback(async () => {
    if (socket) await request(socket, 'call:end', {}).catch(() => undefined);
    setView((v) => ({ ...v, phase: 'after', endReason: v.endReason ?? 'citizen_ended' }));
  }, [socket]);

  const rate = useCallback(
    async (rating: number, comment: string) => {
      if (!socket) throw new Error('offline');
      await request(socket, 'call:rate', { rating, ...(comment.trim() ? { comment: comment.trim() } : {}) });
    },
    [socket],
  );

  const addDocument = useCallback(
    (document: SharedDocument) =>
      setView((v) =>
        v.documents.some((d) => d.id === document.id) ? v : { ...v, documents: [...v.documents, document] },
      ),
    [],
  );

  return {
    view: { ...view, socket, socketStatus: status } as TicketView,
    leave,
    sendChat,
    endCall,
    rate,
    addDocument,
  };
}
