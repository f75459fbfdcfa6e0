export { startSignaling, type SignalingDeps, type RunningSignaling, type EmbeddedSfu } from './server';
export { parseConfig, ConfigError, type SignalingConfig } from './config';
export { Directory, hashPassword } from './directory/directory';
export type { DirectoryFile, StaffRecord } from './directory/types';
export { fold, CaseTypeSearch } from './http/case-type-search';
export { parseCatalogue, type Catalogue } from './queue/catalogue';
export { MemoryStore } from './store/memory';
export type { Store } from './store/types';
export { TokenService } from './auth/tokens';
