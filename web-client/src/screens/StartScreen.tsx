import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AppointmentStatus } from '@ablak/protocol';
import { apiFetch, errorCodeOf, useFormat } from '@ablak/ui';
import { config } from '../config';
import type { ChosenMatter, Draft } from '../flow/types';
import { useScreenFocus } from '../flow/useScreenFocus';

interface Props {
  draft: Draft;
  onUpdate(patch: Partial<Draft>): void;
  onNext(): void;
  /** A code that can be used now: its booked matter is chosen, the citizen goes on to their details. */
  onAppointment(code: string, matter: ChosenMatter): void;
}

/** What Ablak is, and the two ways in: a call now, or checking in for a booked appointment. */
export function StartScreen({ draft, onUpdate, onNext, onAppointment }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const input = useRef<HTMLInputElement>(null);
  const [checking, setChecking] = useState(false);
  const heading = useScreenFocus();
  const id = useId();
  const [showCode, setShowCode] = useState(Boolean(draft.appointmentCode));
  const [code, setCode] = useState(draft.appointmentCode ?? '');
  const [error, setError] = useState<string | null>(null);

  // The code is checked as it is entered: an unknown or spent code is said here, with the focus kept
  // in the field, not three screens later when the ticket is asked for.
  const fail = (message: string) => {
    setError(message);
    setChecking(false);
    input.current?.focus();
  };
  const submitCode = async (event: FormEvent) => {
    event.preventDefault();
    if (checking) return;
    const trimmed = code.trim();
    if (!/^[A-Za-z0-9]{4,32}$/.test(trimmed)) return fail(t('start.codeInvalid'));
    setChecking(true);
    setError(null);
    try {
      const found = await apiFetch(`/api/appointments/${encodeURIComponent(trimmed)}`, {
        schema: AppointmentStatus,
        baseUrl: config.signalingUrl,
      });
      if (found.status !== 'open')
        return fail(t(`start.code.${found.status}`, { time: format.dateTime(Date.parse(found.slotStart)) }));
      const { code: matterCode, name, expectedMinutes } = found.matter;
      onAppointment(trimmed, { code: matterCode, name, expectedMinutes });
    } catch (err) {
      const failure = errorCodeOf(err);
      fail(
        failure === 'NOT_FOUND'
          ? t('errors.appointmentNOT_FOUND')
          : t(`errors.${failure}`, { defaultValue: t('errors.generic') }),
      );
    }
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
      <form id={`${id}-code`} className="card" hidden={!showCode} onSubmit={(e) => void submitCode(e)} noValidate>
        <div className="ab-field">
          <label htmlFor={`${id}-input`}>{t('start.codeLabel')}</label>
          <p className="ab-hint" id={`${id}-hint`}>
            {t('start.codeHint')}
          </p>
          <input
            ref={input}
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
            <p id={`${id}-err`} className="ab-error" role="alert" data-testid="code-error">
              {error}
            </p>
          )}
        </div>
        <button type="submit" className="ab-button" aria-disabled={checking || undefined}>
          {t('start.codeSubmit')}
        </button>
      </form>
    </section>
  );
}
