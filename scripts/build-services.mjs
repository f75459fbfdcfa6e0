#!/usr/bin/env node
/* global process, console */
// Builds the two Node services to plain JavaScript, so production runs `node <service>/dist/main.js`
// with no TypeScript loader (no tsx) between a supervisor and the server.
//
// Workspace packages (@ablak/*) export TypeScript source and are bundled in; every npm package stays
// an import that Node resolves at run time from the service's own node_modules (so mediasoup, which
// embedded mode runs in-process, is a dependency of signaling too). A stamp of the inputs' hash makes
// a second run a no-op: `--force` rebuilds anyway.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVICES = { signaling: ['signaling/src', 'sfu/src/server', 'protocol/src'], sfu: ['sfu/src', 'protocol/src'] };
const force = process.argv.includes('--force');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function files(dir) {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [dir];
  return readdirSync(abs)
    .flatMap((entry) => files(path.join(dir, entry)))
    .filter((f) => !/\.test\.tsx?$/.test(f));
}

function inputsHash(service) {
  const hash = createHash('sha256');
  const inputs = [...SERVICES[service], `${service}/package.json`, 'scripts/build-services.mjs'];
  for (const file of inputs.flatMap(files).sort()) {
    hash.update(file).update('\0').update(readFileSync(path.join(ROOT, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Bundles @ablak/* (TypeScript source), keeps every other bare import external. */
const workspaceOnly = {
  name: 'workspace-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@ablak/') || args.kind === 'entry-point') return undefined;
      return { path: args.path, external: true };
    });
  },
};

for (const service of only.length > 0 ? only : Object.keys(SERVICES)) {
  if (!(service in SERVICES)) throw new Error(`unknown service ${service}`);
  const outfile = path.join(ROOT, service, 'dist', 'main.js');
  const stamp = path.join(ROOT, service, 'dist', '.inputs-hash');
  const hash = inputsHash(service);
  if (!force && existsSync(outfile) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    console.log(`[build] ${service} is up to date`);
    continue;
  }
  const started = Date.now();
  await build({
    entryPoints: [path.join(ROOT, service, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [workspaceOnly],
  });
  writeFileSync(stamp, hash);
  console.log(`[build] ${service}/dist/main.js in ${Date.now() - started} ms`);
}
