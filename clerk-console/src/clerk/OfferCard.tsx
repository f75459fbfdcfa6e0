import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Offer } from '@ablak/protocol';
import { playChime, useFormat } from '@ablak/ui';
import { clock, useNow } from '../time';

/** Rings the shared chime now and every three seconds while the offer stands. */
function useChime(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    void playChime();
    const timer = setInterval(() => void playChime(), 3_000);
    return () => clearInterval(timer);
  }, [active]);
}

interface Props {
  offer: Offer;
  onAccept(): Promise<void>;
  onDecline(): Promise<void>;
  /** A warm media session is ready for this call (accepting only resumes it); for tests and diagnostics. */
  prepared?: boolean;
}

/** The incoming call: who, what, how long they waited and how long is left. Enter accepts. */
export function OfferCard({ offer, onAccept, onDecline, prepared = false }: Props) {
  const { t } = useTranslation('console');
  const format = useFormat();
  const now = useNow(250);
  // The countdown runs from the offer (not from when the citizen joined), so the bar starts full.
  const [firstSeen] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const acceptRef = useRef<HTMLButtonElement>(null);
  useChime(true);

  const secondsLeft = Math.max(0, Math.ceil((offer.deadline - now) / 1000));
  const waited = (now - offer.enqueuedAt) / 1000;

  const run = async (action: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) }));
      setBusy(false);
    }
  };
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    acceptRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      // Enter on another button or in a text field keeps its own meaning.
      if (target && target !== acceptRef.current && target.closest('button, textarea, input, select, a'))
        return;
      event.preventDefault();
      void runRef.current(onAccept);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [offer.ticketId, onAccept]);

  const needs = offer.accessibility.length
    ? offer.accessibility.map((need) => t(`accessibility.${need}`)).join(', ')
    : t('accessibility.none');
  const total = Math.max(1, Math.ceil((offer.deadline - (offer.offeredAt ?? firstSeen)) / 1000));

  return (
    <section
      className="offer-card"
      role="alertdialog"
      aria-labelledby="offer-heading"
      aria-describedby="offer-details"
      data-testid="offer-card"
      data-prepared={prepared ? 'yes' : 'no'}
    >
      <h2 id="offer-heading">
        {t('offer.heading')}: <span data-testid="offer-citizen">{offer.citizenFirstName}</span>
      </h2>
      {offer.priority !== 'none' && <p className="priority-tag">{t(`offer.priority.${offer.priority}`)}</p>}
      <dl id="offer-details" className="offer-details">
        <div>
          <dt>{t('offer.caseType')}</dt>
          <dd>{format.text(offer.caseTypeName)}</dd>
        </div>
        <div>
          <dt>{t('offer.language')}</dt>
          <dd>{t(`language.${offer.language}`)}</dd>
        </div>
        <div>
          <dt>{t('offer.accessibility')}</dt>
          <dd>{needs}</dd>
        </div>
        <div>
          <dt>{t('offer.waited')}</dt>
          <dd>{clock(waited)}</dd>
        </div>
        {offer.transferNote && (
          <div className="wide">
            <dt>{t('offer.transferNote')}</dt>
            <dd data-testid="offer-transfer-note">{offer.transferNote}</dd>
          </div>
        )}
      </dl>
      <div className="countdown">
        <span id="offer-countdown-label">{t('offer.countdown')}</span>
        <progress aria-labelledby="offer-countdown-label" max={total} value={Math.min(total, secondsLeft)} />
        <span aria-hidden="true" className="countdown-figure">
          {t('offer.secondsLeft', { count: secondsLeft })}
        </span>
      </div>
      <div className="actions">
        <button
          ref={acceptRef}
          type="button"
          className="ab-button ab-button--large"
          disabled={busy}
          onClick={() => void run(onAccept)}
        >
          {t('offer.accept')}
        </button>
        <button
          type="button"
          className="ab-button ab-button--danger"
          disabled={busy}
          onClick={() => void run(onDecline)}
        >
          {t('offer.decline')}
        </button>
      </div>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}
