/**
 * Issue 17, attack 1: tokens forged with the development secrets that used to be built into the code
 * (a supervisor session, a clerk session, a hidden media grant) against a desk started the way
 * `scripts/ablak start` starts it (embedded, no secrets configured). The desk makes its own secrets at
 * the first start, keeps them 0600 in its data directory, reuses them after a restart, and listens on
 * this machine only unless HOST says otherwise.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectSocket } from 'socket.io-client';
import { PROTOCOL_VERSION, PeerId, RoomId, type QueuePosition, type MediaAccess } from '@ablak/protocol';
import { embeddedSfu, parseConfig, startSignaling, TokenService, type RunningSignaling } from '@ablak/signaling';
import { freePort, serviceArgs } from '@ablak/tests/harness';
import { expectOk, Fixture } from '../signaling/harness';
import { connectRefusal, REPO_ROOT } from './support';

/** The secrets main used to fall back to in embedded mode (commit 19a8e6f and before). */
const OLD_JWT_SECRET = 'ablak-dev-jwt-secret-not-for-production-use';
const OLD_MEDIA_GRANT_SECRET = 'ablak-dev-media-grant-secret-not-for-production';

const forger = new TokenService({
  jwtSecret: OLD_JWT_SECRET,
  mediaGrantSecret: OLD_MEDIA_GRANT_SECRET,
  sessionTtlSeconds: 900,
  refreshTtlSeconds: 3600,
  citizenTokenTtlSeconds: 3600,
  mediaGrantTtlSeconds: 600,
});

/** The environment of `scripts/ablak start` (nothing about secrets or hosts), in a fresh data dir. */
function startEnv(dataDir: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    SFU_LOG_LEVEL: 'error',
    SFU_WORKERS: '1',
    SFU_RTC_PORT_BASE: '0',
    WEB_CLIENT_DIST: '/nonexistent',
    CONSOLE_DIST: '/nonexistent',
  };
}

