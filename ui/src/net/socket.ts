import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerOf,
  type HandshakeAuth,
  type PushMap,
  type RequestMap,
  type RequestOf,
  type ResultOf,
  type ServerToClientOf,
} from '@ablak/protocol';
import { AppError, readFailure } from './errors';

/** A socket typed by a namespace's contract (e.g. `TypedSocket<CitizenRequests, CitizenPushes>`). */
export type TypedSocket<R extends RequestMap, P extends PushMap> = Socket<
  ServerToClientOf<P>,
  ClientToServerOf<R>
>;

export interface ConnectOptions {
  /** Base URL of signaling; empty or undefined = the page's own origin. */
  url?: string;
  namespace: '/citizen' | '/clerk' | '/supervisor';
  token: string;
  resumeSecret?: string;
  /** Extra socket.io-client options (transports, reconnection delays). */
  options?: Partial<ManagerOptions & SocketOptions>;
}

/**
 * Opens a typed Socket.IO connection with the protocol handshake (`HandshakeAuth`). `auth` is a
 * function so a reconnect after a token refresh sends the current token.
 */
export function connectNamespace<R extends RequestMap, P extends PushMap>(
  options: ConnectOptions,
  getAuth?: () => HandshakeAuth,
): TypedSocket<R, P> {
  const base = options.url ?? '';
  const auth = (): HandshakeAuth =>
    getAuth?.() ?? {
      token: options.token,
      protocolVersion: PROTOCOL_VERSION,
      ...(options.resumeSecret ? { resumeSecret: options.resumeSecret } : {}),
    };
  return io(`${base}${options.namespace}`, {
    transports: ['websocket', 'polling'],
    // an own engine connection: the SFU's /media socket on the same origin (embedded mode) must not be
    // able to take signaling down with it when the SFU closes its connection
    forceNew: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    ...options.options,
    auth: (cb) => cb(auth()),
  }) as TypedSocket<R, P>;
}

export const DEFAULT_ACK_TIMEOUT_MS = 10_000;

/** What every typed socket offers for requests, without the event-map generics in the way. */
interface AckEmitter {
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
}

/**
 * Sends one request and waits for its ack: resolves with the typed result, throws `AppError` for an
 * `{ ok: false }` answer, and `AppError('UNAVAILABLE')` when no answer comes in time.
 */
export async function request<R extends RequestMap, P extends PushMap, K extends keyof R & string>(
  socket: TypedSocket<R, P>,
  event: K,
  payload: RequestOf<R, K>,
  timeoutMs = DEFAULT_ACK_TIMEOUT_MS,
): Promise<ResultOf<R, K>> {
  let answer: unknown;
  try {
    answer = await (socket as unknown as AckEmitter).timeout(timeoutMs).emitWithAck(event, payload);
  } catch {
    throw new AppError({ code: 'UNAVAILABLE', message: `No answer to ${event}` });
  }
  const failure = readFailure(answer);
  if (failure) throw new AppError(failure);
  const { ok: _ok, ...result } = answer as Ack<ResultOf<R, K>> & { ok: true };
  return result as ResultOf<R, K>;
}
