import { parseSfuConfig, RedisRevocationSource, SfuNode } from '@ablak/sfu';
import type { Logger } from 'pino';
import type { SignalingConfig } from './config';
import type { EmbeddedSfu } from './server';
import { openRedis } from './store/redis/connection';
import type { Store } from './store/types';

/** Starts one SFU node in this process, heartbeating into the store, reachable at signaling's URL. */
export function embeddedSfu(config: SignalingConfig) {
  return async (url: string, store: Store, logger: Logger): Promise<EmbeddedSfu> => {
    const sfuConfig = parseSfuConfig({
      ...config.rawEnv,
      MEDIA_GRANT_SECRET: config.mediaGrantSecret,
      SFU_PUBLIC_URL: config.rawEnv.SFU_PUBLIC_URL ?? url,
    });
    // In a fleet another node may end a call placed here: revocations come through Redis.
    const revocations = config.redis
      ? new RedisRevocationSource(openRedis(config.redis, 'blocking'), logger, { ownsRedis: true })
      : undefined;
    const node = await SfuNode.create(sfuConfig, {
      logger,
      ...(revocations ? { revocations } : {}),
      registry: {
        publish: (info) => store.putSfuNode(info),
        remove: (id) => store.removeSfuNode(id),
      },
    });
    return node;
  };
}
