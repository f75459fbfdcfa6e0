import type { QueueId, QueuePosition, TicketId } from '@ablak/protocol';
import type { Logger } from 'pino';
import { offerView } from '../calls/views';
import { peerIds } from '../calls/media';
import { rooms, type AppContext } from '../context';
import type { StoreEvent } from '../store/types';
import type { Board } from './board';
import { pushCitizen, pushClerk } from './push';

type EventOf<T extends StoreEvent['type']> = Extract<StoreEvent, { type: T }>;
type Reactions = { [T in StoreEvent['type']]: (event: EventOf<T>) => Promise<void> | void };

const POSITIONS_DELAY_MS = 150;
/** How many places a refresh reads per queue (the store's `positions` limit). */
const POSITIONS_LIMIT = 1000;
const ESTIMATE_REFRESH_MS = 10_000;
/** What a citizen sees of its place: a push is due when this differs from what it was last told. */
const shownOf = (p: QueuePosition) => `${p.state}|${p.position}|${p.estimatedWaitSeconds}|${p.clerksServing}`;
/**
 * Citizens further back than this are told a changed place at most every FAR_PUSH_INTERVAL_MS:
 * every departure from the head moves everyone behind, and 20k waiting citizens told of each one
 * would be a push storm per departure; to someone 300th in line a place 5 s old is as good.
 */
const NEAR_FRONT = 20;
const FAR_PUSH_INTERVAL_MS = 5000;
/** Position pushes sent in one go before yielding to other work. */
const PUSH_CHUNK = 64;

/**
 * Carries out the store's events on this node's sockets. Every node receives every event, so every
 * push here is `.local`: each node tells only the sockets it holds. Also runs the sweep timer.
 */
export class Runner {
  private readonly pendingQueues = new Set<QueueId>();
  /** Per queue: what each local citizen was last told (ticket id → place, estimate, clerks). */
  private readonly lastPushed = new Map<QueueId, Map<string, string>>();
  /** Per queue: when each local citizen was last told its place (ms). */
  private readonly lastPushedAt = new Map<QueueId, Map<string, number>>();
  /** Per queue: a refresh due for citizens far back whose changed place was held back. */
  private readonly deferred = new Map<QueueId, NodeJS.Timeout>();
  /**
   * Per queue, a number never below how many tickets wait in it (within the first POSITIONS_LIMIT):
   * exact after a refresh, raised by every move since. A ticket enqueued at a place beyond it is
   * behind everyone, so nobody's place changed and no refresh is needed. Unknown queues: no entry.
   */
  private readonly sizeBound = new Map<QueueId, number>();
  /** Per queue, moves seen; a refresh whose read raced a move cannot trust the size it read. */
  private readonly moves = new Map<QueueId, number>();
  private positionsTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private estimateTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed = false;
  private readonly logger: Logger;

  constructor(
    private readonly ctx: AppContext,
    private readonly board: Board,
  ) {
    this.logger = ctx.logger.child({ module: 'runner' });
  }

  private get citizens() {
    return this.ctx.io.of('/citizen').local;
  }
  private get clerks() {
    return this.ctx.io.of('/clerk').local;
  }

