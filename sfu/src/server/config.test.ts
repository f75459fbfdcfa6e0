import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

  it('refuses a media grant secret under 32 bytes (a 31-byte one, and a 16-character one that passed before)', () => {
    for (const secret of ['y'.repeat(31), 'z'.repeat(16)]) {
      expect(() => parseSfuConfig({ MEDIA_GRANT_SECRET: secret })).toThrow(/MEDIA_GRANT_SECRET must be at least 32 bytes/);
    }
    expect(parseSfuConfig({ MEDIA_GRANT_SECRET: 'ő'.repeat(16) }).grantSecret).toBe('ő'.repeat(16));
  });

  it('reads TURN settings when both URLs and secret are given', () => {
    const config = parseSfuConfig({ MEDIA_GRANT_SECRET: 'x'.repeat(32), TURN_URLS: 'turn:a:3478, turns:b:5349', TURN_SECRET: 'turn-secret' });
    expect(config.turn?.urls).toEqual(['turn:a:3478', 'turns:b:5349']);
  });

  it('keeps media on loopback by default and listens on every interface once an address is announced', () => {
    const secret = { MEDIA_GRANT_SECRET: 'x'.repeat(32) };
    expect(parseSfuConfig(secret)).toMatchObject({ listenIp: '127.0.0.1', announcedIp: undefined });
    expect(parseSfuConfig({ ...secret, SFU_ANNOUNCED_IP: '203.0.113.10' })).toMatchObject({ listenIp: '0.0.0.0', announcedIp: '203.0.113.10' });
    expect(parseSfuConfig({ ...secret, SFU_LISTEN_IP: '10.0.0.12', SFU_ANNOUNCED_IP: '203.0.113.10' }).listenIp).toBe('10.0.0.12');
  });

  it('refuses media that browsers of another machine could not reach', () => {
    const secret = { MEDIA_GRANT_SECRET: 'x'.repeat(32) };
    expect(() => parseSfuConfig({ ...secret, SFU_LISTEN_IP: '0.0.0.0' })).toThrow(/SFU_ANNOUNCED_IP: required when SFU_LISTEN_IP is 0\.0\.0\.0/);
    expect(() => parseSfuConfig({ ...secret, SFU_PUBLIC_URL: 'https://sfu1.example' })).toThrow(/SFU_ANNOUNCED_IP: media would be reachable only on 127\.0\.0\.1/);
    // a machine-local public URL, or a concrete LAN listen address, is fine without an announced one
    expect(parseSfuConfig({ ...secret, SFU_PUBLIC_URL: 'http://localhost:4443' }).listenIp).toBe('127.0.0.1');
    expect(parseSfuConfig({ ...secret, SFU_PUBLIC_URL: 'https://sfu1.lan', SFU_LISTEN_IP: '192.168.1.5' }).listenIp).toBe('192.168.1.5');
  });

  it('serves HTTPS on its default public URL when a certificate is configured, and names bad TLS files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ablak-sfu-tls-'));
    try {
      const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
      writeFileSync(cert, '');
      writeFileSync(key, '');
      const config = parseSfuConfig({ MEDIA_GRANT_SECRET: 'x'.repeat(32), TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
      expect(config.tls).toEqual({ certFile: cert, keyFile: key });
      expect(config.publicUrl).toBe('https://127.0.0.1:4443');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => parseSfuConfig({ MEDIA_GRANT_SECRET: 'x'.repeat(32), TLS_CERT_FILE: '/nonexistent/cert.pem' })).toThrow(
      /TLS_CERT_FILE: cannot read \/nonexistent\/cert\.pem.*\n.*TLS_KEY_FILE: required/s,
    );
  });
});
