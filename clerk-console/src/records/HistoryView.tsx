import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  HistoryBucket,
  HistoryGroupBy,
  recordRoutes,
  type HistoryQuery,
  type HistoryRow,
  type Office,
  type QueueDef,
  type QueueId,
} from '@ablak/protocol';
import { BarChart, apiBlob, request, saveBlob, useFormat, type SupervisorSocket } from '@ablak/ui';
import { useDuration, usePercent } from '../time';
import { bucketLabels, dayInputValue, dayStart } from './periods';

interface Props {
  socket: SupervisorSocket | null;
  connected: boolean;
  token: string;
  queueDefs: readonly QueueDef[];
  offices: readonly Office[];
}

const DAY_MS = 86_400_000;

interface Form {
  from: string;
  to: string;
  bucket: HistoryBucket;
  groupBy: HistoryGroupBy;
  queue: string;
}

function defaultForm(now = Date.now()): Form {
  return { from: dayInputValue(now - 6 * DAY_MS), to: dayInputValue(now), bucket: 'day', groupBy: 'queue', queue: '' };
}

/** The query a form stands for: whole days from the first to the last (inclusive), or null if the range is bad. */
function queryOf(form: Form): HistoryQuery | null {
  const from = dayStart(form.from);
  const last = dayStart(form.to);
  if (from === null || last === null) return null;
  const to = last + DAY_MS;
  if (to <= from || to - from > 400 * DAY_MS) return null;
  return {
    from,
    to,
    bucket: form.bucket,
    groupBy: form.groupBy,
    ...(form.queue ? { queue: form.queue as QueueId } : {}),
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The supervisor's history from the contact records: five figures as charts (each with its table),
 * the rows per queue / office / region as a table, and the same query as a CSV download.
 */
export function HistoryView({ socket, connected, token, queueDefs, offices }: Props) {
  const { t } = useTranslation('console');
  const format = useFormat();
  const duration = useDuration();
  const percent = usePercent();
  const id = useId();
  const [form, setForm] = useState<Form>(defaultForm);
  const [query, setQuery] = useState(() => queryOf(form));
  const [totals, setTotals] = useState<HistoryRow[] | null>(null);
  const [rows, setRows] = useState<HistoryRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const load = useCallback(async () => {
    if (!socket || !connected || !query) return;
    setError(null);
    try {
      const [all, grouped] = await Promise.all([
        request(socket, 'history:query', { ...query, groupBy: 'none' }),
        query.groupBy === 'none' ? null : request(socket, 'history:query', query),
      ]);
      setTotals(all.rows);
      setRows(grouped ? grouped.rows : all.rows);
    } catch (err) {
      setError(t('history.failed', { message: message(err) }));
    }
  }, [socket, connected, query, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = queryOf(form);
    if (!next) {
      setFormError(t('history.badRange'));
      return;
    }
    setFormError(null);
    setTotals(null);
    setRows(null);
    setQuery(next);
  };

  const exportCsv = async () => {
    if (!query) return;
    setExporting(true);
    setError(null);
    try {
      const blob = await apiBlob(recordRoutes.historyCsv, {
        token,
        query: { ...query },
      });
      saveBlob(`ablak-history-${form.from}-${form.to}-${query.bucket}-${query.groupBy}.csv`, blob);
    } catch (err) {
      setError(t('history.failed', { message: message(err) }));
    } finally {
      setExporting(false);
    }
  };

  const labels = useMemo(
    () =>
      query
        ? bucketLabels(
            query,
            format.language,
            (date) => t('history.weekOf', { date }),
            (totals ?? []).map((r) => r.bucketStart),
          )
        : [],
    [query, totals, format.language, t],
  );
  const byBucket = new Map((totals ?? []).map((r) => [r.bucketStart, r]));
  const series = (pick: (r: HistoryRow) => number | null) =>
    labels.map((l) => {
      const row = byBucket.get(l.start);
      return { key: String(l.start), label: l.short, longLabel: l.long, value: row ? pick(row) : null };
    });
  const labelOf = (start: number) => labels.find((l) => l.start === start)?.long ?? format.dateTime(start);
  const targetQueue = query?.queue ? queueDefs.find((q) => q.id === query.queue) : undefined;
  const groupName = (group: string | null) => {
    if (group === null)
      return query?.groupBy === 'office'
        ? t('history.noOffice')
        : query?.groupBy === 'region'
          ? t('history.noRegion')
          : t('history.total');
    if (query?.groupBy === 'queue') {
      const def = queueDefs.find((q) => q.id === group);
      return def ? format.text(def.name) : group;
    }
    if (query?.groupBy === 'office') return offices.find((o) => o.id === group)?.name ?? group;
    return group;
  };
  const rating = (v: number) => t('history.ratingValue', { value: format.number(v, { maximumFractionDigits: 1 }) });

  return (
    <div className="records history" data-testid="history">
      <section className="panel" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{t('history.heading')}</h2>
        <p className="muted">{t('history.intro')}</p>
        <form className="history-form" aria-label={t('history.form')} onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor={`${id}-from`}>{t('history.from')}</label>
            <input
              id={`${id}-from`}
              type="date"
              value={form.from}
              onChange={(e) => setForm({ ...form, from: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>{t('history.to')}</label>
            <input id={`${id}-to`} type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-bucket`}>{t('history.bucket')}</label>
            <select
              id={`${id}-bucket`}
              value={form.bucket}
              onChange={(e) => setForm({ ...form, bucket: e.target.value as HistoryBucket })}
            >
              {HistoryBucket.options.map((b) => (
                <option key={b} value={b}>
                  {t(`history.buckets.${b}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-group`}>{t('history.groupBy')}</label>
            <select
              id={`${id}-group`}
              value={form.groupBy}
              onChange={(e) => setForm({ ...form, groupBy: e.target.value as HistoryGroupBy })}
            >
              {HistoryGroupBy.options.map((g) => (
                <option key={g} value={g}>
                  {t(`history.groups.${g}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-queue`}>{t('history.queue')}</label>
            <select id={`${id}-queue`} value={form.queue} onChange={(e) => setForm({ ...form, queue: e.target.value })}>
              <option value="">{t('history.allQueues')}</option>
              {queueDefs.map((q) => (
                <option key={q.id} value={q.id}>
                  {format.text(q.name)}
                </option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button type="submit" className="ab-button">
              {t('history.show')}
            </button>
            <button
              type="button"
              className="ab-button ab-button--secondary"
              onClick={() => void exportCsv()}
              disabled={exporting || !query}
            >
              {exporting ? t('history.exporting') : t('history.export')}
            </button>
          </div>
        </form>
        {formError && (
          <p role="alert" className="form-error">
            {formError}
          </p>
        )}
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
      </section>

      {totals === null || rows === null ? (
        !error && <p role="status">{t('history.loading')}</p>
      ) : (
        <>
          <section className="panel" aria-labelledby={`${id}-charts`}>
            <h2 id={`${id}-charts`}>{t('history.chartsHeading')}</h2>
            {totals.length === 0 && (
              <p role="status" data-testid="history-empty">
                {t('history.empty')}
              </p>
            )}
            <div className="chart-grid">
              <BarChart
                title={t('history.metric.serviceLevel')}
                categoryHeader={t('history.period')}
                points={series((r) => r.serviceLevel)}
                format={(v) => percent(v)}
                max={1}
                target={
                  targetQueue
                    ? { value: targetQueue.targetServiceLevel, label: percent(targetQueue.targetServiceLevel) }
                    : undefined
                }
                testId="chart-service-level"
              />
              <BarChart
                title={t('history.metric.asa')}
                categoryHeader={t('history.period')}
                points={series((r) => r.averageSpeedOfAnswerSeconds)}
                format={(v) => duration(v)}
                testId="chart-asa"
              />
              <BarChart
                title={t('history.metric.aht')}
                categoryHeader={t('history.period')}
                points={series((r) => r.averageHandleSeconds)}
                format={(v) => duration(v)}
                testId="chart-aht"
              />
              <BarChart
                title={t('history.metric.abandonment')}
                categoryHeader={t('history.period')}
                points={series((r) => r.abandonmentRate)}
                format={(v) => percent(v)}
                max={1}
                testId="chart-abandonment"
              />
              <BarChart
                title={t('history.metric.rating')}
                categoryHeader={t('history.period')}
                points={series((r) => r.averageRating)}
                format={rating}
                max={5}
                testId="chart-rating"
              />
            </div>
          </section>

          <section className="panel" aria-labelledby={`${id}-table`}>
            <h2 id={`${id}-table`}>{t('history.tableHeading')}</h2>
            {rows.length === 0 ? (
              <p>{t('history.empty')}</p>
            ) : (
              <div className="ab-table-scroll" tabIndex={0} role="region" aria-labelledby={`${id}-table`}>
                <table className="ab-table" data-testid="history-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('history.period')}</th>
                      <th scope="col">{t('history.group')}</th>
                      <th scope="col" className="ab-num">{t('history.metric.arrived')}</th>
                      <th scope="col" className="ab-num">{t('history.metric.answered')}</th>
                      <th scope="col" className="ab-num">{t('history.metric.abandoned')}</th>
                      <th scope="col" className="ab-num">{t('history.metric.serviceLevel')}</th>
                      <th scope="col" className="ab-num">{t('history.metric.asa')}</th>
                      <th scope="col" className="ab-num">{t('history.metric.aht')}</th>
                      <th scope="col" className="ab-num">{t('history.metric.abandonment')}</th>
                      <th scope="col" className="ab-num">{t('history.metric.rating')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={`${r.bucketStart}-${r.group ?? ''}`} data-testid="history-row" data-group={r.group ?? ''}>
                        <th scope="row">{labelOf(r.bucketStart)}</th>
                        <td>{groupName(r.group)}</td>
                        <td className="ab-num">{r.arrived}</td>
                        <td className="ab-num" data-testid="history-answered">{r.answered}</td>
                        <td className="ab-num">{r.abandoned}</td>
                        <td className="ab-num">{percent(r.serviceLevel)}</td>
                        <td className="ab-num">{duration(r.averageSpeedOfAnswerSeconds)}</td>
                        <td className="ab-num">{duration(r.averageHandleSeconds)}</td>
                        <td className="ab-num">{percent(r.abandonmentRate)}</td>
                        <td className="ab-num">{r.averageRating === null ? t('units.none') : rating(r.averageRating)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}
