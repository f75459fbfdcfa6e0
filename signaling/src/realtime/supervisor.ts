import { randomBytes } from 'node:crypto';
import { AblakError, supervisorRequests, type CallId, type ClerkId } from '@ablak/protocol';
import type { Socket } from 'socket.io';
import { officesInScope, requireInScope, scopedFilter, scopeOf } from '../auth/scope';
import type { CallRecord } from '../queue/model';
import type { RequestedClerkState } from '../store/types';
import { peerIds } from '../calls/media';
import type { AppContext } from '../context';
import { RateLimiter } from '../http/rate-limit';
import { requireRole, sessionOf, watchExpiry, type SocketData } from './auth';
import type { Board } from './board';
import { attachHandlers, defineHandlers } from './handler';
import { supervisorRecordHandlers } from '../records/handlers';

/**
 * The /supervisor namespace: the live board, forcing a clerk's state, monitoring a call; each limited
 * to the clerks within the supervisor's scope (an office, a region or the country, from the token).
 */
export function registerSupervisorNamespace(ctx: AppContext, board: Board): void {
  const nsp = ctx.io.of('/supervisor');
  const logger = ctx.logger.child({ module: 'supervisor-ns' });
  const limiter = new RateLimiter(ctx.config.socketEventsPerSecond, 1000);
  requireRole(nsp, 'supervisor', ctx.tokens);
  /** Calls each socket is monitoring, so that a stop (asked, or a disconnect) is recorded once. */
  const monitoring = new WeakMap<Socket, Map<CallId, CallRecord>>();

  async function officeOfClerk(clerkId: ClerkId): Promise<string> {
    const office = (await ctx.store.getClerk(clerkId))?.office ?? ctx.directory.staffById(clerkId)?.office;
    if (!office) throw new AblakError('UNKNOWN_CLERK', 'Unknown clerk');
    return office;
  }

  /** Every start and stop of monitoring goes to the audit record (who, which call, when). */
  function auditMonitor(supervisor: string, call: CallRecord, what: 'started' | 'stopped'): void {
    ctx.records.audit.record({
      actorId: supervisor,
      actorRole: 'supervisor',
      action: 'call.monitored',
      reason: 'quality monitoring',
      subject: what,
      callId: call.id,
      ticketId: call.ticketId,
      caseReference: call.caseReference,
    });
    logger.info({ supervisor, call: call.id, what }, 'call monitoring');
  }

  function stopMonitoring(socket: Socket, supervisor: string, callId: CallId): void {
    const calls = monitoring.get(socket);
    const call = calls?.get(callId);
    if (!calls || !call) return;
    calls.delete(callId);
    auditMonitor(supervisor, call, 'stopped');
  }

  const handlers = defineHandlers<typeof supervisorRequests, SocketData>(supervisorRequests, {
    'board:subscribe': async (filter, { socket, session }) => {
      if (filter.office && !ctx.directory.office(filter.office))
        throw new AblakError('NOT_FOUND', 'Unknown office');
      const scope = scopeOf(session.session);
      const snapshot = await board.subscribe(socket, scopedFilter(scope, filter, ctx.directory));
      return {
        snapshot,
        queueDefs: [...ctx.catalogue.queues.values()],
        offices: officesInScope(scope, ctx.directory),
      };
    },
    'clerk:force-state': async ({ clerkId, state, reason }, { session, now }) => {
      if (!(await ctx.store.getClerk(clerkId))) throw new AblakError('UNKNOWN_CLERK', 'Unknown clerk');
      requireInScope(scopeOf(session.session), await officeOfClerk(clerkId), ctx.directory);
      const requested: RequestedClerkState =
        state === 'away' ? { state: 'away', reason: reason ?? 'supervisor' } : { state };
      const clerk = await ctx.store.setClerkState(clerkId, requested, now);
      logger.info({ supervisor: session.session.sub, clerk: clerkId, state }, 'clerk state forced');
      if (clerk.state === 'available') ctx.matcher.kick();
      return { clerk };
    },
    'call:monitor': async ({ callId }, { socket, session, now }) => {
      const call = await ctx.store.getCall(callId);
      if (!call || call.endedAt !== null) throw new AblakError('CALL_NOT_FOUND', 'No such active call');
      requireInScope(scopeOf(session.session), await officeOfClerk(call.clerkId), ctx.directory);
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
      let calls = monitoring.get(socket);
      if (!calls) monitoring.set(socket, (calls = new Map()));
      if (!calls.has(call.id)) {
        calls.set(call.id, call);
        auditMonitor(session.session.sub, call, 'started');
      }
      return { media };
    },
    'call:monitor-stop': async ({ callId }, { socket, session }) => {
      stopMonitoring(socket, session.session.sub, callId);
      return {};
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
    socket.on('disconnect', () => {
      limiter.forget(socket.id);
      const supervisor = sessionOf(socket).session.sub;
      for (const callId of [...(monitoring.get(socket)?.keys() ?? [])]) stopMonitoring(socket, supervisor, callId);
    });
  });
}
