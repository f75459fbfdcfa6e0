import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { types as msc } from 'mediasoup-client';
import { TransportWatch } from './transport-watch';

class FakeTransport {
  connectionState: msc.ConnectionState = 'new';
  closed = false;
  readonly id = 't1';
  private listener: ((state: msc.ConnectionState) => void) | undefined;
  on(_event: 'connectionstatechange', listener: (state: msc.ConnectionState) => void) {
    this.listener = listener;
  }
  set(state: msc.ConnectionState) {
    this.connectionState = state;
    this.listener?.(state);
  }
}

describe('transport watch (ICE restart policy)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const restarts: string[] = [];
    let gaveUp = 0;
    const watch = new TransportWatch({
      restartIce: async (t) => {
        restarts.push(t.id);
      },
      onHealthChanged: () => undefined,
      onGiveUp: () => gaveUp++,
    });
    const transport = new FakeTransport();
    watch.add(transport as unknown as msc.Transport);
    return { watch, transport, restarts, gaveUp: () => gaveUp };
  }

  it('gives a disconnected transport two seconds to recover before restarting ICE', async () => {
    const { watch, transport, restarts } = setup();
    transport.set('connected');
    transport.set('disconnected');
    expect(watch.healthy()).toBe(false);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(restarts).toEqual([]);
    await vi.advanceTimersByTimeAsync(600);
    expect(restarts).toEqual(['t1']);
  });

  it('does not restart a transport that recovered on its own', async () => {
    const { watch, transport, restarts } = setup();
    transport.set('disconnected');
    transport.set('connected');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(restarts).toEqual([]);
    expect(watch.healthy()).toBe(true);
  });

  it('restarts at once on failed and gives up (full re-join) after three failed restarts', async () => {
    const { transport, restarts, gaveUp } = setup();
    for (let i = 0; i < 4; i++) {
      transport.set('failed');
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(restarts).toEqual(['t1', 't1', 't1']);
    expect(gaveUp()).toBe(1);
  });
});
