export { freePort, waitForPort } from './ports';
export { startRedis, REDIS_CONF, type RedisServer, type StartRedisOptions } from './redis';
