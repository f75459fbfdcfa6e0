import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Colleague, MediaAccess, TransferTarget } from '@ablak/protocol';
import { ChatPanel, ConnectionQuality, VideoTile, qualityOf, useFormat } from '@ablak/ui';
import type { MediaSession } from '@ablak/sfu/client';
import { useCallMedia } from '../media/useCallMedia';
import { clock, useNow } from '../time';
import { DocumentsPanel } from './DocumentsPanel';
import { TransferDialog } from './TransferDialog';
import { useCaseTypeName } from './useCaseTypeName';
import type { ActiveCall } from './useClerkDesk';

interface Props {
  call: ActiveCall;
  selfName: string;
  /** The clerk's own office, marked in the transfer's colleague list. */
  office: string;
  token: string;
  localStream: MediaStream | null;
  /** The warm standby media session, moved into the call when there is one. */
  warmMedia: MediaSession | null;
  notes: string;
  onNotes(text: string): void;
  onSaveNote(text: string): Promise<void>;
  onChat(text: string): Promise<void>;
  onOpenCase(): Promise<void>;
  onTransfer(target: TransferTarget, note: string): Promise<void>;
  onLoadColleagues(): Promise<Colleague[]>;
  onEnd(): Promise<void>;
  /** Fresh media access to the call's room (a call longer than a grant's life). */
  onRenewMedia?(): Promise<MediaAccess>;
}

/** The call: citizen large, self small, controls, chat, documents, notes, case and transfer. */
export function CallScreen(props: Props) {
  const {
    call,
    selfName,
    office,
    token,
    localStream,
    warmMedia,
    notes,
    onNotes,
    onSaveNote,
    onChat,
    onOpenCase,
    onTransfer,
    onLoadColleagues,
    onEnd,
    onRenewMedia,
  } = props;
  const { t } = useTranslation('console');
  const format = useFormat();
  const now = useNow();
  const media = useCallMedia(call.media, {
    publish: localStream,
    warm: warmMedia,
    ...(onRenewMedia ? { renew: onRenewMedia } : {}),
  });
  const [transferOpen, setTransferOpen] = useState(false);
  const [busy, setBusy] = useState<'case' | 'end' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { summary } = call;
  const caseTypeName = useCaseTypeName(summary.caseType, call.caseTypeName);
  // A new call takes the focus to its heading, so a screen reader announces whom the clerk is serving.
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [summary.callId]);
  const citizen = media.remote.find((p) => p.role === 'citizen') ?? null;

  const run = async (what: 'case' | 'end', action: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(null);
    }
  };

  // Notes are saved on the server a moment after typing stops, so a reload keeps them.
  const savedRef = useRef(notes);
  useEffect(() => {
    if (notes === savedRef.current) return;
    const timer = setTimeout(() => {
      savedRef.current = notes;
      void onSaveNote(notes).catch(() => undefined);
    }, 1_500);
    return () => clearTimeout(timer);
  }, [notes, onSaveNote]);

  return (
    <div className="call-layout" data-testid="call-screen">
      <section className="call-stage" aria-labelledby="call-heading">
        <h2 id="call-heading" ref={headingRef} tabIndex={-1}>
          {t('call.heading', { name: summary.citizenName })}
        </h2>
        <p className="call-meta">
          <span>{t('call.duration', { time: clock((now - summary.startedAt) / 1000) })}</span>
          <span>
            {t('call.caseType', {
              name: caseTypeName ? format.text(caseTypeName) : summary.caseType,
            })}
          </span>
          {call.needs && (
            <span data-testid="call-needs">
              {t('offer.language')}: {t(`language.${call.needs.language}`)} · {t('offer.accessibility')}:{' '}
              {call.needs.accessibility.length
                ? call.needs.accessibility.map((need) => t(`accessibility.${need}`)).join(', ')
                : t('accessibility.none')}
            </span>
          )}
          <ConnectionQuality quality={qualityOf(media.figures)} figures={media.figures} />
        </p>
        <div className="videos" data-testid="call-videos" data-remote-count={media.remote.length}>
          <VideoTile
            videoTrack={citizen?.screen ?? citizen?.video ?? null}
            audioTrack={citizen?.audio ?? null}
            label={summary.citizenName}
            size="large"
            testId="remote-video"
            placeholder={<span>{t('call.waitingForCitizen')}</span>}
          />
          <VideoTile stream={localStream} label={selfName} self size="small" testId="self-video" />
        </div>
        <div role="toolbar" aria-label={t('call.controls')} className="call-controls">
          <button
            className="ab-button ab-button--secondary"
            type="button"
            aria-pressed={!media.micOn}
            onClick={() => media.setMic(!media.micOn)}
          >
            {t('call.mute')}
          </button>
          <button
            className="ab-button ab-button--secondary"
            type="button"
            aria-pressed={!media.cameraOn}
            onClick={() => media.setCamera(!media.cameraOn)}
          >
            {t('call.cameraOff')}
          </button>
          <button
            className="ab-button ab-button--secondary"
            type="button"
            aria-pressed={media.sharing}
            onClick={() => void (media.sharing ? media.stopShare() : media.startShare())}
          >
            {t('call.shareScreen')}
          </button>
          <button
            className="ab-button ab-button--secondary"
            type="button"
            onClick={() => setTransferOpen(true)}
          >
            {t('call.transfer')}
          </button>
          <button
            type="button"
            className="ab-button ab-button--danger"
            disabled={busy === 'end'}
            onClick={() => void run('end', onEnd)}
          >
            {t('call.end')}
          </button>
        </div>
        <p className="muted" data-testid="media-status" data-status={media.status}>
          {t('call.mediaState', { state: t(`call.mediaStatus.${media.status}`) })}
        </p>
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
      </section>
      <aside className="call-side" aria-label={t('call.heading', { name: summary.citizenName })}>
        <section className="panel" aria-labelledby="case-heading">
          <h2 id="case-heading">{t('call.caseReference')}</h2>
          {summary.caseReference ? (
            <p className="case-ref" data-testid="case-reference">
              {summary.caseReference}
            </p>
          ) : (
            <button
              type="button"
              className="ab-button"
              disabled={busy === 'case'}
              onClick={() => void run('case', onOpenCase)}
            >
              {t('call.openCase')}
            </button>
          )}
        </section>
        <section className="panel" aria-labelledby="notes-heading">
          <h2 id="notes-heading">
            <label htmlFor="call-notes">{t('call.notes')}</label>
          </h2>
          <textarea
            id="call-notes"
            rows={4}
            maxLength={5000}
            value={notes}
            onChange={(e) => onNotes(e.target.value)}
          />
        </section>
        <DocumentsPanel documents={call.documents} token={token} />
        <ChatPanel messages={call.chat} selfRole="clerk" onSend={onChat} heading={t('call.chat')} />
      </aside>
      {transferOpen && (
        <TransferDialog
          token={token}
          currentQueue={summary.queue}
          office={office}
          loadColleagues={onLoadColleagues}
          onTransfer={onTransfer}
          onClose={() => setTransferOpen(false)}
        />
      )}
    </div>
  );
}
