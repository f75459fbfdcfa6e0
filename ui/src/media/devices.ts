import { useCallback, useEffect, useState } from 'react';

/** Why the camera or microphone could not be opened, in words a person can act on. */
export type MediaProblem = 'denied' | 'no-device' | 'in-use' | 'unsupported' | 'insecure' | 'unknown';

export function classifyMediaError(error: unknown): MediaProblem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'no-device';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'in-use';
    case 'TypeError':
      return 'unsupported';
    default:
      return 'unknown';
  }
}

/** Whether this browser can do a video call at all (WebRTC, camera access, a secure page). */
export function browserSupport(): MediaProblem | null {
  if (typeof window === 'undefined') return 'unsupported';
  if (!window.isSecureContext) return 'insecure';
  if (!navigator.mediaDevices?.getUserMedia || typeof RTCPeerConnection === 'undefined') return 'unsupported';
  return null;
}

export interface DeviceChoice {
  cameraId?: string;
  micId?: string;
  speakerId?: string;
}

/** Opens camera and mic with the chosen devices; falls back to audio only when there is no camera. */
export async function openLocalMedia(choice: DeviceChoice, wantVideo = true): Promise<MediaStream> {
  const audio: MediaTrackConstraints | boolean = choice.micId
    ? { deviceId: { exact: choice.micId }, echoCancellation: true, noiseSuppression: true }
    : { echoCancellation: true, noiseSuppression: true };
  const video: MediaTrackConstraints | boolean = wantVideo
    ? {
        ...(choice.cameraId ? { deviceId: { exact: choice.cameraId } } : {}),
        width: { ideal: 1280 },
        height: { ideal: 720 },
      }
    : false;
  return navigator.mediaDevices.getUserMedia({ audio, video });
}

export function stopStream(stream: MediaStream | null | undefined): void {
  stream?.getTracks().forEach((track) => track.stop());
}

export interface MediaDevices {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
  refresh(): Promise<void>;
}

/** The devices this browser exposes, kept fresh on `devicechange`. Labels appear once permission is given. */
export function useMediaDevices(): MediaDevices {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const refresh = useCallback(async () => {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    setDevices(await navigator.mediaDevices.enumerateDevices());
  }, []);
  useEffect(() => {
    void refresh();
    const md = navigator.mediaDevices;
    md?.addEventListener('devicechange', refresh);
    return () => md?.removeEventListener('devicechange', refresh);
  }, [refresh]);
  return {
    cameras: devices.filter((d) => d.kind === 'videoinput'),
    microphones: devices.filter((d) => d.kind === 'audioinput'),
    speakers: devices.filter((d) => d.kind === 'audiooutput'),
    refresh,
  };
}

/** Whether audio output can be routed to a chosen device (`setSinkId`, not in every browser). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/**
 * Plays a short two-tone chime, on the chosen speaker where the browser allows it. Used for the
 * speaker test and as the audible cue when a clerk answers.
 */
export async function playChime(speakerId?: string, volume = 0.25): Promise<void> {
  const Ctx = globalThis.AudioContext;
  if (!Ctx) return;
  const ctx = new Ctx();
  try {
    const destination = ctx.createMediaStreamDestination();
    const audio = new Audio();
    audio.srcObject = destination.stream;
    const sinkable = audio as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (speakerId && sinkable.setSinkId) await sinkable.setSinkId(speakerId).catch(() => undefined);
    await audio.play().catch(() => undefined);
    const tones = [660, 880];
    tones.forEach((frequency, index) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const start = ctx.currentTime + index * 0.25;
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(volume, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.24);
      osc.connect(gain).connect(destination);
      osc.start(start);
      osc.stop(start + 0.25);
    });
    await new Promise((resolve) => setTimeout(resolve, 650));
    audio.pause();
    audio.srcObject = null;
  } finally {
    await ctx.close().catch(() => undefined);
  }
}
