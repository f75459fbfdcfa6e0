export { MediaSession, type MediaConnectionState, type MediaSessionEvents, type MediaSessionOptions, type RemoteTrack } from './media-session';
export type { MediaStats, TrackStats } from './stats';
