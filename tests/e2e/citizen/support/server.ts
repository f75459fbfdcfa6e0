import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@ablak/tests/harness';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const WEB_CLIENT = path.join(REPO_ROOT, 'web-client');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds web-client/dist when it is missing or older than its sources (the server serves the built app). */
export function ensureWebClientBuilt(): void {
  const index = path.join(WEB_CLIENT, 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(path.join(WEB_CLIENT, 'src')),
    newestMtime(path.join(REPO_ROOT, 'ui', 'src')),
  );
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  const result = spawnSync('pnpm', ['--filter', '@ablak/web-client', 'build'], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
    encoding: 'utf8',
    // NODE_ENV=test (set by vitest) would make Vite bundle React's development build
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`web-client build failed:\n${result.stdout}\n${result.stderr}`);
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
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const child: ChildProcess = spawn(tsx, ['src/main.ts'], {
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
