import { config } from '../config';

export type CheckResult = 'pending' | 'ok' | 'failed';

/** Can this page reach the Ablak server at all (the SFU is reached through it or beside it)? */
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

/**
 * Can the browser gather ICE candidates (WebRTC not blocked by policy or an extension)? The real
 * path to the SFU (UDP, then TCP, then TURN) is proven when the media session connects while waiting.
 */
export async function checkWebRtc(timeoutMs = 3000): Promise<CheckResult> {
  if (typeof RTCPeerConnection === 'undefined') return 'failed';
  const pc = new RTCPeerConnection();
  try {
    pc.createDataChannel('probe');
    const gathered = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      pc.onicecandidate = (e) => {
        if (e.candidate) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      pc.onicegatheringstatechange = () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve(false);
        }
      };
    });
    await pc.setLocalDescription(await pc.createOffer());
    return (await gathered) ? 'ok' : 'failed';
  } catch {
    return 'failed';
  } finally {
    pc.close();
  }
}
