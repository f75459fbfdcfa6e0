import type { AddressInfo } from 'node:net';
import express from 'express';
import { Server } from 'socket.io';
import type { SfuNode } from './node';
import { createOpsRouter } from './ops';
import { createWebServer, type TlsFiles } from './tls';

export interface SfuHttpServer {
  /** http://host:port this server listens on. */
  readonly url: string;
  readonly port: number;
  readonly io: Server;
  /** Reads the certificate again after a renewal; false over plain HTTP. */
  reloadTls(): boolean;
  /** Closes Socket.IO and the HTTP server (not the node); idempotent. */
  close(): Promise<void>;
}

/**
 * The standalone node's HTTP(S) side: Express with /healthz and /metrics, Socket.IO with `/media`.
 * Used by sfu/src/main.ts and by tests that need a node without signaling.
 */
export async function startSfuHttpServer(node: SfuNode, options: { port?: number; host?: string; tls?: TlsFiles | undefined } = {}): Promise<SfuHttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(createOpsRouter(node));
  const { server, scheme, reloadTls } = createWebServer(options.tls);
  server.on('request', app);
  const io = new Server(server, { cors: { origin: true }, maxHttpBufferSize: 256 * 1024 });
  node.attach(io);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  let closed: Promise<void> | undefined;
  return {
    url: `${scheme}://${host}:${port}`,
    port,
    io,
    reloadTls,
    close() {
      closed ??= (async () => {
        await io.close();
        server.closeAllConnections();
      })();
      return closed;
    },
  };
}
