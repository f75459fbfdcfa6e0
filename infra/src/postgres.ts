import { execFileSync, type ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';

const PG_BIN = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
/** The schema owner (migrations, grants) and the application role (what a signaling node uses). */
export const PG_OWNER = 'ablak_owner';
export const PG_APP = 'ablak_app';
const DATABASE = 'ablak';

export interface PostgresServer {
  readonly port: number;
  readonly dataDir: string;
  /** The schema owner's URL (DATABASE_MIGRATION_URL). */
  readonly ownerUrl: string;
  /** The application role's URL (DATABASE_URL): no UPDATE or DELETE on the audit log. */
  readonly appUrl: string;
  /** Stops the server (fast shutdown, or SIGKILL when `crash`), keeping its data for `start()`. */
  halt(options?: { crash?: boolean }): Promise<void>;
  /** Starts it again on the same port and data (after `halt`). */
  start(): Promise<void>;
  /** Stops it for good and removes its data directory; idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Runs a PostgreSQL binary; as root it runs as the `postgres` system user (postgres refuses root). */
function asPostgres(binary: string, args: readonly string[]): { command: string; args: string[] } {
  const full = path.join(PG_BIN, binary);
  if (process.getuid?.() !== 0) return { command: full, args: [...args] };
  if (!SETPRIV) throw new Error('setpriv (util-linux) is needed to run PostgreSQL as root');
  return {
    command: SETPRIV,
    args: ['--reuid=postgres', '--regid=postgres', '--init-groups', '--pdeathsig', 'KILL', '--', full, ...args],
  };
}

function runAsPostgres(binary: string, args: readonly string[], input?: string): void {
  const { command, args: full } = asPostgres(binary, args);
  execFileSync(command, full, { input, stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8' } });
}

/**
 * Starts Debian's postgresql-15 on a free loopback port with its own temporary data directory:
 * a database `ablak` owned by `ablak_owner`, and a login role `ablak_app` for the application
 * (trust authentication on loopback: a test server only). Fast but not crash-safe across an OS
 * crash (fsync off); a server killed by SIGKILL recovers on restart.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ablak-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dataDir, uid, gid);
  }
  try {
    runAsPostgres('initdb', ['-D', dataDir, '-U', PG_OWNER, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    // Single-user mode: one statement per line, before any server listens.
    runAsPostgres(
      'postgres',
      ['--single', '-D', dataDir, 'postgres'],
      `CREATE ROLE ${PG_APP} LOGIN\nCREATE DATABASE ${DATABASE} OWNER ${PG_OWNER}\n`,
    );
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let stderr = '';

  const start = async () => {
    const { command, args } = asPostgres('postgres', [
      '-D', dataDir, '-p', String(port), '-k', dataDir,
      '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off', '-c', 'max_connections=200', '-c', 'shared_buffers=32MB',
    ]);
    stderr = '';
    const proc = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    await Promise.race([
      waitForPort(port, '127.0.0.1', 30_000),
      exited.then(() => {
        throw new Error(`postgres exited at start: ${stderr.trim()}`);
      }),
    ]);
  };
  const halt = async (options: { crash?: boolean } = {}) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    // SIGINT: fast shutdown (clients disconnected, no wait); SIGKILL: a crash.
    proc.kill(options.crash ? 'SIGKILL' : 'SIGINT');
    await exited;
    child = null;
  };
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await halt();
      rmSync(dataDir, { recursive: true, force: true });
    })());

  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    dataDir,
    ownerUrl: `postgres://${PG_OWNER}@127.0.0.1:${port}/${DATABASE}`,
    appUrl: `postgres://${PG_APP}@127.0.0.1:${port}/${DATABASE}`,
    halt,
    start,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
