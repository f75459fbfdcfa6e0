import { EventEmitter } from 'node:events';

type EventMap = Record<string, unknown[]>;

/**
 * A typed EventEmitter whose `safeEmit` cannot be broken by a listener: a throwing listener is
 * reported through `onListenerError` and the emitter's own work goes on (mediasoup's pattern).
 */
export class TypedEmitter<E extends EventMap> {
  private readonly emitter = new EventEmitter();
  onListenerError: (event: string, error: unknown) => void = () => undefined;

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }

  protected safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    for (const listener of this.emitter.rawListeners(event)) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }
}
