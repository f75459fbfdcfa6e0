export { SfuNode, type SfuNodeDeps, type SfuNodeHealth } from './node';
export { parseSfuConfig, SfuConfigError, type SfuNodeConfig } from './config';
export { MemorySfuRegistry, RedisSfuRegistry, liveSfuNodes, type SfuRegistryPublisher } from './registry';
export { signMediaGrant, verifyMediaGrant, type VerifyGrantOptions } from './grant';
export { turnCredentials, iceServersFor, type TurnConfig } from './turn';
export { createOpsRouter } from './ops';
export { MEDIA_NAMESPACE } from './media-namespace';
export { MEDIA_CODECS } from './codecs';
