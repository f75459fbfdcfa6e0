/** Small helpers the attack tests share (servers and sockets come from ../signaling/harness). */
import { io as connectSocket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@ablak/protocol';

export { REPO_ROOT } from '@ablak/tests/harness';

/**
 * Tries to connect to `namespace` with `auth`; resolves with the refusal's `{ code, message }`, or
 * rejects when the server let the socket in (the attack worked).
 */
export function connectRefusal(
  base: string,
  namespace: string,
  auth: Record<string, unknown>,
  query?: Record<string, string>,
): Promise<{ code?: string; message?: string }> {
  const socket = connectSocket(base + namespace, {
    auth: { protocolVersion: PROTOCOL_VERSION, ...auth },
    ...(query && { query }),
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error('neither connected nor refused'));
    }, 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.disconnect();
      reject(new Error(`${namespace} let the socket in`));
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => {
      clearTimeout(timer);
      socket.disconnect();
      resolve(error.data ?? { message: error.message });
    });
  });
}
