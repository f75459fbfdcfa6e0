import { AblakError, HandshakeAuth, PROTOCOL_VERSION, type Role } from '@ablak/protocol';
import type { Namespace, Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { Session, TokenService } from '../auth/tokens';
import { pushClerk, pushSupervisor } from './push';

/** Every socket of one staff sign-in (refresh family), on whichever node it is. */
export const signInRoom = (fam: string) => `sign-in:${fam}`;

/**
 * A sign-in ended (signed out, or its refresh token replayed): its live sockets on every node are
 * told their session is over and disconnected (the adapter carries this across a fleet).
 */
export function closeSignIn(io: Server, fam: string): void {
  const room = signInRoom(fam);
  pushClerk(io.of('/clerk').to(room), 'session:expired', {});
  pushSupervisor(io.of('/supervisor').to(room), 'session:expired', {});
  io.of('/clerk').in(room).disconnectSockets(true);
  io.of('/supervisor').in(room).disconnectSockets(true);
}

export interface SocketData {
  session: Session;
  resumeSecret: string | undefined;
}

/** Error whose `data` reaches the client in `connect_error` (Socket.IO puts it there). */
function refuse(
  code: 'UNAUTHORIZED' | 'FORBIDDEN' | 'PROTOCOL_VERSION' | 'BAD_REQUEST' | 'UNAVAILABLE',
  message: string,
): Error {
  const error = new Error(message) as Error & { data: { code: string; message: string } };
  error.data = { code, message };
  return error;
}

/**
 * Namespace middleware: handshake auth parsed, protocol version checked, token verified (and its
 * sign-in not ended), role checked. Staff sockets join their sign-in's room (see `closeSignIn`).
 */
export function requireRole(namespace: Namespace, role: Role, tokens: TokenService): void {
  namespace.use(async (socket, next) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth);
    if (!auth.success)
      return next(refuse('BAD_REQUEST', 'Handshake auth must carry token and protocolVersion'));
    if (auth.data.protocolVersion !== PROTOCOL_VERSION) {
      return next(refuse('PROTOCOL_VERSION', `Server speaks protocol ${PROTOCOL_VERSION}`));
    }
    let session: Session;
    try {
      session = await tokens.verifySessionLive(auth.data.token);
    } catch (error) {
      if (error instanceof AblakError && error.code === 'UNAVAILABLE')
        return next(refuse('UNAVAILABLE', 'Cannot check the session now, try again'));
      return next(refuse('UNAUTHORIZED', error instanceof AblakError ? error.message : 'Invalid token'));
    }
    if (session.role !== role) return next(refuse('FORBIDDEN', `This namespace is for ${role}s`));
    if (role === 'citizen' && !session.ticket)
      return next(refuse('UNAUTHORIZED', 'Citizen token without a ticket'));
    const data: SocketData = { session, resumeSecret: auth.data.resumeSecret };
    socket.data = data;
    next();
  });
  namespace.on('connection', (socket) => {
    const { session } = sessionOf(socket);
    if (session.fam) void socket.join(signInRoom(session.fam));
    // A socket recovered after a short drop skips the middleware: its sign-in may have ended meanwhile.
    if (socket.recovered)
      tokens.checkLive(session).catch((error: unknown) => {
        if (error instanceof AblakError && error.code === 'UNAVAILABLE') return;
        pushClerk(socket, 'session:expired', {});
        socket.disconnect(true);
      });
  });
}

export function sessionOf(socket: Socket): SocketData {
  return socket.data as SocketData;
}

/** Tells the socket its token expired and disconnects it at the token's expiry. */
export function watchExpiry(socket: Socket, logger: Logger): void {
  const { session } = sessionOf(socket);
  // setTimeout caps at ~24.8 days; session tokens live far shorter.
  const delay = Math.max(0, Math.min(session.expiresAt - Date.now(), 2 ** 31 - 1));
  const timer = setTimeout(() => {
    logger.info({ socket: socket.id, role: session.role }, 'session expired');
    socket.emit('session:expired', {});
    socket.disconnect(true);
  }, delay);
  socket.once('disconnect', () => clearTimeout(timer));
}
