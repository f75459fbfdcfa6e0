import { randomBytes } from 'node:crypto';
import {
  DEMO_DIRECTORY_FILE,
  embeddedSfu,
  parseConfig,
  startSignaling,
  type RunningSignaling,
} from '@ablak/signaling';
import { freePort } from '@ablak/infra';

/**
 * The real embedded desk in this process: signaling (MemoryStore, the demo staff file named as its
 * directory, the shipped catalogue, secrets made for this run) with one SFU node attached on the same
 * port, as `pnpm start` wires it. `env` overrides any variable
 * (e.g. CORS_ORIGINS for a page served from another origin, SFU_* for listen and announced addresses).
 */
export async function startDesk(env: Record<string, string> = {}): Promise<RunningSignaling> {
  const port = env.PORT ?? String(await freePort());
  const config = parseConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    SFU_LOG_LEVEL: 'error',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    MEDIA_GRANT_SECRET: randomBytes(32).toString('base64url'),
    DIRECTORY_FILE: DEMO_DIRECTORY_FILE,
    SFU_RTC_PORT_BASE: String(await freePort()),
    SFU_WORKERS: '1',
    TICKETS_PER_IP_PER_MINUTE: '100000',
    LOGINS_PER_IP_PER_MINUTE: '100000',
    ...env,
    PORT: port,
  });
  return startSignaling(config, { embedSfu: embeddedSfu(config) });
}
