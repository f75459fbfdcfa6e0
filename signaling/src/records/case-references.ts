/**
 * Case references from the database sequence `case_number`: unique across the fleet and across
 * restarts. Each node keeps a few numbers reserved ahead, so opening a case does not wait for the
 * database and still works through a short outage; a restart only leaves gaps.
 */
import { AblakError, type CaseReference } from '@ablak/protocol';
import type { Logger } from 'pino';
import { formatCaseReference } from '../queue/steps';
import type { RecordStore } from './record-store';

const RESERVE = 50;
const LOW_WATER = 25;


export class CaseReferences {
  private readonly numbers: number[] = [];
  private refilling: Promise<void> | null = null;

  constructor(
    private readonly store: () => RecordStore | null,
    private readonly logger: Logger,
  ) {}

  /** Tops the reserve up in the background (called when the database opens and after each take). */
  refill(): Promise<void> {
    if (this.refilling || this.numbers.length >= LOW_WATER) return this.refilling ?? Promise.resolve();
    const store = this.store();
    if (!store) return Promise.resolve();
    this.refilling = store
      .reserveCaseNumbers(RESERVE - this.numbers.length)
      .then((ns) => void this.numbers.push(...ns))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'case numbers could not be reserved'))
      .finally(() => (this.refilling = null));
    return this.refilling;
  }

  /** The next reference; UNAVAILABLE only when the reserve is empty and the database away. */
  async take(now: number): Promise<CaseReference> {
    if (this.numbers.length === 0) await this.refill();
    const n = this.numbers.shift();
    if (n === undefined) throw new AblakError('UNAVAILABLE', 'Case references are unavailable; try again shortly');
    void this.refill();
    return formatCaseReference(new Date(now).getUTCFullYear(), n);
  }
}
