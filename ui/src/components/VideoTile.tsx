import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface VideoTileProps {
  /** What to show: a whole stream or single tracks (video and, for remote peers, audio). */
  stream?: MediaStream | null;
  videoTrack?: MediaStreamTrack | null;
  audioTrack?: MediaStreamTrack | null;
  /** Accessible name of the tile, e.g. the clerk's name or "You". */
  label: string;
  /** Self-view: mirrored and never played back (no echo). */
  self?: boolean;
  /** Shown instead of the picture when there is no video (camera off, not yet connected). */
  placeholder?: ReactNode;
  size?: 'large' | 'small' | 'preview';
  /** Route remote audio to this speaker where the browser allows it. */
  speakerId?: string;
  /** Screen shares are shown whole (contain), faces fill the tile (cover). */
  fit?: 'cover' | 'contain';
  className?: string;
  testId?: string;
}

/** One participant's picture, with a name badge and a placeholder when the camera is off. */
export function VideoTile({
  stream,
  videoTrack,
  audioTrack,
  label,
  self = false,
  placeholder,
  size = 'large',
  speakerId,
  fit = 'cover',
  className,
  testId,
}: VideoTileProps) {
  const { t } = useTranslation('ui');
  const videoRef = useRef<HTMLVideoElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const video = videoTrack ?? stream?.getVideoTracks()[0] ?? null;
  const audio = self ? null : (audioTrack ?? stream?.getAudioTracks()[0] ?? null);
  const hasVideo = Boolean(video && video.readyState === 'live' && (video.enabled || !self));

  useEffect(() => {
    const el = videoRef.current;
    if (!el) return;
    el.srcObject = video ? new MediaStream([video]) : null;
    if (video) void el.play().catch(() => undefined);
  }, [video]);

  useEffect(() => {
    const el = audioRef.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (!el) return;
    el.srcObject = audio ? new MediaStream([audio]) : null;
    if (audio) {
      if (speakerId && el.setSinkId) void el.setSinkId(speakerId).catch(() => undefined);
      void el.play().catch(() => undefined);
    }
  }, [audio, speakerId]);

  return (
    <figure
      className={['ab-video', `ab-video--${size}`, self ? 'ab-video--self' : '', className ?? '']
        .join(' ')
        .trim()}
      data-testid={testId}
    >
      <video
        ref={videoRef}
        className={`ab-video__media ab-video__media--${fit}`}
        autoPlay
        playsInline
        muted
        hidden={!hasVideo}
        aria-label={self ? t('video.selfView') : t('video.of', { name: label })}
      />
      {!hasVideo && (
        <div className="ab-video__placeholder">
          {placeholder ?? (
            <span aria-hidden="true" className="ab-video__initials">
              {initials(label)}
            </span>
          )}
        </div>
      )}
      {audio && <audio ref={audioRef} autoPlay />}
      <figcaption className="ab-video__label">{label}</figcaption>
    </figure>
  );
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}
