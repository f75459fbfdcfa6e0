import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog, VideoTile, useFormat } from '@ablak/ui';
import type { QueuePosition } from '@ablak/protocol';
import type { Formatters } from '@ablak/ui';
import type { TFunction } from 'i18next';
import type { Draft } from '../flow/types';
import type { TicketView } from '../flow/useTicket';
import { useScreenFocus } from '../flow/useScreenFocus';
import type { MediaConnection } from '../media/types';

interface Props {
  view: TicketView;
  draft: Draft;
  local: MediaStream | null;
  mediaConnection: MediaConnection;
  onLeave(): Promise<void>;
}

/** Place and estimate, live; what happens next; a way out. Announces position changes politely. */
export function WaitingScreen({ view, draft, local, mediaConnection, onLeave }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const heading = useScreenFocus();
  const id = useId();
  const [confirmLeave, setConfirmLeave] = useState(false);
  const { position } = view;
  const offered = view.phase === 'offered';
  // An offer that came back (declined, missed): say so until the next offer, the place is kept.
  const [returned, setReturned] = useState(false);
  const wasOffered = useRef(offered);
  useEffect(() => {
    if (wasOffered.current && !offered && view.phase === 'waiting') setReturned(true);
    if (offered) setReturned(false);
    wasOffered.current = offered;
  }, [offered, view.phase]);

  // One text for the screen and the live region, so what is heard is what is shown.
  const estimate = position ? waitEstimate(t, format, position, offered) : null;
  const place = offered ? 1 : (position?.position ?? null);
  const announcement = offered
    ? t('waiting.offered')
    : position && estimate !== null && place !== null
      ? [returned ? t('waiting.offerReturned') : '', t('waiting.announce', { position: place, wait: estimate })]
          .filter(Boolean)
          .join(' ')
      : '';

  const reconnecting = view.socketStatus === 'reconnecting' || view.socketStatus === 'connecting';

  return (
    <section className="screen screen--waiting" aria-labelledby={`${id}-h`} data-screen="waiting">
      <h1 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {t('waiting.title')}
      </h1>
      <div
        className="ab-visually-hidden"
        aria-live="polite"
        aria-atomic="true"
        data-testid="waiting-announcement"
      >
        {announcement}
      </div>
      {draft.matter && (
        <p>
          {t('waiting.matter')} <strong>{format.text(draft.matter.name)}</strong>
        </p>
      )}
      {reconnecting && view.phase !== 'joining' && (
        <p className="ab-notice ab-notice--warning" role="status">
          {t('waiting.reconnecting')}
        </p>
      )}
      {offered && (
        <p className="ab-notice ab-notice--success offered-cue" data-testid="offered-cue">
          {t('waiting.offered')}
        </p>
      )}
      {returned && !offered && (
        <p className="ab-notice" data-testid="offer-returned">
          {t('waiting.offerReturned')}
        </p>
      )}
      {position && !offered && position.clerksServing === 0 && (
        <p className="ab-notice" data-testid="no-clerk">
          {t('waiting.noClerkBody')}
        </p>
      )}
      {view.error && view.phase !== 'closed' && (
        <p className="ab-notice ab-notice--error" role="alert">
          {view.error.code === 'UNAVAILABLE'
            ? t('errors.retrying')
            : t(`errors.${view.error.code}`, { defaultValue: t('errors.generic') })}
        </p>
      )}

      <div className="waiting-grid">
        <div className="queue-card" data-testid="queue-card">
          {position ? (
            <dl className="queue-figures">
              <div>
                <dt>{t('waiting.position')}</dt>
                <dd data-testid="queue-position" className="queue-figures__big">
                  {format.number(place ?? position.position)}
                </dd>
              </div>
              <div>
                <dt>{t('waiting.estimate')}</dt>
                <dd data-testid="queue-estimate">{estimate}</dd>
              </div>
              <div>
                <dt>{t('waiting.clerks')}</dt>
                <dd>{format.number(position.clerksServing)}</dd>
              </div>
            </dl>
          ) : (
            <p role="status">{t('waiting.joining')}</p>
          )}
        </div>
        <div className="waiting-self">
          <VideoTile
            stream={local}
            self
            size="small"
            label={t('waiting.you')}
            placeholder={<span>{t('devices.cameraOff')}</span>}
          />
          <p className="ab-hint" data-testid="media-status" data-connection={mediaConnection}>
            {t(`waiting.media.${mediaConnection}`)}
          </p>
        </div>
      </div>

      <h2 className="h-small">{t('waiting.nextTitle')}</h2>
      <ol className="next-steps">
        <li>{t('waiting.next1')}</li>
        <li>{t('waiting.next2')}</li>
        <li>{t('waiting.next3')}</li>
      </ol>

      <div className="actions">
        <button
          type="button"
          className="ab-button ab-button--secondary"
          onClick={() => setConfirmLeave(true)}
        >
          {t('waiting.leave')}
        </button>
      </div>
      <ConfirmDialog
        open={confirmLeave}
        title={t('waiting.leaveTitle')}
        confirmLabel={t('waiting.leaveConfirm')}
        cancelLabel={t('waiting.leaveCancel')}
        danger
        onCancel={() => setConfirmLeave(false)}
        onConfirm={() => {
          setConfirmLeave(false);
          void onLeave();
        }}
      >
        <p>{t('waiting.leaveBody')}</p>
      </ConfirmDialog>
    </section>
  );
}

/**
 * The expected wait in words: "now" while a clerk is being offered the call, "nobody on duty" when no
 * clerk serves the matter (an estimate would be made up), else less than a minute or about N minutes.
 */
export function waitEstimate(t: TFunction, format: Formatters, position: QueuePosition, offered: boolean): string {
  if (offered || position.state === 'offered') return t('waiting.now');
  if (position.clerksServing === 0) return t('waiting.noClerk');
  if (position.estimatedWaitSeconds < 60) return t('waiting.lessThanMinute');
  return t('waiting.about', { wait: format.minutes(position.estimatedWaitSeconds) });
}
