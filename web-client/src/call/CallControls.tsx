import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DevicePicker, useMediaDevices } from '@ablak/ui';

interface Props {
  micMuted: boolean;
  cameraOff: boolean;
  hasCamera: boolean;
  onToggleMic(): void;
  onToggleCamera(): void;
  onSwitchDevice(kind: 'audio' | 'video', deviceId: string): void;
  micId: string | undefined;
  cameraId: string | undefined;
  onEnd(): void;
}

/**
 * The call's toolbar: every toggle keeps one label ("Mute microphone") and says whether it is on with
 * aria-pressed; a label that also flipped would announce the opposite of the state.
 */
export function CallControls({
  micMuted,
  cameraOff,
  hasCamera,
  onToggleMic,
  onToggleCamera,
  onSwitchDevice,
  micId,
  cameraId,
  onEnd,
}: Props) {
  const { t } = useTranslation();
  const id = useId();
  const devices = useMediaDevices();
  const [showDevices, setShowDevices] = useState(false);
  return (
    <div className="call-controls-wrap">
      <div className="call-controls" role="toolbar" aria-label={t('call.controls')}>
        <button
          type="button"
          className="ab-button ab-button--toggle"
          aria-pressed={micMuted}
          onClick={onToggleMic}
          data-testid="toggle-mic"
        >
          {t('call.mute')}
        </button>
        <button
          type="button"
          className="ab-button ab-button--toggle"
          aria-pressed={cameraOff}
          onClick={onToggleCamera}
          disabled={!hasCamera}
          data-testid="toggle-camera"
        >
          {t('call.cameraOff')}
        </button>
        <button
          type="button"
          className="ab-button ab-button--secondary"
          aria-expanded={showDevices}
          aria-controls={`${id}-devices`}
          onClick={() => setShowDevices((v) => !v)}
        >
          {t('call.devices')}
        </button>
        <button type="button" className="ab-button ab-button--danger" onClick={onEnd} data-testid="end-call">
          {t('call.end')}
        </button>
      </div>
      <div id={`${id}-devices`} className="card call-devices" hidden={!showDevices}>
        <DevicePicker
          kind="microphone"
          devices={devices.microphones}
          value={micId}
          onChange={(v) => onSwitchDevice('audio', v)}
        />
        {hasCamera && (
          <DevicePicker
            kind="camera"
            devices={devices.cameras}
            value={cameraId}
            onChange={(v) => onSwitchDevice('video', v)}
          />
        )}
      </div>
    </div>
  );
}
