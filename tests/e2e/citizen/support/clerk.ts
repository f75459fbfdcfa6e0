import { io, type Socket } from 'socket.io-client';
import {
  LoginResponse,
  PROTOCOL_VERSION,
  type ClerkPushes,
  type ClerkRequests,
  type ClientToServerOf,
  type RequestOf,
  type ResultOf,
  type ServerToClientOf,
} from '@ablak/protocol';
import type { z } from 'zod';

type ClerkSocket = Socket<ServerToClientOf<ClerkPushes>, ClientToServerOf<ClerkRequests>>;
type PushPayload<K extends keyof ClerkPushes> = z.output<ClerkPushes[K]>;

export async function login(url: string, username: string, password = 'ablak-demo'): Promise<LoginResponse> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body: unknown = await res.json();
  if (!res.ok) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(body)}`);
  return LoginResponse.parse(body);
}

/** A clerk driven from the test through the real /clerk namespace, recording every push it gets. */
export class TestClerk {
  readonly pushes: { event: string; payload: unknown }[] = [];
  private constructor(
    readonly socket: ClerkSocket,
    readonly session: LoginResponse,
  ) {
    socket.onAny((event: string, payload: unknown) => this.pushes.push({ event, payload }));
  }

  static async connect(url: string, username = 'clerk1'): Promise<TestClerk> {
    const session = await login(url, username);
    const socket: ClerkSocket = io(`${url}/clerk`, {
      transports: ['websocket'],
      auth: { token: session.token, protocolVersion: PROTOCOL_VERSION },
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    const clerk = new TestClerk(socket, session);
    await clerk.request('clerk:hello', {});
    return clerk;
  }

  async request<K extends keyof ClerkRequests & string>(
    event: K,
    payload: RequestOf<ClerkRequests, K>,
  ): Promise<ResultOf<ClerkRequests, K>> {
    const answer = (await emitWithAck(this.socket, event, payload)) as {
      ok: boolean;
      error?: { code: string; message: string };
    };
    if (!answer.ok) throw new Error(`${event} failed: ${answer.error?.code} ${answer.error?.message}`);
    return answer as unknown as ResultOf<ClerkRequests, K>;
  }

  /** Resolves with the next push of `event` (or one already received that matches). */
  async next<K extends keyof ClerkPushes & string>(
    event: K,
    match: (p: PushPayload<K>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<PushPayload<K>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.pushes.find((p) => p.event === event && match(p.payload as PushPayload<K>));
      if (hit) return hit.payload as PushPayload<K>;
      if (Date.now() > until)
        throw new Error(
          `clerk got no ${event} within ${timeoutMs} ms (got: ${this.pushes.map((p) => p.event).join(', ')})`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}

function emitWithAck(socket: ClerkSocket, event: string, payload: unknown): Promise<unknown> {
  const untyped = socket as unknown as {
    timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> };
  };
  return untyped.timeout(10_000).emitWithAck(event, payload);
}
