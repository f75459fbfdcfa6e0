import { useEffect, useState } from 'react';
import { NetworkProbeResponse } from '@ablak/protocol';
import type { NetworkPath } from '@ablak/sfu/client';
import { apiFetch } from '@ablak/ui';
import { config } from '../config';
import { checkServer, type CheckResult } from './checks';
import { verdictOf, type NetworkVerdict, type PathStates } from './networkVerdict';

export interface NetworkCheck {
  server: CheckResult;
  paths: PathStates;
  /** null while the check runs. */
  verdict: NetworkVerdict | null;
}

const PENDING: NetworkCheck['paths'] = { udp: 'pending', tcp: 'pending', turn: 'pending' };

/**
 * The device check's connection check: the Ablak server answers, then the network probe asks for a
 * probe grant and tries to reach the SFU over UDP, then TCP, then TURN. Runs again when `attempt` moves.
 */
export function useNetworkCheck(attempt: number): NetworkCheck {
  const [check, setCheck] = useState<NetworkCheck>({ server: 'pending', paths: PENDING, verdict: null });

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setCheck({ server: 'pending', paths: PENDING, verdict: null });
    const update = (patch: (c: NetworkCheck) => Partial<NetworkCheck>) => {
      if (!signal.aborted) setCheck((c) => ({ ...c, ...patch(c) }));
    };
    const run = async () => {
      const server = await checkServer(signal);
      update(() => ({ server }));
      const paths = { ...PENDING };
      let signalling = false;
      try {
        const access = await apiFetch('/api/network-probe', {
          method: 'POST',
          body: {},
          schema: NetworkProbeResponse,
          baseUrl: config.signalingUrl,
          signal,
        });
        // mediasoup-client stays out of the first screen's bundle; the call chunk shares it
        const { probeNetwork } = await import('@ablak/sfu/client');
        const result = await probeNetwork(access, {
          signal,
          onPath: ({ path, outcome }) => {
            paths[path] = outcome;
            update((c) => ({ paths: { ...c.paths, [path]: outcome } }));
          },
        });
        signalling = result.signalling;
      } catch (error) {
        if (signal.aborted) return;
        console.warn('network check failed', error);
      }
      for (const path of Object.keys(paths) as NetworkPath[]) {
        if (!signalling || paths[path] === 'pending') paths[path] = 'unknown';
      }
      update(() => ({ paths, verdict: verdictOf(signalling, paths) }));
    };
    void run();
    return () => controller.abort();
  }, [attempt]);

  return check;
}
