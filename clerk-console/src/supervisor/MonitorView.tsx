import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallId, CallSummary, MediaAccess } from '@ablak/protocol';
import { VideoTile } from '@ablak/ui';
import { useCallMedia } from '../media/useCallMedia';

interface Props {
  callId: CallId;
  call: CallSummary | undefined;
  onMonitor(callId: CallId): Promise<MediaAccess>;
  onClose(): void;
}

/** Silent monitoring: a hidden, receive-only media session showing both sides of the call. */
export function MonitorView({ callId, call, onMonitor, onClose }: Props) {
  const { t } = useTranslation('console');
  const [access, setAccess] = useState<MediaAccess | null>(null);
  const [error, setError] = useState<string | null>(null);
  const media = useCallMedia(access, { publish: null });
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let cancelled = false;
    setAccess(null);
    setError(null);
    onMonitor(callId)
      .then((a) => !cancelled && setAccess(a))
      .catch((err: unknown) => !cancelled && setError(err instanceof Error ? err.message : String(err)));
    headingRef.current?.focus();
    return () => {
      cancelled = true;
    };
  }, [callId, onMonitor]);

  // The call ended under us: close the view.
  useEffect(() => {
    if (access && media.status === 'closed') onClose();
  }, [access, media.status, onClose]);

  return (
    <section className="panel monitor" aria-labelledby="monitor-heading" data-testid="monitor-view">
      <h2 id="monitor-heading" ref={headingRef} tabIndex={-1}>
        {t('supervisor.monitor.heading', { clerk: call?.clerkName ?? '', citizen: call?.citizenName ?? '' })}
      </h2>
      <p className="notice">{t('supervisor.monitor.hiddenNotice')}</p>
      {error && (
        <p role="alert" className="form-error">
          {t('supervisor.monitor.failed', { message: error })}
        </p>
      )}
      <div className="monitor-videos">
        {media.remote.map((peer) => (
          <VideoTile
            key={peer.peerId}
            videoTrack={peer.screen ?? peer.video}
            audioTrack={peer.audio}
            label={peer.name}
            size="large"
            testId={`monitor-video-${peer.role}`}
          />
        ))}
      </div>
      <button type="button" className="ab-button ab-button--danger" onClick={onClose}>
        {t('supervisor.monitor.stop')}
      </button>
    </section>
  );
}
