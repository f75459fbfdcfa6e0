/**
 * Runs Ablak's benchmarks and writes bench/RESULTS.md.
 *   pnpm bench                 # every benchmark
 *   pnpm bench match sockets   # only these
 * Each benchmark module lives beside this file and default-exports a `Benchmark`. Figures from
 * benchmarks that were not run this time are kept from the previous RESULTS.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineDescription, type Benchmark, type BenchResult } from './lib';

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.join(here, 'RESULTS.md');

/** Every benchmark, in the order they run. A missing module is reported, not fatal. */
const BENCHMARKS = ['match', 'sockets', 'sfu-capacity', 'join-latency', 'records', 'bundle-size'];

interface Row extends BenchResult {
  machine: string;
  date: string;
  command: string;
}

const HEADER = '| benchmark | figure | value | unit | notes | machine | date | command |';

function parseExisting(): Row[] {
  if (!existsSync(resultsFile)) return [];
  const rows: Row[] = [];
  for (const line of readFileSync(resultsFile, 'utf8').split('\n')) {
    if (!line.startsWith('| ') || line.startsWith(HEADER) || line.startsWith('| ---')) continue;
    const cells = line.slice(2, -2).split(' | ');
    if (cells.length !== 8) continue;
    const [bench, figure, value, unit, notes, machine, date, command] = cells as [string, string, string, string, string, string, string, string];
    rows.push({ bench, figure, value: Number(value), unit, notes, machine, date, command });
  }
  return rows;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

function write(rows: Row[]): void {
  const lines = [
    '# Ablak benchmark results',
    '',
    'Written by `pnpm bench` (bench/run.ts). Each row is a figure measured on the machine and date it names,',
    'with the command that produced it. Benchmarks print figures; they never pass or fail on a number.',
    '',
    HEADER,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${escapeCell(r.bench)} | ${escapeCell(r.figure)} | ${formatValue(r.value)} | ${escapeCell(r.unit)} | ${escapeCell(r.notes ?? '')} | ${escapeCell(r.machine)} | ${r.date} | ${escapeCell(r.command)} |`,
    ),
    '',
  ];
  writeFileSync(resultsFile, lines.join('\n'));
}

async function main(): Promise<void> {
  // `--dry-run`: print the figures, leave RESULTS.md alone (trial runs on a busy machine).
  const dryRun = process.argv.includes('--dry-run');
  const wanted = process.argv.slice(2).filter((a) => a !== '--dry-run');
  const selected = wanted.length > 0 ? wanted : BENCHMARKS;
  const machine = machineDescription();
  const date = new Date().toISOString().slice(0, 10);
  let rows = parseExisting();
  let failures = 0;
  for (const name of selected) {
    const file = path.join(here, `${name}.ts`);
    if (!existsSync(file)) {
      console.log(`[bench] ${name}: no ${name}.ts yet, skipped`);
      continue;
    }
    const mod = (await import(file)) as { default: Benchmark };
    console.log(`[bench] ${name}: running`);
    const started = Date.now();
    try {
      const results = await mod.default.run();
      const command = `pnpm bench ${name}`;
      rows = rows.filter((r) => r.bench !== name);
      for (const result of results) {
        rows.push({ ...result, bench: name, machine, date, command });
        console.log(`  ${result.figure}: ${formatValue(result.value)} ${result.unit}${result.notes ? ` (${result.notes})` : ''}`);
      }
      console.log(`[bench] ${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      failures++;
      console.error(`[bench] ${name}: failed`, error);
    }
  }
  rows.sort((a, b) => BENCHMARKS.indexOf(a.bench) - BENCHMARKS.indexOf(b.bench));
  if (dryRun) console.log('[bench] --dry-run: RESULTS.md left as it was');
  else {
    write(rows);
    console.log(`[bench] wrote ${resultsFile}`);
  }
  process.exitCode = failures > 0 ? 1 : 0;
}

await main();
