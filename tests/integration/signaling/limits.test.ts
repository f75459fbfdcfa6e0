import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BoardSnapshot } from '@ablak/protocol';
import { expectOk, Fixture } from './harness';

describe('socket rate limits, board filters and the served apps', () => {
  const fx = new Fixture();
  const dist = mkdtempSync(path.join(tmpdir(), 'ablak-dist-'));
  afterAll(async () => {
    await fx.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers a flooding socket with RATE_LIMITED and keeps it connected', async () => {
    const server = await fx.server({ env: { SOCKET_EVENTS_PER_SECOND: '10' } });
    const clerk = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c1')).token });
    const acks = await Promise.all(Array.from({ length: 30 }, () => clerk.request('clerk:hello')));
    const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length;
    expect(acks.filter((a) => a.ok)).toHaveLength(10);
    expect(limited).toBe(20);
    expect(clerk.connected).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await clerk.request('clerk:hello')).ok).toBe(true);
    expect(await clerk.request('no:such-event', {})).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Unknown event' },
    });
    expect(await clerk.request('__proto__', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('drops an offered ticket whose citizen has no socket anywhere (a node died under it) instead of holding the clerk', async () => {
    const server = await fx.server({ env: { ORPHAN_AFTER_SECONDS: '1' } });
    const t = await fx.ticket(server.url, { caseType: 'FAM-01' });
    await new Promise((r) => setTimeout(r, 1200));
    const clerk = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c4')).token });
    const withdrawn = clerk.next<{ ticketId: string }>('offer:withdrawn');
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    expect((await withdrawn).ticketId).toBe(t.ticketId);
    const ticket = await server.context.store.getTicket(t.ticketId as never);
    expect(ticket?.dropDeadline).not.toBeNull();
    const back = await fx.connect(server.url, '/citizen', {
      token: t.citizenToken,
      resumeSecret: t.resumeSecret,
    });
    const offered = clerk.next<{ ticketId: string }>('offer:received');
    expectOk(await back.request('queue:join'));
    expect((await offered).ticketId).toBe(t.ticketId);
  });

  it('filters the supervisor board by region and by office', async () => {
    const server = await fx.server();
    for (const id of ['c1', 'c2', 'c3'])
      await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, id)).token });
    const sup = await fx.connect(server.url, '/supervisor', {
      token: (await fx.login(server.url, 'sup')).token,
    });
    const region = expectOk(
      await sup.request<{ snapshot: BoardSnapshot }>('board:subscribe', { region: 'Csongrád-Csanád' }),
    );
    expect(region.snapshot.clerks.map((c) => c.id).sort()).toEqual(['c2', 'c3']);
    const office = expectOk(
      await sup.request<{ snapshot: BoardSnapshot }>('board:subscribe', { office: 'office-001' }),
    );
    expect(office.snapshot.clerks.map((c) => c.id)).toEqual(['c1']);
    const pushed = sup.next<BoardSnapshot>('board:updated', (b) =>
      b.clerks.some((c) => c.id === 'c1' && c.state === 'away'),
    );
    const c3 = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c3')).token });
    expectOk(await c3.request('clerk:set-state', { state: 'available' }));
    const c1 = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c1')).token });
    expectOk(await c1.request('clerk:set-state', { state: 'away', reason: 'break' }));
    const board = await pushed;
    expect(board.clerks.every((c) => c.office === 'office-001')).toBe(true);
    expect(await sup.request('board:subscribe', { office: 'office-999' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('serves the citizen app at / and the console at /console/ with an SPA fallback', async () => {
    mkdirSync(path.join(dist, 'web'), { recursive: true });
    mkdirSync(path.join(dist, 'console'), { recursive: true });
    writeFileSync(path.join(dist, 'web', 'index.html'), '<html>citizen</html>');
    writeFileSync(path.join(dist, 'web', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'console', 'index.html'), '<html>console</html>');
    const server = await fx.server({
      env: { WEB_CLIENT_DIST: path.join(dist, 'web'), CONSOLE_DIST: path.join(dist, 'console') },
    });
    const html = { headers: { accept: 'text/html' } };
    expect(await (await fetch(`${server.url}/`, html)).text()).toBe('<html>citizen</html>');
    expect(await (await fetch(`${server.url}/waiting/123`, html)).text()).toBe('<html>citizen</html>');
    expect(await (await fetch(`${server.url}/app.js`)).text()).toBe('console.log(1)');
    expect(await (await fetch(`${server.url}/console/`, html)).text()).toBe('<html>console</html>');
    expect(await (await fetch(`${server.url}/console/board`, html)).text()).toBe('<html>console</html>');
    const api = await fetch(`${server.url}/api/nothing`, html);
    expect(api.status).toBe(404);
  });
});
