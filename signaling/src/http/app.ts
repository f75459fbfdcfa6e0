import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { AblakError, ok } from '@ablak/protocol';
import type { Appointments } from '../appointments/appointments';
import type { AppContext } from '../context';
import type { Documents } from '../documents/documents';
import { publicMetricsRoute, type CachedMetrics } from '../metrics/endpoint';
import { authRoutes } from './auth-routes';
import { catalogueRoutes } from './catalogue-routes';
import { documentRoutes } from './document-routes';
import { errorHandler, notFound } from './errors';
import { recordHttpRoutes } from '../records/routes';
import { probeRoutes } from './probe-routes';
import { ticketRoutes } from './ticket-routes';

const JSON_LIMIT = '32kb';

/** Paths are logged without their query (which may carry search terms); no bodies, no IPs, no headers. */
function requestLogger(ctx: AppContext) {
  return pinoHttp({
    logger: ctx.logger.child({ module: 'http' }),
    autoLogging: {
      ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
    },
    serializers: {
      req: (req: { method?: string; url?: string }) => ({
        method: req.method,
        path: (req.url ?? '').split('?')[0],
      }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
  });
}

function spa(app: Express, mount: string, dist: string): void {
  const index = path.join(dist, 'index.html');
  if (!existsSync(index)) return;
  app.use(mount, express.static(dist, { index: false, maxAge: '1h', fallthrough: true }));
  const fallback = (req: Request, res: Response, next: () => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!req.accepts('html')) return next();
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  app.get(mount === '/' ? '/{*rest}' : `${mount}{/*rest}`, fallback);
}

export interface HttpParts {
  documents: Documents;
  appointments: Appointments;
  metrics: CachedMetrics;
  ready(): Promise<boolean>;
  /** True once the node drains before a shutdown: not ready, and no new tickets taken here. */
  draining(): boolean;
}

/** The Express app: security headers, CORS, logs, the API, health and metrics, the two web apps. */
export function createHttpApp(ctx: AppContext, parts: HttpParts): Express {
  const app = express();
  app.disable('x-powered-by');
  // Which proxies may name the client's address (per-address limits count it): TRUST_PROXY.
  app.set('trust proxy', ctx.config.trustProxy === false ? false : ctx.config.trustProxy);
  app.set('query parser', 'simple');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'media-src': ["'self'", 'blob:', 'mediastream:'],
          'connect-src': ["'self'", 'ws:', 'wss:', 'https:', ...ctx.config.corsOrigins],
          'worker-src': ["'self'", 'blob:'],
          'frame-ancestors': ["'none'"],
          'object-src': ["'none'"],
          'upgrade-insecure-requests': null,
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  if (ctx.config.corsOrigins.length > 0) {
    app.use('/api', cors({ origin: [...ctx.config.corsOrigins], credentials: false, maxAge: 600 }));
  }
  app.use(requestLogger(ctx));
  app.use('/api', express.json({ limit: JSON_LIMIT, strict: true, type: ['application/json'] }));

  app.get('/healthz', (_req, res) => {
    res.json(ok({ status: 'ok' }));
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await parts.ready();
    const message = parts.draining() ? 'Draining: this node is shutting down' : 'Store unreachable';
    res
      .status(ready ? 200 : 503)
      .json(ready ? ok({ status: 'ready' }) : { ok: false, error: { code: 'UNAVAILABLE', message } });
  });
  // A draining node takes no new tickets: the client retries and the load balancer sends it elsewhere.
  app.post(['/api/tickets', '/api/appointments{/*rest}'], (_req, _res, next) => {
    next(parts.draining() ? new AblakError('UNAVAILABLE', 'This node is shutting down; try again in a moment') : undefined);
  });
  app.get('/metrics', publicMetricsRoute(parts.metrics, ctx.config.metricsToken));

  app.use('/api/auth', authRoutes(ctx));
  app.use('/api', catalogueRoutes(ctx));
  app.use('/api', ticketRoutes(ctx, parts.appointments));
  app.use('/api', documentRoutes(ctx, parts.documents));
  app.use('/api', probeRoutes(ctx));
  app.use('/api', recordHttpRoutes(ctx.records, ctx.tokens));
  app.use('/api', notFound);

  spa(app, '/console', ctx.config.consoleDist);
  spa(app, '/', ctx.config.webClientDist);
  app.use(notFound);
  app.use(errorHandler(ctx.logger.child({ module: 'http-errors' })));
  return app;
}
