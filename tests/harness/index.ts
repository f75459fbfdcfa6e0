export { launchBrowser, CHROMIUM_ARGS, CHROMIUM_PATH, type TestBrowser } from './browser';
export { startDesk } from './desk';
export { startRedis, freePort, waitForPort, type RedisServer } from '@ablak/infra';
export { startSentinelSet, type SentinelSet } from '@ablak/infra';
export { ensureAppBuilt, REPO_ROOT } from './apps';
export { serviceEntry, serviceArgs, type Service } from './services';
