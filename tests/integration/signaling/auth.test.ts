import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService, type RunningSignaling } from '@ablak/signaling';
import { Fixture, PASSWORD, TEST_GRANT_SECRET, TEST_SECRET } from './harness';

const tokensWith = (jwtSecret: string) =>
  new TokenService({
    jwtSecret,
    mediaGrantSecret: TEST_GRANT_SECRET,
    sessionTtlSeconds: 900,
    refreshTtlSeconds: 3600,
    citizenTokenTtlSeconds: 900,
    mediaGrantTtlSeconds: 600,
  });

describe('signaling auth', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  beforeAll(async () => {
    server = await fx.server();
  });
  afterAll(() => fx.close());

  it('signs a clerk in with the right password and returns a short-lived token and a refresh token', async () => {
    const res = await fx.post<{
      token: string;
      refreshToken: string;
      expiresAt: number;
      user: { id: string; role: string };
    }>(server.url, '/api/auth/login', { username: 'c1', password: PASSWORD });
    expect(res.status).toBe(200);
    if (!res.body.ok) throw new Error('login failed');
    expect(res.body.user).toMatchObject({ id: 'c1', role: 'clerk', office: 'office-001' });
    expect(res.body.expiresAt).toBeGreaterThan(Date.now());
    expect(res.body.expiresAt).toBeLessThanOrEqual(Date.now() + 901_000);
  });

  it('refuses a wrong password and an unknown user with the same 401 UNAUTHORIZED', async () => {
    const wrong = await fx.post(server.url, '/api/auth/login', { username: 'c1', password: 'nope' });
    const unknown = await fx.post(server.url, '/api/auth/login', { username: 'nobody', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'Wrong username or password' },
    });
    expect(unknown.body).toEqual(wrong.body);
  });

  it('answers a malformed login body with 400 BAD_REQUEST', async () => {
    const res = await fx.post(server.url, '/api/auth/login', { username: 42 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const notJson = await fx.post(server.url, '/api/auth/login', '{not json');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refreshes a session with the refresh token, and refuses an access token as refresh token', async () => {
    const login = await fx.login(server.url, 'sup');
    const refreshed = await fx.post<{ token: string }>(server.url, '/api/auth/refresh', {
      refreshToken: login.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.ok).toBe(true);
    const misuse = await fx.post(server.url, '/api/auth/refresh', { refreshToken: login.token });
    expect(misuse.status).toBe(401);
  });

  it('lets each role into its own namespace only', async () => {
    const clerk = await fx.login(server.url, 'c1');
    const sup = await fx.login(server.url, 'sup');
    const ticket = await fx.ticket(server.url);
    await expect(fx.connect(server.url, '/clerk', { token: clerk.token })).resolves.toBeTruthy();
    await expect(fx.connect(server.url, '/supervisor', { token: sup.token })).resolves.toBeTruthy();
    await expect(fx.connect(server.url, '/citizen', { token: ticket.citizenToken })).resolves.toBeTruthy();
    for (const [ns, token] of [
      ['/supervisor', clerk.token],
      ['/citizen', clerk.token],
      ['/clerk', sup.token],
      ['/clerk', ticket.citizenToken],
      ['/supervisor', ticket.citizenToken],
    ] as const) {
      await expect(fx.connect(server.url, ns, { token })).rejects.toMatchObject({
        data: { code: 'FORBIDDEN' },
      });
    }
  });

  it('refuses a forged token, a token signed with another secret, and a missing token', async () => {
    const clerk = await fx.login(server.url, 'c1');
    const [h, p] = clerk.token.split('.');
    const forged = `${h}.${p}.${'A'.repeat(43)}`;
    const otherSecret = tokensWith('another-secret-0123456789-0123456789-xx').signSession({
      sub: 'c1',
      role: 'clerk',
      name: 'x',
    }).token;
    await expect(fx.connect(server.url, '/clerk', { token: forged })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    await expect(fx.connect(server.url, '/clerk', { token: otherSecret })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED' },
    });
    await expect(fx.connect(server.url, '/clerk', {})).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
  });

  it('refuses a client that speaks another protocol version', async () => {
    const clerk = await fx.login(server.url, 'c1');
    await expect(
      fx.connect(server.url, '/clerk', { token: clerk.token, protocolVersion: 999 }),
    ).rejects.toMatchObject({
      data: { code: 'PROTOCOL_VERSION' },
    });
  });

  it('refuses an expired token at connect, and tells a connected socket when its token expires', async () => {
    const tokens = tokensWith(TEST_SECRET);
    const short = tokens.signSession({ sub: 'c2', role: 'clerk', name: 'Clerk c2', fam: 'test-sign-in' }, 1);
    const socket = await fx.connect(server.url, '/clerk', { token: short.token });
    const expired = socket.next('session:expired', undefined, 5000);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await expect(expired).resolves.toEqual({});
    await expect(disconnected).resolves.toBe('io server disconnect');
    await expect(fx.connect(server.url, '/clerk', { token: short.token })).rejects.toMatchObject({
      data: { code: 'UNAUTHORIZED', message: 'Token expired' },
    });
  });
});
