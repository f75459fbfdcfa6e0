/**
 * Issue 17, attack 2: the demo staff directory (password `ablak-demo`, a supervisor among them)
 * loaded whatever the mode; a refresh token worked again after use; signing out left the access
 * token valid; nothing limited guesses per account, and the per-address limit was wrong (or
 * spoofable) behind a load balancer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse } from '@ablak/protocol';
import { ConfigError, hashPassword, parseConfig, startSignaling, type RunningSignaling } from '@ablak/signaling';
import { fakeSfu, Fixture, PASSWORD, testCatalogue, testEnv, type Client } from '../signaling/harness';
import { connectRefusal } from './support';

/** A staff file of our own (as an operator would give it): no demo users in it. */
function writeDirectory(dir: string): string {
  const fast = hashPassword(PASSWORD, 4);
  const person = (id: string, role: 'clerk' | 'supervisor', passwordHash = fast) => ({
    id,
    username: id,
    role,
    displayName: `Staff ${id}`,
    office: 'office-001',
    passwordHash,
    skills: role === 'clerk' ? [{ queue: 'q-id', level: 1 }] : [],
  });
  const file = path.join(dir, 'staff.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      offices: [{ id: 'office-001', name: 'Budapest V.', region: 'Budapest' }],
      staff: [
        person('c1', 'clerk'),
        person('c2', 'clerk'),
        person('sup', 'supervisor'),
        // bcrypt at the cost real directories use: ~0.1 s of CPU per check
        person('slow', 'clerk', hashPassword(PASSWORD, 10)),
      ],
    }),
  );
  return file;
}

