export { startSignaling, type SignalingDeps, type RunningSignaling, type EmbeddedSfu } from './server';
export { parseConfig, ConfigError, type SignalingConfig } from './config';
export { Directory } from './directory/directory';
export { fold } from './http/case-type-search';
