import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { tlsFromEnv, type TlsFiles } from '@ablak/sfu/tls';
import type { RedisTarget } from './store/redis/connection';
import { DEFAULT_DATA_DIR, parseRecordsConfig, type RecordsConfig } from './records/config';
import { loadOrCreateSecrets, MIN_SECRET_BYTES, strongEnough } from './auth/secrets';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = path.resolve(PACKAGE_ROOT, '..');

/** The demo staff directory (password `ablak-demo`): loaded only in demo mode. */
export const DEMO_DIRECTORY_FILE = path.join(PACKAGE_ROOT, 'data', 'demo-directory.json');

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);
/**
 * TRUST_PROXY: which hops in front of this node may set X-Forwarded-For (the client address that
 * per-address limits count): a number of proxies, or their addresses / CIDR ranges (Express's
 * `trust proxy`). Trusting everyone would let any client pick its own address, so `true` is refused.
 */
const trustProxy = z
  .string()
  .transform((s, ctx): false | number | string[] => {
    const v = s.trim();
    if (v === '' || v === '0' || v === 'false') return false;
    if (/^\d+$/.test(v)) return Number(v);
    if (v === 'true') {
      ctx.addIssue({ code: 'custom', message: 'name the number of proxies or their addresses, not true' });
      return z.NEVER;
    }
    return v
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0);
  });

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: int(8080, 0, 65535),
  /** Default 127.0.0.1 in embedded mode (this machine only), 0.0.0.0 in a fleet. */
  HOST: z.string().min(1).optional(),
  PUBLIC_URL: z.url().optional(),
  REDIS_URL: z.url().optional(),
  /** Sentinels (host:port,…) that name the Redis master: fleet mode with failover, instead of REDIS_URL. */
  REDIS_SENTINELS: list
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1))
    .optional(),
  /** The master's name in the Sentinels' configuration (with REDIS_SENTINELS). */
  REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
  /** Password of the Redis servers behind the Sentinels (a REDIS_URL carries its own). */
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** Password of the Sentinels, when they require one. */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /** Each queue step waits for this many replicas to have its writes (Redis WAIT) before answering. */
  REDIS_WAIT_REPLICAS: int(0, 0, 16),
  /** Longest such wait in ms; past it the step answers anyway. */
  REDIS_WAIT_TIMEOUT_MS: int(100, 1, 10_000),
  JWT_SECRET: z.string().refine(strongEnough, `at least ${MIN_SECRET_BYTES} bytes`).optional(),
  MEDIA_GRANT_SECRET: z.string().refine(strongEnough, `at least ${MIN_SECRET_BYTES} bytes`).optional(),
  /** Where the embedded desk keeps what must survive a restart (its generated secrets; records: PGlite, spool). */
  DATA_DIR: z.string().min(1).optional(),
  SESSION_TTL_SECONDS: int(900, 10, 86_400),
  REFRESH_TTL_SECONDS: int(12 * 3600, 60, 30 * 86_400),
  CITIZEN_TOKEN_TTL_SECONDS: int(4 * 3600, 10, 86_400),
  MEDIA_GRANT_TTL_SECONDS: int(600, 10, 600),
  CORS_ORIGINS: list.default([]),
  CATALOGUE_FILE: z
    .string()
    .min(1)
    .default(path.join(PACKAGE_ROOT, 'data', 'catalogue.json')),
  /** The staff directory; required unless demo mode loads the demo one. */
  DIRECTORY_FILE: z.string().min(1).optional(),
  WEB_CLIENT_DIST: z
    .string()
    .min(1)
    .default(path.join(REPO_ROOT, 'web-client', 'dist')),
  CONSOLE_DIST: z
    .string()
    .min(1)
    .default(path.join(REPO_ROOT, 'clerk-console', 'dist')),
  DOCUMENTS_DIR: z.string().min(1).default(path.join(os.tmpdir(), 'ablak-documents')),
  DOCUMENT_RETENTION_HOURS: int(24, 1, 24 * 90),
  TICKETS_PER_IP_PER_MINUTE: int(20, 1, 100_000),
  LOGINS_PER_IP_PER_MINUTE: int(30, 1, 100_000),
  /** Failed sign-ins one account may have within LOGIN_LOCK_SECONDS before it takes no more. */
  LOGIN_FAILURES_PER_ACCOUNT: int(10, 1, 10_000),
  LOGIN_LOCK_SECONDS: int(900, 10, 86_400),
  TRUST_PROXY: trustProxy.optional(),
  /** /metrics on its own listener (METRICS_HOST, default 127.0.0.1) instead of the public port. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** /metrics on the public port answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().refine(strongEnough, `at least ${MIN_SECRET_BYTES} bytes`).optional(),
  /** Network-probe grants (POST /api/network-probe) per client address per minute. */
  PROBES_PER_IP_PER_MINUTE: int(30, 1, 100_000),
  SOCKET_EVENTS_PER_SECOND: int(20, 1, 10_000),
  DROP_GRACE_SECONDS: int(60, 1, 3600),
  SWEEP_INTERVAL_MS: int(1000, 50, 60_000),
  /** A ticket this old that is offered while no socket of its citizen exists anywhere is dropped. */
  ORPHAN_AFTER_SECONDS: int(30, 1, 3600),
  BOARD_PUSH_INTERVAL_MS: int(300, 50, 10_000),
  /** One point of the supervisor's last-hour chart per this interval (shared by every node). */
  BOARD_HISTORY_INTERVAL_MS: int(30_000, 100, 600_000),
  /** Each node says it is alive and which citizens it holds this often; dead after three missed beats. */
  PRESENCE_INTERVAL_MS: int(5000, 100, 60_000),
  /** On SIGTERM: how long running calls keep their sockets here before they too are sent elsewhere. */
  DRAIN_SECONDS: int(20, 0, 3600),
  /** Runs one SFU node in this process; defaults to on without REDIS_URL. */
  SFU_EMBEDDED: flag.optional(),
  /** Comma-separated ICE servers (stun:/turn: URLs) handed to browsers next to each grant. */
  ICE_SERVERS: list.default([]),
  /** Demo mode (the demo directory): on by default only in embedded mode without DIRECTORY_FILE. */
  DEMO: flag.optional(),
});

