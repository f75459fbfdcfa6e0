import { randomUUID } from 'node:crypto';
import {
  AblakError,
  citizenRequests,
  TicketId,
  type ChatMessage,
  type QueueId,
  type QueuePosition,
} from '@ablak/protocol';
import type { Socket } from 'socket.io';
import { resumeVerifier } from '../auth/secrets';
import { chatHistory, recordChat } from '../calls/chat';
import { peerIds } from '../calls/media';
import { rooms, type AppContext } from '../context';
import { RateLimiter } from '../http/rate-limit';
import { contextCalls } from '../records/legs';
import type { TicketRecord } from '../store/types';
import { requireRole, sessionOf, watchExpiry, type SocketData } from './auth';
import { attachHandlers, defineHandlers } from './handler';
import { pushCitizen, pushClerk } from './push';

const CLOSED = new Set(['ended', 'abandoned', 'expired']);

interface CitizenSession {
  ticketId: TicketId;
  name: string;
}

/** Told each place a `queue:join` ack gives a citizen (the runner then skips pushing it again). */
export type PlaceTold = (queue: QueueId, position: QueuePosition) => void;

/** The /citizen namespace: a citizen holding a ticket token waits, is matched, talks, rates. */
export function registerCitizenNamespace(ctx: AppContext, onPlaceTold?: PlaceTold): void {
  const nsp = ctx.io.of('/citizen');
  const logger = ctx.logger.child({ module: 'citizen-ns' });
  const limiter = new RateLimiter(ctx.config.socketEventsPerSecond, 1000);
  requireRole(nsp, 'citizen', ctx.tokens);

  async function ticketOf(session: CitizenSession): Promise<TicketRecord> {
    const ticket = await ctx.store.getTicket(session.ticketId);
    if (!ticket) throw new AblakError('TICKET_NOT_FOUND', 'Ticket not found');
    return ticket;
  }

  async function activeCall(session: CitizenSession) {
    const ticket = await ticketOf(session);
    if (!ticket.callId) throw new AblakError('CONFLICT', 'Not in a call');
    const call = await ctx.store.getCall(ticket.callId);
    if (!call) throw new AblakError('CALL_NOT_FOUND', 'Call not found');
    return { ticket, call };
  }

  /** Takes the place back after a drop, if the ticket was dropped and the browser holds the secret. */
  async function resumeIfDropped(socket: Socket, ticket: TicketRecord, now: number): Promise<TicketRecord> {
    if (ticket.dropDeadline === null) return ticket;
    const secret = (socket.data as SocketData).resumeSecret;
    if (!secret) throw new AblakError('RESUME_REJECTED', 'Resume secret required to take the place back');
    const resumed = await ctx.store.resume(ticket.id, resumeVerifier(secret), now);
    ctx.matcher.kick();
    return resumed;
  }

  async function positionOf(ticket: TicketRecord, now: number): Promise<QueuePosition> {
    if (ticket.state === 'waiting' || ticket.state === 'offered') return ctx.store.position(ticket.id, now);
    return {
      ticketId: ticket.id,
      state: ticket.state,
      position: 1,
      estimatedWaitSeconds: 0,
      clerksServing: 0,
    };
  }

  const resuming = new WeakMap<Socket, Promise<void>>();

  const handlers = defineHandlers<typeof citizenRequests, CitizenSession>(citizenRequests, {
    'queue:join': async (_payload, { socket, session, now }) => {
      await resuming.get(socket);
      let ticket = await ticketOf(session);
      if (CLOSED.has(ticket.state)) throw new AblakError('TICKET_CLOSED', `Ticket is ${ticket.state}`);
      ticket = await resumeIfDropped(socket, ticket, now);
      await socket.join(rooms.ticket(ticket.id));
      (socket.data as { queue?: string }).queue = ticket.queue;
      const position = await positionOf(ticket, now);
      onPlaceTold?.(ticket.queue, position);
      const media = await ctx.media.tryAccess(
        ticket.room,
        { peer: peerIds.citizen(ticket.id), name: ticket.displayName, role: 'citizen' },
        now,
      );
      if (ticket.state === 'connected' && ticket.callId) {
        // Matched while this browser was away: tell it again, after the ack.
        const call = await ctx.store.getCall(ticket.callId);
        if (call && media)
          setImmediate(() =>
            pushCitizen(socket, 'call:matched', { callId: call.id, clerkName: call.clerkName, media }),
          );
      }
      return { position, media };
    },
    'queue:leave': async (_payload, { session, now }) => {
      await ctx.store.cancel(session.ticketId, now);
      ctx.metrics.offers.inc({ outcome: 'cancelled' });
      return {};
    },
    'chat:send': async ({ text }, { socket, session, now }) => {
      const { ticket, call } = await activeCall(session);
      if (call.endedAt !== null) throw new AblakError('CONFLICT', 'The call has ended');
      const message: ChatMessage = {
        id: randomUUID(),
        callId: call.id,
        from: 'citizen',
        fromName: ticket.displayName,
        text,
        sentAt: now,
      };
      await recordChat(ctx.kv, message, ctx.config.documentRetentionHours * 3600);
      ctx.records.chatSent(message, ticket.id);
      pushClerk(ctx.io.of('/clerk').to(rooms.clerk(call.clerkId)), 'chat:received', message);
      pushCitizen(socket.to(rooms.ticket(ticket.id)), 'chat:received', message);
      return { message };
    },
    'chat:history': async (_payload, { session }) => {
      const { call } = await activeCall(session);
      const messages: ChatMessage[] = [];
      for (const id of await contextCalls(ctx.kv, call.ticketId, call.id)) messages.push(...(await chatHistory(ctx.kv, id)));
      return { messages };
    },
    'call:end': async (_payload, { session, now }) => {
      const { call } = await activeCall(session);
      if (call.endedAt !== null) return {};
      await ctx.store.endCall(call.id, 'citizen_ended', now);
      ctx.metrics.calls.inc({ event: 'ended' });
      return {};
    },
    'call:rate': async ({ rating, comment }, { session, now }) => {
      const { call } = await activeCall(session);
      const rated = await ctx.store.rateCall(call.id, rating, comment ?? null, now);
      ctx.records.rated(rated, rating, comment ?? null, now);
      return {};
    },
  });

  nsp.on('connection', (socket) => {
    const { session } = sessionOf(socket);
    const citizen: CitizenSession = { ticketId: TicketId.parse(session.ticket), name: session.name };
    watchExpiry(socket, logger);
    attachHandlers(socket, citizen, handlers, {
      limiter,
      logger,
      metrics: ctx.metrics,
      namespace: 'citizen',
    });
    void socket.join(rooms.ticket(citizen.ticketId));
    // Back after a drop (a reload, or a recovered connection): take the place back at once, so the
    // ticket is matchable again even before the app asks `queue:join`.
    if (sessionOf(socket).resumeSecret) resuming.set(socket, autoResume(socket, citizen));
    socket.on('disconnect', (reason) => {
      limiter.forget(socket.id);
      // A node shutting down is not the citizen leaving: they reconnect to another node and resume.
      if (reason === 'server shutting down' || reason === 'server namespace disconnect') return;
      void onDisconnect(citizen);
    });
  });

  async function autoResume(socket: Socket, citizen: CitizenSession): Promise<void> {
    try {
      const ticket = await ctx.store.getTicket(citizen.ticketId);
      if (ticket && ticket.dropDeadline !== null && !CLOSED.has(ticket.state))
        await resumeIfDropped(socket, ticket, Date.now());
    } catch (error) {
      if (!(error instanceof AblakError))
        logger.error({ err: error, ticket: citizen.ticketId }, 'auto-resume failed');
    }
  }

  /** The last socket of a waiting ticket went away (on any node): the ticket keeps its place for the grace. */
  async function onDisconnect(citizen: CitizenSession): Promise<void> {
    try {
      const others = await nsp.in(rooms.ticket(citizen.ticketId)).fetchSockets();
      if (others.length > 0) return;
      const ticket = await ctx.store.getTicket(citizen.ticketId);
      if (!ticket || ticket.dropDeadline !== null) return;
      if (ticket.state === 'waiting' || ticket.state === 'offered')
        await ctx.store.drop(ticket.id, Date.now());
    } catch (error) {
      if (!(error instanceof AblakError))
        logger.error({ err: error, ticket: citizen.ticketId }, 'drop failed');
    }
  }
}
