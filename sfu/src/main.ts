/**
 * A standalone SFU node: its own HTTP server (Socket.IO `/media`, `/healthz`, `/metrics`), registered
 * in Redis when REDIS_URL is set. The only place in the package that reads the environment.
 */
import http from 'node:http';
import express from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Server } from 'socket.io';
import {
  SfuConfigError,
  SfuNode,
  createOpsRouter,
  parseSfuConfig,
  RedisSfuRegistry,
  type SfuNodeConfig,
  type SfuRegistryPublisher,
} from './server/index';

const logger = pino({
  name: 'ablak-sfu',
  level: process.env.LOG_LEVEL ?? 'info',
  redact: ['req.headers.authorization', 'token', '*.token', 'grant', '*.grant'],
});

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

const app = express();
app.disable('x-powered-by');
app.use(createOpsRouter(node));
const server = http.createServer(app);
const io = new Server(server, { cors: { origin: true, credentials: false }, maxHttpBufferSize: 256 * 1024 });
node.attach(io);
await new Promise<void>((resolve) => server.listen(config.port, resolve));
logger.info({ port: config.port, node: config.nodeId }, 'standalone sfu listening');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, drainMs: config.drainMs }, 'draining');
  await node.close({ drainMs: config.drainMs });
  await io.close();
  redis?.disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
