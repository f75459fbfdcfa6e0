import { createHash } from 'node:crypto';
import { AblakError } from '@ablak/protocol';
import type { SharedKv } from '../kv/types';

const key = (username: string) =>
  `login-failures:${createHash('sha256').update(username.trim().toLowerCase()).digest('base64url').slice(0, 22)}`;

/**
 * Failed sign-ins per account, fleet-wide (shared KV): after `limit` failures within `windowSeconds`
 * the account takes no attempt, right or wrong, until the window (which starts at the first failure)
 * ends. Guessing one account's password from many addresses is slowed to `limit` tries per window;
 * the per-address limit is the HTTP route's. Usernames are hashed, never written to the KV.
 */
export class LoginGuard {
  constructor(
    private readonly kv: SharedKv,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /** Throws RATE_LIMITED while the account is locked. */
  async check(username: string): Promise<void> {
    const failures = Number((await this.kv.get(key(username))) ?? 0);
    if (failures >= this.limit)
      throw new AblakError('RATE_LIMITED', 'Too many failed sign-ins for this account, try again later');
  }

  async failed(username: string): Promise<void> {
    await this.kv.incr(key(username), this.windowSeconds);
  }

  async succeeded(username: string): Promise<void> {
    await this.kv.del(key(username));
  }
}
