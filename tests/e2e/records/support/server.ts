import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseSfuConfig, SfuNode } from '@ablak/sfu';
import { parseConfig, startSignaling, type EmbeddedSfu, type RunningSignaling } from '@ablak/signaling';
import { ensureAppBuilt } from '../../../harness/apps';

/**
 * The real embedded desk in this process (signaling with one SFU node, demo directory and catalogue,
 * both built web apps) keeping its records in an embedded PostgreSQL (PGlite) under `dataDir`:
 * a second start on the same directory is the same desk the next day.
 */
export async function startRecordsDesk(dataDir: string, env: Record<string, string> = {}): Promise<RunningSignaling> {
  ensureAppBuilt('web-client');
  ensureAppBuilt('clerk-console');
  const docs = mkdtempSync(path.join(tmpdir(), 'ablak-records-docs-'));
  const all = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SFU_WORKERS: '1',
    SFU_RTC_PORT_BASE: '0',
    DOCUMENTS_DIR: docs,
    DATA_DIR: dataDir,
    TICKETS_PER_IP_PER_MINUTE: '1000',
    LOGINS_PER_IP_PER_MINUTE: '1000',
    BOARD_PUSH_INTERVAL_MS: '200',
    ...env,
  };
  const config = parseConfig(all);
  const running = await startSignaling(config, {
    embedSfu: async (url, store, log): Promise<EmbeddedSfu> =>
      SfuNode.create(parseSfuConfig({ ...all, MEDIA_GRANT_SECRET: config.mediaGrantSecret, SFU_PUBLIC_URL: url }), {
        logger: log,
        registry: { publish: (info) => store.putSfuNode(info), remove: (id) => store.removeSfuNode(id) },
      }),
  });
  const close = async () => {
    await running.close();
    rmSync(docs, { recursive: true, force: true });
  };
  return { ...running, close, [Symbol.asyncDispose]: close };
}
