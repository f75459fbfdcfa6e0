import { randomUUID } from 'node:crypto';
import type { ClerkId, TicketId } from '@ablak/protocol';
import {
  AblakError,
  OfferOutcome,
  clerkRequests,
  type CallId,
  type CallNote,
  type ChatMessage,
} from '@ablak/protocol';
import { z } from 'zod';
import { chatHistory, recordChat } from '../calls/chat';
import { peerIds, satelliteRoom, standbyRoom } from '../calls/media';
import { callSummary, offerView } from '../calls/views';
import { rooms, type AppContext } from '../context';
import { colleaguesOf } from '../directory/colleagues';
import { RateLimiter } from '../http/rate-limit';
import type { StaffRecord } from '../directory/types';
import type { AfterWrapUp } from '../store/types';
import { clerkRecordHandlers } from '../records/handlers';
import { contextCalls, noteTransferredLeg } from '../records/legs';
import { requireRole, sessionOf, watchExpiry } from './auth';
import { attachHandlers, defineHandlers } from './handler';
import { pushCitizen, pushClerk } from './push';

// Entries of `notes:<callId>` in the KV: call:note writes { at, text }, wrapup:done adds the outcome.
const StoredNote = z.object({
  at: z.number(),
  text: z.string(),
  outcome: OfferOutcome.nullable().optional(),
});

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

/** A clerk whose consoles are all gone for this long is signed off (unless in a call). */
const OFFLINE_GRACE_MS = 15_000;
const NOTE_MAX_ENTRIES = 200;

interface ClerkSession {
  clerkId: ClerkId;
  staff: StaffRecord;
}

