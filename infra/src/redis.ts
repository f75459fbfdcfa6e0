import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from './ports';
import { spawnOwned } from './spawn';

export const REDIS_CONF = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'redis', 'redis.conf');

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Kills the server (SIGKILL when `crash`), waits for it to exit; idempotent. */
  stop(options?: { crash?: boolean; keepData?: boolean }): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartRedisOptions {
  port?: number;
  /** Starts the server with `requirepass`; the handle's `url` then carries it (fleet nodes need one). */
  password?: string;
  dataDir?: string;
  binary?: string;
  /** More command-line settings, e.g. `['--replicaof', '127.0.0.1', '6379']`. */
  args?: string[];
}

/** Starts Debian's redis-server with Ablak's config (AOF on) on a free loopback port and its own dir. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'ablak-redis-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (await freePort());
    // A copy of its own: Sentinel makes a server rewrite its config file (CONFIG REWRITE) on failover.
    const conf = path.join(dataDir, 'redis.conf');
    copyFileSync(REDIS_CONF, conf);
    const args = [conf, '--port', String(port), '--dir', dataDir, '--daemonize', 'no', ...(options.args ?? [])];
    if (options.password !== undefined) args.push('--requirepass', options.password);
    const child = spawnOwned(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await Promise.race([
        waitForPort(port, '127.0.0.1', 10_000),
        exited.then((code) => {
          throw new Error(`redis-server exited with ${code}: ${stderr.trim()}`);
        }),
      ]);
      return makeHandle(child, exited, port, dataDir, ownDir, options.password);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      await exited;
      if (options.port !== undefined) break;
    }
  }
  if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function makeHandle(
  child: ChildProcess,
  exited: Promise<number | null>,
  port: number,
  dataDir: string,
  ownDir: boolean,
  password: string | undefined,
): RedisServer {
  let stopped: Promise<void> | undefined;
  const stop = (options: { crash?: boolean; keepData?: boolean } = {}) => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(options.crash ? 'SIGKILL' : 'SIGTERM');
      await exited;
      if (ownDir && !options.keepData) rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };
  return {
    url: password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    port,
    dataDir,
    stop,
    [Symbol.asyncDispose]: () => stop(),
  };
}