  private readonly reactions: Reactions = {
    'ticket:moved': async (e) => {
      this.moves.set(e.queue, (this.moves.get(e.queue) ?? 0) + 1);
      if (e.reason === 'enqueued') await this.onEnqueued(e.ticketId, e.queue);
      else {
        const bound = this.sizeBound.get(e.queue);
        if (bound !== undefined) this.sizeBound.set(e.queue, bound + 1);
        this.refreshPositions(e.queue);
      }
      const to = this.citizens.to(rooms.ticket(e.ticketId));
      if (e.reason === 'offer_returned' || e.reason === 'resumed') {
        const position = await this.ctx.store.position(e.ticketId, Date.now());
        pushCitizen(to, 'queue:position-changed', position);
        this.told(e.queue, position);
      } else if (e.reason === 'transferred') {
        const position = await this.ctx.store.position(e.ticketId, Date.now());
        // The next call has a room of its own (the old one is revoked): the citizen waits warm there.
        const ticket = this.hasLocal('/citizen', rooms.ticket(e.ticketId)) ? await this.ctx.store.getTicket(e.ticketId) : null;
        const media = ticket
          ? await this.ctx.media.tryAccess(
              ticket.room,
              { peer: peerIds.citizen(ticket.id), name: ticket.displayName, role: 'citizen' },
              Date.now(),
            )
          : null;
        pushCitizen(to, 'call:transferred', { queue: e.queue, position, ...(media ? { media } : {}) });
        this.told(e.queue, position);
      } else if (e.reason === 'expired' || e.reason === 'cancelled') {
        pushCitizen(to, 'ticket:closed', { state: e.state, reason: e.reason });
      }
    },
    'offer:made': ({ offer }) => {
      pushCitizen(this.citizens.to(rooms.ticket(offer.ticket.id)), 'call:offered', {
        deadline: offer.deadline,
      });
      pushClerk(
        this.clerks.to(rooms.clerk(offer.clerkId)),
        'offer:received',
        offerView(offer, this.ctx.catalogue),
      );
    },
    'offer:withdrawn': (e) => {
      pushClerk(this.clerks.to(rooms.clerk(e.clerkId)), 'offer:withdrawn', { ticketId: e.ticketId, reason: e.reason });
    },
    'clerk:state-changed': ({ clerk }) => {
      pushClerk(this.clerks.to(rooms.clerk(clerk.id)), 'clerk:state-changed', clerk);
      this.board.markDirty();
    },
    'call:started': async ({ call }) => {
      this.board.markDirty();
      const room = rooms.ticket(call.ticketId);
      if (!this.hasLocal('/citizen', room)) return;
      const media = await this.ctx.media.access(
        call.room,
        { peer: peerIds.citizen(call.ticketId), name: call.citizenName, role: 'citizen' },
        Date.now(),
      );
      pushCitizen(this.citizens.to(room), 'call:matched', {
        callId: call.id,
        clerkName: call.clerkName,
        media,
      });
    },
    'call:ended': ({ call, wrapUpUntil }) => {
      this.board.markDirty();
      pushCitizen(this.citizens.to(rooms.ticket(call.ticketId)), 'call:ended', {
        callId: call.id,
        reason: call.endReason ?? 'clerk_ended',
        caseReference: call.caseReference,
      });
      pushClerk(this.clerks.to(rooms.clerk(call.clerkId)), 'call:ended', {
        callId: call.id,
        reason: call.endReason ?? 'clerk_ended',
        wrapUpUntil,
      });
    },
    'stats:changed': () => this.board.markDirty(),
  };

  async start(): Promise<void> {
    this.unsubscribe = await this.ctx.store.subscribe((event) => this.onEvent(event));
    this.sweepTimer = setInterval(() => void this.sweep(), this.ctx.config.sweepIntervalMs);
    this.estimateTimer = setInterval(() => this.refreshLocalQueues(), ESTIMATE_REFRESH_MS);
    this.sweepTimer.unref();
    this.estimateTimer.unref();
  }

  private onEvent(event: StoreEvent): void {
    if (this.closed) return;
    const react = this.reactions[event.type] as (e: StoreEvent) => Promise<void> | void;
    void (async () => {
      try {
        await react(event);
      } catch (error) {
        this.logger.error({ err: error, event: event.type }, 'store event reaction failed');
      }
    })();
  }