/** The /clerk namespace: state, offers, the call (chat, notes, case, transfer, end), wrap-up. */
export function registerClerkNamespace(ctx: AppContext): { close(): void } {
  const nsp = ctx.io.of('/clerk');
  const logger = ctx.logger.child({ module: 'clerk-ns' });
  const limiter = new RateLimiter(ctx.config.socketEventsPerSecond, 1000);
  const offlineTimers = new Map<string, NodeJS.Timeout>();
  const retentionSeconds = ctx.config.documentRetentionHours * 3600;
  requireRole(nsp, 'clerk', ctx.tokens);
  // The store learns the clerk's profile before any handler can run (its state is kept if known).
  nsp.use((socket, next) => {
    const staff = ctx.directory.staffById(sessionOf(socket).session.sub);
    if (!staff || staff.role !== 'clerk')
      return next(
        Object.assign(new Error('Unknown clerk'), {
          data: { code: 'UNKNOWN_CLERK', message: 'Unknown clerk' },
        }),
      );
    const { id, displayName, office, skills, languages, accessibility } = staff;
    ctx.store.registerClerk({ id, displayName, office, skills, languages, accessibility }, Date.now()).then(
      () => next(),
      (error: unknown) => {
        logger.error({ err: error, clerk: id }, 'clerk registration failed');
        next(
          Object.assign(new Error('Unavailable'), { data: { code: 'UNAVAILABLE', message: 'Try again' } }),
        );
      },
    );
  });

  /** The clerk's current offer when it is for `ticketId` and still open; OFFER_NOT_YOURS otherwise. */
  async function offeredNow(session: ClerkSession, ticketId: TicketId, now: number) {
    const offer = await ctx.store.currentOffer(session.clerkId);
    if (!offer || offer.ticket.id !== ticketId || offer.deadline <= now) {
      throw new AblakError('OFFER_NOT_YOURS', 'That ticket is not offered to you now');
    }
    return offer;
  }

  async function myCall(session: ClerkSession, callId: CallId, { open = true } = {}) {
    const call = await ctx.store.getCall(callId);
    if (!call) throw new AblakError('CALL_NOT_FOUND', 'Call not found');
    if (call.clerkId !== session.clerkId) throw new AblakError('FORBIDDEN', 'Not your call');
    if (open && call.endedAt !== null) throw new AblakError('CONFLICT', 'The call has ended');
    return call;
  }

  const handlers = defineHandlers<typeof clerkRequests, ClerkSession>(clerkRequests, {
    'clerk:hello': async (_p, { session }) => {
      const clerk = await ctx.store.getClerk(session.clerkId);
      if (!clerk) throw new AblakError('UNKNOWN_CLERK', 'Clerk is not registered');
      const offer = await ctx.store.currentOffer(session.clerkId);
      const call = clerk.currentCall ? await ctx.store.getCall(clerk.currentCall) : null;
      return {
        clerk,
        offer: offer ? offerView(offer, ctx.catalogue) : null,
        call: call && call.endedAt === null ? callSummary(call) : null,
      };
    },
    'clerk:set-state': async (requested, { session, now }) => {
      const clerk = await ctx.store.setClerkState(session.clerkId, requested, now);
      if (clerk.state === 'available') ctx.matcher.kick();
      return { clerk };
    },
    'offer:accept': async ({ ticketId }, { session, now }) => {
      const call = await ctx.store.accept(session.clerkId, ticketId, now);
      ctx.metrics.offers.inc({ outcome: 'accepted' });
      ctx.metrics.calls.inc({ event: 'started' });
      // A call not placed yet (the citizen waited without media) goes where the clerk's warm session is.
      const standbyNode = await ctx.media.placedNode(standbyRoom(session.clerkId));
      // A transferred contact's case reference is carried to the new call just after it starts; the
      // clerk who takes it sees the reference from the first moment (a live-store read beside the grant).
      const [media, caseReference] = await Promise.all([
        ctx.media.access(
          call.room,
          { peer: peerIds.clerk(session.clerkId), name: session.staff.displayName, role: 'clerk' },
          now,
          standbyNode,
        ),
        call.caseReference ?? ctx.records.caseReferenceOf(call.ticketId),
      ]);
      return { call: { ...callSummary(call), caseReference }, media };
    },
    'offer:prepare-media': async ({ ticketId }, { session, now }) => {
      const offer = await offeredNow(session, ticketId, now);
      // Placed as accept would place it: where the citizen waits, else where the clerk's warm session is.
      const standbyNode = await ctx.media.placedNode(standbyRoom(session.clerkId));
      const media = await ctx.media.access(
        offer.ticket.room,
        { peer: peerIds.clerk(session.clerkId), name: session.staff.displayName, role: 'clerk', prepare: true },
        now,
        standbyNode,
        Math.ceil((offer.deadline - now) / 1000) + 5,
      );
      return { media };
    },
    'clerk:standby-media': async ({ near }, { session, now }) => {
      const peer = { peer: peerIds.clerk(session.clerkId), name: session.staff.displayName, role: 'clerk' as const };
      if (near === undefined) return { media: await ctx.media.access(standbyRoom(session.clerkId), peer, now) };
      // A satellite standby room on the node of the offered call (placed as accept would place it).
      const offer = await offeredNow(session, near, now);
      const standbyNode = await ctx.media.placedNode(standbyRoom(session.clerkId));
      const node = await ctx.media.place(offer.ticket.room, now, standbyNode);
      return { media: await ctx.media.access(satelliteRoom(session.clerkId, node.id), peer, now, node.id) };
    },
    'offer:decline': async ({ ticketId }, { session, now }) => {
      await ctx.store.decline(session.clerkId, ticketId, now);
      ctx.metrics.offers.inc({ outcome: 'declined' });
      ctx.matcher.kick();
      return {};
    },
    'clerk:colleagues': async (_p, { session }) => ({
      colleagues: colleaguesOf(session.staff, ctx.directory, await ctx.store.clerkViews()),
    }),
    'call:media': async ({ callId }, { session, now }) => {
      const call = await myCall(session, callId);
      const media = await ctx.media.access(
        call.room,
        { peer: peerIds.clerk(session.clerkId), name: session.staff.displayName, role: 'clerk' },
        now,
      );
      return { media };
    },
    'chat:send': async ({ callId, text }, { socket, session, now }) => {
      const call = await myCall(session, callId);
      const message: ChatMessage = {
        id: randomUUID(),
        callId: call.id,
        from: 'clerk',
        fromName: call.clerkName,
        text,
        sentAt: now,
      };
      await recordChat(ctx.kv, message, retentionSeconds);
      ctx.records.chatSent(message, call.ticketId);
      pushCitizen(ctx.io.of('/citizen').to(rooms.ticket(call.ticketId)), 'chat:received', message);
      pushClerk(socket.to(rooms.clerk(session.clerkId)), 'chat:received', message);
      return { message };
    },
    'chat:history': async ({ callId }, { session }) => {
      const call = await myCall(session, callId, { open: false });
      const messages: ChatMessage[] = [];
      for (const id of await contextCalls(ctx.kv, call.ticketId, call.id)) messages.push(...(await chatHistory(ctx.kv, id)));
      if (messages.length > 0)
        ctx.records.audit.record({ actorId: session.clerkId, actorRole: 'clerk', action: 'chat.read', reason: 'in call', callId: call.id, ticketId: call.ticketId, caseReference: call.caseReference, subject: `${messages.length} messages` });
      return { messages };
    },
    'call:note': async ({ callId, text }, { session, now }) => {
      const call = await myCall(session, callId, { open: false });
      await ctx.kv.push(
        `notes:${call.id}`,
        JSON.stringify({ at: now, text }),
        retentionSeconds,
        NOTE_MAX_ENTRIES,
      );
      ctx.records.noteAdded({ ticketId: call.ticketId, callId: call.id, clerkId: session.clerkId, text, outcome: null, at: now });
      return {};
    },
    'call:notes': async ({ callId }, { session }) => {
      const call = await myCall(session, callId, { open: false });
      const notes: CallNote[] = [];
      for (const id of await contextCalls(ctx.kv, call.ticketId, call.id)) {
        for (const raw of await ctx.kv.list(`notes:${id}`)) {
          const entry = StoredNote.safeParse(safeJson(raw));
          if (entry.success)
            notes.push({ at: entry.data.at, text: entry.data.text, outcome: entry.data.outcome ?? null });
        }
      }
      if (notes.length > 0)
        ctx.records.audit.record({ actorId: session.clerkId, actorRole: 'clerk', action: 'notes.read', reason: 'in call', callId: call.id, ticketId: call.ticketId, caseReference: call.caseReference, subject: `${notes.length} notes` });
      return { notes };
    },
    'case:open': async ({ callId }, { session, now }) => {
      const call = await myCall(session, callId, { open: false });
      const caseReference = await ctx.records.openCase(call, session.staff.office, now);
      pushCitizen(ctx.io.of('/citizen').to(rooms.ticket(call.ticketId)), 'case:opened', {
        callId: call.id,
        caseReference,
      });
      return { caseReference };
    },
    'call:transfer': async ({ callId, target, note }, { session, now }) => {
      const call = await myCall(session, callId);
      await ctx.store.transfer(callId, target, note, now);
      await noteTransferredLeg(ctx.kv, call.ticketId, call.id, retentionSeconds);
      ctx.metrics.calls.inc({ event: 'ended' });
      ctx.matcher.kick();
      return {};
    },
    'call:end': async ({ callId }, { session, now }) => {
      await myCall(session, callId);
      const result = await ctx.store.endCall(callId, 'clerk_ended', now);
      ctx.metrics.calls.inc({ event: 'ended' });
      await ctx.kv.set(`last-call:${session.clerkId}`, result.call.id, retentionSeconds);
      return { wrapUpUntil: result.wrapUpUntil };
    },
    'wrapup:done': async ({ outcome, notes, next }, { session, now }) => {
      // "Done, taking a break": away for a break, as the button says.
      const after: AfterWrapUp = next === 'away' ? { state: 'away', reason: 'break' } : { state: next };
      const clerk = await ctx.store.wrapUpDone(session.clerkId, after, now);
      const lastCall = await ctx.kv.get(`last-call:${session.clerkId}`);
      if (lastCall && (outcome || notes)) {
        const entry = JSON.stringify({ at: now, outcome: outcome ?? null, text: notes ?? '' });
        await ctx.kv.push(`notes:${lastCall}`, entry, retentionSeconds, NOTE_MAX_ENTRIES);
        const call = await ctx.store.getCall(lastCall as CallId);
        if (call)
          ctx.records.noteAdded({ ticketId: call.ticketId, callId: call.id, clerkId: session.clerkId, text: notes ?? '', outcome: outcome ?? null, at: now });
      }
      if (clerk.state === 'available') ctx.matcher.kick();
      return { clerk };
    },
    ...clerkRecordHandlers<ClerkSession>(ctx.records, (s) => s.clerkId),
  });

  nsp.on('connection', (socket) => {
    const { session } = sessionOf(socket);
    const staff = ctx.directory.staffById(session.sub);
    if (!staff || staff.role !== 'clerk') {
      socket.disconnect(true);
      return;
    }
    const clerk: ClerkSession = { clerkId: staff.id, staff };
    const pending = offlineTimers.get(staff.id);
    if (pending) clearTimeout(pending);
    offlineTimers.delete(staff.id);
    watchExpiry(socket, logger);
    attachHandlers(socket, clerk, handlers, { limiter, logger, metrics: ctx.metrics, namespace: 'clerk' });
    void socket.join(rooms.clerk(staff.id));
    socket.on('disconnect', () => {
      limiter.forget(socket.id);
      scheduleOffline(staff.id);
    });
  });

  function scheduleOffline(clerkId: ClerkId): void {
    const existing = offlineTimers.get(clerkId);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      offlineTimers.delete(clerkId);
      void signOffIfGone(clerkId);
    }, OFFLINE_GRACE_MS);
    timer.unref();
    offlineTimers.set(clerkId, timer);
  }

  async function signOffIfGone(clerkId: ClerkId): Promise<void> {
    try {
      if ((await nsp.in(rooms.clerk(clerkId)).fetchSockets()).length > 0) return;
      const view = await ctx.store.getClerk(clerkId);
      if (view && (view.state === 'available' || view.state === 'away')) {
        await ctx.store.setClerkState(clerkId, { state: 'offline' }, Date.now());
        logger.info({ clerk: clerkId }, 'clerk signed off after console left');
      }
    } catch (error) {
      if (!(error instanceof AblakError)) logger.error({ err: error, clerk: clerkId }, 'sign-off failed');
    }
  }

  return {
    close() {
      for (const t of offlineTimers.values()) clearTimeout(t);
      offlineTimers.clear();
    },
  };
}
