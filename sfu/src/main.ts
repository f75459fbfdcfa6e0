/**
 * A standalone SFU node: its own HTTP server (Socket.IO `/media`, `/healthz`, `/metrics`), registered
 * in Redis when REDIS_URL is set. The only place in the package that reads the environment.
 */
import { Redis } from 'ioredis';
import {
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

const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 2 }) : undefined;
const registry: SfuRegistryPublisher | undefined = redis ? new RedisSfuRegistry(redis) : undefined;
const node = await SfuNode.create(config, { logger, ...(registry ? { registry } : {}) });
const server = await startSfuHttpServer(node, { port: config.port, host: process.env.HOST ?? '0.0.0.0', tls: config.tls });
logger.info({ port: server.port, tls: config.tls !== undefined, node: config.nodeId, redis: redis !== undefined }, 'standalone sfu listening');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, drainMs: config.drainMs }, 'draining');
  await node.close({ drainMs: config.drainMs });
  await server.close();
  redis?.disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
// A renewed certificate (e.g. `systemctl reload`): new connections get it, running calls stay.
process.on('SIGHUP', () => logger.info({ reloaded: server.reloadTls() }, 'tls certificate reloaded'));
process.on('SIGINT', () => void shutdown('SIGINT'));
