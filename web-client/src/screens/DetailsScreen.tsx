import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AccessibilityNeed, DisplayName } from '@ablak/protocol';
import { useFormat } from '@ablak/ui';
import type { Draft } from '../flow/types';
import { useScreenFocus } from '../flow/useScreenFocus';

interface Props {
  draft: Draft;
  onUpdate(patch: Partial<Draft>): void;
  onBack(): void;
  onNext(): void;
}

/** The name to be greeted by and any accessibility need (routed to clerks who hold that skill). */
export function DetailsScreen({ draft, onUpdate, onBack, onNext }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const heading = useScreenFocus();
  const id = useId();
  const [name, setName] = useState(draft.displayName);
  const [needs, setNeeds] = useState<AccessibilityNeed[]>(draft.accessibility);
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = DisplayName.safeParse(name);
    if (!parsed.success) {
      setError(t('details.nameRequired'));
      document.getElementById(`${id}-name`)?.focus();
      return;
    }
    onUpdate({ displayName: parsed.data, accessibility: needs });
    onNext();
  };

  const toggle = (need: AccessibilityNeed, on: boolean) =>
    setNeeds((current) =>
      on ? [...current.filter((n) => n !== need), need] : current.filter((n) => n !== need),
    );

  return (
    <section className="screen" aria-labelledby={`${id}-h`} data-screen="details">
      <p className="step-count">{t('flow.step', { n: 2, total: 3 })}</p>
      <h1 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {t('details.title')}
      </h1>
      {draft.matter && (
        <p className="ab-notice">
          {t('details.matter')} <strong>{format.text(draft.matter.name)}</strong>
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <div className="ab-field">
          <label htmlFor={`${id}-name`}>{t('details.nameLabel')}</label>
          <p className="ab-hint" id={`${id}-nh`}>
            {t('details.nameHint')}
          </p>
          <input
            id={`${id}-name`}
            type="text"
            autoComplete="given-name"
            maxLength={60}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (error && DisplayName.safeParse(e.target.value).success) setError(null);
            }}
            aria-describedby={`${id}-nh${error ? ` ${id}-ne` : ''}`}
            aria-invalid={error ? true : undefined}
            required
          />
          {error && (
            <p id={`${id}-ne`} className="ab-error">
              {error}
            </p>
          )}
        </div>
        <fieldset aria-describedby={`${id}-ah`}>
          <legend className="ab-legend">{t('details.needsLegend')}</legend>
          <p className="ab-hint" id={`${id}-ah`}>
            {t('details.needsHint')}
          </p>
          {AccessibilityNeed.options.map((need) => (
            <label key={need} className="ab-check">
              <input
                type="checkbox"
                checked={needs.includes(need)}
                onChange={(e) => toggle(need, e.target.checked)}
              />
              <span>{t(`needs.${need}`)}</span>
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button type="button" className="ab-button ab-button--secondary" onClick={onBack}>
            {t('common.back')}
          </button>
          <button type="submit" className="ab-button">
            {t('common.next')}
          </button>
        </div>
      </form>
    </section>
  );
}
