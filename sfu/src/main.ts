/**
 * A standalone SFU node: its own HTTP server (Socket.IO `/media`, `/healthz`, `/metrics`), registered
 * in Redis when REDIS_URL is set. The only place in the package that reads the environment.
 */
import { Redis } from 'ioredis';
import {
  RedisRevocationSource,
  RedisSfuRegistry,
  SfuConfigError,
  SfuNode,
  createSfuLogger,
  parseSfuConfig,
  startSfuHttpServer,
  type SfuNodeConfig,
  type SfuRegistryPublisher,
} from './server/index';

const logger = createSfuLogger(process.env.LOG_LEVEL ?? 'info');

let config: SfuNodeConfig;
try {
  config = parseSfuConfig(process.env);
} catch (error) {
  if (error instanceof SfuConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

// The signals are this process's from the first moment (mediasoup's own per-worker listeners are
// taken off by the worker pool): one during start-up stops the process, later ones drain.
const life: { started?: { node: SfuNode; server: Awaited<ReturnType<typeof startSfuHttpServer>> }; stopping: boolean } = {
  stopping: false,
};
async function shutdown(signal: string): Promise<void> {
  if (life.stopping) return;
  life.stopping = true;
  const { started } = life;
  if (!started) {
    logger.info({ signal }, 'stopping during start-up');
    process.exit(0);
  }
  logger.info({ signal, drainMs: config.drainMs }, 'draining');
  await started.node.close({ drainMs: config.drainMs });
  await started.server.close();
  redis?.disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// A renewed certificate (e.g. `systemctl reload`): new connections get it, running calls stay.
process.on('SIGHUP', () => {
  if (life.started) logger.info({ reloaded: life.started.server.reloadTls() }, 'tls certificate reloaded');
});

/** The registry's Redis: REDIS_URL, or the master REDIS_SENTINELS (host:port,…) name REDIS_SENTINEL_MASTER. */
function registryRedis(env: NodeJS.ProcessEnv): Redis | undefined {
  const sentinels = env.REDIS_SENTINELS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (sentinels?.length) {
    if (!env.REDIS_SENTINEL_MASTER) {
      console.error('REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS');
      process.exit(2);
    }
    return new Redis({
      sentinels: sentinels.map((s) => ({ host: s.slice(0, s.lastIndexOf(':')), port: Number(s.slice(s.lastIndexOf(':') + 1)) })),
      name: env.REDIS_SENTINEL_MASTER,
      ...(env.REDIS_PASSWORD && { password: env.REDIS_PASSWORD }),
      ...(env.REDIS_SENTINEL_PASSWORD && { sentinelPassword: env.REDIS_SENTINEL_PASSWORD }),
      failoverDetector: true,
      maxRetriesPerRequest: 2,
    });
  }
  return env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2 }) : undefined;
}
const redis = registryRedis(process.env);
const registry: SfuRegistryPublisher | undefined = redis ? new RedisSfuRegistry(redis) : undefined;
// In a fleet, signaling revokes the rooms of ended calls through Redis (docs/SECURITY-MEDIA.md).
const revocations = redis ? new RedisRevocationSource(redis, logger) : undefined;
const node = await SfuNode.create(config, { logger, ...(registry ? { registry } : {}), ...(revocations ? { revocations } : {}) });
const server = await startSfuHttpServer(node, { port: config.port, host: process.env.HOST ?? '0.0.0.0', tls: config.tls });
life.started = { node, server };
logger.info({ port: server.port, tls: config.tls !== undefined, node: config.nodeId, redis: redis !== undefined }, 'standalone sfu listening');
