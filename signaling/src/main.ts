/**
 * The one place that reads the environment. Embedded default (no REDIS_URL): memory store, one SFU
 * node in this process on the same port, demo data, both apps. Fleet (REDIS_URL): Redis store and the
 * Socket.IO Redis streams adapter; an SFU node here only with SFU_EMBEDDED=1.
 */
import pino from 'pino';
import { ConfigError, parseConfig, type SignalingConfig } from './config';
import { embeddedSfu } from './embedded-sfu';
import { DEFAULT_DATA_DIR } from './records/config';
import { SchemaTooNew } from './records/migrate';
import { startSignaling } from './server';

async function main(): Promise<void> {
  let config: SignalingConfig;
  try {
    // The process keeps records: PGlite under ./.ablak-data unless DATABASE_URL or DATA_DIR says otherwise.
    config = parseConfig({ DATA_DIR: DEFAULT_DATA_DIR, ...process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', '*.token', '*.grant', '*.password'],
  });
  // The signals are this process's from the first moment: one during start-up stops it (nothing is
  // served yet that a drain could keep), instead of reaching a half-started server.
  const life: { running?: Awaited<ReturnType<typeof startSignaling>>; stopping: boolean } = { stopping: false };
  const stop = (signal: string) => {
    if (life.stopping) return;
    life.stopping = true;
    logger.info({ signal }, 'shutting down');
    const { running } = life;
    if (!running) process.exit(0);
    // Drain first (readiness off, sockets sent elsewhere, running calls given DRAIN_SECONDS), then close.
    const force = setTimeout(() => process.exit(1), config.drainSeconds * 1000 + 15_000);
    force.unref();
    void running
      .drain()
      .then(() => running.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // A renewed certificate (e.g. `systemctl reload`): new connections get it, running calls stay.
  process.on('SIGHUP', () => {
    if (life.running) logger.info({ reloaded: life.running.reloadTls() }, 'tls certificate reloaded');
  });

  const running = await startSignaling(config, {
    logger,
    ...(config.sfuEmbedded && { embedSfu: embeddedSfu(config) }),
  });
  life.running = running;
  running.context.records.opened.catch((error: unknown) => {
    // A database migrated by a newer build: this node must not write into it.
    console.error(error instanceof SchemaTooNew ? error.message : error);
    void running.close().finally(() => process.exit(2));
  });
  const url = config.publicUrl ?? running.url;
  const embedded = !config.redis;
  const localOnly = config.host === '127.0.0.1' || config.host === 'localhost' || config.host === '::1';
  const lines = [
    '',
    `Ablak is running (${embedded ? 'embedded mode' : 'fleet mode'}${config.sfuEmbedded ? ', SFU in this process' : ''})`,
    `  listening on: ${config.host}:${running.port}${localOnly ? ' (this machine only; set HOST=0.0.0.0 to accept other machines)' : ''}`,
    `  citizen app:  ${url}/`,
    `  console:      ${url}/console/`,
    `  API:          ${url}/api/case-types`,
    `  health:       ${url}/healthz`,
    `  metrics:      ${
      running.metricsPort !== undefined
        ? `http://${config.metricsHost}:${running.metricsPort}/metrics (internal listener)`
        : config.metricsToken
          ? `${url}/metrics (Authorization: Bearer METRICS_TOKEN)`
          : 'off (set METRICS_PORT or METRICS_TOKEN)'
    }`,
  ];
  if (config.secrets.source === 'generated')
    lines.push(`  secrets:      generated at this first start, kept in ${config.secrets.file} (0600)`);
  else if (config.secrets.source === 'data-dir')
    lines.push(`  secrets:      ${config.secrets.file} (made at the first start)`);
  if (config.demo) lines.push('  demo logins:  clerk1 … clerk6, supervisor — password ablak-demo (demo mode)');
  console.log(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
