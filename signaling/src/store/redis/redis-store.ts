/** RedisStore: the Store interface over RedisBase's steps and reads (see store.ts). */
import { AblakError } from '@ablak/protocol';
import type {
  CallEndReason,
  CallId,
  CaseReference,
  ClerkId,
  ClerkView,
  QueueId,
  QueuePosition,
  QueueStats,
  TicketId,
  TransferTarget,
} from '@ablak/protocol';
import type { Catalogue } from '../../queue/catalogue';
import { newClerk, toClerkView } from '../../queue/clerk';
import { newTicket } from '../../queue/ticket';
import { WINDOW_MS, averageHandleSeconds, computeQueueStats, dayOf, emptyDayCounters, estimateWaitSeconds, staffedCount } from '../../queue/stats';
import type { DayCounters } from '../../queue/stats';
import type { ClerkState } from '@ablak/protocol';
import type {
  AfterWrapUp,
  CallRecord,
  ClerkProfile,
  ClerkRecord,
  EndCallResult,
  EnqueueInput,
  MatchOptions,
  OfferRecord,
  RequestedClerkState,
  Store,
  StoreOptions,
  SweepResult,
  TicketRecord,
  TransferResult,
} from '../types';
import * as norm from './normalize';
import { CLERK_FIELDS, TICKET_FIELDS, clerkFrom, ticketFrom } from './records';
import { RedisBase, type RedisStoreOptions } from './store';

type Counts = Partial<Record<ClerkState, number>>;

/** Most expiries of each kind in one sweep script (keeps each script short). */
const SWEEP_BATCH = 500;

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}
function counts(record: Record<string, string>): Counts {
  const out: Counts = {};
  for (const [k, v] of Object.entries(record)) out[k as ClerkState] = Number(v);
  return out;
}

