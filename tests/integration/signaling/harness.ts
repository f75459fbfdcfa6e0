/**
 * Fixtures for signaling's contract tests: a small catalogue and directory, real servers on port 0,
 * typed socket.io-client helpers. Every server and socket a test opens is closed by `Fixture.close()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connectSocket, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  SfuNodeId,
  type Ack,
  type CreateTicketResponse,
  type LoginResponse,
  type SfuNodeInfo,
} from '@ablak/protocol';
import {
  DEMO_DIRECTORY_FILE,
  Directory,
  hashPassword,
  parseCatalogue,
  parseConfig,
  startSignaling,
  type Catalogue,
  type EmbeddedSfu,
  type RunningSignaling,
  type SignalingDeps,
  type Store,
} from '@ablak/signaling';
import { freePort, serviceArgs, startRedis, waitForPort, type RedisServer } from '@ablak/tests/harness';

export const PASSWORD = 'test-password';
/** Made fresh for each test file (every server and spawned node of one file shares them). */
export const TEST_SECRET = randomBytes(32).toString('base64url');
export const TEST_GRANT_SECRET = randomBytes(32).toString('base64url');
/** `/metrics` on the public port answers `Authorization: Bearer TEST_METRICS_TOKEN`. */
export const TEST_METRICS_TOKEN = randomBytes(32).toString('base64url');

const lt = (hu: string, en: string) => ({ hu, en });

export function testCatalogue(): Catalogue {
  const caseTypes = [
    ['ID-01', 'Személyi igazolvány kiadása', 'Issuing an identity card', 'id', 'q-id'],
    ['ID-02', 'Személyi igazolvány pótlása', 'Replacing a lost identity card', 'id', 'q-id'],
    ['PASS-01', 'Útlevél igénylése', 'Applying for a passport', 'id', 'q-id'],
    ['DRV-01', 'Vezetői engedély cseréje', 'Renewing a driving licence', 'transport', 'q-transport'],
    ['VEH-01', 'Gépjármű forgalomba helyezése', 'Registering a vehicle', 'transport', 'q-transport'],
    ['FAM-01', 'Családi pótlék igénylése', 'Claiming family allowance', 'family', 'q-family'],
    ['ADDR-01', 'Lakcímbejelentés', 'Registering an address', 'id', 'q-id'],
  ] as const;
  const categories: Record<string, { hu: string; en: string }> = {
    id: lt('Személyazonosság', 'Identity'),
    transport: lt('Közlekedés', 'Transport'),
    family: lt('Család', 'Family'),
  };
  return parseCatalogue({
    version: 1,
    queues: [
      { id: 'q-id', name: lt('Okmányok', 'Documents'), offerTimeoutSeconds: 15, wrapUpSeconds: 30 },
      { id: 'q-transport', name: lt('Közlekedés', 'Transport') },
      { id: 'q-family', name: lt('Család', 'Family'), offerTimeoutSeconds: 1 },
    ],
    caseTypes: caseTypes.map(([code, hu, en, category, queue]) => ({
      code,
      name: lt(hu, en),
      category,
      categoryName: categories[category],
      queue,
      expectedMinutes: 10,
    })),
  });
}

let cachedDirectory: Directory | undefined;
/** Three offices in two regions; clerks c1…c4, supervisor sup of the whole country (password PASSWORD). */
export function testDirectory(): Directory {
  const hash = hashPassword(PASSWORD, 4);
  const clerk = (id: string, office: string, queues: string[]) => ({
    id,
    username: id,
    role: 'clerk',
    displayName: `Clerk ${id}`,
    office,
    passwordHash: hash,
    skills: queues.map((queue) => ({ queue, level: 1 })),
    languages: ['hu', 'en'],
    accessibility: [],
  });
  cachedDirectory ??= Directory.fromJson({
    version: 1,
    offices: [
      { id: 'office-001', name: 'Budapest V. kerület Kormányablak', region: 'Budapest' },
      { id: 'office-002', name: 'Szeged Kormányablak', region: 'Csongrád-Csanád' },
      { id: 'office-003', name: 'Makó Kormányablak', region: 'Csongrád-Csanád' },
    ],
    staff: [
      clerk('c1', 'office-001', ['q-id', 'q-transport', 'q-family']),
      clerk('c2', 'office-002', ['q-id']),
      clerk('c3', 'office-003', ['q-transport']),
      clerk('c4', 'office-001', ['q-family']),
      // oversees every office (scoped supervisors: tests/integration/security/supervisor-scope.test.ts)
      { ...clerk('sup', 'office-001', []), role: 'supervisor', displayName: 'Supervisor', scope: { level: 'country' } },
    ],
  });
  return cachedDirectory;
}

/** An SFU stand-in: heartbeats a node into the store, so placement and grants work without mediasoup. */
export function fakeSfu(id = 'sfu-test', url = 'http://127.0.0.1:9'): NonNullable<SignalingDeps['embedSfu']> {
  return async (_url: string, store: Store): Promise<EmbeddedSfu> => {
    const info = (): SfuNodeInfo => ({
      id: SfuNodeId.parse(id),
      url,
      workers: 1,
      rooms: 0,
      consumers: 0,
      cpu: 0,
      draining: false,
      updatedAt: Date.now(),
    });
    await store.putSfuNode(info());
    const timer = setInterval(() => void store.putSfuNode(info()).catch(() => undefined), 2000);
    return {
      attach: () => undefined,
      close: async () => {
        clearInterval(timer);
      },
    };
  };
}

