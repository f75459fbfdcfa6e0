import { useEffect, useRef, useState } from 'react';
import type {
  CitizenPushes,
  CitizenRequests,
  ClerkPushes,
  ClerkRequests,
  PushMap,
  RequestMap,
  ServerToClientOf,
  SupervisorPushes,
  SupervisorRequests,
} from '@ablak/protocol';
import { AppError } from './errors';
import { connectNamespace, type ConnectOptions, type TypedSocket } from './socket';

export type SocketStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'refused';

export interface SocketState<R extends RequestMap, P extends PushMap> {
  socket: TypedSocket<R, P> | null;
  status: SocketStatus;
  /** Why the server refused the handshake (bad token, protocol version, resume rejected). */
  error: AppError | null;
  /** True when the connection came back with its state recovered (Socket.IO connection-state recovery). */
  recovered: boolean;
}

function refusal(err: Error & { data?: unknown }): AppError {
  const data = err.data as { code?: unknown; message?: unknown } | undefined;
  if (data && typeof data.code === 'string') {
    return new AppError({
      code: data.code as AppError['code'],
      message: typeof data.message === 'string' ? data.message : err.message,
    });
  }
  return new AppError({ code: 'UNAUTHORIZED', message: err.message });
}

/**
 * One typed socket per namespace for the lifetime of the component (or until `options` is null /
 * changes its token). Server-side refusals end in `refused`; network drops go through `reconnecting`.
 */
export function useNamespaceSocket<R extends RequestMap, P extends PushMap>(
  options: ConnectOptions | null,
): SocketState<R, P> {
  const [state, setState] = useState<SocketState<R, P>>({
    socket: null,
    status: 'closed',
    error: null,
    recovered: false,
  });
  const key = options
    ? `${options.url ?? ''}|${options.namespace}|${options.token}|${options.resumeSecret ?? ''}`
    : '';
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    const current = optionsRef.current;
    if (!current) {
      setState({ socket: null, status: 'closed', error: null, recovered: false });
      return;
    }
    const socket = connectNamespace<R, P>(current);
    setState({ socket, status: 'connecting', error: null, recovered: false });
    const onConnect = () =>
      setState((s) => ({ ...s, socket, status: 'connected', error: null, recovered: socket.recovered }));
    const onDisconnect = (reason: string) =>
      setState((s) => ({ ...s, status: reason === 'io client disconnect' ? 'closed' : 'reconnecting' }));
    const onError = (err: Error) => {
      // socket.active stays true for temporary failures (the manager retries on its own)
      if (socket.active) setState((s) => ({ ...s, status: 'reconnecting' }));
      else setState((s) => ({ ...s, status: 'refused', error: refusal(err) }));
    };
    // The node is shutting down (`server:draining`): drop the connection at a moment within the
    // given window, as a network hiccup would; the manager reconnects and lands on another node.
    let moving: ReturnType<typeof setTimeout> | undefined;
    const onDraining = (payload: unknown) => {
      const within = (payload as { reconnectWithinMs?: unknown } | undefined)?.reconnectWithinMs;
      const delay = Math.random() * (typeof within === 'number' ? within : 0);
      clearTimeout(moving);
      moving = setTimeout(() => socket.io.engine?.close(), delay);
    };
    const raw = socket as unknown as { on(e: string, f: (p: unknown) => void): void; off(e: string, f: (p: unknown) => void): void };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onError);
    raw.on('server:draining', onDraining);
    return () => {
      clearTimeout(moving);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onError);
      raw.off('server:draining', onDraining);
      socket.disconnect();
    };
  }, [key]);

  return state;
}

/** Subscribes to one server push for as long as the component is mounted; the handler may change freely. */
export function useSocketEvent<R extends RequestMap, P extends PushMap, K extends keyof P & string>(
  socket: TypedSocket<R, P> | null,
  event: K,
  handler: ServerToClientOf<P>[K],
): void {
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => {
    if (!socket) return;
    const s = socket as unknown as {
      on(event: string, fn: (payload: unknown) => void): void;
      off(event: string, fn: (payload: unknown) => void): void;
    };
    const listener = (payload: unknown) => (handlerRef.current as (p: unknown) => void)(payload);
    s.on(event, listener);
    return () => s.off(event, listener);
  }, [socket, event]);
}

export type CitizenSocket = TypedSocket<CitizenRequests, CitizenPushes>;
export type ClerkSocket = TypedSocket<ClerkRequests, ClerkPushes>;
export type SupervisorSocket = TypedSocket<SupervisorRequests, SupervisorPushes>;

type NamespaceOptions = Omit<ConnectOptions, 'namespace'> | null;

export const useCitizenSocket = (o: NamespaceOptions) =>
  useNamespaceSocket<CitizenRequests, CitizenPushes>(o && { ...o, namespace: '/citizen' });
export const useClerkSocket = (o: NamespaceOptions) =>
  useNamespaceSocket<ClerkRequests, ClerkPushes>(o && { ...o, namespace: '/clerk' });
export const useSupervisorSocket = (o: NamespaceOptions) =>
  useNamespaceSocket<SupervisorRequests, SupervisorPushes>(o && { ...o, namespace: '/supervisor' });
