import type { z } from 'zod';
import type { Ack } from './ack';

/**
 * A namespace's contract as data: each client request names its payload schema and its result
 * schema; each server push names its payload schema. Socket.IO's typed event maps are derived from
 * these, so a schema is written once and gives the validator, the type and the event.
 */
export interface RequestSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  request: Req;
  result: Res;
}
export type RequestMap = Record<string, RequestSpec>;
export type PushMap = Record<string, z.ZodType>;

export function defineRequests<M extends RequestMap>(map: M): M {
  return map;
}
export function definePushes<M extends PushMap>(map: M): M {
  return map;
}

export type RequestOf<M extends RequestMap, K extends keyof M> = z.input<M[K]['request']>;
export type ParsedRequestOf<M extends RequestMap, K extends keyof M> = z.output<M[K]['request']>;
export type ResultOf<M extends RequestMap, K extends keyof M> = z.output<M[K]['result']>;

/** Client → server events: `(payload, ack) => void`, as Socket.IO's typed `emit` wants them. */
export type ClientToServerOf<M extends RequestMap> = {
  [K in keyof M & string]: (payload: RequestOf<M, K>, ack: (res: Ack<ResultOf<M, K>>) => void) => void;
};
/** Server → client pushes. */
export type ServerToClientOf<P extends PushMap> = {
  [K in keyof P & string]: (payload: z.output<P[K]>) => void;
};