describe('a desk started with no configured secrets', () => {
  const fx = new Fixture();
  let dataDir: string;
  let desk: RunningSignaling;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'ablak-sec-secrets-'));
    const config = parseConfig(startEnv(dataDir));
    desk = await startSignaling(config, { embedSfu: embeddedSfu(config) });
    fx.servers.push(desk);
  });

  afterAll(async () => {
    await fx.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a supervisor session forged with the old development secret', async () => {
    const { token } = forger.signSession({ sub: 'supervisor', role: 'supervisor', office: 'office-005', name: 'x' });
    const refusal = await connectRefusal(desk.url, '/supervisor', { token });
    expect(refusal).toMatchObject({ code: 'UNAUTHORIZED' });
    // The real supervisor still gets in (the refusal is about the secret, nothing else).
    const login = await fx.login(desk.url, 'supervisor', 'ablak-demo');
    const board = await fx.connect(desk.url, '/supervisor', { token: login.token });
    expectOk(await board.request('board:subscribe', {}));
  });

  it('refuses a clerk session forged with the old development secret, on the socket and over HTTP', async () => {
    const { token } = forger.signSession({ sub: 'clerk1', role: 'clerk', office: 'office-005', name: 'x' });
    expect(await connectRefusal(desk.url, '/clerk', { token })).toMatchObject({ code: 'UNAUTHORIZED' });
    const res = await fetch(`${desk.url}/api/calls/c-anything/documents`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
  });

  it('has the embedded SFU refuse a hidden media grant forged with the old development secret', async () => {
    // A real citizen's real grant connects to the same SFU: the SFU is there and checks grants.
    const ticket = await fx.ticket(desk.url, { caseType: 'szemelyi.adult.first' });
    const citizen = await fx.connect(desk.url, '/citizen', { token: ticket.citizenToken });
    const joined = expectOk(
      await citizen.request<{ position: QueuePosition; media: MediaAccess | null }>('queue:join'),
    );
    const media = joined.media;
    if (!media) throw new Error('the ticket got no media access');
    const real = connectSocket(`${media.sfuUrl}/media`, {
      auth: { token: media.grant, protocolVersion: PROTOCOL_VERSION },
      query: { room: media.room },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    fx.sockets.push(real);
    await new Promise<void>((resolve, reject) => {
      real.once('connect', () => resolve());
      real.once('connect_error', reject);
    });

    const forged = forger.signGrant({
      room: RoomId.parse(media.room),
      peer: PeerId.parse('supervisor-spy'),
      name: 'supervisor',
      role: 'supervisor',
      canPublish: false,
      canSubscribe: true,
      hidden: true,
    });
    const refusal = await connectRefusal(media.sfuUrl, '/media', { token: forged }, { room: media.room });
    expect(refusal).toMatchObject({ code: 'GRANT_INVALID' });
  });

  it('listens on 127.0.0.1 only', () => {
    const address = desk.io.httpServer.address() as AddressInfo;
    expect(address.address).toBe('127.0.0.1');
  });

  it('keeps its generated secrets 0600 in the data directory and signs with them again after a restart', async () => {
    const file = path.join(dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o077).toBe(0);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { jwtSecret: string; mediaGrantSecret: string };
    expect(Buffer.byteLength(stored.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(Buffer.byteLength(stored.mediaGrantSecret)).toBeGreaterThanOrEqual(32);
    expect(stored.jwtSecret).not.toBe(stored.mediaGrantSecret);

    const login = await fx.login(desk.url, 'clerk1', 'ablak-demo');
    const again = parseConfig(startEnv(dataDir));
    expect(again.secrets).toEqual({ source: 'data-dir', file });
    const restarted = await startSignaling(again, {});
    fx.servers.push(restarted);
    // A session the first start signed is still good after the restart.
    const clerk = await fx.connect(restarted.url, '/clerk', { token: login.token });
    expect(clerk.connected).toBe(true);
  });
});

describe('the start command', () => {
  /** Runs signaling's main with `env`; resolves with its output once it printed `until` or exited. */
  function runMain(env: Record<string, string>, until: RegExp): Promise<{ out: string; code: number | null }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, serviceArgs('signaling'), {
        cwd: path.join(REPO_ROOT, 'signaling'),
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', SFU_EMBEDDED: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`main printed nothing matching ${until}:\n${out}`));
      }, 150_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (until.test(out)) {
          clearTimeout(timer);
          child.once('exit', (code) => resolve({ out, code }));
          child.kill('SIGTERM');
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ out, code });
      });
    });
  }

  // A spawned service builds (once) and opens its embedded database: slow on a loaded machine.
  it('says the embedded desk listens on this machine only, and where its secrets are', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ablak-sec-main-'));
    try {
      const port = await freePort();
      const { out } = await runMain({ DATA_DIR: dataDir, PORT: String(port) }, /demo logins/);
      expect(out).toContain(`listening on: 127.0.0.1:${port} (this machine only`);
      expect(out).toContain(`generated at this first start, kept in ${path.join(dataDir, 'secrets.json')}`);
      // Another interface of this machine is not served.
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (external) {
        const reached = await fetch(`http://${external.address}:${port}/healthz`).then(
          () => true,
          () => false,
        );
        expect(reached).toBe(false);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start in production without secrets, naming the variables', { timeout: 180_000 }, async () => {
    const production = await runMain({ NODE_ENV: 'production', DIRECTORY_FILE: '/nonexistent' }, /$^/);
    expect(production.code).toBe(2);
    expect(production.out).toContain('JWT_SECRET: required in production');
    expect(production.out).toContain('MEDIA_GRANT_SECRET: required in production');
    // A fleet node the same (parsed as main parses it; the unit tests cover the rest).
    expect(() => parseConfig({ REDIS_URL: 'redis://:pw@127.0.0.1:1', DIRECTORY_FILE: '/nonexistent' })).toThrow(
      /JWT_SECRET: required in fleet mode/,
    );
  });
});
