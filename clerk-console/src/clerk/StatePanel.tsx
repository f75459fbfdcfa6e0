import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClerkView, SettableClerkState } from '@ablak/protocol';
import { clock, useDuration, useNow } from '../time';

type Choice = 'available' | 'break' | 'meeting' | 'admin' | 'offline';
const CHOICES: readonly Choice[] = ['available', 'break', 'meeting', 'admin', 'offline'];

function choiceOf(clerk: ClerkView): Choice | null {
  if (clerk.state === 'available' || clerk.state === 'offline') return clerk.state;
  if (
    clerk.state === 'away' &&
    (clerk.awayReason === 'break' || clerk.awayReason === 'meeting' || clerk.awayReason === 'admin')
  ) {
    return clerk.awayReason;
  }
  return null;
}

function toSettable(choice: Choice): SettableClerkState {
  return choice === 'available' || choice === 'offline'
    ? { state: choice }
    : { state: 'away', reason: choice };
}

interface Props {
  clerk: ClerkView;
  /** While offered, in a call or in wrap-up the state is the server's to move. */
  locked: boolean;
  /** Why "available" cannot be chosen now (no finished device check, camera or microphone not working). */
  availableBlocked?: string | null;
  onSet(state: SettableClerkState): Promise<void>;
}

/** The clerk's own state: what it is, since when, and a switcher (available / away with a reason / offline). */
export function StatePanel({ clerk, locked, availableBlocked = null, onSet }: Props) {
  const { t } = useTranslation('console');
  const now = useNow();
  // The switcher follows the server: a state it cannot set (offered, no answer…) leaves nothing picked.
  const serverChoice = choiceOf(clerk);
  const [choice, setChoice] = useState<Choice | null>(serverChoice);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setChoice(serverChoice), [serverChoice, clerk.stateSince]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!choice) return;
    try {
      await onSet(toSettable(choice));
    } catch (err) {
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) }));
    }
  };

  const label = (c: Choice) =>
    c === 'available' || c === 'offline' ? t(`state.${c}`) : `${t('state.away')}: ${t(`awayReason.${c}`)}`;

  return (
    <section className="panel state-panel" aria-labelledby="state-heading">
      <h2 id="state-heading">{t('clerk.stateHeading')}</h2>
      <p className="state-now">
        <span
          className={`state-badge state-${clerk.state}`}
          data-testid="clerk-state"
          data-state={clerk.state}
        >
          {t(`state.${clerk.state}`)}
          {clerk.awayReason ? ` – ${t(`awayReason.${clerk.awayReason}`)}` : ''}
        </span>{' '}
        <span className="muted">
          {t('clerk.timeInState', { time: clock((now - clerk.stateSince) / 1000) })}
        </span>
      </p>
      <form className="state-form" onSubmit={(e) => void submit(e)}>
        <fieldset disabled={locked}>
          <legend>{t('clerk.stateLabel')}</legend>
          {CHOICES.map((c) => (
            <label key={c} className="radio">
              <input
                type="radio"
                name="clerk-state"
                value={c}
                checked={choice === c}
                disabled={c === 'available' && availableBlocked !== null && clerk.state !== 'available'}
                aria-describedby={c === 'available' && availableBlocked ? 'available-blocked' : undefined}
                onChange={() => setChoice(c)}
              />
              {label(c)}
            </label>
          ))}
          {availableBlocked && (
            <p id="available-blocked" className="muted" data-testid="available-blocked">
              {availableBlocked}
            </p>
          )}
          <button className="ab-button ab-button--secondary" type="submit" disabled={!choice}>
            {t('clerk.setState')}
          </button>
        </fieldset>
      </form>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}

/**
 * A notice that takes the focus when it appears: it replaces the offer card the focus was on, which
 * would otherwise leave keyboard and screen-reader users on the page body.
 */
export function FocusedNotice({ testId, children }: { testId: string; children: ReactNode }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <p ref={ref} tabIndex={-1} role="status" className="notice" data-testid={testId}>
      {children}
    </p>
  );
}

/** A missed offer made the clerk away: say so plainly, with the way back (focus lands here). */
export function MissedOfferNotice({ onSet }: { onSet(state: SettableClerkState): Promise<void> }) {
  const { t } = useTranslation('console');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div ref={ref} tabIndex={-1} className="notice warning" role="alert" data-testid="missed-offer">
      <p>{t('clerk.missedOffer')}</p>
      <button type="button" className="ab-button" onClick={() => void onSet({ state: 'available' })}>
        {t('clerk.backToAvailable')}
      </button>
    </div>
  );
}

/** Today's calls and average handle time. */
export function ShiftStats({ clerk }: { clerk: ClerkView }) {
  const { t } = useTranslation('console');
  const duration = useDuration();
  const aht = clerk.callsToday > 0 ? clerk.talkSecondsToday / clerk.callsToday : null;
  return (
    <section className="panel" aria-labelledby="stats-heading">
      <h2 id="stats-heading">{t('clerk.statsHeading')}</h2>
      <dl className="figures">
        <div>
          <dt>{t('clerk.callsToday')}</dt>
          <dd data-testid="calls-today">{clerk.callsToday}</dd>
        </div>
        <div>
          <dt>{t('clerk.averageHandle')}</dt>
          <dd>{duration(aht)}</dd>
        </div>
      </dl>
    </section>
  );
}
