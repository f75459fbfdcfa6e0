import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '@ablak/tests/harness';

describe('the test harness Redis', () => {
  const opened: RedisServer[] = [];
  const clients: Redis[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of opened.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('is a real redis-server on a loopback port with AOF on', async () => {
    const server = await startRedis();
    opened.push(server);
    const client = new Redis(server.url, { lazyConnect: true });
    clients.push(client);
    await client.connect();
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await client.config('GET', 'bind')).toEqual(['bind', '127.0.0.1 ::1']);
    const info = await client.info('server');
    expect(info).toMatch(/redis_version:\d+/);
  });

  it('keeps acknowledged writes across a crash (SIGKILL) thanks to the AOF', async () => {
    const first = await startRedis();
    opened.push(first);
    const writer = new Redis(first.url);
    clients.push(writer);
    await writer.set('ablak:test:key', 'kept');
    // appendfsync everysec: give the fsync its second, then crash without a clean shutdown.
    await new Promise((r) => setTimeout(r, 1500));
    writer.disconnect();
    await first.stop({ crash: true, keepData: true });
    dirs.push(first.dataDir);

    const second = await startRedis({ dataDir: first.dataDir });
    opened.push(second);
    const reader = new Redis(second.url);
    clients.push(reader);
    expect(await reader.get('ablak:test:key')).toBe('kept');
  });

  it('gives two servers started side by side their own ports and data', async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    opened.push(a, b);
    expect(a.port).not.toBe(b.port);
    expect(a.dataDir).not.toBe(b.dataDir);
    const ca = new Redis(a.url);
    const cb = new Redis(b.url);
    clients.push(ca, cb);
    await ca.set('only-in-a', '1');
    expect(await cb.get('only-in-a')).toBeNull();
  });
});