  private hasLocal(namespace: string, room: string): boolean {
    return (this.ctx.io.of(namespace).adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  /**
   * Notes the place a citizen of `queue` was just told (e.g. in its `queue:join` ack), so the next
   * refresh does not push the same place again: without this, the first refresh after a crowd joined
   * re-sent every one of them the place its ack had just given it (19k pushes in one tick).
   */
  told(queue: QueueId, position: QueuePosition): void {
    if (position.state !== 'waiting') return;
    let told = this.lastPushed.get(queue);
    if (!told) this.lastPushed.set(queue, (told = new Map()));
    told.set(position.ticketId, shownOf(position));
    let at = this.lastPushedAt.get(queue);
    if (!at) this.lastPushedAt.set(queue, (at = new Map()));
    at.set(position.ticketId, Date.now());
  }

  /**
   * A new ticket moves only those behind it. It usually lands at the back (same priority, later
   * arrival): then nobody else's place changed, and re-reading the whole queue per arrival (what
   * every enqueue used to cost, O(queue length), the largest item of the join burst profile with
   * 19k citizens waiting) is skipped. Its own citizen gets the place in the `queue:join` ack.
   */
  private async onEnqueued(ticketId: TicketId, queue: QueueId): Promise<void> {
    const bound = this.sizeBound.get(queue);
    if (bound === undefined) {
      this.refreshPositions(queue);
      return;
    }
    this.sizeBound.set(queue, bound + 1);
    const { position } = await this.ctx.store.position(ticketId, Date.now());
    if (position > Math.min(bound, POSITIONS_LIMIT)) return;
    this.refreshPositions(queue);
  }

  /** Coalesces position pushes per queue: one `positions` read per queue per short window. */
  refreshPositions(queue: QueueId): void {
    this.pendingQueues.add(queue);
    if (this.positionsTimer || this.closed) return;
    this.positionsTimer = setTimeout(() => {
      this.positionsTimer = null;
      const queues = [...this.pendingQueues];
      this.pendingQueues.clear();
      for (const q of queues) void this.pushPositions(q);
    }, POSITIONS_DELAY_MS);
  }

  /**
   * Tells this node's citizens of a queue their place, each only when it differs from the last one
   * pushed to them (a joining browser gets its place in the `queue:join` ack), yielding to the event
   * loop every few dozen pushes so a long queue never holds up other sockets' acks.
   */
  private async pushPositions(queue: QueueId): Promise<void> {
    try {
      const movesBefore = this.moves.get(queue) ?? 0;
      const positions = await this.ctx.store.positions(queue, Date.now(), POSITIONS_LIMIT);
      const read = positions.length < POSITIONS_LIMIT ? positions.length : Number.POSITIVE_INFINITY;
      const bound = this.sizeBound.get(queue);
      if ((this.moves.get(queue) ?? 0) === movesBefore || bound === undefined) this.sizeBound.set(queue, read);
      else this.sizeBound.set(queue, Math.max(bound, read));
      const before = this.lastPushed.get(queue);
      const beforeAt = this.lastPushedAt.get(queue);
      const after = new Map<string, string>();
      const afterAt = new Map<string, number>();
      const now = Date.now();
      let sent = 0;
      let held = false;
      for (const p of positions) {
        const room = rooms.ticket(p.ticketId);
        if (!this.hasLocal('/citizen', room)) continue;
        const shown = shownOf(p);
        const told = before?.get(p.ticketId);
        const toldAt = beforeAt?.get(p.ticketId) ?? 0;
        if (told === shown || (told !== undefined && p.position > NEAR_FRONT && now - toldAt < FAR_PUSH_INTERVAL_MS)) {
          // Unchanged, or far back and told recently: keep what it was told (and when).
          held ||= told !== shown;
          after.set(p.ticketId, told);
          afterAt.set(p.ticketId, toldAt);
          continue;
        }
        after.set(p.ticketId, shown);
        afterAt.set(p.ticketId, now);
        pushCitizen(this.citizens.to(room), 'queue:position-changed', p);
        if (++sent % PUSH_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      if (after.size > 0) {
        this.lastPushed.set(queue, after);
        this.lastPushedAt.set(queue, afterAt);
      } else {
        this.lastPushed.delete(queue);
        this.lastPushedAt.delete(queue);
      }
      if (held && !this.deferred.has(queue) && !this.closed) {
        const timer = setTimeout(() => {
          this.deferred.delete(queue);
          this.refreshPositions(queue);
        }, FAR_PUSH_INTERVAL_MS);
        timer.unref();
        this.deferred.set(queue, timer);
      }
    } catch (error) {
      this.logger.error({ err: error, queue }, 'position push failed');
    }
  }

  /** Estimates change with time even when nothing moves: refresh queues that have local citizens. */
  private refreshLocalQueues(): void {
    const queues = new Set<QueueId>();
    for (const socket of this.ctx.io.of('/citizen').sockets.values()) {
      const queue = (socket.data as { queue?: QueueId }).queue;
      if (queue) queues.add(queue);
    }
    for (const q of queues) this.refreshPositions(q);
  }

  private async sweep(): Promise<void> {
    if (this.closed) return;
    try {
      const result = await this.ctx.store.sweep(Date.now());
      for (let i = 0; i < result.expiredOffers.length; i++)
        this.ctx.metrics.offers.inc({ outcome: 'expired' });
    } catch (error) {
      if (!this.closed) this.logger.error({ err: error }, 'sweep failed');
    }
    // Tiers open with waiting time, so a match may be possible now even without an event.
    this.ctx.matcher.kick();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.estimateTimer) clearInterval(this.estimateTimer);
    if (this.positionsTimer) clearTimeout(this.positionsTimer);
    for (const timer of this.deferred.values()) clearTimeout(timer);
    this.deferred.clear();
  }
}
