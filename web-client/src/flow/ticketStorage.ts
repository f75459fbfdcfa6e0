import type { CreateTicketResponse } from '@ablak/protocol';
import type { Draft } from './types';

/**
 * The ticket lives in the tab's session storage, so a reload or a crash of the tab's connection puts
 * the citizen back in the same place (the resume secret proves it is the same browser tab), while a
 * new tab starts fresh and nothing outlives the browser session.
 */
export interface StoredTicket {
  ticket: CreateTicketResponse;
  draft: Draft;
}

const KEY = 'ablak.ticket';

export function loadTicket(now = Date.now()): StoredTicket | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as StoredTicket;
    if (!value?.ticket?.citizenToken || !value.ticket.resumeSecret || value.ticket.expiresAt < now) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return value;
  } catch {
    return null;
  }
}

export function saveTicket(value: StoredTicket): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(value));
  } catch {
    // storage blocked: the ticket still works, a reload just starts over
  }
}

export function clearTicket(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
