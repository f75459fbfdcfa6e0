import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import {
  AblakError,
  HandshakeAuth,
  PROTOCOL_VERSION,
  RoomId,
  type AppErrorPayload,
  type ErrorCode,
  type IceServer,
  type MediaGrantClaims,
} from '@ablak/protocol';
import { defineHandler, dispatch, type MediaHandler } from './handler';
import { readMediaGrant, type VerifiedGrant } from './grant';
import { GrantLife } from './grant-life';
import { Peer, type PushFn } from './peer';
import { ProbeSessions, clientAddress } from './probe-sessions';
import { TokenBucket } from './rate-limit';
import type { Room } from './room';

export const MEDIA_NAMESPACE = '/media';

/** What the namespace needs from its node; it never sees the worker pool. */
export interface MediaNamespaceDeps {
  readonly logger: Logger;
  readonly grantSecret: string;
  readonly rateLimit: { readonly burst: number; readonly perSecond: number };
  /** Network-probe connections one client address may hold at once. */
  readonly probesPerAddress: number;
  /** Proxies in front that append to X-Forwarded-For (0: the socket's address is the client's). */
  readonly trustProxyHops: number;
  readonly draining: () => boolean;
  /** The room's call ended: its grants are refused (signaling revoked it). */
  readonly revoked: (room: RoomId) => boolean;
  /** The room, opened on the least-loaded worker when it does not exist yet. */
  readonly openRoom: (id: RoomId) => Promise<Room>;
  readonly iceServers: (peer: string) => IceServer[];
  readonly onPeer: (peer: Peer) => void;
  readonly onResult?: (event: string, code: string) => void;
}

/** Consecutive refused requests after which a flooding socket is disconnected. */
const FLOOD_DISCONNECT_AFTER = 200;

function connectError(code: ErrorCode, message: string): Error & { data: AppErrorPayload } {
  return Object.assign(new Error(message), { data: { code, message } });
}

/** Registers `/media` on `io`: handshake with a media grant, then one handler per request. */
export function attachMediaNamespace(io: Server, deps: MediaNamespaceDeps): Namespace {
  const ns = io.of(MEDIA_NAMESPACE);
  const logger = deps.logger.child({ module: 'media-namespace' });
  const probes = new ProbeSessions(deps.probesPerAddress);
  ns.use((socket, next) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth);
    if (!auth.success) return next(connectError('UNAUTHORIZED', 'a media grant is required'));
    if (auth.data.protocolVersion !== PROTOCOL_VERSION) {
      return next(connectError('PROTOCOL_VERSION', `this SFU speaks protocol ${PROTOCOL_VERSION}`));
    }
    if (deps.draining()) return next(connectError('UNAVAILABLE', 'this SFU node is draining'));
    const roomQuery = socket.handshake.query['room'];
    const room = typeof roomQuery === 'string' ? RoomId.safeParse(roomQuery) : undefined;
    if (room && !room.success) return next(connectError('BAD_REQUEST', 'malformed room'));
    try {
      const grant = readMediaGrant(auth.data.token, { secret: deps.grantSecret, room: room?.data });
      if (grant.claims.prepare) return next(connectError('GRANT_INVALID', 'a prepare grant cannot connect'));
      if (deps.revoked(grant.claims.room)) return next(connectError('GRANT_INVALID', 'media grant refused: its call has ended'));
      if (grant.claims.probe && !probes.admit(clientAddress(socket, deps.trustProxyHops), socket)) {
        logger.info('probe refused: too many from one address');
        return next(connectError('RATE_LIMITED', 'too many network checks from this address at once'));
      }
      (socket.data as { grant?: VerifiedGrant }).grant = grant;
      next();
    } catch (error) {
      const message = error instanceof AblakError ? error.message : 'media grant refused';
      logger.info({ reason: message }, 'handshake refused');
      next(connectError('GRANT_INVALID', message));
    }
  });
  ns.on('connection', (socket) => onConnection(socket, deps, logger));
  return ns;
}

/** A grant for this connection's peer, checked as every grant after the handshake is. */
function grantFor(peer: Peer, token: string, deps: MediaNamespaceDeps): VerifiedGrant {
  let grant: VerifiedGrant;
  try {
    grant = readMediaGrant(token, { secret: deps.grantSecret });
  } catch (error) {
    throw error instanceof AblakError ? new AblakError('GRANT_INVALID', error.message) : error;
  }
  const next = grant.claims;
  if (next.peer !== peer.id || next.role !== peer.claims.role || next.hidden !== peer.claims.hidden) {
    throw new AblakError('FORBIDDEN', 'that grant is for another peer');
  }
  if (next.probe || peer.claims.probe) throw new AblakError('FORBIDDEN', 'a network probe only connects and publishes');
  if (deps.revoked(next.room)) throw new AblakError('GRANT_INVALID', 'media grant refused: its call has ended');
  return grant;
}

