import type { Colleague } from '@ablak/protocol';

/** Folds case and accents, so "kovacs" finds "Kovács" and "ugyfelkapu" finds "Ügyfélkapu". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A transfer waits for the named clerk; one who is not working would leave the citizen waiting. */
export function canTakeTransfer(colleague: Colleague): boolean {
  return colleague.state !== 'offline';
}

/**
 * The colleagues whose name, office or queues contain every word of `query` (accents and case
 * ignored), in the order given (the server's: available first, then the own office, then by name).
 */
export function searchColleagues(
  colleagues: readonly Colleague[],
  query: string,
  queueName: (queue: string) => string,
): Colleague[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...colleagues];
  return colleagues.filter((c) => {
    const haystack = fold([c.displayName, c.officeName, ...c.skills.map(queueName)].join(' '));
    return words.every((w) => haystack.includes(w));
  });
}
