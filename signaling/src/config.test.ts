import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

describe('parseConfig', () => {
  it('gives the embedded default with dev secrets, an embedded SFU and demo data', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ port: 8080, redisUrl: undefined, sfuEmbedded: true, demo: true });
    expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable', () => {
    try {
      parseConfig({ PORT: 'eighty', CORS_ORIGINS: 'https://a.hu', SOCKET_EVENTS_PER_SECOND: '0' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('SOCKET_EVENTS_PER_SECOND');
    }
  });

  it('requires real secrets in fleet mode and turns the embedded SFU off there', () => {
    expect(() => parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /JWT_SECRET.*\n.*MEDIA_GRANT_SECRET/s,
    );
    const c = parseConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      JWT_SECRET: 'j'.repeat(32),
      MEDIA_GRANT_SECRET: 'm'.repeat(32),
    });
    expect(c).toMatchObject({ sfuEmbedded: false, demo: false, corsOrigins: [] });
    expect(
      parseConfig({
        REDIS_URL: 'redis://h:1',
        JWT_SECRET: 'j'.repeat(32),
        MEDIA_GRANT_SECRET: 'm'.repeat(32),
        SFU_EMBEDDED: '1',
      }).sfuEmbedded,
    ).toBe(true);
  });
});
