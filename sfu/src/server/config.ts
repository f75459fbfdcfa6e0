import os from 'node:os';
import { z } from 'zod';
import { SfuNodeId } from '@ablak/protocol';
import { tlsFromEnv, type TlsFiles } from './tls';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );
const flag = z
  .enum(['0', '1', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');

/** The environment variables the SFU reads (documented in sfu/.env.example). */
const SfuEnv = z
  .object({
    SFU_NODE_ID: SfuNodeId.optional(),
    SFU_PUBLIC_URL: z.url().optional(),
    SFU_WORKERS: int(1, 256).optional(),
    /** Default: 127.0.0.1 (this machine only) without SFU_ANNOUNCED_IP, 0.0.0.0 with it. */
    SFU_LISTEN_IP: z.string().min(1).optional(),
    SFU_ANNOUNCED_IP: z.string().min(1).optional(),
    /** Worker i listens on UDP and TCP port base+i; 0 lets each worker pick a free port. */
    SFU_RTC_PORT_BASE: int(0, 65_000).default(40_000),
    SFU_ENABLE_TCP: flag.default(true),
    MEDIA_GRANT_SECRET: z
      .string()
      .refine((v) => Buffer.byteLength(v, 'utf8') >= 32, 'MEDIA_GRANT_SECRET must be at least 32 bytes (as signaling requires)'),
    TURN_URLS: list,
    TURN_SECRET: z.string().min(8).optional(),
    TURN_TTL_SECONDS: int(60, 86_400).default(3_600),
    SFU_MAX_INCOMING_BITRATE: int(100_000, 50_000_000).default(1_500_000),
    SFU_MAX_OUTGOING_BITRATE: int(100_000, 100_000_000).default(3_000_000),
    SFU_INITIAL_OUTGOING_BITRATE: int(100_000, 10_000_000).default(1_000_000),
    SFU_RATE_BURST: int(1, 10_000).default(60),
    SFU_RATE_PER_SECOND: int(1, 10_000).default(30),
    SFU_PROBES_PER_ADDRESS: int(1, 10_000).default(4),
    /** Proxies in front of /media that append to X-Forwarded-For (0: the socket's own address counts). */
    SFU_TRUST_PROXY_HOPS: int(0, 5).default(0),
    SFU_HEARTBEAT_MS: int(100, 60_000).default(3_000),
    SFU_DRAIN_MS: int(0, 3_600_000).default(30_000),
    SFU_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
    PORT: int(0, 65_535).default(4443),
  })
  .refine((env) => env.TURN_URLS.length === 0 || env.TURN_SECRET !== undefined, {
    message: 'TURN_SECRET is required when TURN_URLS is set',
    path: ['TURN_SECRET'],
  });

export interface SfuNodeConfig {
  readonly nodeId: SfuNodeId;
  /** Socket.IO base URL browsers use for /media (published in the registry). */
  readonly publicUrl: string;
  readonly workers: number;
  readonly listenIp: string;
  readonly announcedIp: string | undefined;
  readonly rtcPortBase: number;
  readonly enableTcp: boolean;
  readonly grantSecret: string;
  readonly turn: { readonly urls: readonly string[]; readonly secret: string; readonly ttlSeconds: number } | null;
  readonly bitrate: { readonly maxIncoming: number; readonly maxOutgoing: number; readonly initialOutgoing: number };
  readonly rateLimit: { readonly burst: number; readonly perSecond: number };
  /** Network-probe connections one client address may hold at once. */
  readonly probesPerAddress: number;
  /** Proxies in front of /media that append to X-Forwarded-For: the client address is that many from the end. */
  readonly trustProxyHops: number;
  readonly heartbeatMs: number;
  readonly drainMs: number;
  readonly workerLogLevel: 'debug' | 'warn' | 'error' | 'none';
  /** HTTP port of the standalone node (sfu/src/main.ts); unused when embedded. */
  readonly port: number;
  /** TLS_CERT_FILE and TLS_KEY_FILE: the standalone node serves HTTPS with them; unused when embedded. */
  readonly tls: TlsFiles | undefined;
}

export class SfuConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid SFU configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'SfuConfigError';
  }
}

