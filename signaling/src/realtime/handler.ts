import { AblakError, fail, ok, type Ack, type RequestMap } from '@ablak/protocol';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { RateLimiter } from '../http/rate-limit';
import type { Metrics } from '../metrics/metrics';

export type AckFn = (response: Ack<object>) => void;

/** What a handler sees besides its parsed payload. */
export interface HandlerContext<S> {
  socket: Socket;
  session: S;
  now: number;
  logger: Logger;
}

export interface HandlerOptions {
  limiter: RateLimiter;
  logger: Logger;
  metrics?: Metrics;
  namespace?: string;
}

export type Handler<S, Req extends z.ZodType, Res extends object> = (
  payload: z.output<Req>,
  ctx: HandlerContext<S>,
) => Promise<Res>;

const MAX_ISSUES_IN_MESSAGE = 3;

function badRequest(error: z.ZodError): AblakError {
  const detail = error.issues
    .slice(0, MAX_ISSUES_IN_MESSAGE)
    .map((i) => `${i.path.map(String).join('.') || '(payload)'}: ${i.message}`)
    .join('; ');
  return new AblakError('BAD_REQUEST', `Invalid payload: ${detail}`.slice(0, 300));
}

/**
 * The one wrapper every socket event goes through: rate limit, parse with the protocol schema, run,
 * answer `ok(result)`, or turn any throw into `fail()` (unknown errors logged with stack → INTERNAL).
 */
export function defineHandler<S, Req extends z.ZodType, Res extends object>(
  schema: Req,
  fn: Handler<S, Req, Res>,
): (socket: Socket, session: S, options: HandlerOptions, event: string) => (...args: unknown[]) => void {
  return (socket, session, options, event) =>
    (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as AckFn) : undefined;
      const payload = ack ? (args.length > 1 ? args[0] : undefined) : args[0];
      void handle(schema, fn, { socket, session, options, event }, payload, ack);
    };
}

interface Call<S> {
  socket: Socket;
  session: S;
  options: HandlerOptions;
  event: string;
}

// One module-level function per event, not closures made per event: under a keepNames transform
// every named closure costs a defineProperty call, which showed in the join burst profile.
async function handle<S, Req extends z.ZodType, Res extends object>(
  schema: Req,
  fn: Handler<S, Req, Res>,
  call: Call<S>,
  payload: unknown,
  ack: AckFn | undefined,
): Promise<void> {
  const { socket, session, options, event } = call;
  try {
    options.limiter.check(socket.id);
    const parsed = schema.safeParse(payload ?? {});
    if (!parsed.success) throw badRequest(parsed.error);
    const result = await fn(parsed.data, { socket, session, now: Date.now(), logger: options.logger });
    ack?.(ok(result));
    options.metrics?.socketEvents.inc({ namespace: options.namespace ?? '', result: 'ok' });
  } catch (error) {
    if (!(error instanceof AblakError)) {
      options.logger.error({ err: error, event, socket: socket.id }, 'socket handler failed');
    }
    const response = fail(error);
    options.metrics?.socketEvents.inc({
      namespace: options.namespace ?? '',
      result: response.error.code,
    });
    ack?.(response);
  }
}

export type BoundHandler<S> = (
  socket: Socket,
  session: S,
  options: HandlerOptions,
  event: string,
) => (...args: unknown[]) => void;

/** Handler functions for every request of a namespace's contract, results typed by the contract. */
export type HandlerFns<M extends RequestMap, S> = {
  [K in keyof M]: (
    payload: z.output<M[K]['request']>,
    ctx: HandlerContext<S>,
  ) => Promise<z.input<M[K]['result']>>;
};

/** `defineHandler` for each event of a contract map. */
export function defineHandlers<M extends RequestMap, S>(
  requests: M,
  fns: HandlerFns<M, S>,
): Record<string, BoundHandler<S>> {
  const bound: Record<string, BoundHandler<S>> = {};
  for (const event of Object.keys(requests) as (keyof M & string)[]) {
    const spec = requests[event];
    const fn = fns[event];
    if (spec && fn)
      bound[event] = defineHandler<S, z.ZodType, object>(spec.request, fn as Handler<S, z.ZodType, object>);
  }
  return bound;
}

/** Attaches a map of handlers to a socket. */
export function attachHandlers<S>(
  socket: Socket,
  session: S,
  handlers: Record<string, BoundHandler<S>>,
  options: HandlerOptions,
): void {
  for (const [event, bind] of Object.entries(handlers)) {
    socket.on(event, bind(socket, session, options, event));
  }
  // An event this namespace does not know still gets a typed answer instead of a client timeout.
  socket.onAny((event: string, ...args: unknown[]) => {
    if (Object.hasOwn(handlers, event)) return;
    const ack = args[args.length - 1];
    if (typeof ack === 'function') (ack as AckFn)(fail(new AblakError('BAD_REQUEST', 'Unknown event')));
  });
}
