import { randomBytes } from 'node:crypto';
import { AblakError, type LoginResponse } from '@ablak/protocol';
import type { Logger } from 'pino';
import type { Directory } from '../directory/directory';
import type { StaffRecord } from '../directory/types';
import type { Revocations } from './revocations';
import type { Session, TokenService } from './tokens';

export interface StaffSessionDeps {
  tokens: TokenService;
  revocations: Revocations;
  directory: Directory;
  sessionTtlSeconds: number;
  refreshTtlSeconds: number;
  logger: Logger;
  /** A sign-in ended: its live sockets, on every node, are to be closed. */
  onRevoked(fam: string): void;
}

/**
 * Staff sign-ins. Each sign-in is a family: an access token (short) and a refresh token that is good
 * once and is replaced by each refresh, all ending when the sign-in ends (REFRESH_TTL_SECONDS after
 * the password was given; refreshing does not move that). A refresh token presented a second time
 * means two holders: the whole family is revoked. Signing out revokes it too.
 */
export class StaffSessions {
  constructor(private readonly deps: StaffSessionDeps) {}

  /** A new sign-in for `staff` (after the password was checked). */
  signIn(staff: StaffRecord, now = Date.now()): LoginResponse {
    const fam = randomBytes(12).toString('base64url');
    return this.issue(staff, fam, this.deps.tokens.familyEnd(now), now);
  }

  /** Trades a refresh token (once) for new tokens of the same sign-in. */
  async refresh(refreshToken: string, now = Date.now()): Promise<LoginResponse> {
    const { tokens, revocations, directory, logger } = this.deps;
    const claims = tokens.verifyRefresh(refreshToken);
    if (await revocations.isRevoked(claims.fam)) throw new AblakError('UNAUTHORIZED', 'This sign-in has ended');
    if (!(await revocations.useRefresh(claims.jti, claims.expiresAt, now))) {
      await this.revoke(claims.fam, now);
      logger.warn({ staff: claims.sub, fam: claims.fam }, 'refresh token used twice: sign-in revoked');
      throw new AblakError('UNAUTHORIZED', 'This sign-in has ended');
    }
    const staff = directory.staffById(claims.sub);
    if (!staff || staff.role !== claims.role) throw new AblakError('UNAUTHORIZED', 'Account no longer exists');
    return this.issue(staff, claims.fam, claims.expiresAt, now);
  }

  /** Ends the sign-in `session` belongs to: its refresh and access tokens stop working everywhere. */
  async signOut(session: Session, now = Date.now()): Promise<void> {
    if (!session.fam) throw new AblakError('UNAUTHORIZED', 'Not a staff sign-in');
    await this.revoke(session.fam, now);
    this.deps.logger.info({ staff: session.sub, fam: session.fam }, 'signed out');
  }

  private async revoke(fam: string, now: number): Promise<void> {
    // The family's end is not in an access token; the longest a sign-in can last bounds it.
    await this.deps.revocations.revokeFamily(fam, now + this.deps.refreshTtlSeconds * 1000, now);
    this.deps.onRevoked(fam);
  }

  private issue(staff: StaffRecord, fam: string, familyEnd: number, now: number): LoginResponse {
    const { tokens, directory } = this.deps;
    const left = Math.floor((familyEnd - now) / 1000);
    if (left < 1) throw new AblakError('UNAUTHORIZED', 'This sign-in has ended');
    const scope = directory.scopeOf(staff);
    const { token, expiresAt } = tokens.signSession(
      {
        sub: staff.id,
        role: staff.role,
        office: staff.office,
        name: staff.displayName,
        fam,
        ...(scope && { scope }),
      },
      Math.min(this.deps.sessionTtlSeconds, left),
    );
    return {
      token,
      refreshToken: tokens.signRefresh(staff.id, staff.role, fam, familyEnd),
      expiresAt,
      user: {
        id: staff.id,
        role: staff.role,
        displayName: staff.displayName,
        office: staff.office,
        skills: staff.skills,
        languages: staff.languages,
        ...(scope && { scope }),
      },
    };
  }
}
