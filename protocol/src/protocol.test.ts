import { describe, expect, it } from 'vitest';
import {
  AblakError,
  CreateTicketRequest,
  HandshakeAuth,
  MediaGrantClaims,
  ackSchema,
  fail,
  ok,
  toAppError,
} from './index';
import { z } from 'zod';

describe('the ack shape', () => {
  it('wraps a result as ok and a typed error as its code and message', () => {
    expect(ok({ caseReference: 'ABL-2026-000001' })).toEqual({ ok: true, caseReference: 'ABL-2026-000001' });
    expect(fail(new AblakError('TICKET_NOT_FOUND', 'No such ticket'))).toEqual({
      ok: false,
      error: { code: 'TICKET_NOT_FOUND', message: 'No such ticket' },
    });
  });

  it('never leaks an unknown error: it becomes INTERNAL without its message', () => {
    const leaked = toAppError(new Error('ECONNREFUSED 10.0.0.5:6379 password=secret'));
    expect(leaked).toEqual({ code: 'INTERNAL', message: 'Internal error' });
  });

  it('validates acks against the result schema', () => {
    const schema = ackSchema(z.object({ n: z.number() }));
    expect(schema.safeParse({ ok: true, n: 1 }).success).toBe(true);
    expect(schema.safeParse({ ok: true, n: 'x' }).success).toBe(false);
    expect(schema.safeParse({ ok: false, error: { code: 'NOPE', message: '' } }).success).toBe(false);
  });
});

describe('payload schemas', () => {
  it('refuses a ticket request with an unknown language, an empty name or an id with spaces', () => {
    const base = { displayName: 'Anna', caseType: 'ID-CARD-NEW' };
    expect(CreateTicketRequest.safeParse(base).success).toBe(true);
    expect(CreateTicketRequest.parse(base).language).toBe('hu');
    expect(CreateTicketRequest.safeParse({ ...base, language: 'xx' }).success).toBe(false);
    expect(CreateTicketRequest.safeParse({ ...base, displayName: '   ' }).success).toBe(false);
    expect(CreateTicketRequest.safeParse({ ...base, caseType: 'ID CARD' }).success).toBe(false);
  });

  it('refuses a grant that is hidden and may publish', () => {
    const grant = {
      room: 'r1',
      peer: 'p1',
      name: 'Supervisor',
      role: 'supervisor',
      canPublish: true,
      canSubscribe: true,
      hidden: true,
    };
    expect(MediaGrantClaims.safeParse(grant).success).toBe(false);
    expect(MediaGrantClaims.safeParse({ ...grant, canPublish: false }).success).toBe(true);
  });

  it('does not let prototype-pollution keys through an object schema', () => {
    const parsed = HandshakeAuth.parse(JSON.parse('{"token":"abcdefghijkl","protocolVersion":1,"__proto__":{"admin":true}}'));
    expect(Object.keys(parsed)).toEqual(['token', 'protocolVersion']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