export interface ServerOptions {
  env?: Record<string, string>;
  deps?: SignalingDeps;
  /** No fake SFU node (tests of the no-SFU path). */
  noSfu?: boolean;
}

export function testEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Fleet nodes need a directory file; in-process servers get the test directory as a dependency.
    DIRECTORY_FILE: DEMO_DIRECTORY_FILE,
    JWT_SECRET: TEST_SECRET,
    MEDIA_GRANT_SECRET: TEST_GRANT_SECRET,
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    TICKETS_PER_IP_PER_MINUTE: '100000',
    LOGINS_PER_IP_PER_MINUTE: '100000',
    SOCKET_EVENTS_PER_SECOND: '10000',
    SFU_EMBEDDED: '0',
    BOARD_PUSH_INTERVAL_MS: '100',
    SWEEP_INTERVAL_MS: '200',
    WEB_CLIENT_DIST: '/nonexistent',
    CONSOLE_DIST: '/nonexistent',
    ...env,
  };
}

/**
 * Env of a fleet node on `redisUrl` (which must carry a password: `startRedis({ password })`): the
 * shipped catalogue, and the demo staff file named explicitly as the directory (a fleet has no demo
 * mode); `env` adds or overrides.
 */
export function fleetEnv(redisUrl: string, env: Record<string, string> = {}): Record<string, string> {
  const out = testEnv({ REDIS_URL: redisUrl, DIRECTORY_FILE: DEMO_DIRECTORY_FILE, ...env });
  delete out.CATALOGUE_FILE;
  return out;
}

/** The password of this test file's Redis servers (fleet mode requires one). */
export const TEST_REDIS_PASSWORD = randomBytes(18).toString('base64url');

/** A real redis-server for fleet nodes, with TEST_REDIS_PASSWORD (`options` as `startRedis`'s). */
export function fleetRedis(options: { port?: number; dataDir?: string } = {}): Promise<RedisServer> {
  return startRedis({ ...options, password: TEST_REDIS_PASSWORD });
}

export type Client = Socket & {
  /** emitWithAck with a timeout; resolves to the ack (never rejects on `ok: false`). */
  request<T = Record<string, unknown>>(event: string, payload?: unknown): Promise<Ack<T>>;
  /** Resolves with the next push of `event` (optionally matching `where`). */
  next<T = Record<string, unknown>>(
    event: string,
    where?: (payload: T) => boolean,
    timeoutMs?: number,
  ): Promise<T>;
};

export class Fixture {
  readonly servers: RunningSignaling[] = [];
  readonly sockets: Socket[] = [];

  async server(options: ServerOptions = {}): Promise<RunningSignaling> {
    const config = parseConfig(testEnv(options.env));
    const server = await startSignaling(config, {
      catalogue: testCatalogue(),
      directory: testDirectory(),
      ...(!options.noSfu && { embedSfu: fakeSfu() }),
      ...options.deps,
    });
    this.servers.push(server);
    return server;
  }

  async post<T>(
    base: string,
    path: string,
    body: unknown,
    token?: string,
  ): Promise<{ status: number; body: Ack<T> }> {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Ack<T> };
  }

  async get<T>(base: string, path: string, token?: string): Promise<{ status: number; body: Ack<T> }> {
    const res = await fetch(base + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as Ack<T> };
  }

  async login(base: string, username: string, password = PASSWORD): Promise<LoginResponse> {
    const res = await this.post<LoginResponse>(base, '/api/auth/login', { username, password });
    if (!res.body.ok) throw new Error(`login ${username} failed: ${res.body.error.code}`);
    return res.body;
  }

  async ticket(base: string, body: Record<string, unknown> = {}): Promise<CreateTicketResponse> {
    const res = await this.post<CreateTicketResponse>(base, '/api/tickets', {
      displayName: 'Kiss Anna',
      caseType: 'ID-01',
      ...body,
    });
    if (!res.body.ok) throw new Error(`ticket failed: ${res.body.error.code} ${res.body.error.message}`);
    return res.body;
  }

  /** Connects and waits for `connect` (rejects with the connect_error's data). */
  async connect(base: string, namespace: string, auth: Record<string, unknown>): Promise<Client> {
    const socket = connectSocket(base + namespace, {
      auth: { protocolVersion: PROTOCOL_VERSION, ...auth },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    }) as Client;
    this.sockets.push(socket);
    socket.request = async <T>(event: string, payload?: unknown) =>
      (await socket.timeout(10_000).emitWithAck(event, payload ?? {})) as Ack<T>;
    socket.next = <T>(event: string, where?: (p: T) => boolean, timeoutMs = 10_000) =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          socket.off(event, listener);
          reject(new Error(`timed out waiting for ${event}`));
        }, timeoutMs);
        const listener = (payload: T) => {
          if (where && !where(payload)) return;
          clearTimeout(timer);
          socket.off(event, listener);
          resolve(payload);
        };
        socket.on(event, listener);
      });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err: Error & { data?: unknown }) =>
        reject(Object.assign(new Error(err.message), { data: err.data })),
      );
    });
    return socket;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.disconnect();
    await Promise.all(this.servers.map((s) => s.close()));
  }
}

/** Asserts an ack is ok and returns it typed. */
export function expectOk<T>(ack: Ack<T>): T & { ok: true } {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`);
  return ack;
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  stepMs = 25,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error('condition not met in time');
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A signaling node as its own OS process (so it can be SIGKILLed like a crashed machine). */
export async function spawnNode(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, serviceArgs('signaling'), {
    cwd: path.join(ROOT, 'signaling'),
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port, '127.0.0.1', 60_000);
  return { url: `http://127.0.0.1:${port}`, child };
}