/** Parses the environment once; throws SfuConfigError listing every bad variable. */
export function parseSfuConfig(env: Record<string, string | undefined>): SfuNodeConfig {
  const parsed = SfuEnv.safeParse(env);
  if (!parsed.success) {
    throw new SfuConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  const port = e.PORT;
  const { tls, issues } = tlsFromEnv(env);
  const publicUrl = e.SFU_PUBLIC_URL ?? `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const listenIp = e.SFU_LISTEN_IP ?? (e.SFU_ANNOUNCED_IP ? '0.0.0.0' : '127.0.0.1');
  issues.push(...mediaReachIssues(listenIp, e.SFU_ANNOUNCED_IP, publicUrl));
  if (issues.length > 0) throw new SfuConfigError(issues);
  const config: SfuNodeConfig = {
    nodeId: e.SFU_NODE_ID ?? SfuNodeId.parse(`sfu-${os.hostname().replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 40)}-${process.pid}`),
    publicUrl,
    workers: e.SFU_WORKERS ?? Math.max(1, os.availableParallelism()),
    listenIp,
    announcedIp: e.SFU_ANNOUNCED_IP,
    rtcPortBase: e.SFU_RTC_PORT_BASE,
    enableTcp: e.SFU_ENABLE_TCP,
    grantSecret: e.MEDIA_GRANT_SECRET,
    turn:
      e.TURN_URLS.length > 0 && e.TURN_SECRET !== undefined
        ? Object.freeze({ urls: Object.freeze([...e.TURN_URLS]), secret: e.TURN_SECRET, ttlSeconds: e.TURN_TTL_SECONDS })
        : null,
    bitrate: Object.freeze({
      maxIncoming: e.SFU_MAX_INCOMING_BITRATE,
      maxOutgoing: e.SFU_MAX_OUTGOING_BITRATE,
      initialOutgoing: e.SFU_INITIAL_OUTGOING_BITRATE,
    }),
    rateLimit: Object.freeze({ burst: e.SFU_RATE_BURST, perSecond: e.SFU_RATE_PER_SECOND }),
    probesPerAddress: e.SFU_PROBES_PER_ADDRESS,
    trustProxyHops: e.SFU_TRUST_PROXY_HOPS,
    heartbeatMs: e.SFU_HEARTBEAT_MS,
    drainMs: e.SFU_DRAIN_MS,
    workerLogLevel: e.SFU_LOG_LEVEL,
    port,
    tls,
  };
  return Object.freeze(config);
}

const WILDCARD = new Set(['0.0.0.0', '::']);
const isLoopback = (host: string) =>
  host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '[::1]';

/**
 * Media is reached at the address the ICE candidates carry: SFU_ANNOUNCED_IP, or the listen address
 * itself. A wildcard listen address is not an address a browser can use, and a node whose public URL
 * is another machine's name but whose media stays on loopback would hand every remote browser a
 * candidate it cannot reach: both stop the node at start instead of failing every call later.
 */
function mediaReachIssues(listenIp: string, announcedIp: string | undefined, publicUrl: string): string[] {
  if (WILDCARD.has(listenIp) && announcedIp === undefined)
    return [`SFU_ANNOUNCED_IP: required when SFU_LISTEN_IP is ${listenIp} (browsers need a concrete address)`];
  const reachedAt = announcedIp ?? listenIp;
  const host = new URL(publicUrl).hostname;
  if (isLoopback(reachedAt) && !isLoopback(host))
    return [
      `SFU_ANNOUNCED_IP: media would be reachable only on ${reachedAt} while browsers come from ${host}; ` +
        'set SFU_ANNOUNCED_IP to the address browsers reach this machine on (the public IP behind NAT)',
    ];
  return [];
}
