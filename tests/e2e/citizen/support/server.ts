import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, serviceArgs } from '@ablak/tests/harness';

import { ensureAppBuilt, REPO_ROOT } from '../../../harness/apps';

export { REPO_ROOT };

/** Builds web-client/dist when missing or older than its sources (the server serves the built app). */
export function ensureWebClientBuilt(): void {
  ensureAppBuilt('web-client');
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts the real embedded server (signaling + SFU in one process, demo data, the built citizen app)
 * through the signaling package's own start script, on a free port, and waits until it is healthy.
 */
export async function startServer(
  env: Record<string, string> = {},
  fixedPort?: number,
): Promise<RunningServer> {
  ensureWebClientBuilt();
  const port = fixedPort ?? (await freePort());
  const docs = mkdtempSync(path.join(tmpdir(), 'ablak-docs-'));
  const child: ChildProcess = spawn(process.execPath, serviceArgs('signaling'), {
    cwd: path.join(REPO_ROOT, 'signaling'),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SFU_WORKERS: '1',
      SFU_RTC_PORT_BASE: '0',
      DOCUMENTS_DIR: docs,
      TICKETS_PER_IP_PER_MINUTE: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    const healthy = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (healthy) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`server not healthy after 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        rmSync(docs, { recursive: true, force: true });
        resolve();
      });
      child.kill('SIGTERM');
    }));
  return { url, close, [Symbol.asyncDispose]: close };
}
