/**
 * Applies the numbered migrations at start, each in its own transaction, under an advisory lock so
 * two nodes starting together apply each once. A database whose schema is newer than this build
 * knows stops the node: an old build must not write into a schema it does not understand.
 */
import { MIGRATIONS } from './migrations';
import type { SqlClient } from './sql';

/** Any fixed number: the advisory lock every node takes while migrating. */
const MIGRATION_LOCK = 4_216_180_016;

export class SchemaTooNew extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(`record database schema is at version ${found}, this build knows up to ${known}: upgrade the node`);
    this.name = 'SchemaTooNew';
  }
}

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export interface MigrationResult {
  applied: number[];
  version: number;
}

export async function migrate(db: SqlClient): Promise<MigrationResult> {
  // Checked first: the application role may read the table but has no CREATE on the schema.
  const [found] = await db.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (!found?.present)
    await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const rows = await tx.query<{ v: number | null }>('SELECT max(version)::int AS v FROM schema_migrations');
    const current = rows[0]?.v ?? 0;
    if (current > LATEST_SCHEMA_VERSION) throw new SchemaTooNew(current, LATEST_SCHEMA_VERSION);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      // Statement by statement: the extended protocol runs one statement per call.
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return { applied, version: Math.max(current, LATEST_SCHEMA_VERSION) };
  });
}

/** Splits SQL on `;` outside dollar-quoted bodies, quotes and comments. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let dollar: string | null = null;
  let quote = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i] as string;
    if (dollar) {
      if (sql.startsWith(dollar, i)) {
        current += dollar;
        i += dollar.length - 1;
        dollar = null;
      } else current += ch;
      continue;
    }
    if (quote) {
      current += ch;
      if (ch === "'") quote = false;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      current += '\n';
      continue;
    }
    if (ch === "'") {
      quote = true;
      current += ch;
      continue;
    }
    if (ch === '$') {
      const m = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (m) {
        dollar = m[0];
        current += dollar;
        i += dollar.length - 1;
        continue;
      }
    }
    if (ch === ';') {
      if (current.trim()) out.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/**
 * Gives the application role what it needs and no more: read and write on the record tables,
 * INSERT and SELECT only on the audit log, EXECUTE on purge_audit. Run with the owner's connection
 * (`DATABASE_MIGRATION_URL`) when the application connects as another role.
 */
export async function grantApplicationRole(db: SqlClient, role: string): Promise<void> {
  const r = `"${role.replace(/"/g, '""')}"`;
  const tables = ['contacts', 'contact_offers', 'contact_legs', 'contact_transfers', 'cases', 'case_notes', 'chat_messages', 'documents', 'document_usage', 'handoff_outbox'];
  await db.exec(`
    GRANT USAGE ON SCHEMA public TO ${r};
    GRANT SELECT ON schema_migrations TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ${tables.join(', ')} TO ${r};
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ${r};
    GRANT SELECT, INSERT ON audit_log TO ${r};
    GRANT USAGE, SELECT ON SEQUENCE case_number TO ${r};
    GRANT EXECUTE ON FUNCTION purge_audit(integer), ms(timestamptz) TO ${r};
  `);
}
