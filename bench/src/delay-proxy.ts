/**
 * Userspace network delay on loopback, for benchmarks on machines without `tc netem` (this sandbox's
 * kernel has no netem qdisc). Two proxies add half the round-trip time in each direction:
 *
 * - TCP (HTTP + Socket.IO): listen on one port, forward to the real server's port.
 * - UDP (WebRTC media): the SFU listens on one loopback address (e.g. 127.0.0.2) and announces another
 *   (127.0.0.3) with the same port; the proxy binds the announced address and port, relays each browser
 *   address through its own upstream socket, and delays every datagram. Browsers see the announced
 *   candidate, the SFU sees the proxy: every media packet and every ICE/DTLS packet pays the delay.
 */
import dgram from 'node:dgram';
import net from 'node:net';

export interface DelayProxy {
  readonly port: number;
  close(): Promise<void>;
}

function later(ms: number, fn: () => void): void {
  if (ms <= 0) fn();
  else setTimeout(fn, ms);
}

/** TCP proxy: every chunk is forwarded `oneWayMs` later, in order, in both directions. */
export async function startTcpDelayProxy(options: {
  listenHost?: string;
  listenPort?: number;
  targetHost: string;
  targetPort: number;
  oneWayMs: number;
}): Promise<DelayProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: options.targetHost, port: options.targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    const pipe = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => later(options.oneWayMs, () => to.writable && to.write(chunk)));
      from.on('end', () => later(options.oneWayMs, () => to.end()));
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        later(options.oneWayMs, () => to.destroy());
      });
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, options.listenHost ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** UDP relay on listenHost:port → targetHost:port with `oneWayMs` added each way. */
export async function startUdpDelayProxy(options: {
  listenHost: string;
  targetHost: string;
  port: number;
  oneWayMs: number;
}): Promise<DelayProxy> {
  const front = dgram.createSocket('udp4');
  const upstreams = new Map<string, dgram.Socket>();
  let closed = false;
  /** A datagram still on its delay when the proxy closes is dropped (sending on a closed socket throws). */
  const send = (socket: dgram.Socket, msg: Buffer, port: number, host: string) => {
    if (closed) return;
    try {
      socket.send(msg, port, host, () => undefined);
    } catch {
      /* the socket closed meanwhile */
    }
  };
  front.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let upstream = upstreams.get(key);
    if (!upstream) {
      const socket = dgram.createSocket('udp4');
      socket.on('message', (reply) =>
        later(options.oneWayMs, () => send(front, reply, rinfo.port, rinfo.address)),
      );
      socket.on('error', () => undefined);
      socket.bind(0, options.listenHost);
      upstreams.set(key, socket);
      upstream = socket;
    }
    const target = upstream;
    later(options.oneWayMs, () => send(target, msg, options.port, options.targetHost));
  });
  front.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.bind(options.port, options.listenHost, () => resolve());
  });
  return {
    port: options.port,
    close: async () => {
      closed = true;
      for (const s of upstreams.values()) s.close();
      upstreams.clear();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}
