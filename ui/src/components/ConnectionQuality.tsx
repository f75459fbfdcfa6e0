import { useTranslation } from 'react-i18next';

export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

export interface QualityFigures {
  /** Round-trip time in milliseconds. */
  rttMs?: number | null;
  /** Share of packets lost, 0..1. */
  packetLoss?: number | null;
  /** Incoming video bitrate in kbit/s. */
  bitrateKbps?: number | null;
}

/** Turns raw figures into three levels people understand (thresholds as in common video apps). */
export function qualityOf(figures: QualityFigures | null | undefined): Quality {
  if (!figures || (figures.rttMs == null && figures.packetLoss == null)) return 'unknown';
  const loss = figures.packetLoss ?? 0;
  const rtt = figures.rttMs ?? 0;
  if (loss > 0.08 || rtt > 500) return 'poor';
  if (loss > 0.02 || rtt > 250) return 'fair';
  return 'good';
}

export interface ConnectionQualityProps {
  quality: Quality;
  figures?: QualityFigures | null;
}

/** Bars plus a word (never colour alone), with the figures in the accessible description. */
export function ConnectionQuality({ quality, figures }: ConnectionQualityProps) {
  const { t } = useTranslation('ui');
  const bars = quality === 'good' ? 3 : quality === 'fair' ? 2 : quality === 'poor' ? 1 : 0;
  const details =
    figures && figures.rttMs != null
      ? t('quality.details', {
          rtt: Math.round(figures.rttMs),
          loss: Math.round((figures.packetLoss ?? 0) * 1000) / 10,
        })
      : '';
  return (
    <p
      className={`ab-quality ab-quality--${quality}`}
      data-testid="connection-quality"
      data-quality={quality}
      title={details || undefined}
    >
      <span className="ab-quality__bars" aria-hidden="true">
        {[1, 2, 3].map((n) => (
          <span key={n} className={n <= bars ? 'on' : ''} />
        ))}
      </span>
      <span>{t(`quality.${quality}`)}</span>
      {details && <span className="ab-visually-hidden">{details}</span>}
    </p>
  );
}
