import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  AblakError,
  MEDIA_GRANT_ALGORITHM,
  MEDIA_GRANT_AUDIENCE,
  MEDIA_GRANT_ISSUER,
  MEDIA_GRANT_MAX_TTL_SECONDS,
  MediaGrantClaims,
  SessionClaims,
} from '@ablak/protocol';
import { z } from 'zod';
import type { Revocations } from './revocations';

const ISSUER = 'ablak-signaling';
const SESSION_AUDIENCE = 'ablak-session';
const REFRESH_AUDIENCE = 'ablak-refresh';
const ALGORITHM = 'HS256';

export interface TokenConfig {
  jwtSecret: string;
  mediaGrantSecret: string;
  sessionTtlSeconds: number;
  refreshTtlSeconds: number;
  citizenTokenTtlSeconds: number;
  mediaGrantTtlSeconds: number;
}

/** A verified session: the claims plus the token's expiry (ms since epoch). */
export type Session = SessionClaims & { expiresAt: number };

const Expiring = z.object({ exp: z.number() });
const RefreshPayload = z.object({
  sub: z.string().min(1),
  role: z.enum(['clerk', 'supervisor']),
  fam: z.string().min(1).max(64),
  jti: z.string().min(1),
  exp: z.number(),
});

/** A verified refresh token: who, which sign-in (family), its own id and its end (ms since epoch). */
export interface RefreshClaims {
  sub: string;
  role: 'clerk' | 'supervisor';
  fam: string;
  jti: string;
  expiresAt: number;
}

/** Signs and verifies every JWT signaling deals in: sessions, refresh tokens and media grants. */
export class TokenService {
  // Key objects made once: given a string, jsonwebtoken first tries to read it as a PEM public or
  // private key on every sign and verify (a throw and catch, ~1 ms each); that was a fifth of the
  // server's CPU while 20k sockets connected.
  private readonly jwtKey: KeyObject;
  private readonly grantKey: KeyObject;

  constructor(
    private readonly config: TokenConfig,
    /** Where ended sign-ins are listed (`verifySessionLive` consults it). */
    private readonly revocations?: Revocations,
  ) {
    this.jwtKey = createSecretKey(Buffer.from(config.jwtSecret));
    this.grantKey = createSecretKey(Buffer.from(config.mediaGrantSecret));
  }

  signSession(claims: SessionClaims, ttlSeconds?: number): { token: string; expiresAt: number } {
    const ttl =
      ttlSeconds ??
      (claims.role === 'citizen' ? this.config.citizenTokenTtlSeconds : this.config.sessionTtlSeconds);
    const token = jwt.sign({ ...SessionClaims.parse(claims) }, this.jwtKey, {
      algorithm: ALGORITHM,
      audience: SESSION_AUDIENCE,
      issuer: ISSUER,
      expiresIn: ttl,
      jwtid: randomUUID(),
    });
    return { token, expiresAt: expiryOf(token) };
  }

  /** Throws UNAUTHORIZED for a forged, expired or malformed token. */
  verifySession(token: string): Session {
    const payload = this.verify(token, this.jwtKey, SESSION_AUDIENCE, ISSUER);
    const claims = SessionClaims.safeParse(payload);
    const exp = Expiring.safeParse(payload);
    if (!claims.success || !exp.success) throw new AblakError('UNAUTHORIZED', 'Malformed session token');
    return { ...claims.data, expiresAt: exp.data.exp * 1000 };
  }

  /**
   * Also refuses tokens of a sign-in that ended (signed out, or its refresh token was replayed):
   * what every HTTP route and socket handshake uses. Staff tokens without a sign-in are refused.
   */
  async verifySessionLive(token: string): Promise<Session> {
    const session = this.verifySession(token);
    await this.checkLive(session);
    return session;
  }

  /** Throws UNAUTHORIZED when the session's sign-in ended, UNAVAILABLE when that cannot be known now. */
  async checkLive(session: Session): Promise<void> {
    if (session.role === 'citizen') return;
    if (!session.fam) throw new AblakError('UNAUTHORIZED', 'Sign in again');
    let revoked: boolean | undefined;
    try {
      revoked = await this.revocations?.isRevoked(session.fam);
    } catch {
      throw new AblakError('UNAVAILABLE', 'Cannot check the session now, try again');
    }
    if (revoked) throw new AblakError('UNAUTHORIZED', 'This sign-in has ended');
  }

  /** When a new sign-in's refresh tokens stop working (ms since epoch): refreshing does not move it. */
  familyEnd(now: number): number {
    return now + this.config.refreshTtlSeconds * 1000;
  }

  /** A refresh token of sign-in `fam`, good once, until the sign-in's end `familyEndsAt` (ms). */
  signRefresh(sub: string, role: 'clerk' | 'supervisor', fam: string, familyEndsAt: number): string {
    return jwt.sign(
      { sub, role, fam, exp: Math.floor(familyEndsAt / 1000) },
      this.jwtKey,
      { algorithm: ALGORITHM, audience: REFRESH_AUDIENCE, issuer: ISSUER, jwtid: randomUUID() },
    );
  }

  verifyRefresh(token: string): RefreshClaims {
    const claims = RefreshPayload.safeParse(this.verify(token, this.jwtKey, REFRESH_AUDIENCE, ISSUER));
    if (!claims.success) throw new AblakError('UNAUTHORIZED', 'Malformed refresh token');
    const { exp, ...rest } = claims.data;
    return { ...rest, expiresAt: exp * 1000 };
  }

  /** A media grant for the SFU (HS256, aud/iss pinned, exp ≤ MEDIA_GRANT_MAX_TTL_SECONDS; shorter on request). */
  signGrant(claims: MediaGrantClaims, ttlSeconds?: number): string {
    const ttl = Math.min(ttlSeconds ?? this.config.mediaGrantTtlSeconds, MEDIA_GRANT_MAX_TTL_SECONDS);
    return jwt.sign({ ...MediaGrantClaims.parse(claims) }, this.grantKey, {
      algorithm: MEDIA_GRANT_ALGORITHM,
      audience: MEDIA_GRANT_AUDIENCE,
      issuer: MEDIA_GRANT_ISSUER,
      expiresIn: ttl,
    });
  }

  /** The expiry (ms since epoch) written in a token this service signed. */
  expiresAt(token: string): number {
    return expiryOf(token);
  }

  private verify(token: string, secret: KeyObject, audience: string, issuer: string): unknown {
    try {
      return jwt.verify(token, secret, { algorithms: [ALGORITHM], audience, issuer });
    } catch (error) {
      const expired = error instanceof jwt.TokenExpiredError;
      throw new AblakError('UNAUTHORIZED', expired ? 'Token expired' : 'Invalid token');
    }
  }
}

function expiryOf(token: string): number {
  const decoded = Expiring.safeParse(jwt.decode(token));
  return decoded.success ? decoded.data.exp * 1000 : 0;
}
