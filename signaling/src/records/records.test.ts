import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HISTORY_CSV_COLUMNS, type HistoryRow } from '@ablak/protocol';
import { parseRecordsConfig } from './config';
import { backoffMs, signWebhook } from './handoff';
import { historyCsv } from './history';
import { MIGRATIONS } from './migrations';
import { splitStatements } from './migrate';
import { isUnavailable } from './sql';

describe('migrations', () => {
  it('are numbered 1, 2, … without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
  it('split into statements on semicolons outside function bodies, quotes and comments', () => {
    const sql = `CREATE TABLE a (x text DEFAULT 'a;b'); -- a comment; still a comment
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
SELECT 1`;
    const parts = splitStatements(sql);
    expect(parts).toHaveLength(3);
    expect(parts[0]).toBe(`CREATE TABLE a (x text DEFAULT 'a;b')`);
    expect(parts[1]).toContain('RETURN 1; END $$');
  });
});

describe('history CSV', () => {
  const row: HistoryRow = {
    bucketStart: Date.UTC(2026, 11, 3, 23),
    group: '=cmd|calc',
    arrived: 3,
    answered: 2,
    answeredInTarget: 1,
    abandoned: 1,
    handled: 2,
    serviceLevel: 0.5,
    averageSpeedOfAnswerSeconds: 50,
    averageHandleSeconds: null,
    abandonmentRate: 1 / 3,
    averageRating: null,
    ratings: 0,
  };
  it('has the contract header, ISO bucket starts, empty cells for null and no live formulas', () => {
    const lines = historyCsv([row]).trimEnd().split('\r\n');
    expect(lines[0]).toBe(HISTORY_CSV_COLUMNS.join(','));
    expect(lines[1]).toMatch(/^2026-12-03T23:00:00.000Z,'=cmd\|calc,3,2,1,1,2,0.5,50,,0.333/);
    expect(lines[1]?.endsWith(',,0')).toBe(true);
  });
});

describe('hand-off', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256', () => {
    const expected = createHmac('sha256', 'k'.repeat(32)).update('1700.{"a":1}').digest('hex');
    expect(signWebhook('k'.repeat(32), '1700', '{"a":1}')).toBe(`v1=${expected}`);
  });
  it('backs off doubling from the minimum up to the maximum, with jitter', () => {
    for (let i = 0; i < 50; i++) {
      expect(backoffMs(1, 1000, 60_000)).toBeGreaterThanOrEqual(800);
      expect(backoffMs(1, 1000, 60_000)).toBeLessThanOrEqual(1200);
      expect(backoffMs(20, 1000, 60_000)).toBeLessThanOrEqual(72_000);
    }
  });
});

describe('records config', () => {
  it('keeps no records without a database or data directory', () => {
    const parsed = parseRecordsConfig({});
    expect('config' in parsed && parsed.config.database.kind).toBe('none');
  });
  it('uses PGlite under DATA_DIR, PostgreSQL with DATABASE_URL', () => {
    const embedded = parseRecordsConfig({ DATA_DIR: '/tmp/x' });
    expect('config' in embedded && embedded.config.database).toEqual({ kind: 'pglite', dir: '/tmp/x/pglite' });
    const fleet = parseRecordsConfig({ DATA_DIR: '/tmp/x', DATABASE_URL: 'postgres://app@db/ablak' });
    expect('config' in fleet && fleet.config.database).toMatchObject({ kind: 'postgres', migrationUrl: 'postgres://app@db/ablak' });
  });
  it('names the variable when the webhook has no secret or the audit is kept too briefly', () => {
    const parsed = parseRecordsConfig({ CASE_WEBHOOK_URL: 'https://bo.example/cases', RETENTION_AUDIT_DAYS: '30' });
    expect('issues' in parsed && parsed.issues.join('\n')).toMatch(/RETENTION_AUDIT_DAYS/);
    const noSecret = parseRecordsConfig({ CASE_WEBHOOK_URL: 'https://bo.example/cases' });
    expect('issues' in noSecret && noSecret.issues.join('\n')).toMatch(/CASE_WEBHOOK_SECRET/);
  });
});

describe('isUnavailable', () => {
  it('tells an outage from a bad statement', () => {
    expect(isUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });
});
