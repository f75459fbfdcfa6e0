import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { playChime, request } from '@ablak/ui';
import type { StoredTicket } from '../flow/ticketStorage';
import { clearTicket } from '../flow/ticketStorage';
import { useTicket } from '../flow/useTicket';
import { useCallMedia } from '../media/useCallMedia';
import { useLocalStream } from '../media/useLocalStream';
import { AfterScreen } from './AfterScreen';
import { ClosedScreen } from './ClosedScreen';
import { WaitingScreen } from './WaitingScreen';

// The call screen (and the media code it pulls in) loads while the citizen waits, not on first paint.
const loadCallScreen = () => import('../call/CallScreen');
const CallScreen = lazy(() => loadCallScreen().then((m) => ({ default: m.CallScreen })));

interface Props {
  stored: StoredTicket;
  onStartOver(): void;
}

/** Everything after the ticket exists: the wait, the call and the goodbye share one socket and one media session. */
export function TicketSession({ stored, onStartOver }: Props) {
  const { t } = useTranslation();
  const { view, leave, sendChat, endCall, rate, addDocument } = useTicket(stored);
  const inCall = view.phase === 'call';
  const active = view.phase !== 'after' && view.phase !== 'closed';
  const local = useLocalStream(stored.draft.devices, stored.draft.camera);
  const socket = view.socket;
  const refreshAccess = useCallback(async () => {
    if (!socket) throw new Error('offline');
    const { media } = await request(socket, 'queue:join', {});
    if (!media) throw new Error('no media access');
    return media;
  }, [socket]);
  const { media, snapshot } = useCallMedia(view.media, local.stream, inCall, active, refreshAccess);
  const [announce, setAnnounce] = useState('');

  useEffect(() => {
    void loadCallScreen();
  }, []);

  useEffect(() => {
    if (!view.matchedAt || !view.call) return;
    setAnnounce(t('waiting.matched', { name: view.call.clerkName }));
    void playChime(stored.draft.devices.speakerId);
  }, [view.matchedAt, view.call, stored.draft.devices.speakerId, t]);

  useEffect(() => {
    if (view.phase === 'after' || view.phase === 'closed')
      local.stream?.getTracks().forEach((track) => track.stop());
  }, [view.phase, local.stream]);

  // "… answered your call. Connecting." belongs to the call: it must not be read again on the screens after it.
  useEffect(() => {
    if (view.phase !== 'call') setAnnounce('');
  }, [view.phase]);

  const startOver = useCallback(() => {
    clearTicket();
    onStartOver();
  }, [onStartOver]);

  let screen;
  switch (view.phase) {
    case 'joining':
    case 'waiting':
    case 'offered':
      screen = (
        <WaitingScreen
          view={view}
          draft={stored.draft}
          local={local.stream}
          mediaConnection={snapshot.connection}
          onLeave={async () => {
            await leave();
            clearTicket();
          }}
        />
      );
      break;
    case 'call':
      screen = (
        <Suspense fallback={<p role="status">{t('call.loading')}</p>}>
          <CallScreen
            view={view}
            ticket={stored}
            local={local.stream}
            media={media}
            snapshot={snapshot}
            onSwitchDevice={local.switchDevice}
            onSendChat={sendChat}
            onDocument={addDocument}
            onEnd={endCall}
          />
        </Suspense>
      );
      break;
    case 'after':
      screen = <AfterScreen view={view} onRate={rate} onStartOver={startOver} />;
      break;
    case 'closed':
      screen = <ClosedScreen view={view} onStartOver={startOver} />;
      break;
  }

  return (
    <>
      <div className="ab-visually-hidden" aria-live="assertive" aria-atomic="true">
        {announce}
      </div>
      {screen}
    </>
  );
}
