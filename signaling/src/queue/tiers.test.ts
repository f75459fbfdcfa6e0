import { describe, expect, it } from 'vitest';
import { AblakError } from '@ablak/protocol';
import type { ClerkId, QueueId } from '@ablak/protocol';
import { clerkProfile, T0, ticketInput } from '../store/test-fixtures';
import { parseCatalogue } from './catalogue';
import { Desk } from './steps';

const queue = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: { hu: id, en: id }, ...extra });
const caseType = (q: string) => ({ code: `${q}1`, name: { hu: q, en: q }, category: 'c', categoryName: { hu: 'c', en: 'c' }, queue: q, expectedMinutes: 5 });

function catalogue(queues: ReturnType<typeof queue>[], tierStepSeconds?: number) {
  return parseCatalogue({ version: 1, ...(tierStepSeconds !== undefined && { tierStepSeconds }), queues, caseTypes: queues.map((q) => caseType(q.id)) });
}

describe('tier step per queue', () => {
  it('uses the queue’s own tier step, else the catalogue’s, else 20 s', () => {
    const withDefault = catalogue([queue('A', { tierStepSeconds: 0 }), queue('B')], 45);
    expect(withDefault.tierStep('A' as QueueId)).toBe(0);
    expect(withDefault.tierStep('B' as QueueId)).toBe(45);
    expect(catalogue([queue('C')]).tierStep('C' as QueueId)).toBe(20);
  });

  it('refuses a negative or fractional tier step in a queue, and an unknown queue', () => {
    for (const bad of [-1, 2.5]) {
      expect(() => catalogue([queue('A', { tierStepSeconds: bad })])).toThrow(AblakError);
    }
    expect(() => catalogue([queue('A')]).tierStep('Z' as QueueId)).toThrow(/unknown queue/);
  });

  it('offers a lower level at once on a queue with tier step 0, and only after the wait on its neighbour', () => {
    const desk = new Desk(catalogue([queue('A', { tierStepSeconds: 0 }), queue('B', { tierStepSeconds: 30 })]));
    // a level-1 clerk staffs both queues but is busy; a level-3 clerk is free
    desk.registerClerk(clerkProfile('best', [['A', 1], ['B', 1]]), T0);
    desk.setClerkState('best' as ClerkId, { state: 'available' }, T0);
    desk.enqueue(ticketInput('first', 'A1', { appointment: true }), T0);
    const [busy] = desk.match(T0, 1);
    desk.accept(busy!.clerkId, busy!.ticket.id, T0);
    desk.registerClerk(clerkProfile('third', [['A', 3], ['B', 3]]), T0);
    desk.setClerkState('third' as ClerkId, { state: 'available' }, T0);
    desk.enqueue(ticketInput('b', 'B1'), T0);
    desk.enqueue(ticketInput('a', 'A1'), T0 + 1);
    // B's ticket is older, but a level-3 clerk may take it only after (3 - 1) × 30 s
    expect(desk.match(T0 + 2, 5).map((o) => o.ticket.id)).toEqual(['a']);
    const call = desk.accept('third' as ClerkId, 'a' as never, T0 + 3);
    desk.endCall(call.id, 'clerk_ended', T0 + 4);
    desk.wrapUpDone('third' as ClerkId, { state: 'available' }, T0 + 5);
    expect(desk.match(T0 + 59_999, 5)).toEqual([]);
    expect(desk.match(T0 + 60_000, 5).map((o) => o.ticket.id)).toEqual(['b']);
  });
});
