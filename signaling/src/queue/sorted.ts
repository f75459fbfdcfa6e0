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
    const old = this.scores.get(id);
    if (old !== undefined) {
      if (old === score) return;
      this.remove(id, old);
    }
    this.scores.set(id, score);
    const entry = { score, id };
    const ci = this.chunkFor(score, id);
    const chunk = this.chunks[ci];
    if (!chunk) {
      this.chunks.push([entry]);
      return;
    }
    const i = lowerBound(chunk, score, id);
    if (i === chunk.length) chunk.push(entry);
    else chunk.splice(i, 0, entry);
    if (chunk.length > CHUNK * 2) this.chunks.splice(ci, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
  }

  delete(id: string): boolean {
    const score = this.scores.get(id);
    if (score === undefined) return false;
    this.scores.delete(id);
    this.remove(id, score);
    return true;
  }

  private remove(id: string, score: number): void {
    const head = this.chunks[0];
    // the head leaves most often (a match takes it): no search, and shift is O(1) for V8's arrays
    if (head?.[0]?.id === id) {
      head.shift();
      if (head.length === 0) this.chunks.shift();
      return;
    }
    const ci = this.chunkFor(score, id);
    const chunk = this.chunks[ci];
    if (!chunk) return;
    const i = lowerBound(chunk, score, id);
    if (chunk[i]?.id !== id) return;
    if (i === 0) chunk.shift();
    else if (i === chunk.length - 1) chunk.pop();
    else chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(ci, 1);
  }

  /** Lowest entry, or undefined. */
  first(): Entry | undefined {
    return this.chunks[0]?.[0];
  }

  /** The entry of rank `rank` (0 = lowest), or undefined; O(1) within the first chunk. */
  at(rank: number): Entry | undefined {
    let r = rank;
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c] as Entry[];
      if (r < chunk.length) return chunk[r];
      r -= chunk.length;
    }
    return undefined;
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
      n += lowerBound(chunk, score, '');
      break;
    }
    return n;
  }

  /** How many entries come before `id` in the set's order (score, then id): ZRANK. Undefined if absent. */
  rank(id: string): number | undefined {
    const score = this.scores.get(id);
    if (score === undefined) return undefined;
    let n = 0;
    for (const chunk of this.chunks) {
      const last = chunk[chunk.length - 1];
      if (last && before(last, score, id)) {
        n += chunk.length;
        continue;
      }
      n += lowerBound(chunk, score, id);
      break;
    }
    return n;
  }

  private chunkFor(score: number, id: string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    if (hi < 0) return 0;
    // first chunk whose last entry is not before (score, id); else the last chunk
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid] as Entry[];
      if (before(chunk[chunk.length - 1] as Entry, score, id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function before(a: Entry, score: number, id: string): boolean {
  return a.score < score || (a.score === score && a.id < id);
}

function lowerBound(chunk: Entry[], score: number, id: string): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(chunk[mid] as Entry, score, id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
