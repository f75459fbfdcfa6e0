import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallId, CallSummary, ClerkId, ClerkView, Office } from '@ablak/protocol';
import { clock } from '../time';

type Forceable = 'available' | 'away' | 'offline';

interface Props {
  clerks: readonly ClerkView[];
  calls: readonly CallSummary[];
  offices: readonly Office[];
  now: number;
  onForce(clerkId: ClerkId, state: Forceable): Promise<void>;
  onMonitor(callId: CallId): void;
}

/** Every clerk of the filtered board: state, time in it, current call, calls today; change a state. */
export function ClerksTable({ clerks, calls, offices, now, onForce, onMonitor }: Props) {
  const { t } = useTranslation('console');
  const officeName = (id: string) => offices.find((o) => o.id === id)?.name ?? id;
  const sorted = [...clerks].sort((a, b) => a.displayName.localeCompare(b.displayName));

  return (
    // Not a landmark itself: the table's scroll region below is the one named by this heading.
    <section className="panel">
      <h2 id="clerks-heading">{t('supervisor.clerks.heading')}</h2>
      {sorted.length === 0 ? (
        <p className="muted">{t('supervisor.clerks.empty')}</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="clerks-heading">
          <table className="data-table" data-testid="clerks-table">
            <thead>
              <tr>
                <th scope="col">{t('supervisor.clerks.name')}</th>
                <th scope="col">{t('supervisor.clerks.office')}</th>
                <th scope="col">{t('supervisor.clerks.state')}</th>
                <th scope="col">{t('supervisor.clerks.timeInState')}</th>
                <th scope="col">{t('supervisor.clerks.currentCall')}</th>
                <th scope="col">{t('supervisor.clerks.callsToday')}</th>
                <th scope="col">{t('supervisor.clerks.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((clerk) => {
                const call = clerk.currentCall
                  ? calls.find((c) => c.callId === clerk.currentCall)
                  : undefined;
                return (
                  <tr key={clerk.id} data-testid="clerk-row" data-clerk={clerk.id} data-state={clerk.state}>
                    <th scope="row">{clerk.displayName}</th>
                    <td>{officeName(clerk.office)}</td>
                    <td>
                      <span className={`state-badge state-${clerk.state}`}>{t(`state.${clerk.state}`)}</span>
                      {clerk.awayReason && (
                        <span className="muted"> – {t(`awayReason.${clerk.awayReason}`)}</span>
                      )}
                    </td>
                    <td>{clock((now - clerk.stateSince) / 1000)}</td>
                    <td>
                      {clerk.currentCall ? (
                        <button type="button" className="link" onClick={() => onMonitor(clerk.currentCall!)}>
                          {call
                            ? `${call.citizenName} · ${t('supervisor.clerks.monitor')}`
                            : t('supervisor.clerks.monitor')}
                        </button>
                      ) : (
                        t('supervisor.clerks.none')
                      )}
                    </td>
                    <td>{clerk.callsToday}</td>
                    <td>
                      <ForceStateForm clerk={clerk} onForce={onForce} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ForceStateForm({ clerk, onForce }: { clerk: ClerkView; onForce: Props['onForce'] }) {
  const { t } = useTranslation('console');
  const [state, setState] = useState<Forceable>(clerk.state === 'offline' ? 'available' : 'away');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = `force-${clerk.id}`;
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        onForce(clerk.id, state)
          .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
          .finally(() => setBusy(false));
      }}
    >
      <label htmlFor={id} className="ab-visually-hidden">
        {t('supervisor.clerks.changeState', { name: clerk.displayName })}
      </label>
      <select id={id} value={state} onChange={(e) => setState(e.target.value as Forceable)}>
        <option value="available">{t('state.available')}</option>
        <option value="away">{t('state.away')}</option>
        <option value="offline">{t('state.offline')}</option>
      </select>
      <button
        className="ab-button ab-button--secondary"
        type="submit"
        disabled={busy}
        aria-label={`${t('supervisor.clerks.apply')}: ${clerk.displayName}`}
      >
        {t('supervisor.clerks.apply')}
      </button>
      {error && (
        <span role="alert" className="form-error">
          {t('errors.generic', { message: error })}
        </span>
      )}
    </form>
  );
}
