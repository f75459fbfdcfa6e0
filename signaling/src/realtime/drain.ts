import { ClerkId, TicketId, type ServerDraining } from '@ablak/protocol';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { Store } from '../store/types';
import { sessionOf } from './auth';

/** Sockets told to go are given this long to reconnect, so they do not all land on the others at once. */
export const RECONNECT_SPREAD_MS = 2000;
/** How often the sockets of running calls are looked at during a drain. */
const CHECK_EVERY_MS = 500;

export interface DrainDeps {
  namespaces: Namespace[];
  store: Pick<Store, 'getTicket' | 'getClerk'>;
  logger: Logger;
}

/**
 * A node's drain before shutdown. Sockets with no call running (waiting citizens, idle clerks,
 * supervisors) are told at once to reconnect elsewhere (`server:draining`); the sockets of a
 * running call (a citizen whose ticket is connected, a busy clerk) keep this node until their call
 * ends or the drain period is over, then are told too. Sockets that arrive during the drain are
 * told as they come. Resolves when every socket has been told and had a moment to go.
 */
export async function drainSockets(deps: DrainDeps, periodMs: number): Promise<{ told: number; keptForCalls: number }> {
  const until = Date.now() + periodMs;
  const told = new WeakSet<Socket>();
  let count = 0;
  const tell = (socket: Socket) => {
    if (told.has(socket) || !socket.connected) return;
    told.add(socket);
    count += 1;
    const payload: ServerDraining = { reconnectWithinMs: RECONNECT_SPREAD_MS };
    socket.emit('server:draining', payload);
  };

  const inCall = new Set<Socket>();
  const sort = async (socket: Socket) => {
    if (await inACall(deps.store, socket)) inCall.add(socket);
    else tell(socket);
  };
  const onConnection = (socket: Socket) => void sort(socket);
  for (const nsp of deps.namespaces) nsp.on('connection', onConnection);
  try {
    await Promise.all(deps.namespaces.flatMap((nsp) => [...nsp.sockets.values()].map(sort)));
    const keptForCalls = inCall.size;
    deps.logger.info({ told: count, keptForCalls, periodMs }, 'draining: idle sockets sent elsewhere');
    while (inCall.size > 0 && Date.now() < until) {
      await sleep(Math.min(CHECK_EVERY_MS, Math.max(0, until - Date.now())));
      for (const socket of [...inCall]) {
        if (!socket.connected || !(await inACall(deps.store, socket))) {
          inCall.delete(socket);
          tell(socket);
        }
      }
    }
    for (const socket of inCall) tell(socket);
    for (const nsp of deps.namespaces) for (const socket of nsp.sockets.values()) tell(socket);
    if (count > 0) await sleep(RECONNECT_SPREAD_MS);
    return { told: count, keptForCalls };
  } finally {
    for (const nsp of deps.namespaces) nsp.off('connection', onConnection);
  }
}

/** True while the socket belongs to a running call (unknown counts as yes: never cut a call short). */
async function inACall(store: DrainDeps['store'], socket: Socket): Promise<boolean> {
  const { session } = sessionOf(socket);
  try {
    if (session.role === 'citizen' && session.ticket) {
      const ticket = await store.getTicket(TicketId.parse(session.ticket));
      return ticket?.state === 'connected';
    }
    if (session.role === 'clerk') {
      const clerk = await store.getClerk(ClerkId.parse(session.sub));
      return clerk?.state === 'busy';
    }
    return false;
  } catch {
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
