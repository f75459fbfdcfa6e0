import { GRANT_RENEW_LEAD_SECONDS } from '@ablak/protocol';

/**
 * The life of one grant in force on a connection: says when it is about to end (so the client can
 * send a fresh one) and ends it at its expiry. `set` again with a later expiry extends it; `clear`
 * stops both timers. Time is passed in for tests.
 */
export class GrantLife {
  private warnTimer: ReturnType<typeof setTimeout> | undefined;
  private endTimer: ReturnType<typeof setTimeout> | undefined;
  private expiresAtValue: number | undefined;

  constructor(
    private readonly onExpiring: (expiresAt: number) => void,
    private readonly onExpired: () => void,
  ) {}

  get expiresAt(): number | undefined {
    return this.expiresAtValue;
  }

  set(expiresAt: number, now = Date.now()): void {
    this.clear();
    this.expiresAtValue = expiresAt;
    const life = Math.max(0, expiresAt - now);
    const lead = Math.min(GRANT_RENEW_LEAD_SECONDS * 1000, life / 3);
    this.warnTimer = setTimeout(() => this.onExpiring(expiresAt), Math.max(0, life - lead));
    this.endTimer = setTimeout(() => {
      this.clear();
      this.onExpired();
    }, life);
    this.warnTimer.unref();
    this.endTimer.unref();
  }

  clear(): void {
    clearTimeout(this.warnTimer);
    clearTimeout(this.endTimer);
    this.warnTimer = undefined;
    this.endTimer = undefined;
    this.expiresAtValue = undefined;
  }
}
