import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { AblakError, MEDIA_GRANT_AUDIENCE, MEDIA_GRANT_ISSUER, MediaGrantClaims, RoomId } from '@ablak/protocol';
import { signMediaGrant, verifyMediaGrant } from './grant';

const SECRET = 'test-secret-0123456789abcdef';
const claims = MediaGrantClaims.parse({
  room: 'room-a',
  peer: 'citizen-1',
  name: 'Citizen',
  role: 'citizen',
  canPublish: true,
  canSubscribe: true,
  hidden: false,
});

function refusal(fn: () => unknown): AblakError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AblakError) return error;
    throw error;
  }
  throw new Error('expected the grant to be refused');
}

describe('media grant verification', () => {
  it('accepts a grant signed by signaling and returns its claims', () => {
    const token = signMediaGrant(claims, SECRET, 60);
    expect(verifyMediaGrant(token, { secret: SECRET })).toEqual(claims);
  });

  it('refuses an expired grant', () => {
    const token = signMediaGrant(claims, SECRET, 60);
    const later = Math.floor(Date.now() / 1000) + 120;
    const error = refusal(() => verifyMediaGrant(token, { secret: SECRET, now: later }));
    expect(error.code).toBe('GRANT_INVALID');
    expect(error.message).toContain('expired');
  });

  it('refuses a grant minted for another audience', () => {
    const token = jwt.sign({ ...claims }, SECRET, { algorithm: 'HS256', audience: 'someone-else', issuer: MEDIA_GRANT_ISSUER, expiresIn: 60 });
    expect(refusal(() => verifyMediaGrant(token, { secret: SECRET })).code).toBe('GRANT_INVALID');
  });

  it('refuses a grant from another issuer', () => {
    const token = jwt.sign({ ...claims }, SECRET, { algorithm: 'HS256', audience: MEDIA_GRANT_AUDIENCE, issuer: 'mallory', expiresIn: 60 });
    expect(refusal(() => verifyMediaGrant(token, { secret: SECRET })).code).toBe('GRANT_INVALID');
  });

  it('refuses a grant signed with another secret', () => {
    const token = signMediaGrant(claims, 'not-the-shared-secret-at-all');
    expect(refusal(() => verifyMediaGrant(token, { secret: SECRET })).code).toBe('GRANT_INVALID');
  });

  it('refuses an unsigned (alg none) grant and one signed with another algorithm', () => {
    const none = jwt.sign({ ...claims }, '', { algorithm: 'none', audience: MEDIA_GRANT_AUDIENCE, issuer: MEDIA_GRANT_ISSUER, expiresIn: 60 });
    expect(refusal(() => verifyMediaGrant(none, { secret: SECRET })).code).toBe('GRANT_INVALID');
    const hs512 = jwt.sign({ ...claims }, SECRET, { algorithm: 'HS512', audience: MEDIA_GRANT_AUDIENCE, issuer: MEDIA_GRANT_ISSUER, expiresIn: 60 });
    expect(refusal(() => verifyMediaGrant(hs512, { secret: SECRET })).code).toBe('GRANT_INVALID');
  });

  it('refuses a grant that lives longer than ten minutes', () => {
    const token = jwt.sign({ ...claims }, SECRET, { algorithm: 'HS256', audience: MEDIA_GRANT_AUDIENCE, issuer: MEDIA_GRANT_ISSUER, expiresIn: 3600 });
    expect(refusal(() => verifyMediaGrant(token, { secret: SECRET })).message).toContain('longer');
  });

  it('refuses a grant without an expiry', () => {
    const token = jwt.sign({ ...claims }, SECRET, { algorithm: 'HS256', audience: MEDIA_GRANT_AUDIENCE, issuer: MEDIA_GRANT_ISSUER });
    expect(refusal(() => verifyMediaGrant(token, { secret: SECRET })).code).toBe('GRANT_INVALID');
  });

  it('refuses a grant for another room than the one the client asks for', () => {
    const token = signMediaGrant(claims, SECRET, 60);
    const error = refusal(() => verifyMediaGrant(token, { secret: SECRET, room: RoomId.parse('room-b') }));
    expect(error.message).toContain('another room');
    expect(verifyMediaGrant(token, { secret: SECRET, room: RoomId.parse('room-a') }).room).toBe('room-a');
  });

  it('refuses claims that do not parse, such as a hidden publisher', () => {
    const token = jwt.sign({ ...claims, hidden: true, canPublish: true }, SECRET, {
      algorithm: 'HS256',
      audience: MEDIA_GRANT_AUDIENCE,
      issuer: MEDIA_GRANT_ISSUER,
      expiresIn: 60,
    });
    expect(refusal(() => verifyMediaGrant(token, { secret: SECRET })).message).toContain('malformed');
  });

  it('never echoes the token in its error', () => {
    const token = signMediaGrant(claims, 'not-the-shared-secret-at-all');
    expect(refusal(() => verifyMediaGrant(token, { secret: SECRET })).message).not.toContain(token.slice(0, 20));
  });
});
