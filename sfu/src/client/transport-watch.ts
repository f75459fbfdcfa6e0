import type { types as msc } from 'mediasoup-client';

export interface TransportWatchHooks {
  restartIce(transport: msc.Transport): Promise<void>;
  onHealthChanged(): void;
  /** ICE restarts did not bring a transport back: the session should re-join from scratch. */
  onGiveUp(): void;
}

/** How long a `disconnected` transport may recover on its own before an ICE restart. */
const DISCONNECTED_GRACE_MS = 2_000;
const MAX_RESTARTS = 3;

/** Watches transports' connection states and restarts ICE on `disconnected` (after a grace) or `failed`. */
export class TransportWatch {
  private readonly states = new Map<msc.Transport, msc.ConnectionState>();
  private readonly timers = new Map<msc.Transport, ReturnType<typeof setTimeout>>();
  private readonly restarts = new Map<msc.Transport, number>();

  constructor(private readonly hooks: TransportWatchHooks) {}

  add(transport: msc.Transport): void {
    this.states.set(transport, transport.connectionState);
    transport.on('connectionstatechange', (state) => {
      if (!this.states.has(transport)) return;
      this.states.set(transport, state);
      clearTimeout(this.timers.get(transport));
      if (state === 'connected') this.restarts.set(transport, 0);
      if (state === 'disconnected') this.timers.set(transport, setTimeout(() => this.restart(transport), DISCONNECTED_GRACE_MS));
      if (state === 'failed') this.restart(transport);
      this.hooks.onHealthChanged();
    });
  }

  healthy(): boolean {
    for (const state of this.states.values()) if (state === 'disconnected' || state === 'failed') return false;
    return true;
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.states.clear();
    this.restarts.clear();
  }

  private restart(transport: msc.Transport): void {
    if (!this.states.has(transport) || transport.closed) return;
    const state = this.states.get(transport);
    if (state !== 'disconnected' && state !== 'failed') return;
    const attempts = (this.restarts.get(transport) ?? 0) + 1;
    this.restarts.set(transport, attempts);
    if (attempts > MAX_RESTARTS) {
      this.hooks.onGiveUp();
      return;
    }
    this.hooks.restartIce(transport).catch(() => {
      this.timers.set(transport, setTimeout(() => this.restart(transport), DISCONNECTED_GRACE_MS));
    });
  }
}
