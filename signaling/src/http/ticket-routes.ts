import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import {
  AblakError,
  CreateAppointmentRequest,
  CheckInRequest,
  ConfirmAppointmentRequest,
  CreateTicketRequest,
  TicketId,
  ok,
  type AppointmentStatus,
  type CreateTicketResponse,
  type Language,
  type AccessibilityNeed,
  type CaseTypeCode,
} from '@ablak/protocol';
import { z } from 'zod';
import type { Appointments } from '../appointments/appointments';
import { resumeVerifier } from '../auth/secrets';
import { peerIds } from '../calls/media';
import type { AppContext } from '../context';
import { SharedRateLimiter } from './rate-limit';
import { bearer, clientIp, parse } from './validate';

/** POST /api/tickets, POST /api/appointments, GET /api/appointments/:code, …/:code/confirm, …/:code/check-in. */
export function ticketRoutes(ctx: AppContext, appointments: Appointments): Router {
  const router = Router();
  const limiter = new SharedRateLimiter(ctx.kv, 'tickets', ctx.config.ticketsPerIpPerMinute, 60_000);
  const logger = ctx.logger.child({ module: 'tickets' });

  async function createTicket(input: {
    displayName: string;
    caseType: CaseTypeCode;
    language: Language;
    accessibility: AccessibilityNeed[];
    appointment: boolean;
  }): Promise<CreateTicketResponse> {
    ctx.catalogue.caseType(input.caseType); // UNKNOWN_CASE_TYPE before anything is written
    const now = Date.now();
    const id = TicketId.parse(`t-${randomBytes(9).toString('base64url')}`);
    const resumeSecret = randomBytes(24).toString('base64url');
    const ticket = await ctx.store.enqueue(
      // the store keeps only the secret's hash; the browser keeps the secret
      { id, ...input, accessibility: [...new Set(input.accessibility)], resumeSecret: resumeVerifier(resumeSecret) },
      now,
    );
    // Pre-warm: place the ticket's room now so the citizen's media session opens while waiting.
    // Only a head start: the ticket is taken, so a store that went away just now does not undo it.
    await ctx.media
      .tryAccess(ticket.room, { peer: peerIds.citizen(ticket.id), name: ticket.displayName, role: 'citizen' }, now)
      .catch((error: unknown) => {
        if (!(error instanceof AblakError && error.code === 'UNAVAILABLE')) throw error;
        logger.warn({ ticket: ticket.id }, 'room pre-warm skipped: store unavailable');
      });
    const { token, expiresAt } = ctx.tokens.signSession({
      sub: ticket.id,
      role: 'citizen',
      ticket: ticket.id,
      name: ticket.displayName,
    });
    ctx.matcher.kick();
    logger.info({ ticket: ticket.id, queue: ticket.queue, priority: ticket.priority }, 'ticket created');
    return { ticketId: ticket.id, citizenToken: token, resumeSecret, expiresAt };
  }

  router.post('/tickets', async (req, res) => {
    await limiter.check(clientIp(req));
    const body = parse(CreateTicketRequest, req.body);
    let appointment = false;
    if (body.appointmentCode) {
      const booked = await appointments.checkIn(body.appointmentCode, Date.now(), body.caseType);
      appointment = booked.priority;
    }
    res.status(201).json(ok(await createTicket({ ...body, appointment })));
  });

  /** Anyone may book; a staff member's bearer token makes it a staff booking (it ranks ahead). */
  router.post('/appointments', async (req, res) => {
    await limiter.check(clientIp(req));
    const staff = req.get('authorization') ? await bearer(req, ctx.tokens) : undefined;
    if (staff && staff.role === 'citizen') throw new AblakError('FORBIDDEN', 'Citizens book without a token');
    const body = parse(CreateAppointmentRequest, req.body);
    ctx.catalogue.caseType(body.caseType);
    res.status(201).json(ok(await appointments.book(body, Date.now(), staff?.sub)));
  });

  router.post('/appointments/:code/confirm', async (req, res) => {
    await limiter.check(clientIp(req));
    const code = parse(z.string().regex(/^[A-Za-z0-9]{4,32}$/), req.params.code);
    const body = parse(ConfirmAppointmentRequest, req.body);
    res.json(ok(await appointments.confirm(code, body.confirmationCode, Date.now())));
  });

  router.get('/appointments/:code', async (req, res) => {
    await limiter.check(clientIp(req));
    const code = parse(z.string().regex(/^[A-Za-z0-9]{4,32}$/), req.params.code);
    const { caseType, slotStart, status } = await appointments.status(code, Date.now());
    const answer: AppointmentStatus = { matter: ctx.catalogue.caseType(caseType), slotStart, status };
    res.json(ok(answer));
  });

  router.post('/appointments/:code/check-in', async (req, res) => {
    await limiter.check(clientIp(req));
    const code = parse(z.string().regex(/^[A-Za-z0-9]{4,32}$/), req.params.code);
    const body = parse(CheckInRequest, req.body);
    const booked = await appointments.checkIn(code, Date.now());
    const ticket = await createTicket({
      displayName: body.displayName ?? booked.displayName,
      caseType: booked.caseType,
      language: booked.language,
      accessibility: [],
      appointment: booked.priority,
    });
    res.status(201).json(ok(ticket));
  });

  return router;
}
