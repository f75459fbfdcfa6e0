import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorCodeOf } from '@ablak/ui';
import type { TicketView } from '../flow/useTicket';
import { useScreenFocus } from '../flow/useScreenFocus';

interface Props {
  view: TicketView;
  onRate(rating: number, comment: string): Promise<void>;
  onStartOver(): void;
}

/** The case reference if one was opened, a 1–5 rating with an optional comment, and what comes next. */
export function AfterScreen({ view, onRate, onStartOver }: Props) {
  const { t } = useTranslation();
  const heading = useScreenFocus();
  const id = useId();
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'idle' | 'sending' | 'done'>('idle');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!rating) {
      setError(t('after.ratingRequired'));
      return;
    }
    setState('sending');
    setError(null);
    try {
      await onRate(rating, comment);
      setState('done');
    } catch (err) {
      console.warn('rating failed', err);
      setError(t(`errors.${errorCodeOf(err)}`, { defaultValue: t('errors.generic') }));
      setState('idle');
    }
  };

  return (
    <section className="screen" aria-labelledby={`${id}-h`} data-screen="after">
      <h1 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {t('after.title')}
      </h1>
      {view.endReason === 'dropped' && <p className="ab-notice ab-notice--warning">{t('after.dropped')}</p>}
      {view.caseReference ? (
        <div className="ab-notice ab-notice--success" data-testid="case-reference-box">
          <p>{t('after.caseReference')}</p>
          <p className="case-ref" data-testid="case-reference">
            {view.caseReference}
          </p>
          <p className="ab-hint">{t('after.caseReferenceHint')}</p>
        </div>
      ) : (
        <p>{t('after.noCase')}</p>
      )}

      <h2 className="h-small">{t('after.nextTitle')}</h2>
      {view.caseReference ? (
        <ol className="next-steps" data-testid="next-steps">
          <li>{t('after.handOff')}</li>
          <li>{t('after.next2')}</li>
          <li>{t('after.next1')}</li>
          <li>{t('after.next3')}</li>
        </ol>
      ) : (
        <ul className="next-steps" data-testid="next-steps">
          <li>{t('after.noCaseNext')}</li>
          <li>{t('after.next3')}</li>
        </ul>
      )}

      {state === 'done' ? (
        <Thanks text={t('after.thanks')} />
      ) : (
        <form onSubmit={submit} className="card" noValidate>
          <fieldset aria-describedby={error ? `${id}-err` : undefined}>
            <legend className="ab-legend">{t('after.ratingLegend')}</legend>
            <div className="rating">
              {[1, 2, 3, 4, 5].map((n) => (
                <label key={n} className="rating__option">
                  <input
                    type="radio"
                    name={`${id}-rating`}
                    value={n}
                    checked={rating === n}
                    onChange={() => {
                      setRating(n);
                      setError(null);
                    }}
                  />
                  <span aria-hidden="true" className="rating__star">
                    {'★'}
                  </span>
                  <span className="rating__text">{t(`after.rating.${n}`)}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="ab-field">
            <label htmlFor={`${id}-c`}>{t('after.commentLabel')}</label>
            <textarea
              id={`${id}-c`}
              className="ab-input"
              rows={3}
              maxLength={1000}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
          </div>
          {error && (
            <p id={`${id}-err`} className="ab-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="ab-button" disabled={state === 'sending'}>
            {t('after.send')}
          </button>
        </form>
      )}

      <div className="actions">
        <button type="button" className="ab-button ab-button--secondary" onClick={onStartOver}>
          {t('after.again')}
        </button>
      </div>
    </section>
  );
}

/** Replaces the rating form the focus was in, so it takes the focus (else it falls to the page body). */
function Thanks({ text }: { text: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <p ref={ref} tabIndex={-1} className="ab-notice ab-notice--success" role="status" data-testid="rating-thanks">
      {text}
    </p>
  );
}
