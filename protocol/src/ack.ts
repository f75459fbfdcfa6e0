import { z } from 'zod';
import { AppErrorPayload, toAppError } from './errors';

/** Every acknowledgement and every JSON error body has this one shape. */
export type AckOk<T> = { ok: true } & T;
export type AckFail = { ok: false; error: AppErrorPayload };
export type Ack<T> = AckOk<T> | AckFail;

export function ok<T extends object>(result: T): AckOk<T> {
  return { ok: true, ...result };
}
export function fail(error: unknown): AckFail {
  return { ok: false, error: toAppError(error) };
}

/** Schema of an ack whose success part is `result` (an object schema). */
export function ackSchema<T extends z.ZodRawShape>(result: z.ZodObject<T>) {
  return z.discriminatedUnion('ok', [
    result.extend({ ok: z.literal(true) }),
    z.object({ ok: z.literal(false), error: AppErrorPayload }),
  ]);
}

export const Empty = z.object({}).strict();
export type Empty = z.infer<typeof Empty>;
