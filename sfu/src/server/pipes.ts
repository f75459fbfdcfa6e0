import type { types } from 'mediasoup';
import { AblakError } from '@ablak/protocol';

/**
 * Producers copied into routers other than their own. A warm peer's transports live on its home
 * router while it is a member of a call room on another router: its tracks and the room's cross
 * between the two through these pipes (PipeTransports on loopback, one pair per piped producer). A
 * copy has an id of its own (two routers of one worker cannot hold two producers with one id); the
 * browsers only ever hear the original's.
 *
 * Unlike `router.pipeToRouter`, a pipe starts *paused* and wakes up when a consumer of its copy is
 * resumed. A pipe that runs ahead of its consumer asks the browser for a key frame nobody can use;
 * Chrome then ignores the next request for 300 ms and mediasoup asks again only after a second, so the
 * first viewer would wait about a second for a picture. Woken together, the pipe's request and the
 * consumer's fold into one.
 */
interface Pipe {
  readonly consumer: types.Consumer;
  readonly producer: types.Producer;
}

/** Source producer id → target router → its pipe. */
const pipes = new Map<string, Map<types.Router, Promise<Pipe>>>();
/** Copy id → its pipe. */
const byCopy = new Map<string, Pipe>();

const LOOPBACK = { protocol: 'udp', ip: '127.0.0.1' } as const;

async function openPipe(producer: types.Producer, from: types.Router, to: types.Router): Promise<Pipe> {
  const [local, remote] = await Promise.all([
    from.createPipeTransport({ listenInfo: LOOPBACK, appData: { pipeOf: producer.id } }),
    to.createPipeTransport({ listenInfo: LOOPBACK, appData: { pipeOf: producer.id } }),
  ]);
  try {
    local.observer.once('close', () => remote.close());
    remote.observer.once('close', () => local.close());
    // Consume before connecting and pause at once: a pipe consumer asks for a key frame when its
    // transport connects, unless it is paused then.
    const consumer = await local.consume({ producerId: producer.id, appData: { pipe: true } });
    const [, copy] = await Promise.all([
      consumer.pause(),
      remote.produce({
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        paused: consumer.producerPaused,
        appData: { ...producer.appData, pipe: true },
      }),
    ]);
    consumer.on('producerpause', () => void copy.pause().catch(() => undefined));
    consumer.on('producerresume', () => void copy.resume().catch(() => undefined));
    consumer.observer.once('close', () => local.close());
    copy.observer.once('close', () => local.close());
    await Promise.all([
      local.connect({ ip: remote.tuple.localAddress, port: remote.tuple.localPort }),
      remote.connect({ ip: local.tuple.localAddress, port: local.tuple.localPort }),
    ]);
    return { consumer, producer: copy };
  } catch (error) {
    local.close();
    throw error;
  }
}

/** Makes `producer` (living on `from`) consumable on `to`: the producer to consume there; idempotent. */
export async function pipeInto(producer: types.Producer, from: types.Router, to: types.Router): Promise<types.Producer> {
  if (from === to) return producer;
  let byRouter = pipes.get(producer.id);
  if (!byRouter) {
    byRouter = new Map();
    pipes.set(producer.id, byRouter);
  }
  const known = byRouter.get(to);
  if (known) return (await known).producer;
  const table = byRouter;
  const forget = () => {
    if (table.get(to) === pending) table.delete(to);
    if (table.size === 0 && pipes.get(producer.id) === table) pipes.delete(producer.id);
  };
  const pending = openPipe(producer, from, to).then((pipe) => {
    byCopy.set(pipe.producer.id, pipe);
    pipe.producer.observer.once('close', () => {
      byCopy.delete(pipe.producer.id);
      forget();
    });
    if (pipe.producer.closed) forget();
    return pipe;
  });
  table.set(to, pending);
  try {
    return (await pending).producer;
  } catch (error) {
    forget();
    throw error instanceof Error ? error : new AblakError('INTERNAL', 'pipe failed');
  }
}

/** Wakes the pipe of a copy (a consumer of `copyId` is resuming); nothing for an original producer. */
export async function wakePipe(copyId: string): Promise<void> {
  const pipe = byCopy.get(copyId);
  if (pipe && !pipe.consumer.closed && pipe.consumer.paused) await pipe.consumer.resume();
}

/** Pauses or resumes every copy of a producer now (mediasoup does it too, a worker notification later). */
export async function syncPipes(producerId: string, paused: boolean): Promise<void> {
  const byRouter = pipes.get(producerId);
  if (!byRouter) return;
  await Promise.all(
    [...byRouter.values()].map((pending) =>
      pending
        .then(({ producer }) => (producer.closed ? undefined : paused ? producer.pause() : producer.resume()))
        .catch(() => undefined),
    ),
  );
}

/** Closes the copy of `producerId` in `router`, so its consumers there close too. */
export function unpipe(producerId: string, router: types.Router): void {
  const pending = pipes.get(producerId)?.get(router);
  void pending?.then(({ producer }) => producer.close()).catch(() => undefined);
}
