import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceChoice } from '@ablak/ui';
import type { ClerkSocket } from '@ablak/ui';
import type { Session } from '../auth/session';
import { useStandbyMedia } from '../media/useStandbyMedia';
import { usePreparedOffer } from '../media/usePreparedOffer';
import {
  deviceCheckDone,
  loadDeviceChoice,
  markDeviceCheckDone,
  saveDeviceChoice,
  useLocalMedia,
} from '../media/useLocalMedia';
import { CallScreen } from './CallScreen';
import { DeviceCheck } from './DeviceCheck';
import { OfferCard } from './OfferCard';
import { FocusedNotice, MissedOfferNotice, ShiftStats, StatePanel } from './StatePanel';
import { useClerkDesk } from './useClerkDesk';
import { WrapUp } from './WrapUp';

interface Props {
  session: Session;
  socket: ClerkSocket | null;
  connected: boolean;
  /**
   * Another view of the clerk's (My cases) in place of the idle panel. The desk stays mounted under
   * it, so camera, standby media and offers go on; an offer, a call or wrap-up still comes first.
   */
  cases?: ReactNode;
  /** An offer or a call came while another view was open: show the desk. */
  onNeedDesk?(): void;
}

/** The clerk's screen: device check once per shift, then idle / offer / call / wrap-up as the server says. */
export function ClerkDesk({ session, socket, connected, cases, onNeedDesk }: Props) {
  const { t } = useTranslation('console');
  const desk = useClerkDesk(socket, connected, session.token);
  const [choice, setChoice] = useState<DeviceChoice>(loadDeviceChoice);
  const [checked, setChecked] = useState(() => deviceCheckDone(session.user.id));
  const [notes, setNotes] = useState('');
  const { clerk, offer, call, ended } = desk;

  const state = clerk?.state ?? 'offline';
  const warm = checked && (state === 'available' || state === 'offered' || state === 'busy' || call !== null);
  const local = useLocalMedia(warm, choice);
  // While on shift the media session waits warm too; accepting moves it into the call.
  const standby = useStandbyMedia(socket, connected, local.stream, warm);
  // An offer on screen: a warm session gets ready for that call (the standby, or a second one on the
  // call's SFU node), so accepting only resumes it.
  const prepared = usePreparedOffer(socket, standby, local.stream, offer?.ticketId ?? null, call !== null);

  const needDesk = offer !== null || call !== null;
  useEffect(() => {
    if (needDesk) onNeedDesk?.();
    // only a new offer or call moves the clerk back; the callback's identity does not matter
  }, [needDesk]);

  const callId = call?.summary.callId;
  useEffect(() => {
    if (callId) setNotes('');
  }, [callId]);

  const finishCheck = useCallback(
    (next: DeviceChoice) => {
      saveDeviceChoice(next);
      markDeviceCheckDone(session.user.id);
      setChoice(next);
      setChecked(true);
    },
    [session.user.id],
  );

  if (!clerk) return <p role="status">{t('app.connection.offline')}</p>;

  if (call) {
    return (
      <CallScreen
        call={call}
        selfName={session.user.displayName}
        office={session.user.office}
        token={session.token}
        localStream={local.stream}
        warmMedia={prepared ?? standby}
        notes={notes}
        onNotes={setNotes}
        onSaveNote={desk.saveNote}
        onChat={desk.sendChat}
        onOpenCase={desk.openCase}
        onTransfer={desk.transfer}
        onLoadColleagues={desk.colleagues}
        onEnd={desk.endCall}
        onRenewMedia={desk.renewMedia}
      />
    );
  }

  const inWrapUp = clerk.state === 'wrap_up' || ended !== null;
  return (
    <div className="desk-layout">
      <div className="desk-main">
        {offer && (
          <OfferCard
            key={offer.ticketId}
            offer={offer}
            onAccept={desk.accept}
            onDecline={desk.decline}
            prepared={prepared !== null}
          />
        )}
        {clerk.state === 'away' && clerk.awayReason === 'no_answer' && (
          <MissedOfferNotice onSet={desk.setState} />
        )}
        {desk.withdrawn && desk.withdrawn.reason !== 'timeout' && !offer && (
          <FocusedNotice key={desk.withdrawn.offer.ticketId} testId="offer-withdrawn">
            {t(`offer.withdrawn.${desk.withdrawn.reason}`)}
          </FocusedNotice>
        )}
        {inWrapUp ? (
          <WrapUp
            key={ended?.summary.callId ?? 'wrap'}
            ended={ended}
            until={ended?.wrapUpUntil ?? null}
            initialNotes={notes}
            onDone={desk.finishWrapUp}
          />
        ) : cases ? (
          cases
        ) : !checked ? (
          <DeviceCheck name={session.user.displayName} initial={choice} onDone={finishCheck} />
        ) : (
          <section className="panel idle" aria-labelledby="idle-heading">
            <h2 id="idle-heading">{t('clerk.idleHeading')}</h2>
            <p data-testid="idle-message">
              {clerk.state === 'available' ? t('clerk.waitingForCalls') : t('clerk.notAvailable')}
            </p>
            {local.problem && (
              <p className="notice warning" role="alert" data-testid="media-broken">
                {t('clerk.mediaBroken')}
              </p>
            )}
            <p className="muted" data-testid="media-readiness" data-standby={standby ? 'connected' : 'none'}>
              {standby ? t('clerk.mediaConnected') : local.stream ? t('clerk.mediaWarm') : t('clerk.mediaCold')}
            </p>
            <button
              className="ab-button ab-button--secondary"
              type="button"
              onClick={() => setChecked(false)}
            >
              {t('device.recheck')}
            </button>
          </section>
        )}
      </div>
      <div className="desk-side">
        <StatePanel
          clerk={clerk}
          availableBlocked={
            !checked ? t('clerk.checkFirst') : local.problem ? t('clerk.mediaBroken') : null
          }
          locked={offer !== null || clerk.state === 'offered' || clerk.state === 'busy' || inWrapUp}
          onSet={desk.setState}
        />
        <ShiftStats clerk={clerk} />
      </div>
    </div>
  );
}
