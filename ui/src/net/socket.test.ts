import { describe, expect, it } from 'vitest';
import type { CitizenPushes, CitizenRequests } from '@ablak/protocol';
import { AppError } from './errors';
import { request, type TypedSocket } from './socket';

function fakeSocket(
  answer: (event: string, payload: unknown) => Promise<unknown>,
): TypedSocket<CitizenRequests, CitizenPushes> {
  return { timeout: () => ({ emitWithAck: answer }) } as unknown as TypedSocket<
    CitizenRequests,
    CitizenPushes
  >;
}

describe('request (ack helper)', () => {
  it('resolves with the result part of an ok ack, without the ok flag', async () => {
    const socket = fakeSocket(async () => ({ ok: true, position: { position: 3 }, media: null }));
    const result = await request(socket, 'queue:join', {});
    expect(result).toEqual({ position: { position: 3 }, media: null });
  });

  it('throws an AppError carrying the code and message of a failed ack', async () => {
    const socket = fakeSocket(async () => ({
      ok: false,
      error: { code: 'TICKET_CLOSED', message: 'Ticket is ended' },
    }));
    const error = await request(socket, 'queue:join', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('TICKET_CLOSED');
    expect((error as AppError).message).toBe('Ticket is ended');
  });

  it('turns a timeout into UNAVAILABLE', async () => {
    const socket = fakeSocket(async () => {
      throw new Error('operation has timed out');
    });
    await expect(request(socket, 'queue:leave', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
