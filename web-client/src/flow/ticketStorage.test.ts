import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CreateTicketResponse } from '@ablak/protocol';
import { clearTicket, loadTicket, saveTicket } from './ticketStorage';
import { emptyDraft } from './types';

class MemoryStorage {
  private items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

const ticket = (expiresAt: number) =>
  ({
    ticketId: 't-1',
    citizenToken: 'token-token',
    resumeSecret: 'secret-secret-secret',
    expiresAt,
  }) as unknown as CreateTicketResponse;

describe('ticket storage (what a reload resumes from)', () => {
  beforeEach(() => {
    (globalThis as { sessionStorage?: unknown }).sessionStorage = new MemoryStorage();
  });
  afterEach(() => {
    delete (globalThis as { sessionStorage?: unknown }).sessionStorage;
  });

  it('gives back the saved ticket and draft', () => {
    saveTicket({ ticket: ticket(Date.now() + 60_000), draft: { ...emptyDraft, displayName: 'Anna' } });
    expect(loadTicket()?.draft.displayName).toBe('Anna');
  });

  it('forgets an expired ticket instead of resuming it', () => {
    saveTicket({ ticket: ticket(Date.now() - 1), draft: emptyDraft });
    expect(loadTicket()).toBeNull();
  });

  it('forgets a cleared ticket and survives garbage in storage', () => {
    saveTicket({ ticket: ticket(Date.now() + 60_000), draft: emptyDraft });
    clearTicket();
    expect(loadTicket()).toBeNull();
    sessionStorage.setItem('ablak.ticket', '{not json');
    expect(loadTicket()).toBeNull();
  });
});
