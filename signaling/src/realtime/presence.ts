import { randomUUID } from 'node:crypto';
import { AblakError, TicketId } from '@ablak/protocol';
import type { Logger } from 'pino';
import { rooms, type AppContext } from '../context';
import { sessionOf } from './auth';

const NODES_KEY = 'presence:nodes';
const aliveKey = (node: string) => `presence:alive:${node}`;
const ticketsKey = (node: string) => `presence:tickets:${node}`;
const REAPER_KEY = 'presence:reaper';
/** A dead node's ticket list is kept this long at most (a fleet that lost every node forgets it). */
const LIST_TTL_SECONDS = 24 * 3600;
/** Cross-node socket look-ups run this many at a time when a node with many citizens dies. */
const LOOKUP_CONCURRENCY = 16;

/**
 * Which node holds which citizens, so a ticket whose node died (or shut down) and whose citizen
 * never came back still starts its drop grace and expires, instead of waiting forever.
 *
 * Every node writes, each beat, an alive key (expiring after three beats) and, when it changed, the
 * list of tickets it holds sockets for. One node per beat (a KV lock) reaps: for every node it has
 * seen dead, each of its tickets that is still waiting or offered, not dropped, held by no live
 * node's list and by no socket anywhere, is dropped — `sweep` expires it after the grace unless its
 * citizen resumes.
 *
 * Dead is judged only from what this node saw while it could reach the store: a peer whose alive
 * key went away between two of our successful beats (it missed three beats while the store was up),
 * or one absent through three beats' worth of our successful beats. Keys that expired while the
 * store was unreachable (a Redis outage longer than three beats) prove nothing, so every outage, or
 * a gap in our own beats, starts the observation again. And a ticket dropped while this node still
 * holds a socket of it is taken back at once (the citizen is here, with the secret).
 */
