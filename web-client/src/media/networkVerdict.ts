import type { NetworkPath, NetworkPathOutcome } from '@ablak/sfu/client';

/** 'unknown': the probe could not start (no probe grant, SFU not answering), so the route was not tried. */
export type PathStates = Record<NetworkPath, NetworkPathOutcome | 'pending' | 'unknown'>;

/**
 * What the citizen is told, from best to worst: video goes the direct way (UDP); only over TCP; only
 * through the TURN relay; not at all; or the video server did not answer the probe.
 */
export type NetworkVerdict = 'ok' | 'tcp-only' | 'relay-only' | 'blocked' | 'unreachable';

export function verdictOf(signalling: boolean, paths: PathStates): NetworkVerdict {
  if (paths.udp === 'ok') return 'ok';
  if (paths.tcp === 'ok') return 'tcp-only';
  if (paths.turn === 'ok') return 'relay-only';
  return signalling ? 'blocked' : 'unreachable';
}
