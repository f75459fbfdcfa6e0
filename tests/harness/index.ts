export { launchBrowser, CHROMIUM_ARGS, CHROMIUM_PATH, type TestBrowser } from './browser';
export { startRedis, freePort, waitForPort, type RedisServer } from '@ablak/infra';
