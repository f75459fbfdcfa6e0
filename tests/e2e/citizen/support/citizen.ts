import { io, type Socket } from 'socket.io-client';
import { CreateTicketResponse, PROTOCOL_VERSION, QueuePosition, type CaseTypeCode } from '@ablak/protocol';

/** A citizen without a browser (another person in the queue), through the real HTTP API and /citizen. */
export async function queueHeadlessCitizen(url: string, caseType: CaseTypeCode, displayName: string) {
  const res = await fetch(`${url}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName, caseType, language: 'hu' }),
  });
  const ticket = CreateTicketResponse.parse(await res.json());
  const socket: Socket = io(`${url}/citizen`, {
    transports: ['websocket'],
    forceNew: true,
    auth: {
      token: ticket.citizenToken,
      protocolVersion: PROTOCOL_VERSION,
      resumeSecret: ticket.resumeSecret,
    },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const answer = (await socket.timeout(10_000).emitWithAck('queue:join', {})) as {
    ok: boolean;
    position?: unknown;
  };
  if (!answer.ok) throw new Error(`queue:join failed: ${JSON.stringify(answer)}`);
  return { ticket, position: QueuePosition.parse(answer.position), close: () => socket.disconnect() };
}
