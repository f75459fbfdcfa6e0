import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseTypeList } from '@ablak/protocol';
import { CaseTypeSearch, fold, type RunningSignaling } from '@ablak/signaling';
import { Fixture, TEST_METRICS_TOKEN } from './harness';

describe('signaling HTTP API', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  beforeAll(async () => {
    server = await fx.server();
  });
  afterAll(() => fx.close());

  it('finds "személyi igazolvány" when searching "szemelyi" (accents and case ignored)', async () => {
    const res = await fx.get<CaseTypeList>(server.url, '/api/case-types?q=SZEMELYI&lang=hu');
    expect(res.status).toBe(200);
    if (!res.body.ok) throw new Error('search failed');
    expect(res.body.caseTypes.map((c) => c.code)).toEqual(['ID-01', 'ID-02']);
    expect(res.body.total).toBe(2);
    expect(res.body.categories).toEqual([
      { id: 'id', name: { hu: 'Személyazonosság', en: 'Identity' }, count: 2 },
    ]);
  });

  it('searches English names, filters by category, and lists every case type without a query', async () => {
    const en = await fx.get<CaseTypeList>(server.url, '/api/case-types?q=passport&lang=en');
    expect(en.body.ok && en.body.caseTypes.map((c) => c.code)).toEqual(['PASS-01']);
    const all = await fx.get<CaseTypeList>(server.url, '/api/case-types?category=transport');
    expect(all.body.ok && all.body.caseTypes.map((c) => c.code).sort()).toEqual(['DRV-01', 'VEH-01']);
    const none = await fx.get<CaseTypeList>(server.url, '/api/case-types?q=zzzz');
    expect(none.body.ok && none.body.total).toBe(0);
  });

  it('refuses a bad query with 400 BAD_REQUEST in the one error shape', async () => {
    const res = await fx.get(server.url, `/api/case-types?lang=fr&q=${'x'.repeat(200)}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('answers a search over 2,000 case types in a few milliseconds (index precomputed at load)', () => {
    const caseTypes = Array.from({ length: 2000 }, (_, i) => ({
      code: `CT-${i}` as never,
      name: {
        hu: `Ügytípus ${i} személyi ${i % 7 === 0 ? 'igazolvány' : 'adat'} kérelem`,
        en: `Case type ${i}`,
      },
      category: `cat-${i % 20}`,
      categoryName: { hu: `Kategória ${i % 20}`, en: `Category ${i % 20}` },
      queue: 'q' as never,
      expectedMinutes: 10,
    }));
    const search = new CaseTypeSearch(caseTypes);
    const started = performance.now();
    const runs = 200;
    let hits = 0;
    for (let i = 0; i < runs; i++)
      hits += search.search({ q: 'szemelyi igazolvany', lang: 'hu', limit: 50 }).total;
    const perQueryMs = (performance.now() - started) / runs;
    expect(hits / runs).toBe(Math.ceil(2000 / 7));
    expect(perQueryMs).toBeLessThan(20); // ~0.2–1 ms on an idle core; generous for a shared CI box
    expect(fold('Személyi IGAZOLVÁNY – pótlás')).toBe('szemelyi igazolvany potlas');
  });

  it('lists the queues', async () => {
    const res = await fx.get<{ queues: { id: string }[] }>(server.url, '/api/queues');
    expect(res.body.ok && res.body.queues.map((q) => q.id)).toEqual(['q-id', 'q-transport', 'q-family']);
  });

  it('creates a ticket with a citizen token bound to it and a resume secret', async () => {
    const t = await fx.ticket(server.url, {
      caseType: 'DRV-01',
      language: 'en',
      accessibility: ['captions'],
    });
    expect(t.ticketId).toMatch(/^t-/);
    expect(t.resumeSecret.length).toBeGreaterThanOrEqual(16);
    const claims = JSON.parse(
      Buffer.from(t.citizenToken.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({ role: 'citizen', ticket: t.ticketId, sub: t.ticketId });
    expect(t.expiresAt).toBeGreaterThan(Date.now());
  });

  it('refuses an unknown case type, a bad body and a body over the size limit', async () => {
    const unknown = await fx.post(server.url, '/api/tickets', { displayName: 'A', caseType: 'NOPE' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CASE_TYPE' } });
    const bad = await fx.post(server.url, '/api/tickets', {
      displayName: '',
      caseType: 'ID-01',
      language: 'xx',
    });
    expect(bad.status).toBe(400);
    const huge = await fx.post(server.url, '/api/tickets', {
      displayName: 'A',
      caseType: 'ID-01',
      pad: 'x'.repeat(100_000),
    });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('limits tickets per IP', async () => {
    const limited = await fx.server({ env: { TICKETS_PER_IP_PER_MINUTE: '3' } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await fx.post(limited.url, '/api/tickets', { displayName: 'A', caseType: 'ID-01' })).status,
      );
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });

  it('books an appointment (staff) and checks in with appointment priority', async () => {
    const slot = new Date(Date.now() + 10 * 60_000).toISOString();
    const staff = await fx.login(server.url, 'c1');
    const booked = await fx.post<{ code: string; joinUrl: string }>(
      server.url,
      '/api/appointments',
      { caseType: 'FAM-01', displayName: 'Nagy Éva', slotStart: slot },
      staff.token,
    );
    expect(booked.status).toBe(201);
    if (!booked.body.ok) throw new Error('booking failed');
    expect(booked.body.joinUrl).toContain(`appointment=${booked.body.code}`);
    // looked up as the citizen enters it: usable, with its matter, and not used by the look-up
    const looked = await fx.get<{ matter: { code: string }; status: string }>(
      server.url,
      `/api/appointments/${booked.body.code.toLowerCase()}`,
    );
    expect(looked.status).toBe(200);
    if (!looked.body.ok) throw new Error('look-up failed');
    expect(looked.body.matter.code).toBe('FAM-01');
    expect(looked.body.status).toBe('open');
    const checkIn = await fx.post<{ ticketId: string }>(
      server.url,
      `/api/appointments/${booked.body.code}/check-in`,
      {},
    );
    expect(checkIn.status).toBe(201);
    if (!checkIn.body.ok) throw new Error('check-in failed');
    const ticket = await server.context.store.getTicket(checkIn.body.ticketId as never);
    expect(ticket?.priority).toBe('appointment');
    const twice = await fx.post(server.url, `/api/appointments/${booked.body.code}/check-in`, {});
    expect(twice.status).toBe(409);
    const used = await fx.get<{ status: string }>(server.url, `/api/appointments/${booked.body.code}`);
    expect(used.body.ok && used.body.status).toBe('used');
    const far = await fx.post<{ code: string }>(server.url, '/api/appointments', {
      caseType: 'FAM-01',
      displayName: 'Nagy Éva',
      slotStart: new Date(Date.now() + 5 * 3600_000).toISOString(),
    });
    if (!far.body.ok) throw new Error('booking failed');
    const early = await fx.post(server.url, '/api/tickets', {
      displayName: 'N',
      caseType: 'FAM-01',
      appointmentCode: far.body.code,
    });
    expect(early.status).toBe(409);
    const unknown = await fx.post(server.url, '/api/appointments/ZZZZZZZZ/check-in', {});
    expect(unknown.status).toBe(404);
    const early2 = await fx.get<{ status: string }>(server.url, `/api/appointments/${far.body.code}`);
    expect(early2.body.ok && early2.body.status).toBe('early');
    expect((await fx.get(server.url, '/api/appointments/ZZZZZZZZ')).status).toBe(404);
    expect((await fx.get(server.url, '/api/appointments/no%20such')).status).toBe(400);
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toContain('ablak_sockets{role="citizen"}');
    expect(metrics).toMatch(/ablak_tickets_waiting\{queue="q-id"\} \d+/);
    expect(metrics).toContain('ablak_match_latency_seconds_bucket');
    expect(metrics).toContain('ablak_offers_total');
  });

  it('sends security headers with a CSP that allows the app, websockets and blob: media', async () => {
    const res = await fetch(`${server.url}/api/queues`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/connect-src [^;]*ws:/);
    expect(csp).toMatch(/media-src [^;]*blob:/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers unknown API paths with 404 NOT_FOUND in the one error shape', async () => {
    const res = await fx.get(server.url, '/api/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No such endpoint' } });
  });
});
