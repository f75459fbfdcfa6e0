import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { SignalingConfig } from './config';
import type { TokenService } from './auth/tokens';
import type { Directory } from './directory/directory';
import type { CaseTypeSearch } from './http/case-type-search';
import type { SharedKv } from './kv/types';
import type { MediaBroker } from './calls/media';
import type { Metrics } from './metrics/metrics';
import type { Catalogue } from './queue/catalogue';
import type { Store } from './store/types';
import type { Matcher } from './realtime/matcher';
import type { Records } from './records/records';

/** The collaborators every route and namespace receives; built once in `startSignaling`. */
export interface AppContext {
  readonly config: SignalingConfig;
  readonly logger: Logger;
  readonly store: Store;
  readonly catalogue: Catalogue;
  readonly directory: Directory;
  readonly tokens: TokenService;
  readonly kv: SharedKv;
  readonly media: MediaBroker;
  readonly metrics: Metrics;
  readonly search: CaseTypeSearch;
  readonly matcher: Matcher;
  /** The system of record (contacts, cases, audit); reads answer UNAVAILABLE without a database. */
  readonly records: Records;
  readonly io: Server;
}

/** Socket.IO rooms: one per ticket (citizen sockets), per clerk (clerk sockets). */
export const rooms = {
  ticket: (id: string) => `ticket:${id}`,
  clerk: (id: string) => `clerk:${id}`,
};
