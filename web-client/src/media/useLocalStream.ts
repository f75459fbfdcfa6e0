import { useCallback, useEffect, useRef, useState } from 'react';
import { openLocalMedia, stopStream, type DeviceChoice } from '@ablak/ui';

/**
 * The citizen's own camera and mic for the ticket's whole life. Device switches replace single tracks
 * (the caller forwards them to the media session) so the call is not re-negotiated.
 */
export function useLocalStream(devices: DeviceChoice, camera: boolean) {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [failed, setFailed] = useState(false);
  const streamRef = useRef<MediaStream | null>(null);

  useEffect(() => {
    let cancelled = false;
    const open = async () => {
      try {
        return await openLocalMedia(devices, camera);
      } catch {
        // the chosen device may be gone since the check; fall back to defaults, then audio only
        try {
          return await openLocalMedia({}, camera);
        } catch {
          return openLocalMedia({}, false);
        }
      }
    };
    open()
      .then((s) => {
        if (cancelled) return stopStream(s);
        streamRef.current = s;
        setStream(s);
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
      stopStream(streamRef.current);
      streamRef.current = null;
    };
  }, []);

  /** Opens the new device and swaps its track into the stream; returns it for the media session. */
  const switchDevice = useCallback(async (kind: 'audio' | 'video', deviceId: string) => {
    const current = streamRef.current;
    if (!current) return null;
    const fresh = await navigator.mediaDevices.getUserMedia(
      kind === 'audio'
        ? { audio: { deviceId: { exact: deviceId } } }
        : { video: { deviceId: { exact: deviceId } } },
    );
    const track = kind === 'audio' ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
    if (!track) return null;
    const old = kind === 'audio' ? current.getAudioTracks()[0] : current.getVideoTracks()[0];
    const next = new MediaStream([...current.getTracks().filter((t) => t !== old), track]);
    if (old) {
      track.enabled = old.enabled;
      old.stop();
    }
    streamRef.current = next;
    setStream(next);
    return track;
  }, []);

  return { stream, failed, switchDevice };
}
