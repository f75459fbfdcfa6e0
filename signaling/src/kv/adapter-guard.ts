import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';

type AdapterFactory = (nsp: Namespace) => Namespace['adapter'];

/**
 * Wraps the Socket.IO Redis streams adapter so that an entry on its stream that is not a message it
 * understands is logged and skipped. Unguarded, a decodable but wrong entry (say, a broadcast
 * without data) throws inside the adapter's stream reader before it moves past the entry: the
 * reader then re-reads that entry forever, and no node hears another node again.
 */
export function guardAdapter(factory: AdapterFactory, logger: Logger): AdapterFactory {
  // A function, not an arrow: Socket.IO calls the factory with `new` (it returns the adapter).
  return function guarded(nsp: Namespace): Namespace['adapter'] {
    const adapter = factory(nsp);
    // onMessage is the cluster adapter's (not in the base Adapter type).
    const original: unknown = Reflect.get(adapter, 'onMessage');
    if (typeof original === 'function') {
      const call = (message: unknown, offset?: string): unknown => Reflect.apply(original, adapter, [message, offset]);
      Reflect.set(adapter, 'onMessage', (message: unknown, offset?: string) => {
        try {
          return call(message, offset);
        } catch (error) {
          // the reason only: the message itself could carry anything
          const reason = error instanceof Error ? error.name : 'error';
          logger.warn({ reason, nsp: nsp.name, offset }, 'malformed adapter message dropped');
          return undefined;
        }
      });
    }
    return adapter;
  };
}
