import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/**
 * Builds a web app's dist/ (which the server serves) when it is missing or older than anything it is
 * built from: its own sources, the shared ui, the media client and the protocol.
 */
export function ensureAppBuilt(app: 'web-client' | 'clerk-console'): void {
  const dir = path.join(REPO_ROOT, app);
  const index = path.join(dir, 'dist', 'index.html');
  const sources = Math.max(
    ...[path.join(dir, 'src'), path.join(dir, 'index.html'), path.join(dir, 'vite.config.ts')].map(newestMtime),
    ...['ui/src', 'sfu/src/client', 'protocol/src'].map((p) => newestMtime(path.join(REPO_ROOT, p))),
  );
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  const result = spawnSync('pnpm', ['--filter', `@ablak/${app}`, 'build'], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
    encoding: 'utf8',
    // NODE_ENV=test (set by vitest) would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`${app} build failed:\n${result.stdout}\n${result.stderr}`);
}
