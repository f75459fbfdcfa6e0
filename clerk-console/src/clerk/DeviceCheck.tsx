import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DevicePicker,
  MicLevelMeter,
  VideoTile,
  classifyMediaError,
  openLocalMedia,
  stopStream,
  useMediaDevices,
  type DeviceChoice,
} from '@ablak/ui';

interface Props {
  name: string;
  initial: DeviceChoice;
  onDone(choice: DeviceChoice): void;
}

/** Once per shift: pick camera and microphone, see yourself and the mic level, then start. */
export function DeviceCheck({ name, initial, onDone }: Props) {
  const { t } = useTranslation('console');
  const devices = useMediaDevices();
  const [choice, setChoice] = useState<DeviceChoice>(initial);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const { refresh } = devices;

  useEffect(() => {
    let cancelled = false;
    let opened: MediaStream | null = null;
    setProblem(null);
    openLocalMedia(choice)
      .then((s) => {
        opened = s;
        if (cancelled) return stopStream(s);
        setStream(s);
        void refresh();
      })
      .catch((error: unknown) => {
        if (!cancelled) setProblem(classifyMediaError(error));
      });
    return () => {
      cancelled = true;
      stopStream(opened);
    };
  }, [choice, attempt, refresh]);

  return (
    <section className="panel device-check" aria-labelledby="device-heading" data-testid="device-check">
      <h2 id="device-heading">{t('device.heading')}</h2>
      <p>{t('device.intro')}</p>
      <div className="device-grid">
        <VideoTile stream={stream} label={name} self size="preview" />
        <div className="device-controls">
          <DevicePicker
            kind="camera"
            devices={devices.cameras}
            value={choice.cameraId}
            onChange={(cameraId) => setChoice((c) => ({ ...c, cameraId }))}
          />
          <DevicePicker
            kind="microphone"
            devices={devices.microphones}
            value={choice.micId}
            onChange={(micId) => setChoice((c) => ({ ...c, micId }))}
          />
          <MicLevelMeter stream={stream} label={t('device.micLevel')} />
          {problem && (
            <div role="alert" className="notice warning">
              <p>{t('device.failed', { message: problem })}</p>
              <button
                className="ab-button ab-button--secondary"
                type="button"
                onClick={() => setAttempt((n) => n + 1)}
              >
                {t('device.retry')}
              </button>
            </div>
          )}
          <button
            type="button"
            className="ab-button ab-button--large"
            disabled={!stream}
            onClick={() => onDone(choice)}
          >
            {t('device.ok')}
          </button>
        </div>
      </div>
    </section>
  );
}
