/**
 * The system of record's part of the signaling configuration (parsed by config.ts with the rest).
 * Without DATABASE_URL and without DATA_DIR no records are kept (a library default that keeps
 * parallel tests apart); the process entry (main.ts) always names a DATA_DIR, `./.ablak-data`
 * under the working directory unless told otherwise.
 */
import path from 'node:path';
import type { RetentionKind } from '@ablak/protocol';
import { z } from 'zod';

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

const RecordsEnv = z.object({
  /** PostgreSQL of the fleet, as the application role. */
  DATABASE_URL: z.url().optional(),
  /** The schema owner's connection, for migrations and grants; defaults to DATABASE_URL. */
  DATABASE_MIGRATION_URL: z.url().optional(),
  DATABASE_POOL_SIZE: int(5, 1, 100),
  /** Embedded database (PGlite) and the outbox spool live here. */
  DATA_DIR: z.string().min(1).optional(),
  CASE_WEBHOOK_URL: z.url().optional(),
  CASE_WEBHOOK_SECRET: z.string().min(32).optional(),
  /** After this many failed attempts a case shows "hand-off failed" (still retried). */
  HANDOFF_FAIL_AFTER_ATTEMPTS: int(8, 1, 1000),
  HANDOFF_MIN_BACKOFF_MS: int(1000, 10, 3_600_000),
  HANDOFF_MAX_BACKOFF_MS: int(300_000, 100, 86_400_000),
  HANDOFF_POLL_MS: int(1000, 10, 60_000),
  RETENTION_CONTACTS_DAYS: int(730, 1, 36_500),
  RETENTION_CHAT_DAYS: int(90, 1, 36_500),
  RETENTION_DOCUMENTS_DAYS: int(30, 1, 36_500),
  RETENTION_NOTES_DAYS: int(730, 1, 36_500),
  RETENTION_AUDIT_DAYS: int(1825, 365, 36_500),
  RETENTION_INTERVAL_MS: int(3_600_000, 1000, 86_400_000),
  DOCUMENT_QUOTA_CALL_BYTES: int(50 * 1024 * 1024, 1024, 2 ** 40),
  DOCUMENT_QUOTA_CALL_COUNT: int(50, 1, 10_000),
  DOCUMENT_QUOTA_CITIZEN_BYTES: int(100 * 1024 * 1024, 1024, 2 ** 40),
  /** The outbox writes at most this many records per transaction. */
  RECORDS_BATCH: int(200, 1, 10_000),
});

export interface RecordsConfig {
  /** Where records go: PostgreSQL, PGlite under a directory, or nowhere. */
  readonly database:
    | { readonly kind: 'postgres'; readonly url: string; readonly migrationUrl: string; readonly poolSize: number }
    | { readonly kind: 'pglite'; readonly dir: string }
    | { readonly kind: 'none' };
  /** The outbox spool directory (null without DATA_DIR: records wait in memory only). */
  readonly spoolDir: string | null;
  readonly webhook: { readonly url: string; readonly secret: string } | null;
  readonly handOff: { readonly failAfterAttempts: number; readonly minBackoffMs: number; readonly maxBackoffMs: number; readonly pollMs: number };
  readonly retentionDays: Readonly<Record<RetentionKind, number>>;
  readonly retentionIntervalMs: number;
  readonly documentQuotas: { readonly perCallBytes: number; readonly perCallCount: number; readonly perCitizenBytes: number };
  readonly batch: number;
}

/** Parses the records variables; returns the config or the list of problems (named by variable). */
export function parseRecordsConfig(
  env: Readonly<Record<string, string | undefined>>,
): { config: RecordsConfig } | { issues: string[] } {
  const parsed = RecordsEnv.safeParse(env);
  if (!parsed.success) return { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const e = parsed.data;
  const issues: string[] = [];
  if (e.CASE_WEBHOOK_URL && !e.CASE_WEBHOOK_SECRET)
    issues.push('CASE_WEBHOOK_SECRET: required when CASE_WEBHOOK_URL is set (at least 32 characters)');
  if (e.HANDOFF_MAX_BACKOFF_MS < e.HANDOFF_MIN_BACKOFF_MS)
    issues.push('HANDOFF_MAX_BACKOFF_MS: must not be below HANDOFF_MIN_BACKOFF_MS');
  if (issues.length > 0) return { issues };
  const dataDir = e.DATA_DIR ? path.resolve(e.DATA_DIR) : null;
  const database: RecordsConfig['database'] = e.DATABASE_URL
    ? { kind: 'postgres', url: e.DATABASE_URL, migrationUrl: e.DATABASE_MIGRATION_URL ?? e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
    : dataDir
      ? { kind: 'pglite', dir: path.join(dataDir, 'pglite') }
      : { kind: 'none' };
  return {
    config: Object.freeze({
      database: Object.freeze(database),
      spoolDir: dataDir ? path.join(dataDir, 'spool') : null,
      webhook: e.CASE_WEBHOOK_URL && e.CASE_WEBHOOK_SECRET ? Object.freeze({ url: e.CASE_WEBHOOK_URL, secret: e.CASE_WEBHOOK_SECRET }) : null,
      handOff: Object.freeze({
        failAfterAttempts: e.HANDOFF_FAIL_AFTER_ATTEMPTS,
        minBackoffMs: e.HANDOFF_MIN_BACKOFF_MS,
        maxBackoffMs: e.HANDOFF_MAX_BACKOFF_MS,
        pollMs: e.HANDOFF_POLL_MS,
      }),
      retentionDays: Object.freeze({
        contacts: e.RETENTION_CONTACTS_DAYS,
        chat: e.RETENTION_CHAT_DAYS,
        documents: e.RETENTION_DOCUMENTS_DAYS,
        notes: e.RETENTION_NOTES_DAYS,
        audit: e.RETENTION_AUDIT_DAYS,
      }),
      retentionIntervalMs: e.RETENTION_INTERVAL_MS,
      documentQuotas: Object.freeze({
        perCallBytes: e.DOCUMENT_QUOTA_CALL_BYTES,
        perCallCount: e.DOCUMENT_QUOTA_CALL_COUNT,
        perCitizenBytes: e.DOCUMENT_QUOTA_CITIZEN_BYTES,
      }),
      batch: e.RECORDS_BATCH,
    }),
  };
}

/** The process entry's default data directory: `.ablak-data` under the working directory. */
export const DEFAULT_DATA_DIR = '.ablak-data';