export class RedisStore extends RedisBase implements Store {
  /** Connects and loads the scripts. Also callable as `create(url, catalogue, options)`. */
  static async create(catalogue: Catalogue, options: RedisStoreOptions): Promise<RedisStore>;
  static async create(url: string, catalogue: Catalogue, options?: StoreOptions & Omit<RedisStoreOptions, 'url'>): Promise<RedisStore>;
  static async create(
    first: Catalogue | string,
    second: RedisStoreOptions | Catalogue,
    third: StoreOptions & Omit<RedisStoreOptions, 'url'> = {},
  ): Promise<RedisStore> {
    const [catalogue, options] =
      typeof first === 'string' ? [second as Catalogue, { ...third, url: first }] : [first, second as RedisStoreOptions];
    const store = new RedisStore(catalogue, options);
    try {
      await store.init();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  async enqueue(input: EnqueueInput, now: number): Promise<TicketRecord> {
    const ticket = newTicket(input, this.catalogue.caseType(input.caseType), now);
    return norm.ticket(await this.step<TicketRecord>('enqueue', now, [JSON.stringify(ticket), input.resumeSecret]));
  }
  async cancel(ticketId: TicketId, now: number): Promise<TicketRecord> {
    return norm.ticket(await this.step<TicketRecord>('cancel', now, [ticketId]));
  }
  async drop(ticketId: TicketId, now: number): Promise<TicketRecord> {
    return norm.ticket(await this.step<TicketRecord>('drop', now, [ticketId]));
  }
  async resume(ticketId: TicketId, resumeSecret: string, now: number): Promise<TicketRecord> {
    return norm.ticket(await this.step<TicketRecord>('resume', now, [ticketId, resumeSecret]));
  }
  async getTicket(ticketId: TicketId): Promise<TicketRecord | null> {
    return ticketFrom(await this.redis.hmget(this.key(`t:${ticketId}`), ...TICKET_FIELDS));
  }

  async registerClerk(profile: ClerkProfile, now: number): Promise<ClerkView> {
    for (const s of profile.skills) this.catalogue.queue(s.queue);
    const fresh = newClerk(profile, now);
    return norm.clerkView(await this.step<ClerkView>('registerClerk', now, [JSON.stringify(profile), JSON.stringify(fresh)]));
  }
  async setClerkState(clerkId: ClerkId, requested: RequestedClerkState, now: number): Promise<ClerkView> {
    return norm.clerkView(await this.step<ClerkView>('setClerkState', now, [clerkId, JSON.stringify(requested)]));
  }
  private async clerkRecord(clerkId: ClerkId): Promise<ClerkRecord | null> {
    return clerkFrom(await this.redis.hmget(this.key(`c:${clerkId}`), ...CLERK_FIELDS));
  }
  async getClerk(clerkId: ClerkId): Promise<ClerkView | null> {
    const c = await this.clerkRecord(clerkId);
    return c ? toClerkView(c, dayOf(Date.now())) : null;
  }
  async clerkViews(): Promise<ClerkView[]> {
    const day = dayOf(Date.now());
    const ids = (await this.redis.smembers(this.key('clerks'))) as ClerkId[];
    const records = await Promise.all(ids.map((id) => this.clerkRecord(id)));
    return records.flatMap((c) => (c ? [toClerkView(c, day)] : []));
  }

  async match(now: number, options: MatchOptions = {}): Promise<OfferRecord[]> {
    const offers = await this.step<OfferRecord[] | Record<string, never>>('match', now, [options.limit ?? 100]);
    return Array.isArray(offers) ? offers.map(norm.offer) : [];
  }
  async currentOffer(clerkId: ClerkId): Promise<OfferRecord | null> {
    const c = await this.clerkRecord(clerkId);
    if (!c || c.state !== 'offered' || !c.offerTicket || c.offerDeadline === null) return null;
    const t = await this.getTicket(c.offerTicket);
    return t ? { clerkId, ticket: t, offeredAt: c.lastOfferAt, deadline: c.offerDeadline } : null;
  }
  async accept(clerkId: ClerkId, ticketId: TicketId, now: number): Promise<CallRecord> {
    return norm.call(await this.step<CallRecord>('accept', now, [clerkId, ticketId]));
  }
  async decline(clerkId: ClerkId, ticketId: TicketId, now: number): Promise<void> {
    await this.step<null>('decline', now, [clerkId, ticketId]);
  }
  /** Sweeps in atomic batches of SWEEP_BATCH of each kind, until a batch comes back short. */
  async sweep(now: number): Promise<SweepResult> {
    const out: SweepResult = { expiredOffers: [], expiredDrops: [], wrapUpsEnded: [] };
    const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
    for (;;) {
      const r = await this.step<Record<keyof SweepResult | 'purged', unknown>>('sweep', now, [SWEEP_BATCH]);
      const offers = list<OfferRecord>(r.expiredOffers).map(norm.offer);
      const drops = list<TicketRecord>(r.expiredDrops).map(norm.ticket);
      const wraps = list<ClerkView>(r.wrapUpsEnded).map(norm.clerkView);
      out.expiredOffers.push(...offers);
      out.expiredDrops.push(...drops);
      out.wrapUpsEnded.push(...wraps);
      const purged = Number(r.purged ?? 0);
      if (offers.length < SWEEP_BATCH && drops.length < SWEEP_BATCH && wraps.length < SWEEP_BATCH && purged < SWEEP_BATCH) return out;
    }
  }

  async endCall(callId: CallId, reason: CallEndReason, now: number): Promise<EndCallResult> {
    const r = await this.step<EndCallResult>('endCall', now, [callId, reason]);
    return { ...r, clerk: norm.clerkView(r.clerk) };
  }
  async wrapUpDone(clerkId: ClerkId, next: AfterWrapUp, now: number): Promise<ClerkView> {
    return norm.clerkView(await this.step<ClerkView>('wrapUpDone', now, [clerkId, JSON.stringify(next)]));
  }
  async transfer(callId: CallId, target: TransferTarget, note: string, now: number): Promise<TransferResult> {
    const r = await this.step<TransferResult>('transfer', now, [callId, JSON.stringify(target), note]);
    return { call: r.call, ticket: norm.ticket(r.ticket), clerk: norm.clerkView(r.clerk) };
  }

  /** Clerks of a queue by state: cnt:<queue>, plus available (avn) and offered (staffed − the rest). */
  private async clerkCounts(queue: QueueId): Promise<Counts> {
    const [cnt, qc, available] = await Promise.all([
      this.redis.hgetall(this.key(`cnt:${queue}`)),
      this.redis.hgetall(this.key(`qc:${queue}`)),
      this.redis.hget(this.key('avn'), queue),
    ]);
    const out = counts(cnt);
    // qc:<queue> L<level> → staffed clerks of that level
    const staffed = Object.entries(qc).reduce((sum, [field, n]) => (field.startsWith('L') ? sum + Number(n) : sum), 0);
    out.available = Number(available ?? 0);
    out.offered = staffed - out.available - (out.busy ?? 0) - (out.wrap_up ?? 0);
    return out;
  }

  private aht(queue: QueueId, recent: string[]): number {
    return averageHandleSeconds(recent.map(Number), this.catalogue.expectedHandleSeconds.get(queue) ?? 600);
  }

  async position(ticketId: TicketId, now: number): Promise<QueuePosition> {
    const r = await this.step<{ ticket: TicketRecord; below: number; counts: string[] | object; aht: string[] | object }>('position', now, [ticketId]);
    const c = counts(pairs(Array.isArray(r.counts) ? (r.counts as string[]) : []));
    const staffed = staffedCount(c);
    const waiting = r.ticket.state === 'waiting';
    const position = waiting ? r.below + 1 : 1;
    const aht = this.aht(r.ticket.queue, Array.isArray(r.aht) ? (r.aht as string[]) : []);
    return {
      ticketId,
      state: r.ticket.state,
      position,
      estimatedWaitSeconds: waiting ? estimateWaitSeconds(position, staffed, c.available ?? 0, aht) : 0,
      clerksServing: staffed,
    };
  }

  async positions(queue: QueueId, _now: number, limit = 1000): Promise<QueuePosition[]> {
    this.catalogue.queue(queue);
    const [ids, c, recent] = await Promise.all([
      this.redis.zrange(this.key(`w:${queue}`), 0, limit - 1),
      this.clerkCounts(queue),
      this.redis.lrange(this.key(`aht:${queue}`), 0, -1),
    ]);
    const staffed = staffedCount(c);
    const aht = this.aht(queue, recent);
    return ids.map((id, i) => ({
      ticketId: id as TicketId,
      state: 'waiting' as const,
      position: i + 1,
      estimatedWaitSeconds: estimateWaitSeconds(i + 1, staffed, c.available ?? 0, aht),
      clerksServing: staffed,
    }));
  }

  async queueStats(now: number, queues?: QueueId[]): Promise<QueueStats[]> {
    const ids = queues ?? [...this.catalogue.queues.keys()];
    const day = dayOf(now);
    const since = `(${now - WINDOW_MS}`;
    return Promise.all(
      ids.map(async (id) => {
        const def = this.catalogue.queue(id);
        const [waiting, head, dayRaw, ans, ansIn, arr, recent, cnt] = await Promise.all([
          this.redis.zcard(this.key(`w:${id}`)),
          this.redis.zrange(this.key(`w:${id}`), 0, 15),
          this.redis.hgetall(this.key(`day:${day}:${id}`)),
          this.redis.zcount(this.key(`ans:${id}`), since, '+inf'),
          this.redis.zcount(this.key(`ansin:${id}`), since, '+inf'),
          this.redis.zcount(this.key(`arr:${id}`), since, '+inf'),
          this.redis.lrange(this.key(`aht:${id}`), 0, -1),
          this.clerkCounts(id),
        ]);
        const queuedAt = await Promise.all(head.map((t) => this.redis.hget(this.key(`t:${t}`), 'qat')));
        let longest = 0;
        for (const at of queuedAt) if (at) longest = Math.max(longest, (now - Number(at)) / 1000);
        const d: DayCounters = emptyDayCounters();
        for (const k of Object.keys(d) as (keyof DayCounters)[]) d[k] = Number(dayRaw[k] ?? 0);
        return computeQueueStats(def, {
          day: d,
          answered15m: ans,
          answeredInTarget15m: ansIn,
          arrivals15m: arr,
          recentHandleSeconds: recent.map(Number),
          waiting,
          longestWaitSeconds: longest,
          clerksByState: cnt,
          fallbackHandleSeconds: this.catalogue.expectedHandleSeconds.get(id) ?? 600,
        });
      }),
    );
  }

  async getCall(callId: CallId): Promise<CallRecord | null> {
    const raw = await this.redis.hget(this.key('call'), callId);
    return raw ? (JSON.parse(raw) as CallRecord) : null;
  }
  async activeCalls(): Promise<CallRecord[]> {
    const ids = await this.redis.smembers(this.key('calls:active'));
    if (ids.length === 0) return [];
    const raws = await this.redis.hmget(this.key('call'), ...ids);
    return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as CallRecord] : []));
  }
  async openCase(callId: CallId, now: number, reference?: CaseReference): Promise<CaseReference> {
    return this.step<CaseReference>('openCase', now, [callId, new Date(now).getUTCFullYear(), reference ?? '']);
  }
  async nextCaseReference(year: number): Promise<CaseReference> {
    const n = await this.redis.incr(this.key(`ref:${year}`));
    return `ABL-${year}-${String(n).padStart(6, '0')}` as CaseReference;
  }
  async rateCall(callId: CallId, rating: number, comment: string | null, now: number): Promise<CallRecord> {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new AblakError('BAD_REQUEST', 'rating must be 1 to 5');
    return this.step<CallRecord>('rateCall', now, [callId, rating, JSON.stringify(comment)]);
  }
}

export type { RedisStoreOptions };
