import { z } from 'zod';

/** The closed list of error codes. Programs branch on the code; the message is for people. */
export const ErrorCode = z.enum([
  'BAD_REQUEST', // payload failed its schema
  'UNAUTHORIZED', // no, forged or expired token
  'FORBIDDEN', // valid token, wrong role or not yours
  'NOT_FOUND',
  'CONFLICT', // state does not allow this now (illegal transition)
  'RATE_LIMITED',
  'PROTOCOL_VERSION', // client speaks another protocol version
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNKNOWN_CASE_TYPE',
  'UNKNOWN_QUEUE',
  'UNKNOWN_CLERK',
  'TICKET_NOT_FOUND',
  'TICKET_CLOSED',
  'RESUME_REJECTED',
  'OFFER_EXPIRED',
  'OFFER_NOT_YOURS',
  'CALL_NOT_FOUND',
  'GRANT_INVALID',
  'TRANSPORT_NOT_FOUND',
  'PRODUCER_NOT_FOUND',
  'CONSUMER_NOT_FOUND',
  'CANNOT_CONSUME',
  'NO_SFU_AVAILABLE',
  'UNAVAILABLE', // a dependency (store, worker) is down; retry later
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const AppErrorPayload = z.object({ code: ErrorCode, message: z.string() });
export type AppErrorPayload = z.infer<typeof AppErrorPayload>;

/** Base of every typed error Ablak throws; the edge turns it into `{ ok: false, error }`. */
export class AblakError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AblakError';
    this.code = code;
    if (details) this.details = details;
  }
}

export function isAblakError(value: unknown): value is AblakError {
  return value instanceof AblakError;
}

/** Turns anything thrown into the payload a client may see: unknown errors become INTERNAL. */
export function toAppError(value: unknown): AppErrorPayload {
  if (value instanceof AblakError) return { code: value.code, message: value.message };
  return { code: 'INTERNAL', message: 'Internal error' };
}
