import { describe, expect, it } from 'vitest';
import { pickLeastLoaded, type WorkerLoad } from './placement';
import { TokenBucket } from './rate-limit';

const load = (index: number, over: Partial<WorkerLoad> = {}): WorkerLoad => ({
  index,
  alive: true,
  rooms: 0,
  producers: 0,
  consumers: 0,
  cpu: 0,
  ...over,
});

describe('room placement', () => {
  it('puts a room on the worker forwarding the fewest streams', () => {
    expect(pickLeastLoaded([load(0, { consumers: 10 }), load(1, { consumers: 3, producers: 2 }), load(2, { consumers: 8 })])?.index).toBe(1);
  });

  it('never picks a dead worker', () => {
    expect(pickLeastLoaded([load(0, { alive: false }), load(1, { consumers: 50 })])?.index).toBe(1);
    expect(pickLeastLoaded([load(0, { alive: false })])).toBeUndefined();
  });

  it('avoids a worker above 85% of a core even when it carries fewer streams', () => {
    expect(pickLeastLoaded([load(0, { cpu: 0.95 }), load(1, { consumers: 40, cpu: 0.5 })])?.index).toBe(1);
  });

  it('breaks ties by rooms, then by index', () => {
    expect(pickLeastLoaded([load(0, { rooms: 2 }), load(1, { rooms: 1 })])?.index).toBe(1);
    expect(pickLeastLoaded([load(0), load(1)])?.index).toBe(0);
  });
});

describe('per-socket rate limit', () => {
  it('admits a burst, refuses beyond it and refills over time', () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(400)).toBe(false);
    expect(bucket.take(600)).toBe(true);
  });
});
