import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tlsFromEnv } from './tls';

const dir = mkdtempSync(path.join(tmpdir(), 'ablak-tls-env-'));
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
writeFileSync(cert, 'not parsed here');
writeFileSync(key, 'not parsed here');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TLS_CERT_FILE and TLS_KEY_FILE', () => {
  it('means plain HTTP when neither is set (empty counts as unset)', () => {
    expect(tlsFromEnv({})).toEqual({ tls: undefined, issues: [] });
    expect(tlsFromEnv({ TLS_CERT_FILE: '', TLS_KEY_FILE: '' })).toEqual({ tls: undefined, issues: [] });
  });

  it('takes both readable files', () => {
    expect(tlsFromEnv({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key })).toEqual({ tls: { certFile: cert, keyFile: key }, issues: [] });
  });

  it('names the missing half and an unreadable file', () => {
    expect(tlsFromEnv({ TLS_CERT_FILE: cert }).issues).toEqual(['TLS_KEY_FILE: required when TLS_CERT_FILE is set']);
    const missing = path.join(dir, 'nope.pem');
    const { tls, issues } = tlsFromEnv({ TLS_CERT_FILE: missing, TLS_KEY_FILE: key });
    expect(tls).toBeUndefined();
    expect(issues).toEqual([`TLS_CERT_FILE: cannot read ${missing}`]);
  });
});
