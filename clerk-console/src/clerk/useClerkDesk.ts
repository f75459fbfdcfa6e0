import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  CallEndReason,
  CallSummary,
  ChatMessage,
  ClerkView,
  LocalizedText,
  MediaAccess,
  Offer,
  OfferOutcome,
  SettableClerkState,
  SharedDocument,
  TransferTarget,
} from '@ablak/protocol';
import { Colleague, DocumentList } from '@ablak/protocol';
import { apiFetch, request, useSocketEvent, type ClerkSocket } from '@ablak/ui';

export interface ActiveCall {
  summary: CallSummary;
  /** From the accept, or after a reload from `call:media` (null until that answer arrives). */
  media: MediaAccess | null;
  /** The case type's name from the offer (the summary carries only its code). */
  caseTypeName: LocalizedText | null;
  /** What the citizen asked for (language, accessibility), from the offer; null after a reload. */
  needs: Pick<Offer, 'language' | 'accessibility'> | null;
  chat: ChatMessage[];
  documents: SharedDocument[];
}

export interface EndedCall {
  summary: CallSummary;
  reason: CallEndReason;
  wrapUpUntil: number;
}

export interface WithdrawnOffer {
  offer: Offer;
  reason: 'timeout' | 'cancelled' | 'taken' | 'declined';
}

export interface ClerkDesk {
  clerk: ClerkView | null;
  offer: Offer | null;
  withdrawn: WithdrawnOffer | null;
  call: ActiveCall | null;
  ended: EndedCall | null;
  setState(state: SettableClerkState): Promise<void>;
  accept(): Promise<void>;
  decline(): Promise<void>;
  sendChat(text: string): Promise<void>;
  saveNote(text: string): Promise<void>;
  openCase(): Promise<void>;
  transfer(target: TransferTarget, note: string): Promise<void>;
  /** Clerks a transfer can name, as the server orders them (available first, own office next). */
  colleagues(): Promise<Colleague[]>;
  endCall(): Promise<void>;
  /** Fresh media access to the current call's room (its grant is about to end). */
  renewMedia(): Promise<MediaAccess>;
  finishWrapUp(outcome: OfferOutcome | undefined, notes: string, next: 'available' | 'away'): Promise<void>;
}

/**
 * The clerk's desk as the server tells it: a `clerk:hello` snapshot on every (re)connect, then pushes.
 * Requests go through here so the local picture changes only with the server's answer.
 */
