import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, freePort, startRedis, waitForPort } from '@ablak/tests/harness';

const SENTINEL_CONF = path.join(REPO_ROOT, 'infra', 'deploy', 'redis', 'sentinel.conf');

describe('the deployment sentinel.conf', () => {
  it('runs a real Redis Sentinel that finds the primary it names', async () => {
    await using primary = await startRedis();
    const dir = mkdtempSync(path.join(tmpdir(), 'ablak-sentinel-conf-'));
    const port = await freePort();
    // what an operator does: the primary's address in the monitor line (here, the test's Redis)
    const text = readFileSync(SENTINEL_CONF, 'utf8');
    expect(text).toMatch(/^sentinel monitor ablak 10\.0\.0\.11 6379 2$/m);
    const conf = path.join(dir, 'sentinel.conf');
    writeFileSync(conf, text.replace(/^sentinel monitor ablak \S+ \d+ 2$/m, `sentinel monitor ablak 127.0.0.1 ${primary.port} 2`));
    const child = spawn(process.env.REDIS_SERVER_BIN ?? 'redis-server', [conf, '--sentinel', '--port', String(port), '--daemonize', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await waitForPort(port, '127.0.0.1', 10_000).catch((error: unknown) => {
        throw new Error(`sentinel did not start: ${String(error)}\n${output}`);
      });
      await client.connect();
      const address = (await client.call('SENTINEL', 'get-master-addr-by-name', 'ablak')) as string[];
      expect(address).toEqual(['127.0.0.1', String(primary.port)]);
      // one sentinel of the three a fleet runs: alone it cannot reach the quorum of 2 to fail over
      const quorum = await client.call('SENTINEL', 'ckquorum', 'ablak').then(String, (e: Error) => e.message);
      expect(quorum).toMatch(/^NOQUORUM 1 usable Sentinels/);
      // Sentinel rewrote its copy (why the unit runs it from a writable state directory)
      expect(readFileSync(conf, 'utf8')).toMatch(/^sentinel myid /m);
    } finally {
      client.disconnect();
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
