import { AblakError } from '@ablak/protocol';
import type { SignalingConfig } from './config';
import type { Catalogue } from './queue/catalogue';
import { RedisStore } from './store';
import type { Store } from './store/types';

/** Fleet mode's store: RedisStore on REDIS_URL, with the same tunables every node uses. */
export async function createRedisStore(catalogue: Catalogue, config: SignalingConfig): Promise<Store> {
  if (!config.redisUrl) throw new AblakError('UNAVAILABLE', 'REDIS_URL is not set');
  return RedisStore.create(config.redisUrl, catalogue, { dropGraceSeconds: config.dropGraceSeconds });
}
