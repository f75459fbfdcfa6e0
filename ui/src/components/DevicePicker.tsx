import { useId } from 'react';
import { useTranslation } from 'react-i18next';

export interface DevicePickerProps {
  kind: 'camera' | 'microphone' | 'speaker';
  devices: MediaDeviceInfo[];
  value: string | undefined;
  onChange(deviceId: string): void;
  disabled?: boolean;
}

/** A labelled select of one kind of device; unnamed devices get "Camera 1", "Camera 2"… */
export function DevicePicker({ kind, devices, value, onChange, disabled }: DevicePickerProps) {
  const { t } = useTranslation('ui');
  const id = useId();
  const hint = `${id}-hint`;
  const usable = devices.filter((d) => d.deviceId !== '');
  return (
    <div className="ab-field">
      <label htmlFor={id}>{t(`devices.${kind}`)}</label>
      <select
        id={id}
        value={value ?? usable[0]?.deviceId ?? ''}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled || usable.length === 0}
        aria-describedby={usable.length === 0 ? hint : undefined}
      >
        {usable.length === 0 && <option value="">{t('devices.none')}</option>}
        {usable.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || t(`devices.unnamed.${kind}`, { n: index + 1 })}
          </option>
        ))}
      </select>
      {usable.length === 0 && (
        <p id={hint} className="ab-hint">
          {t(`devices.noneHint.${kind}`)}
        </p>
      )}
    </div>
  );
}
