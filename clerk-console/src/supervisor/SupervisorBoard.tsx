import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallId, OfficeId } from '@ablak/protocol';
import { useFormat } from '@ablak/ui';
import { useNow } from '../time';
import { CallsPanel, SatisfactionPanel } from './CallsPanel';
import { ClerksTable } from './ClerksTable';
import { MonitorView } from './MonitorView';
import { QueueTile } from './QueueTile';
import type { Board } from './useBoard';
import { WaitingChart } from './WaitingChart';

interface Props {
  board: Board;
}

/** The supervisor's wall: queue tiles, the last hour, clerks, calls and satisfaction, all pushed live. */
export function SupervisorBoard({ board }: Props) {
  const { t } = useTranslation('console');
  const format = useFormat();
  const now = useNow();
  const [monitoring, setMonitoring] = useState<CallId | null>(null);
  const { snapshot, queueDefs, offices, filter, setFilter } = board;
  const regions = [...new Set(offices.map((o) => o.region))].sort();
  const { stopMonitor } = board;
  const closeMonitor = useCallback(() => {
    if (monitoring) stopMonitor(monitoring);
    setMonitoring(null);
  }, [monitoring, stopMonitor]);

  const totals = snapshot?.queues.reduce((acc, q) => ({ waiting: acc.waiting + q.waiting }), {
    waiting: 0,
  }) ?? { waiting: 0 };
  // Busy queues first: waiting citizens, then staffed clerks; the rest by name.
  const sortedQueues = [...(snapshot?.queues ?? [])].sort(
    (a, b) => b.waiting - a.waiting || b.clerksStaffed - a.clerksStaffed || a.queue.localeCompare(b.queue),
  );
  const available = snapshot?.clerks.filter((c) => c.state === 'available').length ?? 0;

  return (
    <div className="board">
      <div className="board-bar">
        <form
          className="filter"
          role="search"
          aria-label={t('supervisor.filter')}
          onSubmit={(e) => e.preventDefault()}
        >
          <label htmlFor="filter-region">{t('supervisor.region')}</label>
          <select
            id="filter-region"
            value={filter.region ?? ''}
            onChange={(e) => setFilter(e.target.value ? { region: e.target.value } : {})}
          >
            <option value="">{t('supervisor.allRegions')}</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <label htmlFor="filter-office">{t('supervisor.office')}</label>
          <select
            id="filter-office"
            value={filter.office ?? ''}
            onChange={(e) => {
              const office = offices.find((o) => o.id === e.target.value);
              setFilter(
                office ? { office: office.id as OfficeId, region: filter.region } : { region: filter.region },
              );
            }}
          >
            <option value="">{t('supervisor.allOffices')}</option>
            {offices
              .filter((o) => !filter.region || o.region === filter.region)
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
          </select>
        </form>
        <p
          className="board-totals"
          aria-live="polite"
          data-testid="board-totals"
          data-waiting={totals.waiting}
        >
          {t('supervisor.totals', { waiting: totals.waiting, available })}
        </p>
        {snapshot && <p className="muted">{t('supervisor.updatedAt', { time: format.time(snapshot.at) })}</p>}
      </div>

      {monitoring && (
        <MonitorView
          callId={monitoring}
          call={snapshot?.calls.find((c) => c.callId === monitoring)}
          onMonitor={board.monitor}
          onClose={closeMonitor}
        />
      )}

      <div className="board-main">
        <div className="board-left">
          <section aria-labelledby="queues-heading" className="queues">
            <h2 id="queues-heading" className="ab-visually-hidden">
              {t('supervisor.boardTab')}
            </h2>
            {snapshot && snapshot.queues.length === 0 && <p>{t('supervisor.noQueues')}</p>}
            <div className="tile-grid">
              {sortedQueues.map((q) => (
                <QueueTile key={q.queue} stats={q} def={queueDefs.find((d) => d.id === q.queue)} />
              ))}
            </div>
          </section>
          <ClerksTable
            clerks={snapshot?.clerks ?? []}
            calls={snapshot?.calls ?? []}
            offices={offices}
            now={now}
            onForce={board.forceState}
            onMonitor={setMonitoring}
          />
        </div>
        <div className="board-side">
          <WaitingChart history={snapshot?.history ?? []} now={snapshot?.at ?? now} />
          <CallsPanel
            calls={snapshot?.calls ?? []}
            queueDefs={queueDefs}
            now={now}
            onMonitor={setMonitoring}
          />
          <SatisfactionPanel queues={snapshot?.queues ?? []} queueDefs={queueDefs} />
        </div>
      </div>
    </div>
  );
}
