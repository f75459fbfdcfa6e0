/** A small catalogue and helpers shared by the store contract suite, the desk tests and the benchmark. */
import type { AccessibilityNeed, ClerkId, Language, QueueId, Skill, TicketId, CaseTypeCode, OfficeId } from '@ablak/protocol';
import { parseCatalogue, type Catalogue } from '../queue/catalogue';
import type { ClerkProfile } from '../queue/model';
import type { EnqueueInput } from '../queue/inputs';

const q = (id: string, strategy = 'longest-idle', extra: Record<string, unknown> = {}) => ({
  id,
  name: { hu: `Sor ${id}`, en: `Queue ${id}` },
  strategy,
  targetAnswerSeconds: 60,
  targetServiceLevel: 0.8,
  wrapUpSeconds: 30,
  offerTimeoutSeconds: 15,
  ...extra,
});
const ct = (code: string, queue: string, minutes = 10) => ({
  code,
  name: { hu: `Ügy ${code}`, en: `Case ${code}` },
  category: 'test',
  categoryName: { hu: 'Teszt', en: 'Test' },
  queue,
  expectedMinutes: minutes,
});

/** Queues A, B, C (longest-idle), RR (round-robin), FC (fewest-calls), LT (least-talk-time); case types a1, a2, b1, c1, rr1, fc1, lt1. */
export function testCatalogue(): Catalogue {
  return parseCatalogue({
    version: 1,
    tierStepSeconds: 20,
    queues: [q('A'), q('B'), q('C'), q('RR', 'round-robin'), q('FC', 'fewest-calls'), q('LT', 'least-talk-time')],
    caseTypes: [ct('a1', 'A'), ct('a2', 'A', 20), ct('b1', 'B'), ct('c1', 'C'), ct('rr1', 'RR'), ct('fc1', 'FC'), ct('lt1', 'LT')],
  });
}

export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

export function ticketInput(
  id: string,
  caseType: string,
  extra: { language?: Language; accessibility?: AccessibilityNeed[]; appointment?: boolean } = {},
): EnqueueInput {
  return {
    id: id as TicketId,
    displayName: `Citizen ${id}`,
    caseType: caseType as CaseTypeCode,
    language: extra.language ?? 'hu',
    accessibility: extra.accessibility ?? [],
    appointment: extra.appointment ?? false,
    resumeSecret: `secret-of-${id}-0123456789`,
  };
}

export function clerkProfile(
  id: string,
  skills: [string, number][],
  extra: { languages?: Language[]; accessibility?: AccessibilityNeed[] } = {},
): ClerkProfile {
  return {
    id: id as ClerkId,
    displayName: `Clerk ${id}`,
    office: 'office-1' as OfficeId,
    skills: skills.map(([queue, level]): Skill => ({ queue: queue as QueueId, level })),
    languages: extra.languages ?? ['hu', 'en'],
    accessibility: extra.accessibility ?? [],
  };
}
