import initial from './001-initial';
import legsPerTicket from './002-legs-per-ticket';

/** Every migration this build knows, in order. Append only: a shipped migration never changes. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'legs per ticket', sql: legsPerTicket },
];
