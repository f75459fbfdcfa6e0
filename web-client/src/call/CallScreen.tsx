import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SharedDocument } from '@ablak/protocol';
import { ChatPanel, ConfirmDialog, ConnectionQuality, VideoTile, qualityOf } from '@ablak/ui';
import type { StoredTicket } from '../flow/ticketStorage';
import type { TicketView } from '../flow/useTicket';
import { useScreenFocus } from '../flow/useScreenFocus';
import type { CallMedia, MediaSnapshot } from '../media/types';
import { CallControls } from './CallControls';
import { DocumentShare } from './DocumentShare';

interface Props {
  view: TicketView;
  ticket: StoredTicket;
  local: MediaStream | null;
  media: CallMedia | null;
  snapshot: MediaSnapshot;
  onSwitchDevice(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack | null>;
  onSendChat(text: string): Promise<void>;
  onDocument(document: SharedDocument): void;
  onEnd(): Promise<void>;
}

/** The call: the clerk large (or their shared screen), self small, controls, chat and documents. */
export function CallScreen({
  view,
  ticket,
  local,
  media,
  snapshot,
  onSwitchDevice,
  onSendChat,
  onDocument,
  onEnd,
}: Props) {
  const { t } = useTranslation();
  const heading = useScreenFocus();
  const id = useId();
  const [micMuted, setMicMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(!ticket.draft.camera);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [devices, setDevices] = useState(ticket.draft.devices);
  const [showConnected, setShowConnected] = useState(true);
  const clerkName = view.call?.clerkName ?? t('call.clerk');
  const remote = snapshot.remote;
  const hasCamera = Boolean(local?.getVideoTracks().length);
  const reconnecting =
    view.socketStatus === 'reconnecting' ||
    snapshot.connection === 'reconnecting' ||
    snapshot.connection === 'connecting' ||
    snapshot.connection === 'failed';

  useEffect(() => {
    const timer = setTimeout(() => setShowConnected(false), 6000);
    return () => clearTimeout(timer);
  }, []);

  const toggleMic = () => {
    const next = !micMuted;
    local?.getAudioTracks().forEach((track) => (track.enabled = !next));
    setMicMuted(next);
    void media?.setMicMuted(next);
  };
  const toggleCamera = () => {
    const next = !cameraOff;
    local?.getVideoTracks().forEach((track) => (track.enabled = !next));
    setCameraOff(next);
    void media?.setCameraOff(next);
  };
  const switchDevice = async (kind: 'audio' | 'video', deviceId: string) => {
    const track = await onSwitchDevice(kind, deviceId).catch(() => null);
    if (track) {
      await media?.replaceTrack(kind, track);
      setDevices((d) => (kind === 'audio' ? { ...d, micId: deviceId } : { ...d, cameraId: deviceId }));
    }
  };

  return (
    <section className="screen screen--call" aria-labelledby={`${id}-h`} data-screen="call">
      <h1 id={`${id}-h`} ref={heading} tabIndex={-1} className="call-title">
        {t('call.title', { name: clerkName })}
      </h1>
      {showConnected && (
        <p className="ab-notice ab-notice--success call-cue" data-testid="matched-cue">
          {t('call.connectedCue', { name: clerkName })}
        </p>
      )}
      {reconnecting && snapshot.connection !== 'idle' && (
        <p className="ab-notice ab-notice--warning" role="status" data-testid="reconnecting-banner">
          {snapshot.connection === 'failed' ? t('call.failed') : t('call.reconnecting')}
        </p>
      )}
      <div className="call-layout">
        <div className={`call-stage ${remote?.screen ? 'call-stage--sharing' : ''}`}>
          <div className="call-status">
            <ConnectionQuality quality={qualityOf(snapshot.stats)} figures={snapshot.stats} />
          </div>
          {remote?.screen ? (
            <VideoTile
              videoTrack={remote.screen}
              label={t('call.screenOf', { name: clerkName })}
              fit="contain"
              testId="remote-screen"
            />
          ) : null}
          <VideoTile
            videoTrack={remote?.camera ?? null}
            audioTrack={remote?.mic ?? null}
            label={clerkName}
            size={remote?.screen ? 'small' : 'large'}
            speakerId={devices.speakerId}
            placeholder={<span>{remote ? t('call.clerkCameraOff') : t('call.waitingForVideo')}</span>}
            testId="remote-video"
            className="call-remote"
          />
          <VideoTile
            stream={local}
            self
            size="small"
            label={t('call.you')}
            className="call-self"
            placeholder={<span>{t('devices.cameraOff')}</span>}
          />
          <CallControls
            micMuted={micMuted}
            cameraOff={cameraOff}
            hasCamera={hasCamera}
            onToggleMic={toggleMic}
            onToggleCamera={toggleCamera}
            onSwitchDevice={(kind, deviceId) => void switchDevice(kind, deviceId)}
            micId={devices.micId}
            cameraId={devices.cameraId}
            onEnd={() => setConfirmEnd(true)}
          />
        </div>
        <div className="call-side">
          <ChatPanel messages={view.messages} selfRole="citizen" onSend={onSendChat} />
          {view.call && (
            <DocumentShare
              callId={view.call.callId}
              token={ticket.ticket.citizenToken}
              documents={view.documents}
              onShared={onDocument}
            />
          )}
        </div>
      </div>
      <ConfirmDialog
        open={confirmEnd}
        title={t('call.endTitle')}
        confirmLabel={t('call.endConfirm')}
        cancelLabel={t('call.endCancel')}
        danger
        onCancel={() => setConfirmEnd(false)}
        onConfirm={() => {
          setConfirmEnd(false);
          void onEnd();
        }}
      >
        <p>{t('call.endBody')}</p>
      </ConfirmDialog>
    </section>
  );
}
