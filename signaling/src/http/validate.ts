import { AblakError } from '@ablak/protocol';
import type { Request } from 'express';
import type { z } from 'zod';
import type { Session, TokenService } from '../auth/tokens';

/** Parses with the protocol schema or throws BAD_REQUEST naming the first bad fields. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const detail = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
    .join('; ');
  throw new AblakError('BAD_REQUEST', `Invalid request: ${detail}`.slice(0, 300));
}

/** The verified, still-live session of `Authorization: Bearer <token>` (UNAUTHORIZED otherwise). */
export async function bearer(req: Request, tokens: TokenService): Promise<Session> {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S{10,4096})$/i.exec(header);
  if (!match?.[1]) throw new AblakError('UNAUTHORIZED', 'Bearer token required');
  return tokens.verifySessionLive(match[1]);
}

/** The client address as Express sees it (TRUST_PROXY decides whether X-Forwarded-For counts). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
