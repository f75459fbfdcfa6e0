import { useEffect, useState } from 'react';
import {
  classifyMediaError,
  openLocalMedia,
  stopStream,
  type DeviceChoice,
  type MediaProblem,
} from '@ablak/ui';

export interface LocalMedia {
  stream: MediaStream | null;
  problem: MediaProblem | null;
}

/**
 * Keeps camera and microphone open while `warm` (the clerk is available or in a call), so accepting
 * an offer only has to publish tracks that already run. Closes them when the clerk steps away.
 */
export function useLocalMedia(warm: boolean, choice: DeviceChoice): LocalMedia {
  const [state, setState] = useState<LocalMedia>({ stream: null, problem: null });
  const key = `${choice.cameraId ?? ''}|${choice.micId ?? ''}`;
  useEffect(() => {
    if (!warm) {
      setState({ stream: null, problem: null });
      return;
    }
    let cancelled = false;
    let opened: MediaStream | null = null;
    openLocalMedia(choice)
      .catch(() => openLocalMedia({}, true))
      .then((stream) => {
        opened = stream;
        if (cancelled) stopStream(stream);
        else setState({ stream, problem: null });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ stream: null, problem: classifyMediaError(error) });
      });
    return () => {
      cancelled = true;
      stopStream(opened);
    };
    // choice is captured through its key
  }, [warm, key]);
  return state;
}

const CHOICE_KEY = 'ablak.console.devices';
const CHECK_KEY = 'ablak.console.deviceCheck';

export function loadDeviceChoice(): DeviceChoice {
  try {
    const raw = localStorage.getItem(CHOICE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (typeof parsed !== 'object' || parsed === null) return {};
    const record = parsed as Record<string, unknown>;
    const pick = (k: string) => (typeof record[k] === 'string' ? (record[k] as string) : undefined);
    return { cameraId: pick('cameraId'), micId: pick('micId'), speakerId: pick('speakerId') };
  } catch {
    return {};
  }
}

export function saveDeviceChoice(choice: DeviceChoice): void {
  try {
    localStorage.setItem(CHOICE_KEY, JSON.stringify(choice));
  } catch {
    // not remembered; asked again next time
  }
}

/** A shift is one calendar day per person: the device check is asked once a day. */
function shiftKey(userId: string): string {
  return `${CHECK_KEY}.${userId}`;
}

export function deviceCheckDone(userId: string, now = new Date()): boolean {
  try {
    return localStorage.getItem(shiftKey(userId)) === now.toDateString();
  } catch {
    return false;
  }
}

export function markDeviceCheckDone(userId: string, now = new Date()): void {
  try {
    localStorage.setItem(shiftKey(userId), now.toDateString());
  } catch {
    // asked again next time
  }
}
