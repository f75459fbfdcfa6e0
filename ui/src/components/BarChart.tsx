import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** One bar: its category (an hour, a day, a week) and its value, or null when there is no figure. */
export interface BarChartPoint {
  key: string;
  /** Short label under the bar ("09", "12 Mar"). */
  label: string;
  /** Full label for the table and the bar's title ("12 March 2026, 09:00"). */
  longLabel: string;
  value: number | null;
}

export interface BarChartProps {
  /** Heading of the figure (also the table's caption). */
  title: string;
  /** Header of the category column of the table alternative. */
  categoryHeader: string;
  points: readonly BarChartPoint[];
  /** How a value reads: "85%", "1 min 20 s", "4.2 / 5". */
  format(value: number): string;
  /** Top of the value axis; defaults to the largest value. Use 1 for shares, 5 for ratings. */
  max?: number;
  /** A target drawn as a dashed line and named in the summary (e.g. a service-level target). */
  target?: { value: number; label: string };
  /** Heading level of the title inside the figure. */
  headingLevel?: 2 | 3;
  testId?: string;
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value`: an axis top that reads well. */
function niceTop(value: number): number {
  if (!(value > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  const f = value / step;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * step;
}

const WIDTH = 360;
const HEIGHT = 170;
const PAD = { left: 44, right: 8, top: 10, bottom: 24 };

/**
 * A small bar chart in hand-written SVG (one series: charting libraries add more than they give here).
 * The SVG is one image whose name sums the figures up; the exact figures are one button away as a
 * table, so no one depends on seeing the bars.
 */
export function BarChart({
  title,
  categoryHeader,
  points,
  format,
  max,
  target,
  headingLevel = 3,
  testId,
}: BarChartProps) {
  const { t } = useTranslation('ui');
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const top = max ?? niceTop(Math.max(0, ...values, target?.value ?? 0));
  // the middle line only where its label differs from the ends (no "1 s, 1 s, 0 s")
  const ticks = [0, top / 2, top].filter(
    (v, i, all) => i !== 1 || (format(v) !== format(all[0]!) && format(v) !== format(all[2]!)),
  );
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const slot = points.length > 0 ? innerW / points.length : innerW;
  const barW = Math.max(2, Math.min(28, slot * 0.7));
  const y = (v: number) => PAD.top + innerH - (Math.min(v, top) / top) * innerH;
  // Every label when they fit, otherwise every n-th so they never overlap (about 4 characters each).
  const every = Math.max(1, Math.ceil((points.length * 30) / innerW));

  const summary =
    values.length === 0
      ? t('chart.empty')
      : t('chart.summary', {
          count: values.length,
          min: format(Math.min(...values)),
          max: format(Math.max(...values)),
          last: format(values[values.length - 1]!),
        }) + (target ? ` ${t('chart.target', { target: target.label })}` : '');
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  return (
    <figure className="ab-chart" aria-labelledby={`${id}-t`} data-testid={testId}>
      <figcaption className="ab-chart__head">
        <Heading id={`${id}-t`} className="ab-chart__title">
          {title}
        </Heading>
        <button
          type="button"
          className="ab-button ab-button--ghost ab-chart__toggle"
          aria-expanded={showTable}
          aria-controls={`${id}-table`}
          onClick={() => setShowTable((v) => !v)}
        >
          {showTable ? t('chart.hideTable') : t('chart.showTable')}
        </button>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${title}. ${summary}`}
        className="ab-chart__svg"
        data-bars={values.length}
      >
        {ticks.map((v) => (
          <g key={`y${v}`} aria-hidden="true">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(v)} y2={y(v)} className="ab-chart__grid" />
            <text x={PAD.left - 4} y={y(v) + 4} textAnchor="end" className="ab-chart__axis">
              {format(v)}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const cx = PAD.left + slot * i + slot / 2;
          return (
            <g key={p.key}>
              {p.value !== null && (
                <rect
                  x={cx - barW / 2}
                  y={y(p.value)}
                  width={barW}
                  height={Math.max(1, PAD.top + innerH - y(p.value))}
                  className="ab-chart__bar"
                >
                  <title>{`${p.longLabel}: ${format(p.value)}`}</title>
                </rect>
              )}
              {i % every === 0 && (
                <text x={cx} y={HEIGHT - 6} textAnchor="middle" className="ab-chart__axis" aria-hidden="true">
                  {p.label}
                </text>
              )}
            </g>
          );
        })}
        {target && (
          <line
            x1={PAD.left}
            x2={WIDTH - PAD.right}
            y1={y(target.value)}
            y2={y(target.value)}
            className="ab-chart__target"
            aria-hidden="true"
          />
        )}
      </svg>
      <div id={`${id}-table`} hidden={!showTable} className="ab-table-scroll">
        <table className="ab-table">
          <caption className="ab-visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{categoryHeader}</th>
              <th scope="col">{title}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.key}>
                <th scope="row">{p.longLabel}</th>
                <td>{p.value === null ? t('chart.noValue') : format(p.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
