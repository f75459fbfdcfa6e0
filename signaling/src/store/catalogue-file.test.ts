import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseTypeCode, QueueId } from '@ablak/protocol';
import { loadCatalogueFile } from './catalogue-file';
import { expectCode } from './contract';

const dir = mkdtempSync(path.join(tmpdir(), 'ablak-catalogue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, json: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
}

const queue = { id: 'q1', name: { hu: 'Egy', en: 'One' } };
const caseType = { code: 'c1', name: { hu: 'Ügy', en: 'Case' }, category: 'x', categoryName: { hu: 'X', en: 'X' }, queue: 'q1', expectedMinutes: 5 };

describe('shipped catalogue', () => {
  const catalogue = loadCatalogueFile();

  it('holds at least 450 case types in 20 to 40 queues, each case type routed to a defined queue', () => {
    expect(catalogue.caseTypes.size).toBeGreaterThanOrEqual(450);
    expect(catalogue.queues.size).toBeGreaterThanOrEqual(20);
    expect(catalogue.queues.size).toBeLessThanOrEqual(40);
    for (const c of catalogue.caseTypes.values()) expect(catalogue.queues.has(c.queue)).toBe(true);
    for (const q of catalogue.queues.keys()) expect(catalogue.expectedHandleSeconds.get(q)).toBeGreaterThan(0);
  });

  it('names matters in Hungarian with accents and in English, with distinct names', () => {
    const hu = [...catalogue.caseTypes.values()].map((c) => c.name.hu);
    expect(new Set(hu).size).toBe(hu.length);
    expect(hu.filter((n) => /[áéíóöőúüű]/i.test(n)).length).toBeGreaterThan(hu.length * 0.8);
    expect(catalogue.caseType('szemelyi.adult.lost' as CaseTypeCode).name).toEqual({
      hu: 'Személyazonosító igazolvány – pótlás elvesztés miatt',
      en: 'Identity card – replacement after loss',
    });
    expect(catalogue.queue('jogositvany' as QueueId).name.en).toBe('Driving licence');
    expect(catalogue.categories.length).toBeGreaterThan(10);
  });
});

describe('operator catalogue file', () => {
  it('loads a file an operator supplies, with its defaults filled in', () => {
    const catalogue = loadCatalogueFile(write('ok.json', { version: 1, queues: [queue], caseTypes: [caseType] }));
    expect(catalogue.queue('q1' as QueueId)).toMatchObject({ strategy: 'longest-idle', offerTimeoutSeconds: 15, wrapUpSeconds: 30 });
    expect(catalogue.tierStepSeconds).toBe(20);
  });

  it('refuses a case type routed to a queue that does not exist, naming the file', async () => {
    const file = write('bad-queue.json', { version: 1, queues: [queue], caseTypes: [{ ...caseType, queue: 'nope' }] });
    await expectCode(Promise.resolve().then(() => loadCatalogueFile(file)), 'BAD_REQUEST');
    expect(() => loadCatalogueFile(file)).toThrow(/bad-queue\.json.*unknown queue nope/);
  });

  it('refuses duplicate codes, bad schemas and unreadable JSON', () => {
    expect(() => loadCatalogueFile(write('dup.json', { version: 1, queues: [queue], caseTypes: [caseType, caseType] }))).toThrow(/defined twice/);
    expect(() => loadCatalogueFile(write('schema.json', { version: 1, queues: [queue], caseTypes: [{ ...caseType, expectedMinutes: -1 }] }))).toThrow(/caseTypes/);
    expect(() => loadCatalogueFile(write('broken.json', '{ not json'))).toThrow(/cannot read catalogue/);
    expect(() => loadCatalogueFile(path.join(dir, 'missing.json'))).toThrow(/cannot read catalogue/);
  });
});
