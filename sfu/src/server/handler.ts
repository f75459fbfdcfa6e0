import type { Logger } from 'pino';
import {
  AblakError,
  fail,
  ok,
  type Ack,
  type MediaRequests,
  type ParsedRequestOf,
  type ResultOf,
  mediaRequests,
} from '@ablak/protocol';

export type MediaEvent = keyof MediaRequests & string;

export interface MediaHandler<K extends MediaEvent = MediaEvent> {
  readonly event: K;
  readonly run: (payload: ParsedRequestOf<MediaRequests, K>) => Promise<ResultOf<MediaRequests, K>>;
}

/** One request of the /media namespace: its payload is parsed with the protocol's schema before `run` sees it. */
export function defineHandler<K extends MediaEvent>(
  event: K,
  run: (payload: ParsedRequestOf<MediaRequests, K>) => Promise<ResultOf<MediaRequests, K>>,
): MediaHandler<K> {
  return { event, run };
}

export interface HandlerContext {
  readonly logger: Logger;
  /** False when the socket is over its request budget. */
  readonly admit: () => boolean;
  readonly onResult?: (event: string, code: string) => void;
}

/**
 * Turns socket arguments into one answered request: rate limit, schema, handler, and exactly one ack
 * of the protocol's shape. Anything unexpected becomes INTERNAL and is logged with its stack; only code
 * and message reach the client. A call without an ack callback is ignored (there is no one to answer).
 */
export async function dispatch(handler: MediaHandler, args: unknown[], ctx: HandlerContext): Promise<void> {
  const ack = args.at(-1);
  if (typeof ack !== 'function') return;
  const payload: unknown = args.length > 1 ? args[0] : undefined;
  const answer = (res: Ack<object>) => {
    ctx.onResult?.(handler.event, res.ok ? 'ok' : res.error.code);
    try {
      (ack as (res: Ack<object>) => void)(res);
    } catch {
      /* the transport is gone */
    }
  };
  if (!ctx.admit()) {
    answer(fail(new AblakError('RATE_LIMITED', 'too many requests; slow down')));
    return;
  }
  const schema = mediaRequests[handler.event].request;
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join('.') || 'payload'}: ${first.message}` : 'invalid payload';
    answer(fail(new AblakError('BAD_REQUEST', `${handler.event}: ${where}`)));
    return;
  }
  try {
    const result = await (handler.run as (p: unknown) => Promise<object>)(parsed.data);
    answer(ok(result));
  } catch (error) {
    if (error instanceof AblakError) ctx.logger.debug({ event: handler.event, code: error.code }, 'request refused');
    else ctx.logger.error({ event: handler.event, err: error }, 'request failed');
    answer(fail(error));
  }
}
