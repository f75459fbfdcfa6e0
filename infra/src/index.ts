export { freePort, waitForPort } from './ports';
export { startRedis, REDIS_CONF, type RedisServer, type StartRedisOptions } from './redis';
export { startCoturn, COTURN_CONF, type CoturnServer, type StartCoturnOptions } from './coturn';
export { makeTestCertificate, type TestCertificate } from './tls';
export { startPostgres, PG_APP, PG_OWNER, type PostgresServer } from './postgres';
export { startSentinelSet, SENTINEL_MASTER, type SentinelSet, type StartSentinelOptions } from './sentinel';
