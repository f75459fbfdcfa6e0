import type { Socket } from 'socket.io';

/**
 * The client's address: the socket's peer, or, behind `hops` proxies that each append to
 * X-Forwarded-For, the entry the outermost trusted proxy wrote (what a client writes itself is ignored).
 */
export function clientAddress(socket: Socket, hops: number): string {
  if (hops <= 0) return socket.handshake.address;
  const header = socket.handshake.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => s.trim()).filter((s) => s !== '');
  return chain[chain.length - hops] ?? socket.handshake.address;
}

/**
 * Network-probe connections per client address, capped: a probe grant is anonymous (anyone may ask
 * signaling for one), so one address must not hold the node's transports with many at once. A socket
 * counts from its handshake until it disconnects (or its connection is gone before it ever connected).
 */
export class ProbeSessions {
  private readonly byAddress = new Map<string, Set<Socket>>();

  constructor(private readonly maxPerAddress: number) {}

  /** Counts `socket` for `address`; false (and not counted) when the address is at its cap. */
  admit(address: string, socket: Socket): boolean {
    const sockets = this.byAddress.get(address) ?? new Set<Socket>();
    for (const s of sockets) if (s.conn.readyState !== 'open') sockets.delete(s);
    if (sockets.size >= this.maxPerAddress) {
      if (sockets.size === 0) this.byAddress.delete(address);
      return false;
    }
    sockets.add(socket);
    this.byAddress.set(address, sockets);
    socket.once('disconnect', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && this.byAddress.get(address) === sockets) this.byAddress.delete(address);
    });
    return true;
  }
}
