import type { CitizenPushes, ClerkPushes, SupervisorPushes } from '@ablak/protocol';
import type { z } from 'zod';

/** Anything that can emit: a socket, a namespace, a broadcast operator (`.to(room)`, `.local`). */
export interface Emitter {
  emit(event: string, ...args: unknown[]): boolean;
}

/** Typed pushes: the payload type comes from the namespace's push map in protocol. */
export function pushCitizen<K extends keyof CitizenPushes & string>(
  to: Emitter,
  event: K,
  payload: z.output<CitizenPushes[K]>,
): void {
  to.emit(event, payload);
}

export function pushClerk<K extends keyof ClerkPushes & string>(
  to: Emitter,
  event: K,
  payload: z.output<ClerkPushes[K]>,
): void {
  to.emit(event, payload);
}

export function pushSupervisor<K extends keyof SupervisorPushes & string>(
  to: Emitter,
  event: K,
  payload: z.output<SupervisorPushes[K]>,
): void {
  to.emit(event, payload);
}
