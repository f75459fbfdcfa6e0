export { MediaSession, type MediaConnectionState, type MediaSessionEvents, type MediaSessionOptions, type RemoteTrack } from './media-session';
export type { MediaStats, TrackStats } from './stats';
export { probeNetwork, type NetworkPath, type NetworkPathOutcome, type NetworkPathResult, type NetworkProbeAccess, type NetworkProbeOptions, type NetworkProbeResult } from './network-probe';