describe('staff accounts', () => {
  const fx = new Fixture();
  let dir: string;
  let directoryFile: string;
  let server: RunningSignaling;

  async function start(env: Record<string, string> = {}): Promise<RunningSignaling> {
    const config = parseConfig(testEnv({ DIRECTORY_FILE: directoryFile, ...env }));
    const running = await startSignaling(config, { catalogue: testCatalogue(), embedSfu: fakeSfu() });
    fx.servers.push(running);
    return running;
  }

  async function login(base: string, username: string, password = PASSWORD, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    });
    return { status: res.status, body: (await res.json()) as LoginResponse & { ok: boolean } };
  }

  const refresh = (base: string, refreshToken: string) =>
    fx.post<LoginResponse>(base, '/api/auth/refresh', { refreshToken });

  /** A call on an HTTP route that wants a live staff session (401 when it is not). */
  const httpStatus = async (base: string, token: string) =>
    (await fetch(`${base}/api/calls/c-none/documents`, { headers: { authorization: `Bearer ${token}` } })).status;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ablak-sec-accounts-'));
    directoryFile = writeDirectory(dir);
    server = await start({ LOGIN_FAILURES_PER_ACCOUNT: '3', LOGIN_LOCK_SECONDS: '60' });
  });

  afterAll(async () => {
    await fx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the demo directory only in embedded demo mode; elsewhere no directory is a start error', async () => {
    // DEMO=0 used to only hide the banner: the demo supervisor could still sign in.
    const noDirectory = (env: Record<string, string>) => {
      const out = testEnv(env);
      delete out.DIRECTORY_FILE;
      return out;
    };
    expect(() => parseConfig(noDirectory({ DEMO: '0' }))).toThrow(ConfigError);
    expect(() => parseConfig(noDirectory({ DEMO: '0' }))).toThrow(/DIRECTORY_FILE: required/);
    expect(() => parseConfig(noDirectory({ NODE_ENV: 'production' }))).toThrow(/DIRECTORY_FILE: required/);
    expect(() =>
      parseConfig(testEnv({ REDIS_URL: 'redis://:pw@127.0.0.1:1', DEMO: '1', DIRECTORY_FILE: directoryFile })),
    ).toThrow(/DEMO: demo mode is only for embedded mode/);
    // With an operator's directory, the demo logins do not exist.
    for (const username of ['supervisor', 'clerk1']) {
      const res = await login(server.url, username, 'ablak-demo');
      expect(res.status).toBe(401);
    }
    expect((await login(server.url, 'sup')).status).toBe(200);
  });

  it('takes a refresh token once: a second use ends the whole sign-in, every token of it', async () => {
    const first = (await login(server.url, 'c1')).body;
    const socket = await fx.connect(server.url, '/clerk', { token: first.token });
    const second = await refresh(server.url, first.refreshToken);
    if (!second.body.ok) throw new Error('the first refresh was refused');
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    // The sign-in does not get longer by refreshing.
    const end = (t: string) => (JSON.parse(Buffer.from(t.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp;
    expect(end(second.body.refreshToken)).toBe(end(first.refreshToken));

    const ended = socket.next('session:expired');
    const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    const replay = await refresh(server.url, first.refreshToken);
    expect(replay.status).toBe(401);
    // The replay was theft or a bug: the sign-in is over for everyone holding any of its tokens.
    await ended;
    await gone;
    expect((await refresh(server.url, second.body.refreshToken)).status).toBe(401);
    expect(await httpStatus(server.url, second.body.token)).toBe(401);
    expect(await connectRefusal(server.url, '/clerk', { token: second.body.token })).toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('ends the sign-in at sign-out: access token refused on HTTP and at the handshake, live sockets closed', async () => {
    const session = (await login(server.url, 'sup')).body;
    const board: Client = await fx.connect(server.url, '/supervisor', { token: session.token });
    expect(await httpStatus(server.url, session.token)).not.toBe(401);
    const ended = board.next('session:expired');
    const out = await fx.post(server.url, '/api/auth/logout', {}, session.token);
    expect(out.status).toBe(200);
    await ended;
    await new Promise<void>((resolve) => (board.connected ? board.once('disconnect', () => resolve()) : resolve()));
    expect(await httpStatus(server.url, session.token)).toBe(401);
    expect(await connectRefusal(server.url, '/supervisor', { token: session.token })).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect((await refresh(server.url, session.refreshToken)).status).toBe(401);
    // Another sign-in of the same person is untouched.
    const other = (await login(server.url, 'sup')).body;
    expect(await httpStatus(server.url, other.token)).not.toBe(401);
  });

  it('stops taking attempts for an account after its failures, even the right password, from any address', async () => {
    for (let i = 0; i < 3; i++) expect((await login(server.url, 'c2', 'wrong-password')).status).toBe(401);
    const locked = await login(server.url, 'c2');
    expect(locked.status).toBe(429);
    // Other accounts sign in as before.
    expect((await login(server.url, 'c1')).status).toBe(200);
  });

  it('counts attempts per client address behind a proxy (TRUST_PROXY), and ignores a forged X-Forwarded-For without it', async () => {
    const behindLb = await start({ LOGINS_PER_IP_PER_MINUTE: '2', TRUST_PROXY: '1' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    expect((await login(behindLb.url, 'c1', PASSWORD, from('203.0.113.7'))).status).toBe(200);
    expect((await login(behindLb.url, 'c1', PASSWORD, from('203.0.113.7'))).status).toBe(200);
    expect((await login(behindLb.url, 'c1', PASSWORD, from('203.0.113.7'))).status).toBe(429);
    // Another citizen behind the same load balancer has their own allowance.
    expect((await login(behindLb.url, 'c1', PASSWORD, from('198.51.100.9'))).status).toBe(200);

    const direct = await start({ LOGINS_PER_IP_PER_MINUTE: '2' });
    expect((await login(direct.url, 'c1', PASSWORD, from('192.0.2.1'))).status).toBe(200);
    expect((await login(direct.url, 'c1', PASSWORD, from('192.0.2.2'))).status).toBe(200);
    // Without a trusted proxy the header is the client's own word: it does not buy more attempts.
    expect((await login(direct.url, 'c1', PASSWORD, from('192.0.2.3'))).status).toBe(429);
  });

  it('checks passwords off the event loop: four sign-ins at bcrypt cost 10 do not stall the node', async () => {
    const lag = monitorEventLoopDelay({ resolution: 5 });
    await login(server.url, 'slow'); // warm: the first check starts a worker
    lag.enable();
    const results = await Promise.all([1, 2, 3, 4].map(() => login(server.url, 'slow')));
    lag.disable();
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    // bcryptjs on the event loop blocked it for ~100 ms per check (415 ms measured for four).
    expect(lag.max / 1e6).toBeLessThan(150);
  });
});
