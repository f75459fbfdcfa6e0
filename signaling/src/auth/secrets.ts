import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Shortest secret signaling accepts (bytes of its UTF-8 text). */
export const MIN_SECRET_BYTES = 32;

export const SECRETS_FILE_NAME = 'secrets.json';

const StoredSecrets = z.object({
  version: z.literal(1),
  jwtSecret: z.string(),
  mediaGrantSecret: z.string(),
});

export interface Secrets {
  readonly jwtSecret: string;
  readonly mediaGrantSecret: string;
}

export interface StoredSecretsResult {
  readonly secrets: Secrets;
  readonly file: string;
  /** True when this start made them (first start with this data directory). */
  readonly created: boolean;
}

/** True when `secret` is long enough to sign tokens with. */
export function strongEnough(secret: string): boolean {
  return Buffer.byteLength(secret, 'utf8') >= MIN_SECRET_BYTES;
}

/** 48 random bytes as base64url (64 characters): the secrets a fresh embedded desk signs with. */
export function generateSecret(): string {
  return randomBytes(48).toString('base64url');
}

/**
 * The embedded desk's own secrets: read from `<dataDir>/secrets.json`, or made at the first start
 * and written there readable by this user only (0600, directory 0700). A file that others could
 * read is narrowed to 0600 before use. Throws when the file exists but is not a valid secrets file
 * (never silently replaced: tokens already handed out would stop working for no visible reason).
 */
export function loadOrCreateSecrets(dataDir: string): StoredSecretsResult {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, SECRETS_FILE_NAME);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const made: Secrets = { jwtSecret: generateSecret(), mediaGrantSecret: generateSecret() };
  // Written whole to a private temporary file, then linked into place: link fails when the file
  // exists, so of two processes starting at once the first wins and the other reads its secrets.
  const tmp = path.join(dir, `.${SECRETS_FILE_NAME}.${process.pid}.${randomBytes(4).toString('hex')}`);
  writeFileSync(tmp, JSON.stringify({ version: 1, ...made }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
    return { secrets: made, file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(tmp);
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  let parsed: z.infer<typeof StoredSecrets>;
  try {
    parsed = StoredSecrets.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    throw new Error(`${file} is not a valid secrets file: move it away to have new secrets made`);
  }
  if (!strongEnough(parsed.jwtSecret) || !strongEnough(parsed.mediaGrantSecret))
    throw new Error(`${file} holds a secret shorter than ${MIN_SECRET_BYTES} bytes`);
  return { secrets: { jwtSecret: parsed.jwtSecret, mediaGrantSecret: parsed.mediaGrantSecret }, file, created: false };
}

/**
 * What the store keeps of a ticket's resume secret: its SHA-256 (the secret is 24 random bytes, so
 * no salt or stretching is needed). Someone who reads the store cannot take a citizen's place.
 */
export function resumeVerifier(resumeSecret: string): string {
  return createHash('sha256').update(resumeSecret).digest('base64url');
}
