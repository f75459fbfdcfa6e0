import { useTranslation } from 'react-i18next';
import type { BoardSample } from '@ablak/protocol';

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 36, right: 12, top: 12, bottom: 28 };
const HOUR_MS = 3_600_000;

interface Props {
  history: readonly BoardSample[];
  now: number;
}

/**
 * Waiting citizens and available clerks over the last hour as two step lines (hand-rolled SVG: two
 * series do not need a charting library). The figures are also given in words for screen readers.
 */
export function WaitingChart({ history, now }: Props) {
  const { t } = useTranslation('console');
  const from = now - HOUR_MS;
  const points = history.filter((s) => s.at >= from).sort((a, b) => a.at - b.at);
  const last = points[points.length - 1];
  const maxWaiting = points.reduce((m, s) => Math.max(m, s.waiting), 0);
  const top = Math.max(4, ...points.map((s) => Math.max(s.waiting, s.available)));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (at: number) => PAD.left + ((at - from) / HOUR_MS) * innerW;
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;

  const path = (pick: (s: BoardSample) => number) => {
    if (points.length === 0) return '';
    let d = `M${x(points[0]!.at).toFixed(1)},${y(pick(points[0]!)).toFixed(1)}`;
    for (const s of points.slice(1)) d += `H${x(s.at).toFixed(1)}V${y(pick(s)).toFixed(1)}`;
    return `${d}H${x(now).toFixed(1)}`;
  };

  const ticks = [0, Math.round(top / 2), top];
  const minuteTicks = [60, 45, 30, 15, 0];
  const summary = last
    ? t('supervisor.chart.summary', { waiting: last.waiting, available: last.available, maxWaiting })
    : t('supervisor.chart.empty');

  return (
    <section className="panel chart" aria-labelledby="chart-heading">
      <h2 id="chart-heading">{t('supervisor.chart.heading')}</h2>
      <p className="legend">
        <span className="swatch waiting" aria-hidden="true" /> {t('supervisor.chart.waiting')}
        <span className="swatch available" aria-hidden="true" /> {t('supervisor.chart.available')}
      </p>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={summary}
        className="chart-svg"
        data-testid="waiting-chart"
        data-points={points.length}
      >
        {ticks.map((v) => (
          <g key={`y${v}`}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(v)} y2={y(v)} className="grid" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" className="axis">
              {v}
            </text>
          </g>
        ))}
        {minuteTicks.map((m) => (
          <text
            key={`x${m}`}
            x={x(now - m * 60_000)}
            y={HEIGHT - 8}
            textAnchor={m === 60 ? 'start' : m === 0 ? 'end' : 'middle'}
            className="axis"
          >
            {m === 0 ? t('supervisor.chart.now') : t('supervisor.chart.minutesAgo', { count: m })}
          </text>
        ))}
        <path d={path((s) => s.available)} className="line available" />
        <path d={path((s) => s.waiting)} className="line waiting" />
      </svg>
    </section>
  );
}