export class Presence {
  readonly nodeId = randomUUID();
  private dirty = true;
  /** Tickets this node holds sockets for, with how many sockets each. */
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private closed = false;
  private readonly logger: Logger;
  private readonly aliveTtlSeconds: number;
  /** Resume secrets of the tickets held here (for taking back a ticket dropped while held). */
  private readonly secrets = new Map<string, string>();
  /** When this node's last beat reached the store (0: never, or not since an outage began). */
  private lastGoodBeat = 0;
  /** Peers whose alive key this node saw present since its beats last reached the store without a break. */
  private readonly seenAlive = new Set<string>();
  /** Peers this node has seen without an alive key, since when (only while the store was reachable). */
  private readonly absentSince = new Map<string, number>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ctx: Pick<AppContext, 'io' | 'kv' | 'store' | 'logger' | 'matcher'>,
    private readonly intervalMs: number,
  ) {
    this.logger = ctx.logger.child({ module: 'presence' });
    this.aliveTtlSeconds = Math.max(1, Math.ceil((3 * intervalMs) / 1000));
    // Counted as sockets come and go, so a beat never walks every socket of the node.
    ctx.io.of('/citizen').on('connection', (socket) => {
      const { session, resumeSecret } = sessionOf(socket);
      const ticket = session.ticket;
      if (!ticket) return;
      if (resumeSecret) this.secrets.set(ticket, resumeSecret);
      this.held.set(ticket, (this.held.get(ticket) ?? 0) + 1);
      this.dirty = true;
      socket.once('disconnect', () => {
        const left = (this.held.get(ticket) ?? 1) - 1;
        if (left > 0) this.held.set(ticket, left);
        else {
          this.held.delete(ticket);
          this.secrets.delete(ticket);
        }
        this.dirty = true;
      });
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    this.timer.unref();
    void this.beat();
    void this.ctx.store
      .subscribe((event) => {
        if (event.type === 'ticket:moved' && event.reason === 'dropped' && this.held.has(event.ticketId))
          void this.takeBack(event.ticketId);
      })
      .then((off) => {
        if (this.closed) off();
        else this.unsubscribe = off;
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'presence: no store events'));
  }

  /** A ticket whose citizen is connected here was dropped (by a reaper that could not see us): resume it. */
  private async takeBack(id: string): Promise<void> {
    const secret = this.secrets.get(id);
    const parsed = TicketId.safeParse(id);
    if (!secret || !parsed.success || !this.held.has(id)) return;
    try {
      const ticket = await this.ctx.store.getTicket(parsed.data);
      if (!ticket || ticket.dropDeadline === null) return;
      await this.ctx.store.resume(parsed.data, secret, Date.now());
      this.ctx.matcher.kick();
      this.logger.info({ ticket: id }, 'ticket dropped while its citizen is connected here: taken back');
    } catch (error) {
      if (!(error instanceof AblakError)) this.logger.warn({ err: error, ticket: id }, 'take-back failed');
    }
  }

  private localTickets(): string[] {
    return [...this.held.keys()];
  }

  /** One beat: say this node is alive, publish its tickets if they changed, maybe reap dead nodes. */
  async beat(): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    const started = Date.now();
    // A gap in our own beats (a stall, a skipped beat) may have hidden an outage: observe afresh.
    if (this.lastGoodBeat !== 0 && started - this.lastGoodBeat > 2 * this.intervalMs) this.forgetObservations();
    try {
      const { kv } = this.ctx;
      await kv.set(aliveKey(this.nodeId), String(Date.now()), this.aliveTtlSeconds);
      await kv.mapSet(NODES_KEY, this.nodeId, String(Date.now()), LIST_TTL_SECONDS);
      if (this.dirty) {
        this.dirty = false;
        try {
          await kv.set(ticketsKey(this.nodeId), JSON.stringify(this.localTickets()), LIST_TTL_SECONDS);
        } catch (error) {
          this.dirty = true;
          throw error;
        }
      }
      const recovered = this.lastGoodBeat === 0;
      const dead = await this.observe(started);
      this.lastGoodBeat = started;
      if (recovered) await this.takeBackAll();
      const lockSeconds = Math.max(1, Math.ceil(this.intervalMs / 1000));
      if (dead.length > 0 && (await kv.setIfAbsent(REAPER_KEY, this.nodeId, lockSeconds))) await this.reap(dead);
    } catch (error) {
      if (this.closed) return;
      if (this.lastGoodBeat !== 0) this.logger.warn({ err: errorSummary(error) }, 'presence beat failed: store unreachable?');
      this.forgetObservations();
    } finally {
      this.busy = false;
    }
  }

  private forgetObservations(): void {
    this.lastGoodBeat = 0;
    this.seenAlive.clear();
    this.absentSince.clear();
  }

  /**
   * Reads every node's alive key and returns the peers this node has seen dead: gone since we last
   * saw them alive, or absent for three beats, all while our beats reached the store.
   */
  private async observe(now: number): Promise<string[]> {
    const { kv } = this.ctx;
    const nodes = Object.keys(await kv.mapGetAll(NODES_KEY)).filter((n) => n !== this.nodeId);
    const dead: string[] = [];
    for (const node of nodes) {
      if ((await kv.get(aliveKey(node))) !== null) {
        this.seenAlive.add(node);
        this.absentSince.delete(node);
        continue;
      }
      const since = this.absentSince.get(node) ?? now;
      this.absentSince.set(node, since);
      if (this.seenAlive.has(node) || now - since >= this.aliveTtlSeconds * 1000) dead.push(node);
    }
    for (const node of this.absentSince.keys()) if (!nodes.includes(node)) this.absentSince.delete(node);
    for (const node of this.seenAlive) if (!nodes.includes(node)) this.seenAlive.delete(node);
    return dead;
  }

  /** After an outage: any ticket held here that was dropped meanwhile is taken back. */
  private async takeBackAll(): Promise<void> {
    const held = this.localTickets();
    for (let i = 0; i < held.length; i += LOOKUP_CONCURRENCY)
      await Promise.all(held.slice(i, i + LOOKUP_CONCURRENCY).map((t) => this.takeBack(t)));
  }

  private async ticketsOf(node: string): Promise<string[]> {
    const raw = await this.ctx.kv.get(ticketsKey(node));
    if (!raw) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
    } catch {
      return [];
    }
  }

  private async reap(dead: string[]): Promise<void> {
    const { kv } = this.ctx;
    const nodes = Object.keys(await kv.mapGetAll(NODES_KEY));
    const alive = nodes.filter((n) => !dead.includes(n));
    const held = new Set<string>();
    for (const node of alive) for (const t of await this.ticketsOf(node)) held.add(t);
    for (const node of dead) {
      const orphans = (await this.ticketsOf(node)).filter((t) => !held.has(t));
      let unresolved = 0;
      for (let i = 0; i < orphans.length; i += LOOKUP_CONCURRENCY) {
        const results = await Promise.allSettled(
          orphans.slice(i, i + LOOKUP_CONCURRENCY).map((t) => this.dropIfAbsent(t)),
        );
        unresolved += results.filter((r) => r.status === 'rejected').length;
      }
      if (unresolved > 0) {
        // Typically the socket adapter still counts the dead node and its look-ups time out: next beat.
        this.logger.info({ node, unresolved }, 'dead node not fully reaped yet');
        continue;
      }
      await kv.mapDel(NODES_KEY, node);
      await kv.del(ticketsKey(node));
      this.seenAlive.delete(node);
      this.absentSince.delete(node);
      this.logger.info({ node, tickets: orphans.length }, 'reaped the citizens of a dead node');
    }
  }

  /** Drops a waiting/offered ticket that no socket holds anywhere (the drop grace starts now). */
  private async dropIfAbsent(id: string): Promise<void> {
    const parsed = TicketId.safeParse(id);
    if (!parsed.success) return;
    const ticket = await this.ctx.store.getTicket(parsed.data);
    if (!ticket || ticket.dropDeadline !== null) return;
    if (ticket.state !== 'waiting' && ticket.state !== 'offered') return;
    const present = await this.ctx.io.of('/citizen').in(rooms.ticket(id)).fetchSockets();
    if (present.length > 0) return;
    try {
      await this.ctx.store.drop(ticket.id, Date.now());
      this.ctx.matcher.kick();
      this.logger.info({ ticket: ticket.id }, 'ticket of a dead node dropped: grace starts');
    } catch (error) {
      if (!(error instanceof AblakError)) throw error;
    }
  }

  /**
   * Stops beating (call before the sockets are closed): the last ticket list is written and the
   * alive key goes at once, so other nodes reap the citizens who do not come back.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    try {
      await this.ctx.kv.set(ticketsKey(this.nodeId), JSON.stringify(this.localTickets()), LIST_TTL_SECONDS);
      await this.ctx.kv.del(aliveKey(this.nodeId));
    } catch {
      // The KV may already be gone; the alive key expires on its own.
    }
  }
}

function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
