import { build } from 'esbuild';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Serves the instrumented call page (page.ts, bundled for the browser) on a free loopback port. The page
 * plays a clerk or a citizen through the real protocol and stamps every stage of a call; the join-latency
 * benchmark and the pre-warm test drive it. The desk must allow `origin` in CORS_ORIGINS.
 */
export async function serveCallPage(): Promise<{ origin: string; close(): Promise<void> }> {
  const result = await build({
    entryPoints: [path.join(here, 'page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const bundle = result.outputFiles[0]?.text;
  if (!bundle) throw new Error('esbuild produced nothing');
  const server = http.createServer((req, res) => {
    if (req.url === '/call.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end(bundle);
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><html lang="en"><head><title>Ablak call page</title></head><body><script src="/call.js"></script></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type { CallPageApi, Marks } from './page';
