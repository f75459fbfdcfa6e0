import { useCallback, useEffect, useState } from 'react';
import type {
  BoardFilter,
  BoardSnapshot,
  ClerkId,
  MediaAccess,
  Office,
  QueueDef,
  CallId,
} from '@ablak/protocol';
import { request, useSocketEvent, type SupervisorSocket } from '@ablak/ui';

export interface Board {
  snapshot: BoardSnapshot | null;
  queueDefs: QueueDef[];
  offices: Office[];
  filter: BoardFilter;
  setFilter(filter: BoardFilter): void;
  forceState(clerkId: ClerkId, state: 'available' | 'away' | 'offline'): Promise<void>;
  monitor(callId: CallId): Promise<MediaAccess>;
  /** Tells the server monitoring ended (it is recorded; a disconnect counts as a stop too). */
  stopMonitor(callId: CallId): void;
}

/**
 * The live board: subscribes on every (re)connect and on every filter change, so after a drop the
 * board is whole again from the fresh snapshot; `board:updated` replaces it as the server pushes.
 */
export function useBoard(socket: SupervisorSocket | null, connected: boolean): Board {
  const [snapshot, setSnapshot] = useState<BoardSnapshot | null>(null);
  const [queueDefs, setQueueDefs] = useState<QueueDef[]>([]);
  const [offices, setOffices] = useState<Office[]>([]);
  const [filter, setFilter] = useState<BoardFilter>({});

  useEffect(() => {
    if (!socket || !connected) return;
    let cancelled = false;
    void request(socket, 'board:subscribe', filter)
      .then((result) => {
        if (cancelled) return;
        setSnapshot(result.snapshot);
        setQueueDefs(result.queueDefs);
        setOffices(result.offices);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [socket, connected, filter]);

  useSocketEvent(socket, 'board:updated', (next) => {
    setSnapshot((current) => (current && current.at > next.at ? current : next));
  });

  const forceState = useCallback(
    async (clerkId: ClerkId, state: 'available' | 'away' | 'offline') => {
      if (!socket) throw new Error('not connected');
      await request(socket, 'clerk:force-state', {
        clerkId,
        state,
        ...(state === 'away' ? { reason: 'supervisor' as const } : {}),
      });
    },
    [socket],
  );

  const monitor = useCallback(
    async (callId: CallId) => {
      if (!socket) throw new Error('not connected');
      const { media } = await request(socket, 'call:monitor', { callId });
      return media;
    },
    [socket],
  );

  const stopMonitor = useCallback(
    (callId: CallId) => {
      if (socket) void request(socket, 'call:monitor-stop', { callId }).catch(() => undefined);
    },
    [socket],
  );

  return { snapshot, queueDefs, offices, filter, setFilter, forceState, monitor, stopMonitor };
}
