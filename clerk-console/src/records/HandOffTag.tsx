import { useTranslation } from 'react-i18next';
import type { CaseStatus, HandOffState } from '@ablak/protocol';
import { useFormat } from '@ablak/ui';

const TONE: Record<CaseStatus, 'ok' | 'pending' | 'failed'> = {
  opened: 'pending',
  waiting_to_hand_off: 'pending',
  handed_off: 'ok',
  hand_off_failed: 'failed',
};

/** The hand-off state in words (colour is only a second cue). */
export function HandOffTag({ handOff }: { handOff: HandOffState }) {
  const { t } = useTranslation('console');
  return (
    <span className={`ab-status ab-status--${TONE[handOff.status]}`} data-testid="hand-off" data-status={handOff.status}>
      {t(`handOff.${handOff.status}`)}
    </span>
  );
}

/** The tag plus what a person needs to act on it: attempts, the next try, the last error. */
export function HandOffDetails({ handOff }: { handOff: HandOffState }) {
  const { t } = useTranslation('console');
  const format = useFormat();
  return (
    <>
      <HandOffTag handOff={handOff} />
      {handOff.deliveredAt !== null && (
        <span className="muted"> {t('handOff.deliveredAt', { time: format.dateTime(handOff.deliveredAt) })}</span>
      )}
      {handOff.status !== 'handed_off' && handOff.attempts > 0 && (
        <span className="muted"> · {t('handOff.attempts', { count: handOff.attempts })}</span>
      )}
      {handOff.status !== 'handed_off' && handOff.nextAttemptAt !== null && (
        <span className="muted"> · {t('handOff.nextAttempt', { time: format.time(handOff.nextAttemptAt) })}</span>
      )}
      {handOff.status !== 'handed_off' && handOff.lastError && (
        <span className="muted"> · {t('handOff.lastError', { error: handOff.lastError })}</span>
      )}
    </>
  );
}
