import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createWebServer, type WebServer } from '@ablak/sfu/tls';
import { Appointments } from './appointments/appointments';
import { OutboxContactSender, type ContactSender } from './appointments/contact-sender';
import { Revocations } from './auth/revocations';
import { TokenService } from './auth/tokens';
import { MediaBroker, redisRevoker } from './calls/media';
import type { SignalingConfig } from './config';
import { rooms, type AppContext } from './context';
import { Directory } from './directory/directory';
import { Documents } from './documents/documents';
import { createHttpApp } from './http/app';
import { CaseTypeSearch } from './http/case-type-search';
import { guardAdapter } from './kv/adapter-guard';
import { MemoryKv } from './kv/memory';
import { RedisKv } from './kv/redis';
import type { SharedKv } from './kv/types';
import { CachedMetrics, startMetricsServer, type MetricsServer } from './metrics/endpoint';
import { Metrics } from './metrics/metrics';
import type { Catalogue } from './queue/catalogue';
import { Board } from './realtime/board';
import { registerCitizenNamespace } from './realtime/citizen';
import { registerClerkNamespace } from './realtime/clerk';
import { drainSockets } from './realtime/drain';
import { Presence } from './realtime/presence';
import { Matcher } from './realtime/matcher';
import { Runner } from './realtime/runner';
import { Records, type RecordsDeps } from './records/records';
import { registerSupervisorNamespace } from './realtime/supervisor';
import { loadCatalogueFile } from './store/catalogue-file';
import { MemoryStore } from './store/memory';
import { createRedisStore } from './store-factory';
import { openRedis } from './store/redis/connection';
import type { OfferRecord, Store } from './store/types';
import type { RoomId } from '@ablak/protocol';

/** An SFU node running in this process (embedded mode), as signaling uses it. */
export interface EmbeddedSfu {
  attach(io: Server): unknown;
  closeRoom?(room: string, reason?: string): boolean;
  /** Ends a call's room and refuses its grants until `until` (ms since the epoch). */
  revokeRoom?(room: RoomId, until?: number): void;
  close(): Promise<void>;
}

export interface SignalingDeps {
  logger?: Logger;
  /** Defaults: MemoryStore without REDIS_URL, RedisStore with it (see `createStore`). */
  store?: Store;
  catalogue?: Catalogue;
  directory?: Directory;
  kv?: SharedKv;
  /** Sends booking confirmation codes; default: the shared-KV outbox a delivery gateway drains. */
  contactSender?: ContactSender;
  /**
   * Starts the embedded SFU once the server listens (its public URL is the server's). Given the
   * server's URL and the store to heartbeat into; the returned node is attached and closed with us.
   */
  embedSfu?: (url: string, store: Store, logger: Logger) => Promise<EmbeddedSfu>;
  /** Tests: the record database to use instead of the configured one (see RecordsDeps). */
  openRecordDatabase?: RecordsDeps['openDatabase'];
  /** Store factory for fleet mode (RedisStore), injected so this module does not load Redis code eagerly. */
  createStore?: (catalogue: Catalogue, config: SignalingConfig, logger?: Logger) => Promise<Store>;
}

