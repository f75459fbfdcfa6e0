import type { SharedKv } from '../kv/types';

const familyKey = (fam: string) => `revoked-family:${fam}`;
const usedKey = (jti: string) => `refresh-used:${jti}`;

/**
 * Sign-ins that ended (signed out, or a refresh token was replayed), kept in the shared KV so every
 * node refuses their tokens at once; each entry lives as long as the sign-in could have.
 */
export class Revocations {
  constructor(private readonly kv: SharedKv) {}

  async revokeFamily(fam: string, untilMs: number, now = Date.now()): Promise<void> {
    const ttl = Math.max(1, Math.ceil((untilMs - now) / 1000));
    await this.kv.set(familyKey(fam), '1', ttl);
  }

  async isRevoked(fam: string): Promise<boolean> {
    return (await this.kv.get(familyKey(fam))) !== null;
  }

  /** Marks a refresh token used; false when it already was (a replay). */
  async useRefresh(jti: string, untilMs: number, now = Date.now()): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil((untilMs - now) / 1000));
    return this.kv.setIfAbsent(usedKey(jti), '1', ttl);
  }
}
