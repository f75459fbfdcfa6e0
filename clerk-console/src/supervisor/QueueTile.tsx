import { useTranslation } from 'react-i18next';
import type { QueueDef, QueueStats } from '@ablak/protocol';
import { useFormat } from '@ablak/ui';
import { useDuration, usePercent } from '../time';

interface Props {
  stats: QueueStats;
  def: QueueDef | undefined;
}

/** One queue at a glance; service level is marked against its target in words, not colour alone. */
export function QueueTile({ stats, def }: Props) {
  const { t } = useTranslation('console');
  const format = useFormat();
  const duration = useDuration();
  const percent = usePercent();
  const name = def ? format.text(def.name) : stats.queue;
  const headingId = `queue-${stats.queue}-heading`;
  const short = Math.max(0, stats.clerksNeeded - stats.clerksAvailable - (stats.clerksByState.busy ?? 0));

  const level = (value: number | null) => {
    if (value === null)
      return (
        <span className="muted">
          <span aria-hidden="true">{t('units.none')}</span>
          <span className="ab-visually-hidden">{t('supervisor.tile.noData')}</span>
        </span>
      );
    const ok = value >= stats.targetServiceLevel;
    return (
      <span className={ok ? 'good' : 'bad'}>
        {percent(value)}{' '}
        <span className="tag">{ok ? t('supervisor.tile.onTarget') : t('supervisor.tile.belowTarget')}</span>
      </span>
    );
  };

  return (
    <article
      className={`queue-tile${stats.waiting > 0 ? ' has-waiting' : ''}`}
      aria-labelledby={headingId}
      data-testid="queue-tile"
      data-queue={stats.queue}
    >
      <h3 id={headingId}>{name}</h3>
      <dl>
        <div className="big-figure">
          <dt>{t('supervisor.tile.waiting')}</dt>
          <dd data-testid="queue-waiting">{stats.waiting}</dd>
        </div>
        <div className="big-figure">
          <dt>{t('supervisor.tile.longestWait')}</dt>
          <dd>{stats.waiting > 0 ? duration(stats.longestWaitSeconds) : t('units.none')}</dd>
        </div>
        <div className="big-figure">
          <dt>{t('supervisor.tile.needed')}</dt>
          <dd>
            {stats.clerksNeeded}{' '}
            <span className={short > 0 ? 'tag bad' : 'tag good'}>
              {short > 0 ? t('supervisor.tile.shortBy', { count: short }) : t('supervisor.tile.enough')}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('supervisor.tile.slToday')}</dt>
          <dd>{level(stats.serviceLevelToday)}</dd>
        </div>
        <div>
          <dt>{t('supervisor.tile.sl15m')}</dt>
          <dd>{level(stats.serviceLevel15m)}</dd>
        </div>
        <div>
          <dt>{t('supervisor.tile.targetLabel')}</dt>
          <dd>
            {t('supervisor.tile.target', {
              pct: percent(stats.targetServiceLevel),
              seconds: stats.targetAnswerSeconds,
            })}
          </dd>
        </div>
        <div>
          <dt>{t('supervisor.tile.abandonment')}</dt>
          <dd>{percent(stats.abandonmentRate)}</dd>
        </div>
        <div>
          <dt>{t('supervisor.tile.asa')}</dt>
          <dd>{duration(stats.averageSpeedOfAnswerSeconds)}</dd>
        </div>
        <div>
          <dt>{t('supervisor.tile.aht')}</dt>
          <dd>{duration(stats.averageHandleSeconds)}</dd>
        </div>
        <div>
          <dt>{t('supervisor.tile.staffed')}</dt>
          <dd data-testid="queue-staffed">
            {stats.clerksStaffed} / {stats.clerksAvailable}
          </dd>
        </div>
      </dl>
    </article>
  );
}
