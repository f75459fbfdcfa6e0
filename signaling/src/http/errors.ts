import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AblakError, fail, type ErrorCode } from '@ablak/protocol';
import type { Logger } from 'pino';

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TICKET_NOT_FOUND: 404,
  CALL_NOT_FOUND: 404,
  UNKNOWN_CASE_TYPE: 404,
  UNKNOWN_QUEUE: 404,
  UNKNOWN_CLERK: 404,
  CONFLICT: 409,
  TICKET_CLOSED: 409,
  OFFER_EXPIRED: 409,
  OFFER_NOT_YOURS: 403,
  RESUME_REJECTED: 403,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  PROTOCOL_VERSION: 426,
  NO_SFU_AVAILABLE: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

/**
 * Seconds a client should wait before trying again after a 503: a Redis restart or a Sentinel
 * failover is over in a few seconds, and the apps retry on their own after this long.
 */
export const RETRY_AFTER_SECONDS = 2;

/** Express' own errors (body-parser, multer) carry a status or a type; map them onto our codes. */
function fromFramework(error: unknown): AblakError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; type?: unknown; code?: unknown };
  if (e.type === 'entity.too.large' || e.code === 'LIMIT_FILE_SIZE')
    return new AblakError('PAYLOAD_TOO_LARGE', 'Body too large');
  if (e.type === 'entity.parse.failed') return new AblakError('BAD_REQUEST', 'Malformed JSON body');
  if (typeof e.code === 'string' && e.code.startsWith('LIMIT_'))
    return new AblakError('BAD_REQUEST', 'Upload refused');
  if (e.status === 415 || e.type === 'charset.unsupported' || e.type === 'encoding.unsupported')
    return new AblakError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return new AblakError('BAD_REQUEST', 'Bad request');
  return undefined;
}

/** The one place HTTP errors become `{ ok: false, error }` with a status. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const typed = error instanceof AblakError ? error : fromFramework(error);
    if (!typed) logger.error({ err: error, method: req.method, path: req.path }, 'unhandled HTTP error');
    const body = fail(typed ?? error);
    if (res.headersSent) return;
    const status = statusOf(body.error.code);
    if (status === 503) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(status).json(body);
  };
}

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json(fail(new AblakError('NOT_FOUND', 'No such endpoint')));
};
