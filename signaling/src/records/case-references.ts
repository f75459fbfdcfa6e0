/**
 * Case references from the database sequence `case_number`: unique across the fleet and across
 * restarts. Each node keeps a few numbers reserved ahead, so opening a case does not wait for the
 * database and still works through an outage. With a spool directory the reserve is kept there
 * (the slot is this process's alone), so a node restarted during an outage still has numbers.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AblakError, type CaseReference } from '@ablak/protocol';
import type { Logger } from 'pino';
import { formatCaseReference } from '../queue/steps';
import type { RecordStore } from './record-store';

const RESERVE = 50;
const LOW_WATER = 25;


export class CaseReferences {
  private readonly numbers: number[] = [];
  private refilling: Promise<void> | null = null;

  private readonly file: string | null;

  constructor(
    private readonly store: () => RecordStore | null,
    private readonly logger: Logger,
    dir: string | null = null,
  ) {
    this.file = dir ? path.join(dir, 'case-numbers.json') : null;
    if (this.file) {
      try {
        const saved: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
        if (Array.isArray(saved)) this.numbers.push(...saved.filter((n): n is number => Number.isSafeInteger(n) && n > 0));
      } catch {
        // none saved yet
      }
    }
  }

  private save(): void {
    if (!this.file) return;
    try {
      writeFileSync(`${this.file}.tmp`, JSON.stringify(this.numbers));
      renameSync(`${this.file}.tmp`, this.file);
    } catch (error) {
      this.logger.warn({ err: error }, 'case number reserve not saved');
    }
  }

  /** Tops the reserve up in the background (called when the database opens and after each take). */
  refill(): Promise<void> {
    if (this.refilling || this.numbers.length >= LOW_WATER) return this.refilling ?? Promise.resolve();
    const store = this.store();
    if (!store) return Promise.resolve();
    this.refilling = store
      .reserveCaseNumbers(RESERVE - this.numbers.length)
      .then((ns) => {
        this.numbers.push(...ns);
        this.save();
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'case numbers could not be reserved'))
      .finally(() => (this.refilling = null));
    return this.refilling;
  }

  /** The next reference; UNAVAILABLE only when the reserve is empty and the database away. */
  async take(now: number): Promise<CaseReference> {
    if (this.numbers.length === 0) await this.refill();
    const n = this.numbers.shift();
    if (n === undefined) throw new AblakError('UNAVAILABLE', 'Case references are unavailable; try again shortly');
    this.save();
    void this.refill();
    return formatCaseReference(new Date(now).getUTCFullYear(), n);
  }
}
