import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { PeerId, RoomId, SFU_REGISTRY_REDIS_KEY, SfuNodeInfo } from '@ablak/protocol';
import { freePort, serviceArgs, startRedis } from '@ablak/tests/harness';
import { GRANT_SECRET, MediaClient, startSfu } from './fixture';

const SFU_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sfu');

describe('SFU node lifecycle', () => {
  it('drains: refuses new sockets and rooms, lets the open call finish, then closes and leaves the registry', async () => {
    await using sfu = await startSfu({ SFU_WORKERS: '1' });
    const room = RoomId.parse('drain-room');
    const a = await MediaClient.connect(sfu.url, sfu.grant({ room, peer: PeerId.parse('citizen-d') }));
    await a.must('media:join', {});
    const closing = sfu.node.close({ drainMs: 20_000 });
    await expect.poll(async () => (await sfu.registry.list()).map((n) => n.draining)).toEqual([true]);
    const refused = await MediaClient.connect(sfu.url, sfu.grant({ room: RoomId.parse('other'), peer: PeerId.parse('late') })).then(
      () => 'connected',
      (e: { data?: { code?: string } }) => e.data?.code,
    );
    expect(refused).toBe('UNAVAILABLE');
    // The open call still works while draining.
    expect((await a.request('media:stats', {})).ok).toBe(true);
    let closed = false;
    void closing.then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 500));
    expect(closed).toBe(false);
    a.close(); // the call ends: the node finishes closing
    await closing;
    expect(await sfu.registry.list()).toEqual([]);
    expect(sfu.node.health().ok).toBe(false);
    await sfu.node.close(); // idempotent
  });

  it('runs standalone (sfu/src/main.ts): registers in Redis, serves /healthz and /media, and deregisters on SIGTERM', async () => {
    await using redis = await startRedis();
    const port = await freePort();
    const child = spawn(process.execPath, serviceArgs('sfu'), {
      cwd: SFU_DIR,
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        MEDIA_GRANT_SECRET: GRANT_SECRET,
        SFU_NODE_ID: 'sfu-standalone-test',
        SFU_WORKERS: '1',
        SFU_RTC_PORT_BASE: '0',
        SFU_HEARTBEAT_MS: '300',
        SFU_DRAIN_MS: '0',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const client = new Redis(redis.url);
    try {
      await expect
        .poll(async () => client.hget(SFU_REGISTRY_REDIS_KEY, 'sfu-standalone-test'), { timeout: 30_000, interval: 250 })
        .toBeTruthy();
      const info = SfuNodeInfo.parse(JSON.parse((await client.hget(SFU_REGISTRY_REDIS_KEY, 'sfu-standalone-test')) ?? '{}'));
      expect(info).toMatchObject({ workers: 1, draining: false, url: `http://127.0.0.1:${port}` });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toMatchObject({ ok: true, liveWorkers: 1 });
      const { signMediaGrant } = await import('@ablak/sfu');
      const { MediaGrantClaims } = await import('@ablak/protocol');
      const grant = signMediaGrant(
        MediaGrantClaims.parse({ room: 'standalone', peer: 'p', name: 'P', role: 'citizen', canPublish: true, canSubscribe: true, hidden: false }),
        GRANT_SECRET,
      );
      const media = await MediaClient.connect(`http://127.0.0.1:${port}`, grant);
      expect((await media.must('media:join', {})).sendTransport).not.toBeNull();
      media.close();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await client.hexists(SFU_REGISTRY_REDIS_KEY, 'sfu-standalone-test')).toBe(0);
      expect(output).not.toContain(grant);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      client.disconnect();
    }
  });

  it('leaves the process signals to the service: creating a node adds no SIGINT/SIGTERM listener (mediasoup would close every worker at once)', async () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    await using sfu = await startSfu({ SFU_WORKERS: '2' });
    expect(sfu.node.health().ok).toBe(true);
    expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }).toEqual(before);
  });

  it('stops with exit code 0 on a SIGTERM that arrives while its workers start', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, serviceArgs('sfu'), {
      cwd: SFU_DIR,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        MEDIA_GRANT_SECRET: GRANT_SECRET,
        SFU_WORKERS: '2',
        SFU_RTC_PORT_BASE: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const firstWorker = new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        if (output.includes('worker started')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      await firstWorker;
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
