import { useTranslation } from 'react-i18next';
import type { CallId, CallSummary, QueueDef, QueueStats } from '@ablak/protocol';
import { useFormat } from '@ablak/ui';
import { clock } from '../time';

interface CallsProps {
  calls: readonly CallSummary[];
  queueDefs: readonly QueueDef[];
  now: number;
  onMonitor(callId: CallId): void;
}

function useQueueName(queueDefs: readonly QueueDef[]) {
  const format = useFormat();
  return (id: string) => {
    const def = queueDefs.find((q) => q.id === id);
    return def ? format.text(def.name) : id;
  };
}

/** Calls in progress, each with a button to monitor it silently. */
export function CallsPanel({ calls, queueDefs, now, onMonitor }: CallsProps) {
  const { t } = useTranslation('console');
  const queueName = useQueueName(queueDefs);
  return (
    <section className="panel" aria-labelledby="calls-heading">
      <h2 id="calls-heading">{t('supervisor.calls.heading')}</h2>
      {calls.length === 0 ? (
        <p className="muted">{t('supervisor.calls.empty')}</p>
      ) : (
        <ul className="call-list" data-testid="calls-list">
          {calls.map((call) => (
            <li key={call.callId} data-testid="call-item" data-call={call.callId}>
              <span>
                <strong>{call.clerkName}</strong> – {call.citizenName}
                <span className="muted">
                  {' '}
                  · {queueName(call.queue)} · {clock((now - call.startedAt) / 1000)}
                  {call.caseReference ? ` · ${call.caseReference}` : ''}
                </span>
              </span>
              <button
                className="ab-button ab-button--secondary"
                type="button"
                onClick={() => onMonitor(call.callId)}
                aria-label={`${t('supervisor.clerks.monitor')}: ${call.clerkName} – ${call.citizenName}`}
              >
                {t('supervisor.clerks.monitor')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Average rating per queue today, with how many calls it rests on. */
export function SatisfactionPanel({
  queues,
  queueDefs,
}: {
  queues: readonly QueueStats[];
  queueDefs: readonly QueueDef[];
}) {
  const { t } = useTranslation('console');
  const format = useFormat();
  const queueName = useQueueName(queueDefs);
  // Only queues that served someone today; best rated first.
  const rated = queues
    .filter((q) => q.answeredToday > 0 || q.averageRatingToday !== null)
    .sort((a, b) => (b.averageRatingToday ?? 0) - (a.averageRatingToday ?? 0));
  return (
    <section className="panel" aria-labelledby="satisfaction-heading">
      <h2 id="satisfaction-heading">{t('supervisor.satisfaction.heading')}</h2>
      {rated.length === 0 ? (
        <p className="muted">{t('supervisor.satisfaction.empty')}</p>
      ) : (
        <table className="data-table" data-testid="satisfaction-table">
          <thead>
            <tr>
              <th scope="col">{t('supervisor.satisfaction.queue')}</th>
              <th scope="col">{t('supervisor.satisfaction.rating')}</th>
              <th scope="col">{t('supervisor.satisfaction.answered')}</th>
            </tr>
          </thead>
          <tbody>
            {rated.map((q) => (
              <tr key={q.queue}>
                <th scope="row">{queueName(q.queue)}</th>
                <td>
                  {q.averageRatingToday === null ? (
                    <span className="muted">{t('supervisor.satisfaction.noRating')}</span>
                  ) : (
                    <>
                      <span aria-hidden="true" className="stars">
                        {'★'.repeat(Math.round(q.averageRatingToday))}
                        {'☆'.repeat(5 - Math.round(q.averageRatingToday))}
                      </span>{' '}
                      {t('supervisor.satisfaction.outOf', {
                        value: format.number(q.averageRatingToday, { maximumFractionDigits: 1 }),
                      })}
                    </>
                  )}
                </td>
                <td>{q.answeredToday}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