export interface RunningSignaling {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly io: Server;
  readonly context: AppContext;
  /** Reads TLS_CERT_FILE and TLS_KEY_FILE again (a renewed certificate); false when serving plain HTTP. */
  reloadTls(): boolean;
  /**
   * Before a shutdown: /readyz turns 503 and new tickets are refused (UNAVAILABLE) at once, idle
   * sockets are told to reconnect elsewhere, sockets of running calls after their call or `periodMs`
   * (default DRAIN_SECONDS). Idempotent; `close()` afterwards.
   */
  drain(periodMs?: number): Promise<void>;
  /** The internal metrics listener's port (METRICS_PORT), when there is one. */
  readonly metricsPort: number | undefined;
  /** Stops taking connections, closes sockets, timers, store, SFU; idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function listen(server: WebServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts one signaling server (HTTP + Socket.IO) on `config.port` (0 = any free port). */
export async function startSignaling(
  config: SignalingConfig,
  deps: SignalingDeps = {},
): Promise<RunningSignaling> {
  const logger =
    deps.logger ??
    pino({ level: config.logLevel, redact: ['req.headers.authorization', '*.token', '*.grant'] });
  const catalogue = deps.catalogue ?? deps.store?.catalogue ?? loadCatalogueFile(config.catalogueFile);
  const directory = deps.directory ?? Directory.fromFile(config.directoryFile);
  const fleet = config.redis !== undefined;
  const store =
    deps.store ??
    (fleet
      ? await (deps.createStore ?? createRedisStore)(catalogue, config, logger)
      : new MemoryStore(catalogue, { dropGraceSeconds: config.dropGraceSeconds }));
  const kv = deps.kv ?? (config.redis ? new RedisKv(config.redis) : new MemoryKv());
  const tokens = new TokenService(config, new Revocations(kv));
  const metrics = new Metrics({ defaultMetrics: true });

  const { server: httpServer, scheme, reloadTls } = createWebServer(config.tls);
  httpServer.keepAliveTimeout = 65_000;
  const io = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    cors: config.corsOrigins.length > 0 ? { origin: [...config.corsOrigins] } : undefined,
    connectionStateRecovery: {
      maxDisconnectionDuration: config.dropGraceSeconds * 1000,
      skipMiddlewares: true,
    },
  });
  const adapterRedis = config.redis ? openRedis(config.redis, 'blocking', { lazyConnect: false }) : null;
  if (adapterRedis) {
    io.adapter(guardAdapter(createAdapter(adapterRedis, { streamName: 'ablak:sio' }), logger));
  }

  const media = new MediaBroker({
    store,
    kv,
    tokens,
    iceServers: config.iceServers,
    logger: logger.child({ module: 'media' }),
    // A fleet tells every SFU node through Redis; embedded, the node in this process (set below).
    ...(adapterRedis ? { revoke: redisRevoker(adapterRedis) } : {}),
  });
  const search = new CaseTypeSearch([...catalogue.caseTypes.values()]);
  const matcher = new Matcher(store, metrics, logger.child({ module: 'matcher' }));
  matcher.onOffers = (offers) => void dropOrphans(offers);
  /**
   * A citizen whose node died never disconnected, so the ticket still looks present. When such a
   * ticket is offered and no socket of it exists on any node, it starts its drop grace instead of
   * holding a clerk (the node that made the offer checks, so each offer is checked once).
   */
  async function dropOrphans(offers: OfferRecord[]): Promise<void> {
    const now = Date.now();
    for (const offer of offers) {
      if (now - offer.ticket.enqueuedAt < config.orphanAfterSeconds * 1000) continue;
      try {
        const present = await io.of('/citizen').in(rooms.ticket(offer.ticket.id)).fetchSockets();
        if (present.length > 0) continue;
        await store.drop(offer.ticket.id, Date.now());
        logger.info(
          { ticket: offer.ticket.id, clerk: offer.clerkId },
          'offered ticket had no citizen connected: dropped',
        );
        matcher.kick();
      } catch (error) {
        logger.warn({ err: error, ticket: offer.ticket.id }, 'orphan check failed');
      }
    }
  }
  const records = await Records.start({
    config: config.records,
    store,
    catalogue,
    directory,
    kv,
    logger,
    ...(deps.openRecordDatabase && { openDatabase: deps.openRecordDatabase }),
  });
  const ctx: AppContext = {
    config,
    logger,
    store,
    catalogue,
    directory,
    tokens,
    kv,
    media,
    metrics,
    search,
    matcher,
    records,
    io,
  };
  metrics.bind({
    socketsByRole: () => ({
      citizen: io.of('/citizen').sockets.size,
      clerk: io.of('/clerk').sockets.size,
      supervisor: io.of('/supervisor').sockets.size,
    }),
    waitingByQueue: async () =>
      (await store.queueStats(Date.now())).map((q) => ({ queue: q.queue, waiting: q.waiting })),
  });

  let sfu: EmbeddedSfu | null = null;
  let baseUrl = '';
  const appointments = new Appointments(
    kv,
    () => config.publicUrl ?? baseUrl,
    deps.contactSender ?? new OutboxContactSender(kv, logger.child({ module: 'appointments' })),
  );
  const documents = new Documents(kv, config.documentRetentionHours * 3600, records);
  let draining: Promise<void> | undefined;
  const metricsText = new CachedMetrics(metrics);
  const app = createHttpApp(ctx, {
    documents,
    appointments,
    metrics: metricsText,
    draining: () => draining !== undefined,
    ready: async () => {
      if (draining) return false;
      try {
        await store.queueStats(Date.now(), []);
        return await kv.ping();
      } catch {
        return false;
      }
    },
  });
  httpServer.on('request', app);

  const board = new Board(ctx);
  const runner = new Runner(ctx, board);
  registerCitizenNamespace(ctx, (queue, position) => runner.told(queue, position));
  const clerkNs = registerClerkNamespace(ctx);
  registerSupervisorNamespace(ctx, board);
  // Presence matters only where another node can die under a citizen: in a fleet.
  const presence = fleet ? new Presence(ctx, config.presenceIntervalMs) : null;
  await runner.start();
  board.start();
  presence?.start();

  const port = await listen(httpServer, config.port, config.host);
  const metricsServer: MetricsServer | null =
    config.metricsPort === undefined
      ? null
      : await startMetricsServer(metricsText, config.metricsPort, config.metricsHost, (err) =>
          logger.warn({ err }, 'metrics rendering failed'),
        );
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  baseUrl = `${scheme}://${host}:${port}`;
  if (deps.embedSfu) {
    sfu = await deps.embedSfu(config.publicUrl ?? baseUrl, store, logger);
    sfu.attach(io);
    const embedded = sfu;
    if (!adapterRedis && embedded.revokeRoom) media.revoker = (r) => embedded.revokeRoom?.(r.room, r.until);
  }
  // Media access follows the call: an ended or transferred call's room is revoked on the SFU.
  const stopRevoking = await store.subscribe((event) => {
    if (event.type !== 'call:ended') return;
    media.endRoom(event.call.room, Date.now()).catch((error: unknown) => logger.warn({ err: error }, 'room revocation failed'));
  });
  logger.info({ port, scheme, fleet, sfu: sfu !== null }, 'signaling listening');

  const drain = (periodMs = config.drainSeconds * 1000) =>
    (draining ??= (async () => {
      logger.info({ periodMs }, 'draining: readiness off, new tickets refused');
      const result = await drainSockets(
        { namespaces: [io.of('/citizen'), io.of('/clerk'), io.of('/supervisor')], store, logger: logger.child({ module: 'drain' }) },
        periodMs,
      );
      logger.info(result, 'drained');
    })());

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopRevoking();
      runner.close();
      board.close();
      clerkNs.close();
      matcher.close();
      await matcher.idle();
      await presence?.close();
      // io.close() ends each socket as 'server shutting down' and closes the transports: clients see
      // a dropped connection and reconnect by themselves (a server-side disconnect would stop them).
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections();
      await metricsServer?.close();
      if (sfu) await sfu.close();
      await records.close();
      if (!deps.store) await store.close();
      if (!deps.kv) await kv.close();
      adapterRedis?.disconnect();
    })());

  return {
    url: baseUrl,
    port,
    io,
    context: ctx,
    reloadTls,
    drain,
    metricsPort: metricsServer?.port,
    close,
    [Symbol.asyncDispose]: close,
  };
}
