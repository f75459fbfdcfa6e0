/**
 * Gzipped size of what a browser downloads before the first screen of each web app: the entry script
 * and the chunks it imports statically (modulepreload links and the entry's static imports), as
 * Vite's production build emits them. Builds the apps first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Benchmark, BenchResult } from './lib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function gz(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

/** Files the HTML loads at start: module scripts, modulepreload links and stylesheets. */
function initialAssets(dist: string): { js: string[]; css: string[] } {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
  const toFile = (ref: string) => path.join(dist, ref.replace(/^.*?\/assets\//, 'assets/'));
  return {
    js: [...new Set(refs.filter((r) => r.endsWith('.js')).map(toFile))],
    css: [...new Set(refs.filter((r) => r.endsWith('.css')).map(toFile))],
  };
}

function measure(app: string): BenchResult[] {
  const dir = path.join(root, app);
  execFileSync('pnpm', ['--filter', `./${app}`, 'build'], { cwd: root, stdio: 'ignore' });
  const dist = path.join(dir, 'dist');
  const { js, css } = initialAssets(dist);
  const assets = path.join(dist, 'assets');
  const allJs = existsSync(assets) ? readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => path.join(assets, f)) : [];
  const kb = (n: number) => Math.round((n / 1024) * 10) / 10;
  const initialJs = js.reduce((sum, f) => sum + gz(f), 0);
  const initialCss = css.reduce((sum, f) => sum + gz(f), 0);
  const totalJs = allJs.reduce((sum, f) => sum + gz(f), 0);
  const results: BenchResult[] = [
    { bench: 'bundle-size', figure: `${app}: initial JS (gzip)`, value: kb(initialJs), unit: 'kB', notes: `${js.length} file(s) loaded by index.html; goal < 250 kB` },
    { bench: 'bundle-size', figure: `${app}: initial CSS (gzip)`, value: kb(initialCss), unit: 'kB' },
    { bench: 'bundle-size', figure: `${app}: all JS chunks (gzip)`, value: kb(totalJs), unit: 'kB', notes: `${allJs.length} chunks incl. lazy ones` },
  ];
  for (const r of results) console.log(`  ${r.figure}: ${r.value} ${r.unit}`);
  return results;
}

export default {
  name: 'bundle-size',
  async run() {
    return [...measure('web-client'), ...measure('clerk-console')];
  },
} satisfies Benchmark;
