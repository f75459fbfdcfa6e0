export { startSignaling, type SignalingDeps, type RunningSignaling, type EmbeddedSfu } from './server';
export { parseConfig, ConfigError, DEMO_DIRECTORY_FILE, type SignalingConfig } from './config';
export { Directory, hashPassword } from './directory/directory';
export type { DirectoryFile, StaffRecord } from './directory/types';
export { fold, CaseTypeSearch } from './http/case-type-search';
export { parseCatalogue, type Catalogue } from './queue/catalogue';
export { MemoryStore } from './store/memory';
export type { Store } from './store/types';
export { TokenService } from './auth/tokens';
export { embeddedSfu } from './embedded-sfu';
export { MemoryKv } from './kv/memory';
export { RedisKv } from './kv/redis';
export type { SharedKv } from './kv/types';
export { Records, type RecordsDeps } from './records/records';
export type { AuditInput } from './records/audit';
export { SqlRecordStore, type RecordStore } from './records/record-store';
export { openPglite, openPostgres, isUnavailable, DatabaseUnavailable, type SqlClient } from './records/sql';
export { migrate, grantApplicationRole, splitStatements, SchemaTooNew, LATEST_SCHEMA_VERSION } from './records/migrate';
export type { RecordOp } from './records/ops';
export { signWebhook } from './records/handoff';
export { historyCsv } from './records/history';
export { DEFAULT_DATA_DIR } from './records/config';
export {
  CONTACT_OUTBOX_KEY,
  OutboxContactSender,
  type ContactSender,
  type ConfirmationMessage,
} from './appointments/contact-sender';
