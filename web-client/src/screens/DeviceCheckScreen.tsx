import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CreateTicketResponse, type CreateTicketResponse as Ticket } from '@ablak/protocol';
import {
  DevicePicker,
  MicLevelMeter,
  VideoTile,
  apiFetch,
  browserSupport,
  canChooseSpeaker,
  classifyMediaError,
  errorCodeOf,
  openLocalMedia,
  playChime,
  stopStream,
  useMediaDevices,
  type MediaProblem,
} from '@ablak/ui';
import { config } from '../config';
import type { Draft } from '../flow/types';
import { useScreenFocus } from '../flow/useScreenFocus';
import { NetworkCheckPanel } from './NetworkCheckPanel';
import { PrivacyNotice } from './PrivacyNotice';

/** How long to wait before asking again after UNAVAILABLE (the server's Retry-After is 2 s). */
const UNAVAILABLE_RETRY_MS = 3000;

interface Props {
  draft: Draft;
  onUpdate(patch: Partial<Draft>): void;
  onBack(): void;
  onTicket(ticket: Ticket, draft: Draft): void;
}

/** Camera preview, mic meter, speaker test and pickers; plain words and a way on when something fails. */
export function DeviceCheckScreen({ draft, onUpdate, onBack, onTicket }: Props) {
  const { t, i18n } = useTranslation();
  const heading = useScreenFocus();
  const id = useId();
  const devices = useMediaDevices();
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<MediaProblem | null>(() => browserSupport());
  const [wantCamera, setWantCamera] = useState(draft.camera);
  const [attempt, setAttempt] = useState(0);
  const [joining, setJoining] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);
  const retry = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(retry.current), []);
  const unsupported = problem === 'unsupported' || problem === 'insecure';

  useEffect(() => {
    if (browserSupport()) return;
    let cancelled = false;
    let opened: MediaStream | null = null;
    openLocalMedia(draft.devices, wantCamera)
      .then((s) => {
        if (cancelled) return stopStream(s);
        opened = s;
        setStream(s);
        setProblem(null);
        void devices.refresh();
      })
      .catch((error: unknown) => {
        if (!cancelled) setProblem(classifyMediaError(error));
      });
    return () => {
      cancelled = true;
      stopStream(opened);
      setStream(null);
    };
  }, [draft.devices.cameraId, draft.devices.micId, wantCamera, attempt]);

  const join = async () => {
    if (!draft.matter) return;
    setJoining(true);
    setJoinError(null);
    // still opening (a quick click) counts as "camera wanted"; the ticket's own stream falls back to audio if needed
    const finalDraft: Draft = {
      ...draft,
      camera: wantCamera && (!stream || stream.getVideoTracks().length > 0),
    };
    try {
      const ticket = await apiFetch('/api/tickets', {
        method: 'POST',
        schema: CreateTicketResponse,
        baseUrl: config.signalingUrl,
        body: {
          displayName: draft.displayName,
          caseType: draft.matter.code,
          language: i18n.language === 'en' ? 'en' : 'hu',
          accessibility: draft.accessibility,
          ...(draft.appointmentCode ? { appointmentCode: draft.appointmentCode } : {}),
        },
      });
      onUpdate(finalDraft);
      onTicket(ticket, finalDraft);
    } catch (error) {
      const code = errorCodeOf(error);
      if (code === 'UNAVAILABLE') {
        // The desk is briefly away (a restart, a failover): say so and try again on our own.
        setJoinError(t('errors.retrying'));
        retry.current = setTimeout(() => void join(), UNAVAILABLE_RETRY_MS);
        return;
      }
      const appointmentProblem = draft.appointmentCode && (code === 'NOT_FOUND' || code === 'CONFLICT');
      setJoinError(
        appointmentProblem
          ? t(`errors.appointment${code}`)
          : t(`errors.${code}`, { defaultValue: t('errors.generic') }),
      );
      setJoining(false);
    }
  };

  const pick = (key: 'cameraId' | 'micId' | 'speakerId') => (value: string) =>
    onUpdate({ devices: { ...draft.devices, [key]: value } });

  return (
    <section className="screen" aria-labelledby={`${id}-h`} data-screen="devices">
      <p className="step-count">{t('flow.step', { n: 3, total: 3 })}</p>
      <h1 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {t('devices.title')}
      </h1>
      <p>{t('devices.intro')}</p>

      {problem && (
        <div
          className={`ab-notice ${unsupported ? 'ab-notice--error' : 'ab-notice--warning'}`}
          role="alert"
          data-testid="device-problem"
        >
          <h2 className="h-small">{t(`devices.problem.${problem}.title`)}</h2>
          <p>{t(`devices.problem.${problem}.body`)}</p>
          {!unsupported && (
            <div className="actions">
              <button type="button" className="ab-button" onClick={() => setAttempt((a) => a + 1)}>
                {t('common.retry')}
              </button>
              {wantCamera && (
                <button
                  type="button"
                  className="ab-button ab-button--secondary"
                  onClick={() => setWantCamera(false)}
                >
                  {t('devices.withoutCamera')}
                </button>
              )}
            </div>
          )}
        </div>
      )}

      <div className="device-grid">
        <div>
          <VideoTile
            stream={stream}
            self
            size="preview"
            label={t('devices.preview')}
            placeholder={<span>{wantCamera ? t('devices.noPicture') : t('devices.cameraOff')}</span>}
          />
        </div>
        <div>
          <MicLevelMeter stream={stream} />
          <p className="ab-hint">{t('devices.micHint')}</p>
          <DevicePicker
            kind="camera"
            devices={devices.cameras}
            value={draft.devices.cameraId}
            onChange={pick('cameraId')}
            disabled={!wantCamera}
          />
          <DevicePicker
            kind="microphone"
            devices={devices.microphones}
            value={draft.devices.micId}
            onChange={pick('micId')}
          />
          {canChooseSpeaker() && devices.speakers.length > 0 && (
            <DevicePicker
              kind="speaker"
              devices={devices.speakers}
              value={draft.devices.speakerId}
              onChange={pick('speakerId')}
            />
          )}
          <button
            type="button"
            className="ab-button ab-button--secondary"
            onClick={() => void playChime(draft.devices.speakerId)}
          >
            {t('devices.testSound')}
          </button>
          <p className="ab-hint">{t('devices.testSoundHint')}</p>
          {!wantCamera && (
            <button type="button" className="ab-button ab-button--ghost" onClick={() => setWantCamera(true)}>
              {t('devices.useCamera')}
            </button>
          )}
        </div>
      </div>

      {!unsupported && <NetworkCheckPanel attempt={attempt} />}

      <PrivacyNotice />

      {joinError && (
        <p className="ab-notice ab-notice--error" role="alert">
          {joinError}
        </p>
      )}
      <div className="actions">
        <button type="button" className="ab-button ab-button--secondary" onClick={onBack}>
          {t('common.back')}
        </button>
        <button
          type="button"
          className="ab-button ab-button--large"
          onClick={() => void join()}
          disabled={joining || unsupported || !draft.matter}
        >
          {joining ? t('devices.joining') : t('devices.join')}
        </button>
      </div>
    </section>
  );
}
