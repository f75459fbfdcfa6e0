/**
 * Generates signaling/data/demo-directory.json: ~250 offices, two clerks per office, a supervisor per
 * region, and the demo logins (clerk1…clerk6, supervisor; password `ablak-demo`). The demo clerks
 * together hold every queue of the catalogue. Run: `pnpm --filter @ablak/signaling gen:directory`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import { z } from 'zod';
import { FAMILY_NAMES, FIRST_NAMES, TOWNS_BY_REGION } from './towns';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const catalogueFile = process.argv[2] ?? path.join(root, 'data', 'catalogue.json');
const outFile = process.argv[3] ?? path.join(root, 'data', 'demo-directory.json');
const DEMO_PASSWORD = 'ablak-demo';

const queues = z
  .object({ queues: z.array(z.object({ id: z.string() })).min(1) })
  .parse(JSON.parse(readFileSync(catalogueFile, 'utf8')))
  .queues.map((q) => q.id);

let seed = 20260;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const offices = Object.entries(TOWNS_BY_REGION)
  .flatMap(([region, towns]) => towns.map((town) => ({ name: `${town} Kormányablak`, region })))
  .map((o, i) => ({ id: `office-${String(i + 1).padStart(3, '0')}`, ...o }));

const demoHash = bcrypt.hashSync(DEMO_PASSWORD, 10);
// Generated (non-demo) staff share one hash of a random password nobody knows: they cannot log in
// until an operator's own directory file replaces this one.
const lockedHash = bcrypt.hashSync(randomBytes(24).toString('base64'), 10);

const person = () => `${pick(FAMILY_NAMES)} ${pick(FIRST_NAMES)}`;
const staff: unknown[] = [];

// Demo clerks: queues dealt round-robin (every queue is served), clerks 1 and 2 also take the busiest.
const demoSkills = Array.from({ length: 6 }, () => [] as { queue: string; level: number }[]);
queues.forEach((queue, i) => demoSkills[i % 6]?.push({ queue, level: 1 }));
// The busiest queues (first in the catalogue) are also held, at level 2, by clerks 1 and 2.
for (const own of demoSkills.slice(0, 2)) {
  for (const queue of queues.slice(0, 3)) {
    if (!own.some((s) => s.queue === queue)) own.push({ queue, level: 2 });
  }
}
const demo = [
  { name: 'Kovács Anna', languages: ['hu', 'en'], accessibility: [] },
  { name: 'Nagy Péter', languages: ['hu', 'de'], accessibility: ['captions'] },
  { name: 'Szabó Eszter', languages: ['hu', 'en', 'ro'], accessibility: ['sign_language', 'captions'] },
  { name: 'Tóth Gábor', languages: ['hu'], accessibility: ['slower_pace'] },
  { name: 'Horváth Réka', languages: ['hu', 'en', 'uk'], accessibility: [] },
  { name: 'Varga Zoltán', languages: ['hu', 'sk'], accessibility: ['slower_pace', 'captions'] },
];
demo.forEach((d, i) =>
  staff.push({
    id: `clerk${i + 1}`,
    username: `clerk${i + 1}`,
    role: 'clerk',
    displayName: d.name,
    office: offices[i < 3 ? 4 : 0]?.id,
    passwordHash: demoHash,
    skills: demoSkills[i],
    languages: d.languages,
    accessibility: d.accessibility,
  }),
);
staff.push({
  id: 'supervisor',
  username: 'supervisor',
  role: 'supervisor',
  displayName: 'Fekete Judit',
  office: offices[4]?.id,
  // oversees the Budapest region, where every demo clerk works
  scope: { level: 'region', region: offices[4]?.region },
  passwordHash: demoHash,
  skills: [],
  languages: ['hu', 'en'],
  accessibility: [],
});

for (const office of offices) {
  for (let k = 1; k <= 2; k++) {
    const skillCount = 1 + Math.floor(rand() * 3);
    const own = new Set<string>();
    while (own.size < skillCount) own.add(pick(queues));
    staff.push({
      id: `${office.id}-c${k}`,
      username: `${office.id}-c${k}`,
      role: 'clerk',
      displayName: person(),
      office: office.id,
      passwordHash: lockedHash,
      skills: [...own].map((queue) => ({ queue, level: 1 + Math.floor(rand() * 5) })),
      languages: rand() < 0.4 ? ['hu', 'en'] : ['hu'],
      accessibility: rand() < 0.1 ? ['captions'] : [],
    });
  }
}
const regions = Object.keys(TOWNS_BY_REGION);
regions.forEach((region, i) => {
  const office = offices.find((o) => o.region === region);
  staff.push({
    id: `sup-${String(i + 1).padStart(2, '0')}`,
    username: `sup-${String(i + 1).padStart(2, '0')}`,
    role: 'supervisor',
    displayName: person(),
    office: office?.id,
    passwordHash: lockedHash,
    skills: [],
    languages: ['hu'],
    accessibility: [],
    scope: { level: 'region', region },
  });
});

writeFileSync(outFile, JSON.stringify({ version: 1, offices, staff }, null, 1) + '\n');
console.log(`wrote ${offices.length} offices, ${staff.length} staff to ${outFile}`);
