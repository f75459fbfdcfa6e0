import { accessSync, constants, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

/** PEM files a service serves HTTPS with (TLS_CERT_FILE, TLS_KEY_FILE); both or neither. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Reads TLS_CERT_FILE and TLS_KEY_FILE: undefined when neither is set, otherwise both must name
 * readable files. Returns the problems (each naming its variable) instead of throwing, so a service's
 * config parser can list them with every other bad variable.
 */
export function tlsFromEnv(env: Readonly<Record<string, string | undefined>>): { tls: TlsFiles | undefined; issues: string[] } {
  const certFile = env.TLS_CERT_FILE || undefined;
  const keyFile = env.TLS_KEY_FILE || undefined;
  if (certFile === undefined && keyFile === undefined) return { tls: undefined, issues: [] };
  const issues: string[] = [];
  for (const [name, file] of [['TLS_CERT_FILE', certFile], ['TLS_KEY_FILE', keyFile]] as const) {
    if (file === undefined) {
      issues.push(`${name}: required when ${name === 'TLS_CERT_FILE' ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'} is set`);
      continue;
    }
    try {
      accessSync(file, constants.R_OK);
    } catch {
      issues.push(`${name}: cannot read ${file}`);
    }
  }
  if (issues.length > 0 || certFile === undefined || keyFile === undefined) return { tls: undefined, issues };
  return { tls: Object.freeze({ certFile, keyFile }), issues };
}

export type WebServer = http.Server | https.Server;

export interface CreatedWebServer {
  readonly server: WebServer;
  readonly scheme: 'http' | 'https';
  /** Reads the certificate and key again (after a renewal) for new connections; false over plain HTTP. */
  reloadTls(): boolean;
}

/** An HTTPS server with the configured certificate, or plain HTTP without one. */
export function createWebServer(tls: TlsFiles | undefined): CreatedWebServer {
  if (tls === undefined) return { server: http.createServer(), scheme: 'http', reloadTls: () => false };
  const read = () => ({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) });
  const server = https.createServer(read());
  return {
    server,
    scheme: 'https',
    reloadTls() {
      server.setSecureContext(read());
      return true;
    },
  };
}
