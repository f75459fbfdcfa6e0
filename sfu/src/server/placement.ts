/** What placement knows about one worker. */
export interface WorkerLoad {
  readonly index: number;
  readonly alive: boolean;
  readonly rooms: number;
  readonly producers: number;
  readonly consumers: number;
  /** CPU share of one core over the last sample, 0..1 (0 before the first sample). */
  readonly cpu: number;
}

/**
 * Forwarding cost is roughly proportional to consumers (each is a stream the worker sends), so a new
 * room goes to the live worker with the fewest consumers + producers; a CPU share above 85% of a
 * core counts as saturated whatever the counts say. Ties go to fewer rooms, then the lower index.
 */
export function pickLeastLoaded(loads: readonly WorkerLoad[]): WorkerLoad | undefined {
  let best: WorkerLoad | undefined;
  for (const load of loads) {
    if (!load.alive) continue;
    if (best === undefined || compare(load, best) < 0) best = load;
  }
  return best;
}

function compare(a: WorkerLoad, b: WorkerLoad): number {
  const saturated = Number(a.cpu > 0.85) - Number(b.cpu > 0.85);
  if (saturated !== 0) return saturated;
  const streams = a.consumers + a.producers - (b.consumers + b.producers);
  if (streams !== 0) return streams;
  if (a.rooms !== b.rooms) return a.rooms - b.rooms;
  return a.index - b.index;
}
