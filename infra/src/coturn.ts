import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from './ports';
import { spawnOwned } from './spawn';

export const COTURN_CONF = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'coturn', 'turnserver.conf');

export interface CoturnServer {
  readonly port: number;
  /** TURN URLs for the SFU's TURN_URLS (UDP and TCP to the server). */
  readonly urls: string[];
  /** The TLS port and its `turns:` URL when started with a certificate. */
  readonly tlsPort: number | undefined;
  readonly tlsUrls: string[];
  /** coturn's static-auth-secret (the SFU's TURN_SECRET). */
  readonly secret: string;
  /** Stops the server and removes its directory; idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartCoturnOptions {
  secret?: string;
  binary?: string;
  /** Allow relaying to 127.0.0.1 (needed when the SFU is on loopback too); default true. */
  allowLoopbackPeers?: boolean;
  /** Serve `turns:` (TURN over TLS) on a free port with this certificate (e.g. makeTestCertificate). */
  tls?: { certFile: string; keyFile: string };
  /** Host name in the `turns:` URL (the certificate's name); default 127.0.0.1. */
  tlsHost?: string;
}

/**
 * Starts Debian's turnserver with Ablak's config on 127.0.0.1, a free port and its own directory;
 * with `tls`, also TURN over TLS on a second free port (production: 443), otherwise --no-tls.
 */
export async function startCoturn(options: StartCoturnOptions = {}): Promise<CoturnServer> {
  const binary = options.binary ?? process.env.TURNSERVER_BIN ?? 'turnserver';
  const secret = options.secret ?? randomBytes(18).toString('base64url');
  const dir = mkdtempSync(path.join(tmpdir(), 'ablak-coturn-'));
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  // A relay range of its own, so parallel tests do not fight over relay ports.
  const minPort = 20_000 + (port % 400) * 100;
  const args = [
    '-c', COTURN_CONF,
    '--listening-ip', '127.0.0.1',
    '--relay-ip', '127.0.0.1',
    '--listening-port', String(port),
    '--min-port', String(minPort),
    '--max-port', String(minPort + 99),
    '--static-auth-secret', secret,
    '--userdb', path.join(dir, 'turndb'),
    '--pidfile', path.join(dir, 'turnserver.pid'),
    ...(options.allowLoopbackPeers === false ? [] : ['--allow-loopback-peers']),
    ...(options.tls && tlsPort !== undefined
      ? ['--tls-listening-port', String(tlsPort), '--cert', options.tls.certFile, '--pkey', options.tls.keyFile]
      : ['--no-tls']),
  ];
  const child = spawnOwned(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await Promise.race([
      Promise.all([
        waitForPort(port, '127.0.0.1', 10_000),
        tlsPort === undefined ? undefined : waitForPort(tlsPort, '127.0.0.1', 10_000),
      ]),
      exited.then((code) => {
        throw new Error(`turnserver exited with ${code}: ${output.trim().slice(-1000)}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
  return {
    port,
    urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    tlsPort,
    tlsUrls: tlsPort === undefined ? [] : [`turns:${options.tlsHost ?? '127.0.0.1'}:${tlsPort}?transport=tcp`],
    secret,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
