import { AblakError, HandshakeAuth, PROTOCOL_VERSION, type Role } from '@ablak/protocol';
import type { Namespace, Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { Session, TokenService } from '../auth/tokens';

export interface SocketData {
  session: Session;
  resumeSecret: string | undefined;
}

/** Error whose `data` reaches the client in `connect_error` (Socket.IO puts it there). */
function refuse(
  code: 'UNAUTHORIZED' | 'FORBIDDEN' | 'PROTOCOL_VERSION' | 'BAD_REQUEST',
  message: string,
): Error {
  const error = new Error(message) as Error & { data: { code: string; message: string } };
  error.data = { code, message };
  return error;
}

/** Namespace middleware: handshake auth parsed, protocol version checked, token verified, role checked. */
export function requireRole(namespace: Namespace, role: Role, tokens: TokenService): void {
  namespace.use((socket, next) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth);
    if (!auth.success)
      return next(refuse('BAD_REQUEST', 'Handshake auth must carry token and protocolVersion'));
    if (auth.data.protocolVersion !== PROTOCOL_VERSION) {
      return next(refuse('PROTOCOL_VERSION', `Server speaks protocol ${PROTOCOL_VERSION}`));
    }
    let session: Session;
    try {
      session = tokens.verifySession(auth.data.token);
    } catch (error) {
      return next(refuse('UNAUTHORIZED', error instanceof AblakError ? error.message : 'Invalid token'));
    }
    if (session.role !== role) return next(refuse('FORBIDDEN', `This namespace is for ${role}s`));
    if (role === 'citizen' && !session.ticket)
      return next(refuse('UNAUTHORIZED', 'Citizen token without a ticket'));
    const data: SocketData = { session, resumeSecret: auth.data.resumeSecret };
    socket.data = data;
    next();
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
