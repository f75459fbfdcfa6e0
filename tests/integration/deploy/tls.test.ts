import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificate, type TestCertificate } from '@ablak/infra';
import { createSfuLogger, MemorySfuRegistry, parseSfuConfig, SfuNode, startSfuHttpServer } from '@ablak/sfu';
import { freePort, serviceArgs, startDesk, type Service } from '@ablak/tests/harness';

let first: TestCertificate;
let renewed: TestCertificate;
/** The files the services are configured with; a renewal overwrites them in place. */
let dir: string;
let certFile: string;
let keyFile: string;

beforeAll(async () => {
  [first, renewed] = await Promise.all([makeTestCertificate(['127.0.0.1']), makeTestCertificate(['127.0.0.1'])]);
});
afterAll(() => {
  first?.close();
  renewed?.close();
});

function install(cert: TestCertificate): void {
  copyFileSync(cert.certFile, certFile);
  copyFileSync(cert.keyFile, keyFile);
}

/** GET over a fresh TLS connection trusting both test certificates; the answer and the certificate seen. */
function get(url: string): Promise<{ status: number; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: [first.cert, renewed.cert], agent: false }, (res) => {
      const fingerprint = res.socket instanceof TLSSocket ? res.socket.getPeerCertificate().fingerprint256 : '';
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, fingerprint }));
    });
    req.on('error', reject);
  });
}

const fingerprintOf = (cert: TestCertificate) => new X509Certificate(cert.cert).fingerprint256;

describe('Node TLS in the services (TLS_CERT_FILE, TLS_KEY_FILE)', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ablak-tls-files-'));
    certFile = path.join(dir, 'cert.pem');
    keyFile = path.join(dir, 'key.pem');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves signaling over HTTPS and takes a renewed certificate on reload without a restart', async () => {
    install(first);
    await using desk = await startDesk({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile });
    expect(desk.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${desk.url}/healthz`)).toEqual({ status: 200, fingerprint: fingerprintOf(first) });
    install(renewed);
    expect(desk.reloadTls()).toBe(true);
    expect(await get(`${desk.url}/healthz`)).toEqual({ status: 200, fingerprint: fingerprintOf(renewed) });
  });

  it('serves a standalone SFU node over HTTPS on its https public URL, and reloads too', async () => {
    install(first);
    const config = parseSfuConfig({
      MEDIA_GRANT_SECRET: 'integration-grant-secret-0123456789',
      SFU_WORKERS: '1',
      SFU_RTC_PORT_BASE: '0',
      SFU_LOG_LEVEL: 'error',
      PORT: '0',
      TLS_CERT_FILE: certFile,
      TLS_KEY_FILE: keyFile,
    });
    expect(config.publicUrl.startsWith('https://')).toBe(true);
    const node = await SfuNode.create(config, { logger: createSfuLogger('silent'), registry: new MemorySfuRegistry() });
    const server = await startSfuHttpServer(node, { tls: config.tls });
    try {
      expect(server.url).toMatch(/^https:/);
      expect(await get(`${server.url}/healthz`)).toEqual({ status: 200, fingerprint: fingerprintOf(first) });
      install(renewed);
      expect(server.reloadTls()).toBe(true);
      expect((await get(`${server.url}/healthz`)).fingerprint).toBe(fingerprintOf(renewed));
    } finally {
      await node.close();
      await server.close();
    }
  });

  // Each entry says it is up only after it has installed its signal handlers (same synchronous step).
  it.each<[Service, string, Record<string, string>]>([
    ['signaling', 'Ablak is running', { NODE_ENV: 'test', HOST: '127.0.0.1', SFU_WORKERS: '1', SFU_RTC_PORT_BASE: '0', DRAIN_SECONDS: '0' }],
    ['sfu', 'standalone sfu listening', { HOST: '127.0.0.1', MEDIA_GRANT_SECRET: 'integration-grant-secret-0123456789', SFU_WORKERS: '1', SFU_RTC_PORT_BASE: '0', SFU_DRAIN_MS: '0' }],
  ])('the built %s process re-reads its certificate on SIGHUP (systemctl reload) and keeps serving', async (service, ready, env) => {
    install(first);
    const port = await freePort();
    const child = spawn(process.execPath, serviceArgs(service), {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'info', PORT: String(port), TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => output.includes(ready) || child.exitCode !== null, { timeout: 45_000, interval: 100 }).toBe(true);
      expect(child.exitCode, output).toBeNull();
      const url = `https://127.0.0.1:${port}/healthz`;
      expect(await get(url)).toEqual({ status: 200, fingerprint: fingerprintOf(first) });
      install(renewed);
      child.kill('SIGHUP');
      await expect.poll(async () => (await get(url)).fingerprint, { timeout: 5_000 }).toBe(fingerprintOf(renewed));
      expect(child.exitCode).toBeNull();
      expect(output).toContain('tls certificate reloaded');
    } finally {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
  }, 90_000);
});
