import { describe, expect, it } from 'vitest';
import { parseSfuConfig, SfuConfigError } from './config';

describe('SFU configuration', () => {
  it('fills the defaults from a minimal environment', () => {
    const config = parseSfuConfig({ MEDIA_GRANT_SECRET: 'x'.repeat(32) });
    expect(config.listenIp).toBe('127.0.0.1');
    expect(config.rtcPortBase).toBe(40_000);
    expect(config.workers).toBeGreaterThanOrEqual(1);
    expect(config.turn).toBeNull();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable', () => {
    try {
      parseSfuConfig({ MEDIA_GRANT_SECRET: 'short', SFU_WORKERS: 'many', TURN_URLS: 'turn:127.0.0.1:3478' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SfuConfigError);
      const message = (error as Error).message;
      expect(message).toContain('MEDIA_GRANT_SECRET');
      expect(message).toContain('SFU_WORKERS');
    }
  });

  it('reads TURN settings when both URLs and secret are given', () => {
    const config = parseSfuConfig({ MEDIA_GRANT_SECRET: 'x'.repeat(32), TURN_URLS: 'turn:a:3478, turns:b:5349', TURN_SECRET: 'turn-secret' });
    expect(config.turn?.urls).toEqual(['turn:a:3478', 'turns:b:5349']);
  });
});
