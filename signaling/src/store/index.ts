/** The store: one interface (types.ts), an in-memory and a Redis implementation. */
export * from './types';
export { MemoryStore } from './memory';
export { loadCatalogueFile, DEFAULT_CATALOGUE_PATH } from './catalogue-file';
export { RedisStore, type RedisStoreOptions } from './redis/redis-store';
export { describeStoreContract, expectCode, type StoreFactory } from './contract';
