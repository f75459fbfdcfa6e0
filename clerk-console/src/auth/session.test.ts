import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionStore, type LoginError } from './session';

class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
}

const user = {
  id: 'clerk1',
  role: 'clerk',
  displayName: 'Kiss Anna',
  office: 'bp-01',
  skills: [],
  languages: ['hu'],
};
const answer = (token: string, expiresAt = Date.now() + 900_000) => ({
  token,
  refreshToken: `refresh-${token}-xxxxxxxx`,
  expiresAt,
  user,
});

function respond(status: number, body: unknown) {
  return Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('SessionStore', () => {
  it('keeps the session across a reload of the tab', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => respond(200, answer('t1'))),
    );
    const storage = new MemoryStorage();
    const store = new SessionStore(storage);
    await store.login({ username: 'clerk1', password: 'ablak-demo' });
    expect(new SessionStore(storage).current?.token).toBe('t1');
  });

  it('says "credentials" for a refused login and stays signed out', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => respond(401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'no' } })),
    );
    const store = new SessionStore(new MemoryStorage());
    await expect(store.login({ username: 'x', password: 'y' })).rejects.toMatchObject({
      kind: 'credentials',
    } satisfies Partial<LoginError>);
    expect(store.current).toBeNull();
  });

  it('refreshes the token a minute before it expires', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn((url: string) =>
      respond(200, answer(url.endsWith('/refresh') ? 't2' : 't1', Date.now() + 120_000)),
    );
    vi.stubGlobal('fetch', fetchMock);
    const store = new SessionStore(new MemoryStorage());
    await store.login({ username: 'clerk1', password: 'ablak-demo' });
    await vi.advanceTimersByTimeAsync(61_000);
    expect(fetchMock).toHaveBeenLastCalledWith(
      '/api/auth/refresh',
      expect.objectContaining({ method: 'POST' }),
    );
    expect(store.current?.token).toBe('t2');
  });

  it('signs out with an "expired" notice when the refresh token is refused', async () => {
    const store = new SessionStore(new MemoryStorage());
    vi.stubGlobal(
      'fetch',
      vi.fn(() => respond(200, answer('t1'))),
    );
    await store.login({ username: 'clerk1', password: 'ablak-demo' });
    vi.stubGlobal(
      'fetch',
      vi.fn(() => respond(401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'expired' } })),
    );
    await store.refresh();
    expect(store.current).toBeNull();
    expect(store.expired).toBe(true);
  });

  it('ends the sign-in on the server when the person signs out', async () => {
    const fetchMock = vi.fn((_url: string, _init?: RequestInit) => respond(200, answer('t1')));
    vi.stubGlobal('fetch', fetchMock);
    const store = new SessionStore(new MemoryStorage());
    await store.login({ username: 'clerk1', password: 'ablak-demo' });
    store.logout();
    expect(store.current).toBeNull();
    expect(fetchMock).toHaveBeenLastCalledWith(
      '/api/auth/logout',
      expect.objectContaining({ method: 'POST', headers: expect.objectContaining({ authorization: 'Bearer t1' }) }),
    );
  });
});