export function useClerkDesk(socket: ClerkSocket | null, connected: boolean, token: string): ClerkDesk {
  const [clerk, setClerk] = useState<ClerkView | null>(null);
  const [offer, setOffer] = useState<Offer | null>(null);
  const [withdrawn, setWithdrawn] = useState<WithdrawnOffer | null>(null);
  const [call, setCall] = useState<ActiveCall | null>(null);
  const [ended, setEnded] = useState<EndedCall | null>(null);

  // The hello handler needs the call as it is when the answer arrives, not when the socket connected.
  const callRef = useRef(call);
  callRef.current = call;

  useEffect(() => {
    if (!socket || !connected) return;
    let cancelled = false;
    void request(socket, 'clerk:hello', {})
      .then(async (hello) => {
        if (cancelled) return;
        setClerk(hello.clerk);
        setOffer(hello.offer);
        const open = hello.call;
        const prev = callRef.current;
        const same = open && prev && prev.summary.callId === open.callId ? prev : null;
        setCall((current) =>
          open
            ? current && current.summary.callId === open.callId
              ? { ...current, summary: open }
              : { summary: open, media: null, caseTypeName: null, needs: null, chat: [], documents: [] }
            : null,
        );
        // A reloaded console has the call but not its chat and documents: fetch them and merge them in.
        if (open && !same) {
          void request(socket, 'chat:history', { callId: open.callId })
            .then(({ messages }) => {
              if (cancelled) return;
              setCall((current) => {
                if (!current || current.summary.callId !== open.callId) return current;
                const known = new Set(current.chat.map((m) => m.id));
                const chat = [...messages.filter((m) => !known.has(m.id)), ...current.chat].sort((a, b) => a.sentAt - b.sentAt);
                return { ...current, chat };
              });
            })
            .catch(() => undefined);
          void apiFetch(`/api/calls/${encodeURIComponent(open.callId)}/documents`, { token, schema: DocumentList })
            .then(({ documents }) => {
              if (cancelled) return;
              setCall((current) => {
                if (!current || current.summary.callId !== open.callId) return current;
                const known = new Set(current.documents.map((d) => d.id));
                return { ...current, documents: [...documents.filter((d) => !known.has(d.id)), ...current.documents] };
              });
            })
            .catch(() => undefined);
        }
        // A reloaded console has the call but no media grant any more: ask for a fresh one and re-join.
        if (!open || same?.media) return;
        const { media } = await request(socket, 'call:media', { callId: open.callId });
        if (cancelled) return;
        setCall((current) =>
          current && current.summary.callId === open.callId && !current.media
            ? { ...current, media }
            : current,
        );
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [socket, connected, token]);

  useSocketEvent(socket, 'clerk:state-changed', (view) => {
    setClerk(view);
    if (view.state === 'available' || view.state === 'offline') setEnded(null);
  });
  useSocketEvent(socket, 'offer:received', (next) => {
    setWithdrawn(null);
    setOffer(next);
  });
  useSocketEvent(socket, 'offer:withdrawn', ({ ticketId, reason }) => {
    setOffer((current) => {
      if (current && current.ticketId === ticketId) {
        setWithdrawn({ offer: current, reason });
        return null;
      }
      return current;
    });
  });
  useSocketEvent(socket, 'call:ended', ({ callId, reason, wrapUpUntil }) => {
    setCall((current) => {
      if (current && current.summary.callId === callId) {
        setEnded({ summary: current.summary, reason, wrapUpUntil });
        return null;
      }
      return current;
    });
  });
  useSocketEvent(socket, 'chat:received', (message) => {
    setCall((current) =>
      current && current.summary.callId === message.callId && !current.chat.some((m) => m.id === message.id)
        ? { ...current, chat: [...current.chat, message] }
        : current,
    );
  });
  useSocketEvent(socket, 'document:shared', (doc) => {
    setCall((current) =>
      current && current.summary.callId === doc.callId && !current.documents.some((d) => d.id === doc.id)
        ? { ...current, documents: [...current.documents, doc] }
        : current,
    );
  });

  const need = useCallback((): ClerkSocket => {
    if (!socket) throw new Error('not connected');
    return socket;
  }, [socket]);

  const setState = useCallback(
    async (state: SettableClerkState) => {
      const result = await request(need(), 'clerk:set-state', state);
      setClerk(result.clerk);
      setWithdrawn(null);
    },
    [need],
  );

  const accept = useCallback(async () => {
    if (!offer) return;
    const result = await request(need(), 'offer:accept', { ticketId: offer.ticketId });
    setOffer(null);
    setWithdrawn(null);
    setEnded(null);
    setCall({
      summary: result.call,
      media: result.media,
      caseTypeName: offer.caseTypeName,
      needs: { language: offer.language, accessibility: offer.accessibility },
      chat: [],
      documents: [],
    });
  }, [need, offer]);

  const decline = useCallback(async () => {
    if (!offer) return;
    await request(need(), 'offer:decline', { ticketId: offer.ticketId });
    setOffer(null);
    setWithdrawn({ offer, reason: 'declined' });
  }, [need, offer]);

  const callId = call?.summary.callId;
  const sendChat = useCallback(
    async (text: string) => {
      if (!callId) return;
      const { message } = await request(need(), 'chat:send', { callId, text });
      setCall((current) =>
        current && !current.chat.some((m) => m.id === message.id)
          ? { ...current, chat: [...current.chat, message] }
          : current,
      );
    },
    [need, callId],
  );

  const renewMedia = useCallback(async () => {
    if (!callId) throw new Error('no call');
    return (await request(need(), 'call:media', { callId })).media;
  }, [need, callId]);

  const saveNote = useCallback(
    async (text: string) => {
      if (callId) await request(need(), 'call:note', { callId, text });
    },
    [need, callId],
  );

  const openCase = useCallback(async () => {
    if (!callId) return;
    const { caseReference } = await request(need(), 'case:open', { callId });
    setCall((current) =>
      current ? { ...current, summary: { ...current.summary, caseReference } } : current,
    );
  }, [need, callId]);

  const transfer = useCallback(
    async (target: TransferTarget, note: string) => {
      if (!callId) return;
      await request(need(), 'call:transfer', { callId, target, note });
    },
    [need, callId],
  );

  const colleagues = useCallback(
    async () => Colleague.array().parse((await request(need(), 'clerk:colleagues', {})).colleagues),
    [need],
  );

  const endCall = useCallback(async () => {
    if (!call) return;
    const { wrapUpUntil } = await request(need(), 'call:end', { callId: call.summary.callId });
    setEnded({ summary: call.summary, reason: 'clerk_ended', wrapUpUntil });
    setCall(null);
  }, [need, call]);

  const finishWrapUp = useCallback(
    async (outcome: OfferOutcome | undefined, notes: string, next: 'available' | 'away') => {
      const result = await request(need(), 'wrapup:done', { outcome, notes: notes || undefined, next });
      setClerk(result.clerk);
      setEnded(null);
    },
    [need],
  );

  return {
    clerk,
    offer,
    withdrawn,
    call,
    ended,
    setState,
    accept,
    decline,
    sendChat,
    renewMedia,
    saveNote,
    openCase,
    transfer,
    colleagues,
    endCall,
    finishWrapUp,
  };
}
