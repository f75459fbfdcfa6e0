import { describe, expect, it } from 'vitest';
import { ClerkId, OfficeId, QueueId, type Colleague } from '@ablak/protocol';
import { canTakeTransfer, searchColleagues } from './colleagues';

const QUEUE_NAMES: Record<string, string> = { szemelyi: 'Személyi okmányok', ugyfelkapu: 'Ügyfélkapu' };
const queueName = (id: string) => QUEUE_NAMES[id] ?? id;

function colleague(
  id: string,
  displayName: string,
  officeName: string,
  state: Colleague['state'],
  skills: string[],
): Colleague {
  return {
    id: ClerkId.parse(id),
    displayName,
    office: OfficeId.parse('office-005'),
    officeName,
    state,
    skills: skills.map((s) => QueueId.parse(s)),
  };
}

const LIST = [
  colleague('clerk2', 'Nagy Péter', 'Budapest V. kerület Kormányablak', 'available', ['ugyfelkapu']),
  colleague('clerk9', 'Kovács Béla', 'Győr Kormányablak', 'available', ['szemelyi']),
  colleague('clerk3', 'Szabó Eszter', 'Budapest V. kerület Kormányablak', 'offline', ['szemelyi']),
];

describe('searchColleagues', () => {
  it('keeps the server’s order when nothing is typed', () => {
    expect(searchColleagues(LIST, '  ', queueName).map((c) => c.id)).toEqual(['clerk2', 'clerk9', 'clerk3']);
  });

  it('finds a name without accents or capitals', () => {
    expect(searchColleagues(LIST, 'kovacs', queueName).map((c) => c.id)).toEqual(['clerk9']);
  });

  it('finds by office and by queue name, every word having to match', () => {
    expect(searchColleagues(LIST, 'budapest', queueName).map((c) => c.id)).toEqual(['clerk2', 'clerk3']);
    expect(searchColleagues(LIST, 'ugyfelkapu', queueName).map((c) => c.id)).toEqual(['clerk2']);
    expect(searchColleagues(LIST, 'budapest személyi', queueName).map((c) => c.id)).toEqual(['clerk3']);
    expect(searchColleagues(LIST, 'győr ügyfélkapu', queueName)).toEqual([]);
  });
});

describe('canTakeTransfer', () => {
  it('refuses only a clerk who is not working', () => {
    expect(LIST.map(canTakeTransfer)).toEqual([true, true, false]);
  });
});
