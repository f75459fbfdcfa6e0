import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { OfferOutcome } from '@ablak/protocol';
import { clock, useNow } from '../time';
import type { EndedCall } from './useClerkDesk';

interface Props {
  ended: EndedCall | null;
  /** End of wrap-up from the server; the clerk view's state says wrap_up even after a reload. */
  until: number | null;
  initialNotes: string;
  onDone(outcome: OfferOutcome | undefined, notes: string, next: 'available' | 'away'): Promise<void>;
}

/** After the call: outcome code and notes, a countdown, and "ready" to be available early. */
export function WrapUp({ ended, until, initialNotes, onDone }: Props) {
  const { t } = useTranslation('console');
  const now = useNow();
  const [outcome, setOutcome] = useState<OfferOutcome | ''>('');
  const [notes, setNotes] = useState(initialNotes);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const submit = async (next: 'available' | 'away', event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onDone(outcome || undefined, notes, next);
    } catch (err) {
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) }));
      setBusy(false);
    }
  };

  return (
    <section className="panel wrapup" aria-labelledby="wrapup-heading" data-testid="wrapup">
      <h2 id="wrapup-heading" ref={headingRef} tabIndex={-1}>
        {t('wrapup.heading')}
      </h2>
      {ended && <p>{t(`wrapup.endReason.${ended.reason}`)}</p>}
      {ended?.summary.caseReference && (
        <p>
          {t('call.caseReference')}: <strong>{ended.summary.caseReference}</strong>
        </p>
      )}
      <p>{t('wrapup.intro')}</p>
      {until !== null && (
        <p className="countdown-figure" role="timer" aria-live="off">
          {t('wrapup.remaining', { time: clock((until - now) / 1000) })}
        </p>
      )}
      <form onSubmit={(e) => void submit('available', e)}>
        <label htmlFor="wrapup-outcome">{t('wrapup.outcome')}</label>
        <select
          id="wrapup-outcome"
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as OfferOutcome | '')}
        >
          <option value="">—</option>
          {OfferOutcome.options.map((o) => (
            <option key={o} value={o}>
              {t(`wrapup.outcomes.${o}`)}
            </option>
          ))}
        </select>
        <label htmlFor="wrapup-notes">{t('wrapup.notes')}</label>
        <textarea
          id="wrapup-notes"
          rows={5}
          maxLength={5000}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
        />
        <div className="actions">
          <button type="submit" className="ab-button" disabled={busy}>
            {t('wrapup.ready')}
          </button>
          <button
            className="ab-button ab-button--secondary"
            type="button"
            disabled={busy}
            onClick={() => void submit('away')}
          >
            {t('wrapup.readyAway')}
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}