function onConnection(socket: Socket, deps: MediaNamespaceDeps, parentLogger: Logger): void {
  const grant = (socket.data as { grant: VerifiedGrant }).grant;
  const claims = grant.claims;
  const logger = parentLogger.child({ room: claims.room, peer: claims.peer, socket: socket.id });
  // Straight to this socket. With connection-state recovery on (signaling's server, which an embedded
  // node shares), `socket.emit` goes through the adapter: in a fleet a Redis round trip per push, and a
  // last push before a disconnect (`media:room-closed`) never arrives. A media push is worth nothing
  // after a reconnect anyway: the client joins again.
  const direct = socket.nsp.local.to(socket.id);
  const push: PushFn = (event, payload) => {
    direct.emit(event, payload);
  };
  const peer = new Peer(claims, push, logger);
  /** The grant of the handshake: a warm peer returns to its room when a call it switched into ends. */
  let ownClaims = claims;
  let room: Room | undefined;
  deps.onPeer(peer);
  // What a grant allows ends at its expiry: the connection's own grant closes the connection, the grant
  // of a room the peer switched into takes it out of that room (back to its own). A fresh grant
  // (`media:refresh-grant`) pushes the end back; the client hears `media:grant-expiring` first.
  const ownLife = new GrantLife(
    (expiresAt) => peer.notify('media:grant-expiring', { room: ownClaims.room, expiresAt }),
    () => {
      logger.info('grant expired: connection closed');
      peer.notify('media:room-closed', { reason: 'grant-expired' });
      peer.close();
    },
  );
  const callLife = new GrantLife(
    (expiresAt) => peer.notify('media:grant-expiring', { room: peer.claims.room, expiresAt }),
    () => {
      const current = room;
      if (!current || current.id === ownClaims.room) return;
      logger.info({ room: current.id }, 'grant of the switched-in room expired: left it');
      current.leave(peer);
      peer.leftRoom('grant-expired');
    },
  );
  ownLife.set(grant.expiresAt);
  peer.on('left-room', () => {
    callLife.clear();
    room = undefined;
    peer.claims = ownClaims;
    void deps
      .openRoom(ownClaims.room)
      .then((home) => {
        if (peer.closed || room !== undefined) return;
        room = home;
        return home.enter(peer);
      })
      .catch((error: unknown) => {
        if (!deps.revoked(ownClaims.room)) return logger.warn({ err: error }, 'could not return to the own room');
        peer.notify('media:room-closed', { reason: 'ended' });
        peer.close();
      });
  });
  peer.once('close', () => {
    ownLife.clear();
    callLife.clear();
    if (socket.connected) socket.disconnect(true);
  });
  socket.on('disconnect', (reason) => {
    logger.debug({ reason }, 'media socket disconnected');
    peer.close();
  });

  const joined = (): Room => {
    if (!room || room.closed || room.peer(peer.id) !== peer) throw new AblakError('CONFLICT', 'join the room first');
    return room;
  };

  const handlers: MediaHandler[] = [
    defineHandler('media:join', async (req) => {
      const claims = peer.claims;
      let target = await deps.openRoom(claims.room);
      const previous = target.peer(peer.id);
      if (previous && previous !== peer) {
        // Same grant from a new socket (reload, network switch): the newer connection wins.
        previous.logger.info('replaced by a newer connection');
        previous.close();
        target = await deps.openRoom(claims.room); // the room closed if the old peer was alone in it
      }
      if (room && room !== target) room.leave(peer);
      room = target;
      return target.join(
        peer,
        { ...req, rtpCapabilities: req.rtpCapabilities as types.RtpCapabilities | undefined },
        deps.iceServers(peer.id),
      );
    }),
    defineHandler('media:set-capabilities', async (req) => {
      joined();
      peer.rtpCapabilities = req.rtpCapabilities as types.RtpCapabilities;
      return {};
    }),
    defineHandler('media:connect-transport', async (req) => {
      joined();
      await peer.connectTransport(req.transportId, req.dtlsParameters as unknown as types.DtlsParameters);
      return {};
    }),
    defineHandler('media:produce', async (req) => {
      joined();
      const producerId = await peer.produce({ ...req, rtpParameters: req.rtpParameters as unknown as types.RtpParameters });
      return { producerId };
    }),
    defineHandler('media:consume', async (req) => ({ consumers: await joined().consume(peer, req.producerIds) })),
    defineHandler('media:pause-producer', async (req) => {
      joined();
      await peer.setProducerPaused(req.producerId, true);
      return {};
    }),
    defineHandler('media:resume-producer', async (req) => {
      joined();
      await peer.setProducerPaused(req.producerId, false);
      return {};
    }),
    defineHandler('media:close-producer', async (req) => {
      joined();
      peer.closeProducer(req.producerId);
      return {};
    }),
    defineHandler('media:pause-consumer', async (req) => {
      joined();
      await peer.pauseConsumer(req.consumerId);
      return {};
    }),
    defineHandler('media:resume-consumer', async (req) => {
      joined();
      await peer.resumeConsumers(req.consumerIds);
      return {};
    }),
    defineHandler('media:set-preferred-layers', async (req) => {
      joined();
      await peer.setPreferredLayers(req.consumerId, req.spatialLayer, req.temporalLayer);
      return {};
    }),
    defineHandler('media:restart-ice', async (req) => {
      joined();
      return { iceParameters: await peer.restartIce(req.transportId) };
    }),
    defineHandler('media:stats', async () => {
      joined();
      const stats = await peer.stats();
      return stats as { transports: Record<string, unknown>[]; producers: Record<string, unknown>[]; consumers: Record<string, unknown>[] };
    }),
    defineHandler('media:switch-room', async (req) => {
      if (!peer.homeRouter) throw new AblakError('CONFLICT', 'join first: switching moves a connected session');
      let next: MediaGrantClaims = ownClaims;
      let expiresAt: number | undefined;
      if (req.grant !== undefined) {
        const verified = grantFor(peer, req.grant, deps);
        next = verified.claims;
        expiresAt = verified.expiresAt;
      }
      if (next.prepare) throw new AblakError('GRANT_INVALID', 'a prepare grant cannot switch rooms');
      let target = await deps.openRoom(next.room);
      if (peer.preparing && peer.preparing !== target) peer.preparing.unprepare(peer);
      const previous = target.peer(peer.id);
      if (previous && previous !== peer) {
        previous.logger.info('replaced by a switching warm session');
        previous.close();
        target = await deps.openRoom(next.room);
      }
      // Enter first: a refusal there changes nothing; then leave the room the peer was in.
      const before = peer.claims;
      peer.claims = next;
      let entered;
      try {
        entered = await target.enter(peer);
      } catch (error) {
        peer.claims = before;
        throw error;
      }
      if (room && room !== target) room.leave(peer);
      room = target;
      if (next.room === ownClaims.room || expiresAt === undefined) callLife.clear();
      else callLife.set(expiresAt);
      logger.debug({ to: next.room }, 'switched room');
      return entered;
    }),
    defineHandler('media:prepare', async (req) => {
      if (!peer.homeRouter) throw new AblakError('CONFLICT', 'join first: preparing readies a connected session');
      const next = grantFor(peer, req.grant, deps).claims;
      if (!next.prepare) throw new AblakError('GRANT_INVALID', 'not a prepare grant');
      const target = await deps.openRoom(next.room);
      if (target === room) throw new AblakError('CONFLICT', 'already in that room');
      if (peer.preparing && peer.preparing !== target) peer.preparing.unprepare(peer);
      return { consumers: await target.prepare(peer, next) };
    }),
    defineHandler('media:refresh-grant', async (req) => {
      const { claims: next, expiresAt } = grantFor(peer, req.grant, deps);
      if (next.prepare) throw new AblakError('GRANT_INVALID', 'a prepare grant cannot be refreshed');
      const current = peer.claims;
      const replaced = next.room === ownClaims.room ? ownClaims : current;
      if (next.canPublish !== replaced.canPublish || next.canSubscribe !== replaced.canSubscribe) {
        throw new AblakError('FORBIDDEN', 'a fresh grant must allow what the one in force allows');
      }
      if (next.room === ownClaims.room) {
        if (current === ownClaims) peer.claims = next;
        ownClaims = next;
        ownLife.set(expiresAt);
      } else if (room !== undefined && room.id === next.room && current.room === next.room) {
        peer.claims = next;
        callLife.set(expiresAt);
      } else {
        throw new AblakError('FORBIDDEN', 'that grant is for a room this peer is not in');
      }
      return { expiresAt };
    }),
    defineHandler('media:unprepare', async () => {
      peer.preparing?.unprepare(peer);
      return {};
    }),
    defineHandler('media:consumers-ready', async (req) => {
      await peer.markReady(req.consumerIds);
      return {};
    }),
    defineHandler('media:warm-up', async () => {
      joined();
      return { consumer: await peer.warmUpConsumer() };
    }),
    defineHandler('media:leave', async () => {
      // Closing after the ack is written: closing the peer disconnects the socket.
      setImmediate(() => peer.close());
      return {};
    }),
  ];

  const bucket = new TokenBucket(deps.rateLimit.burst, deps.rateLimit.perSecond);
  let refusedInARow = 0;
  const admit = () => {
    if (bucket.take()) {
      refusedInARow = 0;
      return true;
    }
    if (++refusedInARow === FLOOD_DISCONNECT_AFTER) {
      logger.warn('flooding socket disconnected');
      setImmediate(() => socket.disconnect(true));
    }
    return false;
  };
  for (const handler of handlers) {
    socket.on(handler.event, (...args: unknown[]) => {
      void dispatch(handler, args, { logger, admit, onResult: deps.onResult });
    });
  }
  logger.debug({ role: claims.role, hidden: claims.hidden }, 'media socket connected');
}