export interface SignalingConfig {
  readonly env: 'development' | 'production' | 'test';
  readonly logLevel: string;
  readonly port: number;
  readonly host: string;
  /** TLS_CERT_FILE and TLS_KEY_FILE: served over HTTPS when set (browsers give the camera only to secure origins). */
  readonly tls: TlsFiles | undefined;
  readonly publicUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** Where the fleet's Redis is (REDIS_URL, or REDIS_SENTINELS + REDIS_SENTINEL_MASTER); unset = embedded. */
  readonly redis: RedisTarget | undefined;
  readonly redisWaitReplicas: number;
  readonly redisWaitTimeoutMs: number;
  readonly jwtSecret: string;
  readonly mediaGrantSecret: string;
  /** Where the secrets came from: the environment, or the data directory's file (made now or before). */
  readonly secrets:
    | { readonly source: 'environment' }
    | { readonly source: 'generated' | 'data-dir'; readonly file: string };
  readonly sessionTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  readonly citizenTokenTtlSeconds: number;
  readonly mediaGrantTtlSeconds: number;
  readonly corsOrigins: readonly string[];
  readonly catalogueFile: string;
  readonly directoryFile: string;
  readonly webClientDist: string;
  readonly consoleDist: string;
  readonly documentsDir: string;
  readonly documentRetentionHours: number;
  readonly ticketsPerIpPerMinute: number;
  readonly loginsPerIpPerMinute: number;
  readonly loginFailuresPerAccount: number;
  readonly loginLockSeconds: number;
  /** Express `trust proxy`: false (the socket's address counts), a hop count, or proxy addresses. */
  readonly trustProxy: false | number | readonly string[];
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  readonly metricsToken: string | undefined;
  readonly probesPerIpPerMinute: number;
  readonly socketEventsPerSecond: number;
  readonly dropGraceSeconds: number;
  readonly sweepIntervalMs: number;
  readonly orphanAfterSeconds: number;
  readonly boardPushIntervalMs: number;
  readonly boardHistoryIntervalMs: number;
  readonly presenceIntervalMs: number;
  readonly drainSeconds: number;
  readonly sfuEmbedded: boolean;
  readonly iceServers: readonly string[];
  /** Demo mode: the demo directory is loaded (embedded mode without DIRECTORY_FILE only). */
  readonly demo: boolean;
  /** The system of record: database, spool, hand-off webhook, retention, document quotas. */
  readonly records: RecordsConfig;
  /** The raw environment, passed through to `parseSfuConfig` for the embedded SFU node. */
  readonly rawEnv: Readonly<Record<string, string | undefined>>;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; every bad variable is named in the thrown ConfigError. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): SignalingConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const records = parseRecordsConfig(cleaned);
  const missing: string[] = 'issues' in records ? [...records.issues] : [];
  const redis = redisTarget(e, missing);
  const fleet = redis !== undefined;
  const production = e.NODE_ENV === 'production';
  for (const name of ['JWT_SECRET', 'MEDIA_GRANT_SECRET'] as const) {
    if (e[name]) continue;
    if (fleet) missing.push(`${name}: required in fleet mode (REDIS_URL or REDIS_SENTINELS), at least ${MIN_SECRET_BYTES} bytes`);
    else if (production) missing.push(`${name}: required in production, at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (e.REDIS_URL) {
    const url = new URL(e.REDIS_URL);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
      missing.push('REDIS_URL: must be redis:// or rediss:// (TLS)');
    else if (!url.password)
      missing.push('REDIS_URL: fleet mode needs a Redis password (redis://:PASSWORD@host:6379, rediss:// for TLS)');
  }
  // With REDIS_SENTINELS the servers' password is REDIS_PASSWORD; not enforced yet (the Sentinel test
  // set runs without one): docs/SECURITY.md says to set it.
  const demoAllowed = !fleet && !production && !e.DIRECTORY_FILE;
  if (e.DEMO === true && !demoAllowed)
    missing.push('DEMO: demo mode is only for embedded mode (no Redis, not production) without DIRECTORY_FILE');
  const demo = e.DEMO ?? demoAllowed;
  const directoryFile = demo ? DEMO_DIRECTORY_FILE : e.DIRECTORY_FILE;
  if (!directoryFile)
    missing.push('DIRECTORY_FILE: required (the demo directory loads only in embedded demo mode)');
  const { tls, issues: tlsIssues } = tlsFromEnv(cleaned);
  missing.push(...tlsIssues);
  if (missing.length > 0 || 'issues' in records || !directoryFile) throw new ConfigError(missing);
  // Embedded without configured secrets: its own, made at the first start and kept in DATA_DIR.
  let secrets: SignalingConfig['secrets'] = { source: 'environment' };
  let jwtSecret = e.JWT_SECRET;
  let mediaGrantSecret = e.MEDIA_GRANT_SECRET;
  if (!jwtSecret || !mediaGrantSecret) {
    let stored: ReturnType<typeof loadOrCreateSecrets>;
    try {
      stored = loadOrCreateSecrets(path.resolve(e.DATA_DIR ?? DEFAULT_DATA_DIR));
    } catch (error) {
      throw new ConfigError([`DATA_DIR: ${error instanceof Error ? error.message : String(error)}`]);
    }
    jwtSecret ??= stored.secrets.jwtSecret;
    mediaGrantSecret ??= stored.secrets.mediaGrantSecret;
    secrets = { source: stored.created ? 'generated' : 'data-dir', file: stored.file };
  }
  return Object.freeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    host: e.HOST ?? (fleet ? '0.0.0.0' : '127.0.0.1'),
    tls,
    publicUrl: e.PUBLIC_URL,
    redisUrl: e.REDIS_URL,
    redis,
    redisWaitReplicas: e.REDIS_WAIT_REPLICAS,
    redisWaitTimeoutMs: e.REDIS_WAIT_TIMEOUT_MS,
    jwtSecret,
    mediaGrantSecret,
    secrets: Object.freeze(secrets),
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    refreshTtlSeconds: e.REFRESH_TTL_SECONDS,
    citizenTokenTtlSeconds: e.CITIZEN_TOKEN_TTL_SECONDS,
    mediaGrantTtlSeconds: e.MEDIA_GRANT_TTL_SECONDS,
    corsOrigins: Object.freeze([...e.CORS_ORIGINS]),
    catalogueFile: e.CATALOGUE_FILE,
    directoryFile,
    webClientDist: e.WEB_CLIENT_DIST,
    consoleDist: e.CONSOLE_DIST,
    documentsDir: e.DOCUMENTS_DIR,
    documentRetentionHours: e.DOCUMENT_RETENTION_HOURS,
    ticketsPerIpPerMinute: e.TICKETS_PER_IP_PER_MINUTE,
    loginsPerIpPerMinute: e.LOGINS_PER_IP_PER_MINUTE,
    loginFailuresPerAccount: e.LOGIN_FAILURES_PER_ACCOUNT,
    loginLockSeconds: e.LOGIN_LOCK_SECONDS,
    trustProxy: Array.isArray(e.TRUST_PROXY) ? Object.freeze([...e.TRUST_PROXY]) : (e.TRUST_PROXY ?? false),
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    metricsToken: e.METRICS_TOKEN,
    probesPerIpPerMinute: e.PROBES_PER_IP_PER_MINUTE,
    socketEventsPerSecond: e.SOCKET_EVENTS_PER_SECOND,
    dropGraceSeconds: e.DROP_GRACE_SECONDS,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    orphanAfterSeconds: e.ORPHAN_AFTER_SECONDS,
    boardPushIntervalMs: e.BOARD_PUSH_INTERVAL_MS,
    boardHistoryIntervalMs: e.BOARD_HISTORY_INTERVAL_MS,
    presenceIntervalMs: e.PRESENCE_INTERVAL_MS,
    drainSeconds: e.DRAIN_SECONDS,
    sfuEmbedded: e.SFU_EMBEDDED ?? !fleet,
    iceServers: Object.freeze([...e.ICE_SERVERS]),
    demo,
    records: records.config,
    rawEnv: Object.freeze({ ...env }),
  });
}

function redisTarget(e: z.output<typeof EnvSchema>, missing: string[]): RedisTarget | undefined {
  if (e.REDIS_SENTINELS === undefined) {
    if (e.REDIS_SENTINEL_MASTER !== undefined) missing.push('REDIS_SENTINEL_MASTER: needs REDIS_SENTINELS');
    return e.REDIS_URL === undefined ? undefined : { kind: 'url', url: e.REDIS_URL };
  }
  if (e.REDIS_URL !== undefined) missing.push('REDIS_SENTINELS: set either REDIS_URL or REDIS_SENTINELS, not both');
  if (e.REDIS_SENTINEL_MASTER === undefined) missing.push('REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS');
  return {
    kind: 'sentinel',
    sentinels: e.REDIS_SENTINELS.map((hostPort) => {
      const at = hostPort.lastIndexOf(':');
      return { host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) };
    }),
    masterName: e.REDIS_SENTINEL_MASTER ?? '',
    ...(e.REDIS_PASSWORD !== undefined && { password: e.REDIS_PASSWORD }),
    ...(e.REDIS_SENTINEL_PASSWORD !== undefined && { sentinelPassword: e.REDIS_SENTINEL_PASSWORD }),
  };
}
