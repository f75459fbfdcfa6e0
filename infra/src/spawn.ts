import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/**
 * Spawns a service the test harness owns so that it dies with the process that started it: under
 * util-linux's setpriv the child gets SIGKILL when its parent dies (a test worker killed by a timeout
 * or a crash leaves no redis-server or turnserver behind). setpriv execs, so the child is the service
 * itself and signals reach it as before. Without setpriv it is a plain spawn.
 */
export function spawnOwned(binary: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return SETPRIV
    ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args], options)
    : spawn(binary, [...args], options);
}
