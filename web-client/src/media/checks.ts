import { config } from '../config';

export type CheckResult = 'pending' | 'ok' | 'failed';

/** Can this page reach the Ablak server at all (the network probe then checks the way to the SFU)? */
export async function checkServer(signal?: AbortSignal): Promise<CheckResult> {
  try {
    const response = await fetch(new URL('/healthz', config.signalingUrl || location.origin), {
      signal,
      cache: 'no-store',
    });
    return response.ok ? 'ok' : 'failed';
  } catch {
    return 'failed';
  }
}
