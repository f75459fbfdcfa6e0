import { io as connect, type Socket } from 'socket.io-client';
import {
  MediaGrantClaims,
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerOf,
  type MediaPushes,
  type MediaRequests,
  type RequestOf,
  type ResultOf,
  type ServerToClientOf,
} from '@ablak/protocol';
import {
  MemorySfuRegistry,
  SfuNode,
  createSfuLogger,
  parseSfuConfig,
  signMediaGrant,
  startSfuHttpServer,
  type SfuNodeConfig,
} from '@ablak/sfu';

export const GRANT_SECRET = 'integration-grant-secret-0123456789';

export interface SfuFixture {
  readonly node: SfuNode;
  readonly registry: MemorySfuRegistry;
  readonly url: string;
  readonly config: SfuNodeConfig;
  /** Drops every /media connection at the transport level (clients see a network drop and reconnect). */
  dropMediaConnections(): number;
  grant(claims: Partial<MediaGrantClaims> & Pick<MediaGrantClaims, 'room' | 'peer'>, ttlSeconds?: number): string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A real SFU node (real workers) behind its own HTTP + Socket.IO server on a free loopback port. */
export async function startSfu(env: Record<string, string> = {}): Promise<SfuFixture> {
  const config = parseSfuConfig({
    MEDIA_GRANT_SECRET: GRANT_SECRET,
    SFU_WORKERS: '2',
    SFU_RTC_PORT_BASE: '0',
    SFU_HEARTBEAT_MS: '500',
    SFU_LOG_LEVEL: 'error',
    PORT: '0',
    ...env,
  });
  const registry = new MemorySfuRegistry();
  const node = await SfuNode.create(config, { logger: createSfuLogger(process.env.SFU_TEST_LOG ?? 'silent'), registry });
  const server = await startSfuHttpServer(node).catch(async (error: unknown) => {
    await node.close();
    throw error;
  });
  const url = server.url;
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      await node.close();
      await server.close();
    })();
    return closed;
  };
  return {
    node,
    registry,
    url,
    config,
    dropMediaConnections: () => {
      const sockets = [...server.io.of('/media').sockets.values()];
      for (const socket of sockets) socket.conn.close();
      return sockets.length;
    },
    grant: (claims, ttlSeconds = 300) =>
      signMediaGrant(
        MediaGrantClaims.parse({ name: 'Test', role: 'citizen', canPublish: true, canSubscribe: true, hidden: false, ...claims }),
        GRANT_SECRET,
        ttlSeconds,
      ),
    close,
    [Symbol.asyncDispose]: close,
  };
}

export type MediaSocket = Socket<ServerToClientOf<MediaPushes>, ClientToServerOf<MediaRequests>>;

/** A Node-side /media client: connects with a grant and records every push it receives. */
export class MediaClient {
  readonly pushes: { event: string; payload: unknown }[] = [];
  private constructor(readonly socket: MediaSocket) {
    socket.onAny((event: string, payload: unknown) => this.pushes.push({ event, payload }));
  }

  static async connect(url: string, token: string, options: { protocolVersion?: number; room?: string } = {}): Promise<MediaClient> {
    const socket: MediaSocket = connect(`${url}/media`, {
      auth: { token, protocolVersion: options.protocolVersion ?? PROTOCOL_VERSION },
      transports: ['websocket'],
      reconnection: false,
      ...(options.room ? { query: { room: options.room } } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', (error: Error & { data?: unknown }) => {
        socket.close();
        reject(Object.assign(new Error(error.message), { data: error.data }));
      });
    });
    return new MediaClient(socket);
  }

  request<K extends keyof MediaRequests & string>(event: K, payload: RequestOf<MediaRequests, K>): Promise<Ack<ResultOf<MediaRequests, K>>> {
    const emit = this.socket.timeout(10_000).emitWithAck as unknown as (e: string, p: unknown) => Promise<Ack<ResultOf<MediaRequests, K>>>;
    return emit.call(this.socket.timeout(10_000), event, payload);
  }

  /** Like request, but throws unless the answer is ok. */
  async must<K extends keyof MediaRequests & string>(event: K, payload: RequestOf<MediaRequests, K>): Promise<ResultOf<MediaRequests, K>> {
    const res = await this.request(event, payload);
    if (!res.ok) throw new Error(`${event} failed: ${res.error.code} ${res.error.message}`);
    return res;
  }

  waitFor(event: string, timeoutMs = 10_000, where: (payload: unknown) => boolean = () => true): Promise<unknown> {
    const seen = this.pushes.find((p) => p.event === event && where(p.payload));
    if (seen) return Promise.resolve(seen.payload);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
      const listener = (name: string, payload: unknown) => {
        if (name !== event || !where(payload)) return;
        clearTimeout(timer);
        this.socket.offAny(listener);
        resolve(payload);
      };
      this.socket.onAny(listener);
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** RTP parameters a synthetic publisher sends (what a browser would produce, reduced to the essentials). */
export function syntheticRtpParameters(kind: 'audio' | 'video', ssrc: number) {
  return kind === 'audio'
    ? { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }], encodings: [{ ssrc }], mid: '0' }
    : { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] }], encodings: [{ ssrc }], mid: '1' };
}
