/**
 * Writes signaling/data/catalogue.json from the hand-written lists below: the queues and case types
 * of a Hungarian government one-stop shop (kormányablak). Run: `pnpm exec tsx signaling/data/generate-catalogue.ts`.
 * Codes are stable: `<queue>.<key>` or `<queue>.<kind>.<action>`, never renumbered.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaseType, QueueDef } from '@ablak/protocol';
import { parseCatalogue } from '../src/queue/catalogue';

type Text = readonly [hu: string, en: string];
/** key, Hungarian, English, expected minutes */
type Item = readonly [key: string, hu: string, en: string, minutes: number];

interface QueueSpec {
  id: string;
  name: Text;
  category: string;
  categoryName: Text;
  strategy?: 'longest-idle' | 'least-talk-time' | 'fewest-calls' | 'round-robin';
  targetAnswerSeconds?: number;
  targetServiceLevel?: number;
  wrapUpSeconds?: number;
  items: readonly Item[];
}

/** Every kind × action, named "<kind> – <action>"; minutes = kind base + action extra. */
function matrix(kinds: readonly [string, string, string, number][], actions: readonly [string, string, string, number][]): Item[] {
  return kinds.flatMap(([kk, khu, ken, base]) =>
    actions.map(([ak, ahu, aen, extra]) => [`${kk}.${ak}`, `${khu} – ${ahu}`, `${ken} – ${aen}`, base + extra] as const),
  );
}

const documentActions: [string, string, string, number][] = [
  ['first', 'első kiállítás', 'first issue', 10],
  ['renew', 'csere lejárat miatt', 'renewal on expiry', 5],
  ['lost', 'pótlás elvesztés miatt', 'replacement after loss', 8],
  ['stolen', 'pótlás eltulajdonítás miatt', 'replacement after theft', 10],
  ['damaged', 'csere megrongálódás miatt', 'replacement of a damaged document', 6],
  ['datachange', 'csere adatváltozás miatt', 'replacement after a change of data', 8],
  ['status', 'kérelem állapotának lekérdezése', 'status of the application', 2],
];

import { QUEUES_A } from './catalogue-lists-a';
import { QUEUES_B } from './catalogue-lists-b';

export const ALL_QUEUES: readonly QueueSpec[] = [...QUEUES_A(matrix, documentActions), ...QUEUES_B(matrix)];
export type { Item, QueueSpec, Text };
export type Matrix = typeof matrix;

function build(): unknown {
  const queues = ALL_QUEUES.map((q) =>
    QueueDef.parse({
      id: q.id,
      name: { hu: q.name[0], en: q.name[1] },
      strategy: q.strategy ?? 'longest-idle',
      targetAnswerSeconds: q.targetAnswerSeconds ?? 60,
      targetServiceLevel: q.targetServiceLevel ?? 0.8,
      wrapUpSeconds: q.wrapUpSeconds ?? 30,
      offerTimeoutSeconds: 15,
    }),
  );
  const caseTypes = ALL_QUEUES.flatMap((q) =>
    q.items.map(([key, hu, en, minutes]) =>
      CaseType.parse({
        code: `${q.id}.${key}`,
        name: { hu, en },
        category: q.category,
        categoryName: { hu: q.categoryName[0], en: q.categoryName[1] },
        queue: q.id,
        expectedMinutes: minutes,
      }),
    ),
  );
  const file = { version: 1, tierStepSeconds: 20, queues, caseTypes };
  parseCatalogue(file);
  return file;
}

const here = path.dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = build() as { queues: unknown[]; caseTypes: unknown[] };
  writeFileSync(path.join(here, 'catalogue.json'), `${JSON.stringify(file, null, 1)}\n`);
  console.log(`catalogue.json: ${file.queues.length} queues, ${file.caseTypes.length} case types`);
}
