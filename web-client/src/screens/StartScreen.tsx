import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Draft } from '../flow/types';
import { useScreenFocus } from '../flow/useScreenFocus';

interface Props {
  draft: Draft;
  onUpdate(patch: Partial<Draft>): void;
  onNext(): void;
}

/** What Ablak is, and the two ways in: a call now, or checking in for a booked appointment. */
export function StartScreen({ draft, onUpdate, onNext }: Props) {
  const { t } = useTranslation();
  const heading = useScreenFocus();
  const id = useId();
  const [showCode, setShowCode] = useState(Boolean(draft.appointmentCode));
  const [code, setCode] = useState(draft.appointmentCode ?? '');
  const [error, setError] = useState<string | null>(null);

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = code.trim();
    if (trimmed.length < 4 || trimmed.length > 32) {
      setError(t('start.codeInvalid'));
      return;
    }
    onUpdate({ appointmentCode: trimmed });
    onNext();
  };

  return (
    <section className="screen screen--start" aria-labelledby={`${id}-h`} data-screen="start">
      <h1 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {t('start.title')}
      </h1>
      <p className="lead">{t('start.intro1')}</p>
      <p>{t('start.intro2')}</p>
      <ul className="start-facts">
        <li>{t('start.fact1')}</li>
        <li>{t('start.fact2')}</li>
        <li>{t('start.fact3')}</li>
      </ul>
      <div className="actions actions--stack">
        <button
          type="button"
          className="ab-button ab-button--large"
          onClick={() => {
            onUpdate({ appointmentCode: undefined });
            onNext();
          }}
        >
          {t('start.call')}
        </button>
        <button
          type="button"
          className="ab-button ab-button--secondary ab-button--large"
          aria-expanded={showCode}
          aria-controls={`${id}-code`}
          onClick={() => setShowCode((v) => !v)}
        >
          {t('start.appointment')}
        </button>
      </div>
      <form id={`${id}-code`} className="card" hidden={!showCode} onSubmit={submitCode} noValidate>
        <div className="ab-field">
          <label htmlFor={`${id}-input`}>{t('start.codeLabel')}</label>
          <p className="ab-hint" id={`${id}-hint`}>
            {t('start.codeHint')}
          </p>
          <input
            id={`${id}-input`}
            type="text"
            autoComplete="off"
            autoCapitalize="characters"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-describedby={`${id}-hint${error ? ` ${id}-err` : ''}`}
            aria-invalid={error ? true : undefined}
          />
          {error && (
            <p id={`${id}-err`} className="ab-error">
              {error}
            </p>
          )}
        </div>
        <button type="submit" className="ab-button">
          {t('start.codeSubmit')}
        </button>
      </form>
    </section>
  );
}
