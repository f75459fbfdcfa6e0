import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AblakError } from '@ablak/protocol';
import type { Request, RequestHandler } from 'express';
import type { Metrics } from './metrics';

/** How long one rendering of the figures is served again (a scrape can cost Redis reads per queue). */
export const METRICS_CACHE_MS = 5_000;

/**
 * The Prometheus text, rendered at most once per `METRICS_CACHE_MS` however many scrapers ask (and
 * shared by scrapes that arrive while it renders).
 */
export class CachedMetrics {
  private cached: { at: number; text: Promise<string> } | null = null;

  constructor(
    private readonly metrics: Metrics,
    private readonly ttlMs = METRICS_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get contentType(): string {
    return this.metrics.registry.contentType;
  }

  render(): Promise<string> {
    const now = this.now();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.text;
    const text = this.metrics.registry.metrics();
    const entry = { at: now, text };
    this.cached = entry;
    // A failed rendering is not served again.
    text.catch(() => {
      if (this.cached === entry) this.cached = null;
    });
    return text;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function bearerMatches(req: Request, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}

/**
 * `/metrics` on the public port: answers only `Authorization: Bearer <METRICS_TOKEN>`; without a
 * token configured it is not there at all (404), so only the internal listener serves it.
 */
export function publicMetricsRoute(cached: CachedMetrics, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (token === undefined) throw new AblakError('NOT_FOUND', 'No such endpoint');
    if (!bearerMatches(req, token)) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new AblakError('UNAUTHORIZED', 'Metrics need the metrics token');
    }
    res.set('Content-Type', cached.contentType);
    res.send(await cached.render());
  };
}

export interface MetricsServer {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/** The internal listener (METRICS_PORT on METRICS_HOST, 127.0.0.1 by default): `/metrics` only. */
export async function startMetricsServer(
  cached: CachedMetrics,
  port: number,
  host: string,
  onError: (error: unknown) => void,
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    cached.render().then(
      (text) => res.writeHead(200, { 'Content-Type': cached.contentType }).end(text),
      (error: unknown) => {
        onError(error);
        res.writeHead(503).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    host,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
