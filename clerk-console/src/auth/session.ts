import { useSyncExternalStore } from 'react';
import { LoginResponse, type LoginRequest } from '@ablak/protocol';

/** The signed-in person: the login answer, kept per browser tab so a reload stays signed in. */
export type Session = LoginResponse;

const STORAGE_KEY = 'ablak.console.session';
/** Refresh this long before the token expires. */
const REFRESH_MARGIN_MS = 60_000;

export class LoginError extends Error {
  constructor(
    readonly kind: 'credentials' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'LoginError';
  }
}

type Listener = () => void;

/** Holds the session, refreshes the token before it expires, and tells React when it changes. */
export class SessionStore {
  private session: Session | null;
  private readonly listeners = new Set<Listener>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private expiredNotice = false;

  constructor(private readonly storage: Storage | undefined = globalThis.sessionStorage) {
    this.session = this.load();
    if (this.session && this.session.expiresAt <= Date.now()) this.session = null;
    this.schedule();
  }

  get current(): Session | null {
    return this.session;
  }

  /** True once after the server said the session expired, for a notice on the login page. */
  get expired(): boolean {
    return this.expiredNotice;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  async login(request: LoginRequest): Promise<Session> {
    const session = await postSession('/api/auth/login', request);
    this.expiredNotice = false;
    this.set(session);
    return session;
  }

  /** Trades the refresh token for a new session token; signs out if the server refuses it. */
  async refresh(): Promise<void> {
    const current = this.session;
    if (!current) return;
    try {
      this.set(await postSession('/api/auth/refresh', { refreshToken: current.refreshToken }));
    } catch (error) {
      if (error instanceof LoginError && error.kind === 'credentials') this.logout(true);
      else this.refreshTimer = setTimeout(() => void this.refresh(), 10_000);
    }
  }

  /** Signs out here and, unless the server already ended the session, there too (its tokens die). */
  logout(expired = false): void {
    const ending = this.session;
    this.expiredNotice = expired;
    this.set(null);
    if (ending && !expired) void endOnServer(ending.token);
  }

  private set(session: Session | null): void {
    this.session = session;
    try {
      if (session) this.storage?.setItem(STORAGE_KEY, JSON.stringify(session));
      else this.storage?.removeItem(STORAGE_KEY);
    } catch {
      // not persisted: the person signs in again after a reload
    }
    this.schedule();
    for (const listener of this.listeners) listener();
  }

  private schedule(): void {
    clearTimeout(this.refreshTimer);
    if (!this.session) return;
    const delay = Math.max(1_000, this.session.expiresAt - Date.now() - REFRESH_MARGIN_MS);
    this.refreshTimer = setTimeout(() => void this.refresh(), delay);
  }

  private load(): Session | null {
    try {
      const raw = this.storage?.getItem(STORAGE_KEY);
      if (!raw) return null;
      const parsed = LoginResponse.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}

async function endOnServer(token: string): Promise<void> {
  try {
    await fetch('/api/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
  } catch {
    // offline: the access token still dies at its expiry, the refresh token is gone from this tab
  }
}

async function postSession(path: string, body: unknown): Promise<Session> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new LoginError('unavailable', error instanceof Error ? error.message : String(error));
  }
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    throw new LoginError('credentials', `HTTP ${response.status}`);
  }
  if (!response.ok) throw new LoginError('unavailable', `HTTP ${response.status}`);
  const parsed = LoginResponse.safeParse(await response.json());
  if (!parsed.success) throw new LoginError('unavailable', 'unexpected login answer');
  return parsed.data;
}

export const sessionStore = new SessionStore();

export function useSession(store: SessionStore = sessionStore): Session | null {
  return useSyncExternalStore(store.subscribe, () => store.current);
}
