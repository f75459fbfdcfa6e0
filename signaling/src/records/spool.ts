/**
 * The outbox's local spool: every record op is appended to a file before it waits for the database,
 * so a node restarted while the database was away replays what it had not written yet.
 *
 * Segments (`<seq>.jsonl`) roll over at SEGMENT_BYTES; a segment is deleted once every op in it is
 * in the database. A directory is held by one process at a time (`owner.lock` with its pid); a
 * second process on the same data directory takes the next free slot (`spool/0`, `spool/1`, …), and
 * a slot whose owner died is taken over with its unwritten ops.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { RecordOp } from './ops';

const SEGMENT_BYTES = 4 * 1024 * 1024;
const MAX_SLOTS = 64;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Slots held by spools open in this process (several servers may run in one test process). */
const held = new Set<string>();

function claimSlot(root: string): string {
  mkdirSync(root, { recursive: true });
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const dir = path.join(root, String(slot));
    if (held.has(dir)) continue;
    mkdirSync(dir, { recursive: true });
    const lock = path.join(dir, 'owner.lock');
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      held.add(dir);
      return dir;
    } catch {
      const owner = Number(readFileSync(lock, 'utf8').trim());
      if (owner === process.pid || !Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
        writeFileSync(lock, String(process.pid));
        held.add(dir);
        return dir;
      }
    }
  }
  throw new Error(`no free spool slot under ${root}`);
}

export interface SpooledOp {
  op: RecordOp;
  segment: number;
}

export class Spool {
  private fd: number | null = null;
  private segment = 0;
  private segmentBytes = 0;
  /** Ops not yet confirmed written, per segment. */
  private readonly pending = new Map<number, number>();
  private closed = false;

  private constructor(readonly dir: string) {}

  /** Claims a slot and reads back the ops a previous owner left unwritten (oldest first). */
  static open(root: string): { spool: Spool; replay: SpooledOp[]; skipped: number } {
    const dir = claimSlot(root);
    const spool = new Spool(dir);
    const segments = readdirSync(dir)
      .filter((f) => /^\d+\.jsonl$/.test(f))
      .map((f) => Number(f.slice(0, -6)))
      .sort((a, b) => a - b);
    const replay: SpooledOp[] = [];
    let skipped = 0;
    for (const seg of segments) {
      const text = readFileSync(path.join(dir, `${seg}.jsonl`), 'utf8');
      let count = 0;
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          skipped++; // a line cut short by a crash
          continue;
        }
        const parsed = RecordOp.safeParse(value);
        if (!parsed.success) {
          skipped++;
          continue;
        }
        replay.push({ op: parsed.data, segment: seg });
        count++;
      }
      if (count === 0) rmSync(path.join(dir, `${seg}.jsonl`), { force: true });
      else spool.pending.set(seg, count);
    }
    spool.segment = (segments[segments.length - 1] ?? -1) + 1;
    return { spool, replay, skipped };
  }

  /** Appends an op (written to the OS before this returns); returns its segment. */
  append(op: RecordOp): number {
    if (this.closed) throw new Error('spool closed');
    const line = `${JSON.stringify(op)}\n`;
    if (this.fd === null || this.segmentBytes + line.length > SEGMENT_BYTES) this.roll();
    writeSync(this.fd as number, line);
    this.segmentBytes += Buffer.byteLength(line);
    this.pending.set(this.segment, (this.pending.get(this.segment) ?? 0) + 1);
    return this.segment;
  }

  /** Marks ops as in the database; deletes segments with nothing left (never the open one). */
  written(segments: readonly number[]): void {
    for (const seg of segments) {
      const left = (this.pending.get(seg) ?? 0) - 1;
      if (left > 0) {
        this.pending.set(seg, left);
        continue;
      }
      this.pending.delete(seg);
      if (seg === this.segment && this.fd !== null) {
        // Everything of the open segment is written: start the next one fresh.
        closeSync(this.fd);
        this.fd = null;
        this.segment++;
        this.segmentBytes = 0;
      }
      rmSync(path.join(this.dir, `${seg}.jsonl`), { force: true });
    }
  }

  private roll(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.segment++;
    }
    this.fd = openSync(path.join(this.dir, `${this.segment}.jsonl`), 'a');
    this.segmentBytes = 0;
  }

  /** Closes the file and gives the slot up; unwritten ops stay on disk for the next owner. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    const lock = path.join(this.dir, 'owner.lock');
    if (existsSync(lock) && readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock, { force: true });
    held.delete(this.dir);
  }
}
