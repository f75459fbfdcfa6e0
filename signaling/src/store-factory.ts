import { AblakError } from '@ablak/protocol';
import type { SignalingConfig } from './config';
import type { Catalogue } from './queue/catalogue';
import * as stores from './store';
import type { Store } from './store/types';

type RedisStoreFactory = {
  create(url: string, catalogue: Catalogue, options: { dropGraceSeconds: number }): Promise<Store>;
};

/** Fleet mode's store (RedisStore from store/), looked up at run time so embedded mode never needs it. */
export async function createRedisStore(catalogue: Catalogue, config: SignalingConfig): Promise<Store> {
  const factory = (stores as Record<string, unknown>).RedisStore as RedisStoreFactory | undefined;
  if (!factory || !config.redisUrl)
    throw new AblakError('UNAVAILABLE', 'RedisStore is not available in this build');
  return factory.create(config.redisUrl, catalogue, { dropGraceSeconds: config.dropGraceSeconds });
}
