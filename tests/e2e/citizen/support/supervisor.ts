import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, type QueueStats } from '@ablak/protocol';
import { login } from './clerk';

/** The supervisor board's figures for one queue, read through the real /supervisor namespace. */
export async function queueStatsAsSupervisor(url: string, queue: string): Promise<QueueStats | undefined> {
  const session = await login(url, 'supervisor');
  const socket = io(`${url}/supervisor`, {
    transports: ['websocket'],
    forceNew: true,
    auth: { token: session.token, protocolVersion: PROTOCOL_VERSION },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const answer = (await socket.timeout(10_000).emitWithAck('board:subscribe', {})) as {
      ok: boolean;
      snapshot?: { queues: QueueStats[] };
    };
    if (!answer.ok) throw new Error(`board:subscribe failed: ${JSON.stringify(answer)}`);
    return answer.snapshot?.queues.find((q) => q.queue === queue);
  } finally {
    socket.disconnect();
  }
}
