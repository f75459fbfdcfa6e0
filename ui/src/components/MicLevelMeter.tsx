import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useMicLevel } from '../media/useMicLevel';

export interface MicLevelMeterProps {
  stream: MediaStream | null;
  /** Visible label; defaults to "Microphone level". */
  label?: string;
}

/** A live bar of the microphone's loudness, so a person can see they are heard before the call. */
export function MicLevelMeter({ stream, label }: MicLevelMeterProps) {
  const { t } = useTranslation('ui');
  const id = useId();
  const level = useMicLevel(stream);
  const percent = Math.round(level * 100);
  return (
    <div className="ab-meter">
      <span className="ab-meter__label" id={id}>
        {label ?? t('mic.level')}
      </span>
      <div
        className="ab-meter__track"
        role="meter"
        aria-labelledby={id}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={percent > 8 ? t('mic.hearing') : t('mic.silent')}
        data-testid="mic-level"
        data-level={percent}
      >
        <div className="ab-meter__fill" style={{ transform: `scaleX(${level})` }} />
      </div>
    </div>
  );
}
