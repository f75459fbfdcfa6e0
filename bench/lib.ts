import os from 'node:os';

/** One measured figure. `value` is what was measured on this run, never a target. */
export interface BenchResult {
  /** Benchmark group, e.g. "match", "sfu-capacity". */
  bench: string;
  /** What the number is, e.g. "RedisStore match ops/s at 10k waiting tickets". */
  figure: string;
  value: number;
  unit: string;
  /** Conditions or caveats worth reading next to the number. */
  notes?: string;
}

export interface Benchmark {
  name: string;
  /** Runs the benchmark, bounded in time, loopback only; prints as it goes and returns its figures. */
  run(): Promise<BenchResult[]>;
}

export function machineDescription(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const gib = (os.totalmem() / 2 ** 30).toFixed(0);
  return `${cpus.length} × ${model}, ${gib} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** p50/p95/p99/max of a list of samples (unsorted is fine). */
export function summarize(samples: readonly number[]): { p50: number; p95: number; p99: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    n: sorted.length,
  };
}
