/**
 * Issue 18, item 11: citizens who join in the same millisecond each get a place of their own in the
 * join answer (a burst of 60 used to show 33 distinct numbers), numbered as the later pushes number them.
 */
import { describe, expect, it } from 'vitest';
import type { CaseTypeCode } from '@ablak/protocol';
import { queueHeadlessCitizen } from '../citizen/support/citizen';
import { useCitizenDesk } from '../citizen/support/desk';

describe('place numbers in a burst of joins', () => {
  const desk = useCitizenDesk();

  it('gives 60 citizens who join at once the places 1 to 60, each once', async () => {
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        queueHeadlessCitizen(desk.server.url, desk.caseType.code as CaseTypeCode, `Polgár ${i + 1}`),
      ),
    );
    try {
      const places = burst.map((c) => c.position.position).sort((a, b) => a - b);
      expect(places).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    } finally {
      for (const c of burst) c.close();
    }
  });
});
