import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';
import { startRedis, type RedisServer } from './redis';
import { spawnOwned } from './spawn';

/** The master's name the Sentinels of the harness monitor. */
export const SENTINEL_MASTER = 'ablak';

export interface SentinelSet {
  /** The server that was the master when the set started (it may not be after a failover). */
  readonly primary: RedisServer;
  readonly replica: RedisServer;
  /** host:port of each Sentinel, as REDIS_SENTINELS takes them. */
  readonly sentinels: readonly string[];
  readonly masterName: string;
  /** Asks a Sentinel which port serves as master now. */
  masterPort(): Promise<number>;
  /** Stops every process and removes their directories; idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartSentinelOptions {
  /** A master not heard from for this long is down (Sentinel's down-after-milliseconds). Default 1000. */
  downAfterMs?: number;
  binary?: string;
}

/**
 * A primary, one replica and three Sentinels (quorum 2) from Debian's redis-server, each on a free
 * loopback port: what fleet mode's REDIS_SENTINELS is tested against. Sentinels are redis-server in
 * sentinel mode (what Debian's redis-sentinel package runs) with a config file of their own, since
 * a Sentinel rewrites its config as it learns the set.
 */
export async function startSentinelSet(options: StartSentinelOptions = {}): Promise<SentinelSet> {
  const binary = options.binary ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const downAfter = options.downAfterMs ?? 1000;
  const primary = await startRedis({ binary });
  const replica = await startRedis({ binary, args: ['--replicaof', '127.0.0.1', String(primary.port)] });
  const dir = mkdtempSync(path.join(tmpdir(), 'ablak-sentinel-'));
  const children: { child: ChildProcess; exited: Promise<void> }[] = [];
  const sentinels: string[] = [];
  const stop = async () => {
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await Promise.all([primary.stop(), replica.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = path.join(dir, `sentinel-${i}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER} ${downAfter}`,
          `sentinel failover-timeout ${SENTINEL_MASTER} ${Math.max(3000, 3 * downAfter)}`,
          `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
          '',
        ].join('\n'),
      );
      const child = spawnOwned(binary, [conf, '--sentinel'], { stdio: ['ignore', 'ignore', 'ignore'] });
      children.push({ child, exited: new Promise((resolve) => child.once('exit', () => resolve())) });
      await waitForPort(port, '127.0.0.1', 10_000);
      sentinels.push(`127.0.0.1:${port}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  const once = () => (stopped ??= stop());
  return {
    primary,
    replica,
    sentinels,
    masterName: SENTINEL_MASTER,
    masterPort: () => askMasterPort(sentinels[0] ?? ''),
    stop: once,
    [Symbol.asyncDispose]: once,
  };
}

/** SENTINEL GET-MASTER-ADDR-BY-NAME over a raw socket (infra has no Redis client). */
async function askMasterPort(sentinel: string): Promise<number> {
  const net = await import('node:net');
  const [host = '127.0.0.1', port = '0'] = sentinel.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), host);
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('sentinel did not answer')));
    socket.on('error', reject);
    socket.on('data', (d) => {
      reply += d.toString();
      // *2\r\n$9\r\n127.0.0.1\r\n$5\r\n12345\r\n
      const lines = reply.split('\r\n');
      if (lines.length >= 5) {
        socket.end();
        resolve(Number(lines[4]));
      }
    });
    socket.write(`SENTINEL GET-MASTER-ADDR-BY-NAME ${SENTINEL_MASTER}\r\n`);
  });
}
