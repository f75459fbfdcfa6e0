import type { AppErrorPayload, ErrorCode } from '@ablak/protocol';

/** An `{ ok: false, error }` answer (ack or HTTP body) as a throwable; programs branch on `code`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number | undefined;
  constructor(payload: AppErrorPayload, status?: number) {
    super(payload.message);
    this.name = 'AppError';
    this.code = payload.code;
    this.status = status;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads `{ ok: false, error: { code, message } }` out of anything, or returns undefined. */
export function readFailure(value: unknown): AppErrorPayload | undefined {
  if (!isRecord(value) || value.ok !== false || !isRecord(value.error)) return undefined;
  const { code, message } = value.error;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return { code: code as ErrorCode, message };
}

/** The error code of anything thrown; network trouble and timeouts count as UNAVAILABLE. */
export function errorCodeOf(error: unknown): ErrorCode {
  return isAppError(error) ? error.code : 'UNAVAILABLE';
}
