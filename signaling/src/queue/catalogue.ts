/**
 * The case-type catalogue: queues (skills) and the case types routed to them. Parsed and checked from
 * plain JSON (the shipped signaling/data/catalogue.json or a file an operator supplies); reading the
 * file is the caller's job (store/catalogue-file.ts), this module does no I/O.
 */
import { AblakError, CaseType, QueueDef } from '@ablak/protocol';
import type { CaseTypeCode, LocalizedText, QueueId } from '@ablak/protocol';

/** The JSON file: `{ version: 1, tierStepSeconds?, queues: QueueDef[], caseTypes: CaseType[] }`. */
export interface CatalogueFile {
  version: 1;
  /** Default seconds a ticket waits before each lower skill level may be offered it (default 20, see
   * matching.ts); a queue may set its own `tierStepSeconds`. */
  tierStepSeconds?: number;
  queues: unknown[];
  caseTypes: unknown[];
}

const QueueDefs = QueueDef.array().min(1);
const CaseTypes = CaseType.array().min(1);

function invalid(message: string): AblakError {
  return new AblakError('BAD_REQUEST', `invalid catalogue: ${message}`);
}

export interface CategoryInfo {
  id: string;
  name: LocalizedText;
  count: number;
}

export interface Catalogue {
  /** The default tier step; `tierStep(queue)` is what routing uses. */
  readonly tierStepSeconds: number;
  readonly queues: ReadonlyMap<QueueId, QueueDef>;
  readonly caseTypes: ReadonlyMap<CaseTypeCode, CaseType>;
  readonly categories: readonly CategoryInfo[];
  /** Mean expected handling time of a queue's case types, seconds (the estimate before any call). */
  readonly expectedHandleSeconds: ReadonlyMap<QueueId, number>;
  /** The queue definition (UNKNOWN_QUEUE). */
  queue(id: QueueId): QueueDef;
  /** The case type (UNKNOWN_CASE_TYPE). */
  caseType(code: CaseTypeCode): CaseType;
  /** Seconds a ticket of `queue` waits before each lower skill level may be offered it (UNKNOWN_QUEUE). */
  tierStep(queue: QueueId): number;
}

/** Validates catalogue JSON: schema, unique codes and queue ids, every case type's queue exists. */
export function parseCatalogue(json: unknown): Catalogue {
  if (typeof json !== 'object' || json === null) throw invalid('not an object');
  const file = json as Partial<Record<keyof CatalogueFile, unknown>>;
  if (file.version !== 1) throw invalid('version must be 1');
  const tierStepSeconds = file.tierStepSeconds ?? 20;
  if (typeof tierStepSeconds !== 'number' || !Number.isInteger(tierStepSeconds) || tierStepSeconds < 0) {
    throw invalid('tierStepSeconds must be a non-negative integer');
  }
  const queueList = QueueDefs.safeParse(file.queues);
  if (!queueList.success) throw invalid(`queues: ${describe(queueList.error.issues)}`);
  const caseList = CaseTypes.safeParse(file.caseTypes);
  if (!caseList.success) throw invalid(`caseTypes: ${describe(caseList.error.issues)}`);
  const queues = new Map<QueueId, QueueDef>();
  for (const q of queueList.data) {
    if (queues.has(q.id)) throw invalid(`queue ${q.id} defined twice`);
    queues.set(q.id, q);
  }
  const caseTypes = new Map<CaseTypeCode, CaseType>();
  const categories = new Map<string, CategoryInfo>();
  for (const c of caseList.data) {
    if (caseTypes.has(c.code)) throw invalid(`case type ${c.code} defined twice`);
    if (!queues.has(c.queue)) throw invalid(`case type ${c.code} names unknown queue ${c.queue}`);
    caseTypes.set(c.code, c);
    const cat = categories.get(c.category);
    if (cat) cat.count++;
    else categories.set(c.category, { id: c.category, name: c.categoryName, count: 1 });
  }
  const sums = new Map<QueueId, { total: number; n: number }>();
  for (const c of caseTypes.values()) {
    const sum = sums.get(c.queue) ?? { total: 0, n: 0 };
    sum.total += c.expectedMinutes * 60;
    sum.n++;
    sums.set(c.queue, sum);
  }
  const expectedHandleSeconds = new Map<QueueId, number>();
  for (const id of queues.keys()) {
    const sum = sums.get(id);
    expectedHandleSeconds.set(id, sum ? sum.total / sum.n : 600);
  }
  return {
    tierStepSeconds,
    expectedHandleSeconds,
    queues,
    caseTypes,
    categories: [...categories.values()],
    queue(id) {
      const q = queues.get(id);
      if (!q) throw new AblakError('UNKNOWN_QUEUE', `unknown queue ${id}`);
      return q;
    },
    tierStep(id) {
      const q = queues.get(id);
      if (!q) throw new AblakError('UNKNOWN_QUEUE', `unknown queue ${id}`);
      return q.tierStepSeconds ?? tierStepSeconds;
    },
    caseType(code) {
      const c = caseTypes.get(code);
      if (!c) throw new AblakError('UNKNOWN_CASE_TYPE', `unknown case type ${code}`);
      return c;
    },
  };
}

function describe(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.')}: ${i.message}`)
    .join('; ');
}
