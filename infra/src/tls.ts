import { execFile } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** PEM text of the certificate (a Node client's `ca`). */
  readonly cert: string;
  /**
   * base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo: what Chromium's
   * `--ignore-certificate-errors-spki-list` takes to trust this one key and nothing else.
   */
  readonly spkiSha256: string;
  /** Removes the files; idempotent. */
  close(): void;
  [Symbol.dispose](): void;
}

/**
 * A fresh self-signed server certificate (P-256, valid two days) for `names` (DNS names or IP
 * addresses, the first is the subject), made with Debian's openssl in its own directory.
 */
export async function makeTestCertificate(names: readonly string[], binary = process.env.OPENSSL_BIN ?? 'openssl'): Promise<TestCertificate> {
  if (names.length === 0) throw new Error('a certificate needs at least one name');
  const dir = mkdtempSync(path.join(tmpdir(), 'ablak-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const san = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  try {
    await run(binary, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', `/CN=${names[0]}`,
      '-addext', `subjectAltName=${san}`,
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=critical,digitalSignature',
      '-addext', 'extendedKeyUsage=serverAuth',
      '-keyout', keyFile, '-out', certFile,
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const cert = readFileSync(certFile, 'utf8');
  const spki = createPublicKey(cert).export({ type: 'spki', format: 'der' });
  const spkiSha256 = createHash('sha256').update(spki).digest('base64');
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    rmSync(dir, { recursive: true, force: true });
  };
  return { certFile, keyFile, cert, spkiSha256, close, [Symbol.dispose]: close };
}
