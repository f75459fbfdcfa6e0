import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DEMO_DIRECTORY_FILE, parseConfig } from './config';

const FLEET = { REDIS_URL: 'redis://:pw@127.0.0.1:6379' };
const SECRETS = { JWT_SECRET: 'j'.repeat(32), MEDIA_GRANT_SECRET: 'm'.repeat(32) };

function issuesOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ablak-config-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the embedded default: own secrets in DATA_DIR, localhost only, an embedded SFU, demo mode', () => {
    const dir = dataDir();
    const c = parseConfig({ DATA_DIR: dir });
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', redisUrl: undefined, sfuEmbedded: true, demo: true });
    expect(c.directoryFile).toBe(DEMO_DIRECTORY_FILE);
    expect(c.secrets).toEqual({ source: 'generated', file: path.join(dir, 'secrets.json') });
    expect(Buffer.byteLength(c.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(c.jwtSecret).not.toBe(c.mediaGrantSecret);
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const again = parseConfig({ DATA_DIR: dir });
    expect(again.secrets.source).toBe('data-dir');
    expect([again.jwtSecret, again.mediaGrantSecret]).toEqual([c.jwtSecret, c.mediaGrantSecret]);
    expect(parseConfig({ DATA_DIR: dataDir() }).jwtSecret).not.toBe(c.jwtSecret);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable', () => {
    const message = issuesOf(() =>
      parseConfig({ PORT: 'eighty', CORS_ORIGINS: 'https://a.hu', SOCKET_EVENTS_PER_SECOND: '0' }),
    );
    expect(message).toContain('PORT');
    expect(message).toContain('SOCKET_EVENTS_PER_SECOND');
  });

  it('refuses to start a fleet or production without both secrets of at least 32 bytes', () => {
    expect(issuesOf(() => parseConfig({ ...FLEET, DIRECTORY_FILE: '/d.json' }))).toMatch(
      /JWT_SECRET: required in fleet mode.*\n.*MEDIA_GRANT_SECRET/s,
    );
    expect(issuesOf(() => parseConfig({ NODE_ENV: 'production', DIRECTORY_FILE: '/d.json' }))).toMatch(
      /JWT_SECRET: required in production.*\n.*MEDIA_GRANT_SECRET: required in production/s,
    );
    expect(issuesOf(() => parseConfig({ ...SECRETS, JWT_SECRET: 'x'.repeat(31), DATA_DIR: dataDir() }))).toContain(
      'JWT_SECRET',
    );
    const c = parseConfig({ ...FLEET, ...SECRETS, DIRECTORY_FILE: '/d.json' });
    expect(c).toMatchObject({ host: '0.0.0.0', sfuEmbedded: false, demo: false, corsOrigins: [] });
    expect(c.secrets).toEqual({ source: 'environment' });
    expect(parseConfig({ ...FLEET, ...SECRETS, DIRECTORY_FILE: '/d.json', SFU_EMBEDDED: '1' }).sfuEmbedded).toBe(
      true,
    );
  });

  it('loads the demo directory only in embedded demo mode; elsewhere a missing directory stops the start', () => {
    expect(issuesOf(() => parseConfig({ ...FLEET, ...SECRETS }))).toContain('DIRECTORY_FILE: required');
    expect(issuesOf(() => parseConfig({ NODE_ENV: 'production', ...SECRETS }))).toContain(
      'DIRECTORY_FILE: required',
    );
    expect(issuesOf(() => parseConfig({ DEMO: '0', ...SECRETS }))).toContain('DIRECTORY_FILE: required');
    expect(issuesOf(() => parseConfig({ ...FLEET, ...SECRETS, DEMO: '1', DIRECTORY_FILE: '/d' }))).toContain(
      'DEMO: demo mode is only for embedded mode',
    );
    const own = parseConfig({ ...SECRETS, DIRECTORY_FILE: '/srv/staff.json' });
    expect(own).toMatchObject({ demo: false, directoryFile: '/srv/staff.json' });
  });

  it('wants a Redis password in fleet mode', () => {
    expect(
      issuesOf(() => parseConfig({ ...SECRETS, DIRECTORY_FILE: '/d', REDIS_URL: 'redis://127.0.0.1:6379' })),
    ).toContain('REDIS_URL: fleet mode needs a Redis password');
    expect(
      parseConfig({ ...SECRETS, DIRECTORY_FILE: '/d', REDIS_URL: 'rediss://:pw@redis.internal:6380' }).redisUrl,
    ).toBe('rediss://:pw@redis.internal:6380');
  });
});
