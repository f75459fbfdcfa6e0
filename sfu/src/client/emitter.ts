type EventMap = Record<string, unknown[]>;
type Listener<A extends unknown[]> = (...args: A) => void;

/** A small typed event emitter for the browser; a throwing listener never breaks the session. */
export class Emitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<(...args: never[]) => void>>();

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as unknown as (...args: never[]) => void);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, (...args) => {
      off();
      listener(...args);
    });
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.listeners.get(event)?.delete(listener as unknown as (...args: never[]) => void);
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as unknown as Listener<E[K]>)(...args);
      } catch (error) {
        console.error(`[ablak media] listener of ${String(event)} failed`, error);
      }
    }
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
