/**
 * Issue 17, attack 7: an anonymous, self-booked appointment jumped ahead of a citizen who came first.
 * Now a booking ranks ahead only when someone answers for it: staff made it, or the citizen confirmed
 * the code sent to their contact (sent through the ContactSender interface: here a test double that
 * keeps the code, in the product an outbox a mail/SMS gateway drains). Each booking checks in once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Appointment, CreateTicketResponse } from '@ablak/protocol';
import { CONTACT_OUTBOX_KEY, type ConfirmationMessage, type RunningSignaling } from '@ablak/signaling';
import { Fixture } from '../signaling/harness';

const CASE_TYPE = 'DRV-01'; // q-transport: c3 serves it, nobody is signed in here, so all wait

describe('appointments', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  let outboxServer: RunningSignaling;
  const sent: { to: string; message: ConfirmationMessage }[] = [];
  const slotStart = () => new Date(Date.now() + 10 * 60_000).toISOString();

  beforeAll(async () => {
    server = await fx.server({
      deps: {
        contactSender: {
          sendConfirmation: async (contact, message) => {
            sent.push({ to: contact.kind === 'email' ? contact.address : contact.number, message });
          },
        },
      },
    });
    outboxServer = await fx.server();
  });
  afterAll(() => fx.close());

  async function book(body: Record<string, unknown>, token?: string): Promise<Appointment> {
    const res = await fx.post<Appointment>(
      server.url,
      '/api/appointments',
      { caseType: CASE_TYPE, displayName: 'Nagy Éva', slotStart: slotStart(), ...body },
      token,
    );
    if (!res.body.ok) throw new Error(`booking failed: ${res.body.error.code}`);
    return res.body;
  }

  async function checkIn(code: string) {
    return fx.post<CreateTicketResponse>(server.url, `/api/appointments/${code}/check-in`, {});
  }

  async function priorityOf(ticketId: string): Promise<string | undefined> {
    return (await server.context.store.getTicket(ticketId as CreateTicketResponse['ticketId']))?.priority;
  }

  it('gives an anonymous self-booked appointment no place ahead of a citizen who came first', async () => {
    const first = await fx.ticket(server.url, { caseType: CASE_TYPE, displayName: 'Kiss Anna' });
    const booked = await book({});
    expect(booked.verification).toBe('none');
    const res = await checkIn(booked.code);
    expect(res.status).toBe(201);
    if (!res.body.ok) throw new Error('check-in failed');
    expect(await priorityOf(res.body.ticketId)).toBe('none');
    const ahead = await server.context.store.position(first.ticketId, Date.now());
    const behind = await server.context.store.position(res.body.ticketId, Date.now());
    expect(ahead.position).toBeLessThan(behind.position);
    // The same through POST /api/tickets with the code.
    const again = await book({});
    const viaTicket = await fx.ticket(server.url, { caseType: CASE_TYPE, appointmentCode: again.code });
    expect(await priorityOf(viaTicket.ticketId)).toBe('none');
  });

  it('ranks a booking ahead once the citizen confirmed the code sent to their contact', async () => {
    const booked = await book({ contact: { kind: 'email', address: 'eva@example.hu' } });
    expect(booked.verification).toBe('pending');
    const message = sent.find((s) => s.message.appointmentCode === booked.code);
    expect(message?.to).toBe('eva@example.hu');
    const code = message?.message.confirmationCode ?? '';
    expect(code).toMatch(/^[0-9]{6}$/);
    const wrong = code === '000000' ? '000001' : '000000';
    const refused = await fx.post(server.url, `/api/appointments/${booked.code}/confirm`, { confirmationCode: wrong });
    expect(refused.status).toBe(409);
    const confirmed = await fx.post<Appointment>(server.url, `/api/appointments/${booked.code}/confirm`, {
      confirmationCode: code,
    });
    expect(confirmed.status).toBe(200);
    if (!confirmed.body.ok) throw new Error('confirm failed');
    expect(confirmed.body.verification).toBe('verified');
    const res = await checkIn(booked.code);
    if (!res.body.ok) throw new Error('check-in failed');
    expect(await priorityOf(res.body.ticketId)).toBe('appointment');
  });

  it('gives an unconfirmed booking no priority, and takes no more than five wrong codes', async () => {
    const booked = await book({ contact: { kind: 'sms', number: '+36 30 123 4567' } });
    const code = sent.find((s) => s.message.appointmentCode === booked.code)?.message.confirmationCode ?? '';
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++)
      expect((await fx.post(server.url, `/api/appointments/${booked.code}/confirm`, { confirmationCode: wrong })).status).toBe(409);
    // Guessing is over: even the right code is refused now.
    const late = await fx.post(server.url, `/api/appointments/${booked.code}/confirm`, { confirmationCode: code });
    expect(late.status).toBe(429);
    const res = await checkIn(booked.code);
    if (!res.body.ok) throw new Error('check-in failed');
    expect(await priorityOf(res.body.ticketId)).toBe('none');
  });

  it('ranks a booking made by staff ahead', async () => {
    const clerk = await fx.login(server.url, 'c1');
    const booked = await book({}, clerk.token);
    expect(booked.verification).toBe('staff');
    const res = await checkIn(booked.code);
    if (!res.body.ok) throw new Error('check-in failed');
    expect(await priorityOf(res.body.ticketId)).toBe('appointment');
  });

  it('checks a booking in once, however many try at the same moment', async () => {
    const clerk = await fx.login(server.url, 'c1');
    const booked = await book({}, clerk.token);
    const tries = await Promise.all(Array.from({ length: 8 }, () => checkIn(booked.code)));
    expect(tries.filter((t) => t.status === 201)).toHaveLength(1);
    expect(tries.filter((t) => t.status === 409)).toHaveLength(7);
  });

  it('queues the confirmation for the delivery gateway in the product (outbox), and logs no code or address', async () => {
    const res = await fx.post<Appointment>(outboxServer.url, '/api/appointments', {
      caseType: CASE_TYPE,
      displayName: 'Nagy Éva',
      slotStart: slotStart(),
      contact: { kind: 'email', address: 'eva@example.hu' },
    });
    if (!res.body.ok) throw new Error('booking failed');
    const queued = (await outboxServer.context.kv.list(CONTACT_OUTBOX_KEY)).map(
      (raw) => JSON.parse(raw) as { channel: string; to: string; text: string },
    );
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ channel: 'email', to: 'eva@example.hu' });
    expect(queued[0]?.text).toMatch(/[0-9]{6}/);
  });
});
