import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './apps';

export type Service = 'signaling' | 'sfu';

/**
 * The built entry of a service (`<service>/dist/main.js`), as production runs it: plain `node`, no
 * TypeScript loader. Builds it first when its inputs changed (a hash stamp makes that a no-op).
 */
export function serviceEntry(service: Service): string {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-services.mjs'), service], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${service} build failed:\n${result.stdout}\n${result.stderr}`);
  return path.join(REPO_ROOT, service, 'dist', 'main.js');
}

/** Arguments for `spawn(process.execPath, …)` that run a built service the way production does. */
export function serviceArgs(service: Service, extra: string[] = []): string[] {
  return ['--enable-source-maps', ...extra, serviceEntry(service)];
}
