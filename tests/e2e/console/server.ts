import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseSfuConfig, SfuNode } from '@ablak/sfu';
import {
  parseCatalogue,
  parseConfig,
  startSignaling,
  type EmbeddedSfu,
  type RunningSignaling,
} from '@ablak/signaling';

import { ensureAppBuilt, REPO_ROOT } from '../../harness/apps';

export { REPO_ROOT };

/** Builds clerk-console/dist when missing or older than its sources (the server serves the built app). */
export function ensureConsoleBuilt(): void {
  ensureAppBuilt('clerk-console');
}

export interface ServerOptions {
  /** Offer timeout of every queue, seconds (the shipped catalogue says 15). */
  offerTimeoutSeconds?: number;
  /** Wrap-up time of every queue, seconds. */
  wrapUpSeconds?: number;
}

/**
 * The real embedded server in this process: signaling with the shipped demo directory and catalogue
 * (timeouts shortened so a test does not sit out 15 s offers), one SFU node attached on the same port,
 * and the built console at /console/.
 */
export async function startConsoleServer(options: ServerOptions = {}): Promise<RunningSignaling> {
  ensureConsoleBuilt();
  const docs = mkdtempSync(path.join(tmpdir(), 'ablak-console-docs-'));
  const env = {
    NODE_ENV: 'test',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    MEDIA_GRANT_SECRET: randomBytes(32).toString('base64url'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SFU_WORKERS: '1',
    SFU_RTC_PORT_BASE: '0',
    DOCUMENTS_DIR: docs,
    TICKETS_PER_IP_PER_MINUTE: '1000',
    LOGINS_PER_IP_PER_MINUTE: '1000',
    BOARD_PUSH_INTERVAL_MS: '200',
  };
  const config = parseConfig(env);
  const raw = JSON.parse(readFileSync(config.catalogueFile, 'utf8')) as { queues: Record<string, unknown>[] };
  raw.queues = raw.queues.map((q) => ({
    ...q,
    ...(options.offerTimeoutSeconds ? { offerTimeoutSeconds: options.offerTimeoutSeconds } : {}),
    ...(options.wrapUpSeconds ? { wrapUpSeconds: options.wrapUpSeconds } : {}),
  }));
  const running = await startSignaling(config, {
    catalogue: parseCatalogue(raw),
    embedSfu: async (url, store, log): Promise<EmbeddedSfu> =>
      SfuNode.create(
        parseSfuConfig({ ...env, MEDIA_GRANT_SECRET: config.mediaGrantSecret, SFU_PUBLIC_URL: url }),
        {
          logger: log,
          registry: { publish: (info) => store.putSfuNode(info), remove: (id) => store.removeSfuNode(id) },
        },
      ),
  });
  const close = async () => {
    await running.close();
    rmSync(docs, { recursive: true, force: true });
  };
  return {
    url: running.url,
    port: running.port,
    io: running.io,
    context: running.context,
    reloadTls: running.reloadTls,
    drain: running.drain,
    metricsPort: running.metricsPort,
    close,
    [Symbol.asyncDispose]: close,
  };
}
