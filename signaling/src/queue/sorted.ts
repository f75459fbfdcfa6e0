/**
 * An ordered set of (score, id), lowest first, ties by id — the in-memory twin of a Redis sorted set.
 * Kept as a list of small sorted chunks, so insert/delete touch one chunk (O(log n + chunk)) and the
 * head is O(1).
 */
const CHUNK = 256;

export interface Entry {
  score: number;
  id: string;
}

function before(a: Entry, b: Entry): boolean {
  return a.score < b.score || (a.score === b.score && a.id < b.id);
}

export class SortedSet {
  private chunks: Entry[][] = [];
  private readonly scores = new Map<string, number>();

  get size(): number {
    return this.scores.size;
  }

  has(id: string): boolean {
    return this.scores.has(id);
  }

  score(id: string): number | undefined {
    return this.scores.get(id);
  }

  /** Adds or moves `id` to `score`. */
  add(id: string, score: number): void {
    if (this.scores.has(id)) this.delete(id);
    this.scores.set(id, score);
    const entry = { score, id };
    const ci = this.chunkFor(entry);
    const chunk = this.chunks[ci];
    if (!chunk) {
      this.chunks.push([entry]);
      return;
    }
    chunk.splice(lowerBound(chunk, entry), 0, entry);
    if (chunk.length > CHUNK * 2) this.chunks.splice(ci, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
  }

  delete(id: string): boolean {
    const score = this.scores.get(id);
    if (score === undefined) return false;
    this.scores.delete(id);
    const entry = { score, id };
    const ci = this.chunkFor(entry);
    const chunk = this.chunks[ci];
    if (!chunk) return false;
    const i = lowerBound(chunk, entry);
    if (chunk[i]?.id === id) chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(ci, 1);
    return true;
  }

  /** Lowest entry, or undefined. */
  first(): Entry | undefined {
    return this.chunks[0]?.[0];
  }

  /** Entries in order, lowest first. */
  *values(): IterableIterator<Entry> {
    for (const chunk of this.chunks) yield* chunk;
  }

  /** The first `n` entries. */
  head(n: number): Entry[] {
    const out: Entry[] = [];
    for (const chunk of this.chunks) {
      for (const e of chunk) {
        if (out.length >= n) return out;
        out.push(e);
      }
    }
    return out;
  }

  /** Entries with score ≤ max, lowest first (at most `limit`). */
  upTo(max: number, limit = Infinity): Entry[] {
    const out: Entry[] = [];
    for (const chunk of this.chunks) {
      for (const e of chunk) {
        if (e.score > max || out.length >= limit) return out;
        out.push(e);
      }
    }
    return out;
  }

  /** How many entries have a score strictly below `score` (ZCOUNT -inf (score). */
  countBelow(score: number): number {
    let n = 0;
    for (const chunk of this.chunks) {
      const last = chunk[chunk.length - 1];
      if (last && last.score < score) {
        n += chunk.length;
        continue;
      }
      n += lowerBound(chunk, { score, id: '' });
      break;
    }
    return n;
  }

  private chunkFor(entry: Entry): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    if (hi < 0) return 0;
    // first chunk whose last entry is not before `entry`; else the last chunk
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid] as Entry[];
      const last = chunk[chunk.length - 1] as Entry;
      if (before(last, entry)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBound(chunk: Entry[], entry: Entry): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(chunk[mid] as Entry, entry)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
