/** The store: one interface (types.ts), an in-memory and a Redis implementation. (The contract suite,
 * store/contract.ts, imports vitest: import it directly from tests, never from here.) */
export * from './types';
export { MemoryStore } from './memory';
export { loadCatalogueFile, DEFAULT_CATALOGUE_PATH } from './catalogue-file';
export { RedisStore, type RedisStoreOptions } from './redis/redis-store';
