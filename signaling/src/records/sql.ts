/**
 * One SQL dialect, two engines: PostgreSQL over `pg` (fleet, `DATABASE_URL`) and PGlite in this
 * process (embedded default, persisted under a data directory). Everything above this file speaks
 * `SqlClient` and the same SQL.
 */
import { mkdirSync } from 'node:fs';
import { AblakError } from '@ablak/protocol';

export type SqlParam = string | number | boolean | null | Date | Uint8Array | readonly string[];
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  query<R extends SqlRow = SqlRow>(text: string, params?: readonly SqlParam[]): Promise<R[]>;
}

export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on throw). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Several statements at once, no parameters (migrations). */
  exec(text: string): Promise<void>;
  readonly engine: 'postgres' | 'pglite';
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}

/** A connection or query that failed because the database is not there: callers retry later. */
export class DatabaseUnavailable extends AblakError {
  constructor(cause: unknown) {
    super('UNAVAILABLE', 'The record database is unavailable');
    this.name = 'DatabaseUnavailable';
    this.cause = cause;
  }
}

// Class 08 (connection exception), 53 (insufficient resources), 57P (operator intervention: shutdown).
const UNAVAILABLE_SQLSTATE = /^(08|53|57P)/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/** Whether an error means "the database is away" (retry) rather than "this statement is wrong". */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailable) return true;
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  const message = (error as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Query read timeout/i.test(
      message,
    )
  );
}

function wrap(error: unknown): unknown {
  return isUnavailable(error) && !(error instanceof DatabaseUnavailable) ? new DatabaseUnavailable(error) : error;
}

export interface PgOptions {
  url: string;
  /** Connections in the pool (default 5). */
  max?: number;
}

/** PostgreSQL over a `pg` pool. Connection failures surface as DatabaseUnavailable. */
export async function openPostgres(options: PgOptions): Promise<SqlClient> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 5,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 10_000,
    query_timeout: 15_000,
  });
  // A client losing its server (idle in the pool or checked out between queries) must not crash
  // the process: the failing query reports it, and the next one reconnects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  let closed: Promise<void> | undefined;
  const run = async <R extends SqlRow>(
    exec: { query: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }> },
    text: string,
    params?: readonly SqlParam[],
  ): Promise<R[]> => {
    try {
      return (await exec.query(text, params ? [...params] : undefined)).rows as R[];
    } catch (error) {
      throw wrap(error);
    }
  };
  return {
    engine: 'postgres',
    query: (text, params) => run(pool, text, params),
    async exec(text) {
      await run(pool, text);
    },
    async transaction(fn) {
      let client;
      try {
        client = await pool.connect();
      } catch (error) {
        throw wrap(error);
      }
      let broken = false;
      try {
        await run(client, 'BEGIN');
        const result = await fn({ query: (text, params) => run(client, text, params) });
        await run(client, 'COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw wrap(error);
      } finally {
        client.release(broken);
      }
    },
    close: () => (closed ??= pool.end()),
  };
}

/** PGlite (PostgreSQL compiled to WebAssembly) in this process, persisted under `dataDir`. */
export async function openPglite(dataDir: string): Promise<SqlClient> {
  mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir);
  let closed: Promise<void> | undefined;
  return {
    engine: 'pglite',
    async query<R extends SqlRow>(text: string, params?: readonly SqlParam[]) {
      return (await db.query<R>(text, params ? [...params] : undefined)).rows;
    },
    async exec(text) {
      await db.exec(text);
    },
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async <R extends SqlRow>(text: string, params?: readonly SqlParam[]) =>
            (await tx.query<R>(text, params ? [...params] : undefined)).rows,
        }),
      ),
    close: () => (closed ??= db.closed ? Promise.resolve() : db.close()),
  };
}
