import initial from './001-initial';

/** Every migration this build knows, in order. Append only: a shipped migration never changes. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'initial', sql: initial },
];
