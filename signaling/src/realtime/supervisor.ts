import { randomBytes } from 'node:crypto';
import { AblakError, supervisorRequests } from '@ablak/protocol';
import type { RequestedClerkState } from '../store/types';
import { peerIds } from '../calls/media';
import type { AppContext } from '../context';
import { RateLimiter } from '../http/rate-limit';
import { requireRole, sessionOf, watchExpiry, type SocketData } from './auth';
import type { Board } from './board';
import { attachHandlers, defineHandlers } from './handler';
import { supervisorRecordHandlers } from '../records/handlers';

/** The /supervisor namespace: the live board, forcing a clerk's state, monitoring a call. */
export function registerSupervisorNamespace(ctx: AppContext, board: Board): void {
  const nsp = ctx.io.of('/supervisor');
  const logger = ctx.logger.child({ module: 'supervisor-ns' });
  const limiter = new RateLimiter(ctx.config.socketEventsPerSecond, 1000);
  requireRole(nsp, 'supervisor', ctx.tokens);

  const handlers = defineHandlers<typeof supervisorRequests, SocketData>(supervisorRequests, {
    'board:subscribe': async (filter, { socket }) => {
      if (filter.office && !ctx.directory.office(filter.office))
        throw new AblakError('NOT_FOUND', 'Unknown office');
      const snapshot = await board.subscribe(socket, filter);
      return {
        snapshot,
        queueDefs: [...ctx.catalogue.queues.values()],
        offices: [...ctx.directory.offices],
      };
    },
    'clerk:force-state': async ({ clerkId, state, reason }, { session, now }) => {
      if (!(await ctx.store.getClerk(clerkId))) throw new AblakError('UNKNOWN_CLERK', 'Unknown clerk');
      const requested: RequestedClerkState =
        state === 'away' ? { state: 'away', reason: reason ?? 'supervisor' } : { state };
      const clerk = await ctx.store.setClerkState(clerkId, requested, now);
      logger.info({ supervisor: session.session.sub, clerk: clerkId, state }, 'clerk state forced');
      if (clerk.state === 'available') ctx.matcher.kick();
      return { clerk };
    },
    'call:monitor': async ({ callId }, { session, now }) => {
      const call = await ctx.store.getCall(callId);
      if (!call || call.endedAt !== null) throw new AblakError('CALL_NOT_FOUND', 'No such active call');
      const media = await ctx.media.access(
        call.room,
        {
          peer: peerIds.supervisor(session.session.sub, randomBytes(4).toString('hex')),
          name: session.session.name || 'supervisor',
          role: 'supervisor',
          hidden: true,
        },
        now,
      );
      logger.info({ supervisor: session.session.sub, call: callId }, 'call monitored');
      ctx.records.audit.record({
        actorId: session.session.sub,
        actorRole: 'supervisor',
        action: 'call.monitored',
        reason: 'quality monitoring',
        callId: call.id,
        ticketId: call.ticketId,
        caseReference: call.caseReference,
      });
      return { media };
    },
    ...supervisorRecordHandlers<SocketData>(ctx.records, (s) => s.session.sub),
  });

  nsp.on('connection', (socket) => {
    watchExpiry(socket, logger);
    attachHandlers(socket, sessionOf(socket), handlers, {
      limiter,
      logger,
      metrics: ctx.metrics,
      namespace: 'supervisor',
    });
    socket.on('disconnect', () => limiter.forget(socket.id));
  });
}
