import { AblakError } from '@ablak/protocol';
import type { Logger } from 'pino';
import type { SignalingConfig } from './config';
import type { Catalogue } from './queue/catalogue';
import { RedisStore } from './store';
import type { Store } from './store/types';

/** Fleet mode's store: RedisStore on REDIS_URL or the Sentinels' master, with the same tunables every node uses. */
export async function createRedisStore(
  catalogue: Catalogue,
  config: SignalingConfig,
  logger?: Logger,
): Promise<Store> {
  if (!config.redis) throw new AblakError('UNAVAILABLE', 'Neither REDIS_URL nor REDIS_SENTINELS is set');
  return RedisStore.create(catalogue, {
    target: config.redis,
    dropGraceSeconds: config.dropGraceSeconds,
    waitReplicas: config.redisWaitReplicas,
    waitTimeoutMs: config.redisWaitTimeoutMs,
    onMalformed: (reason) => logger?.warn({ reason, module: 'store' }, 'malformed message on the events channel dropped'),
  });
}
