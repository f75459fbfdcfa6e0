/**
 * Turns the live store's events into record ops. Every node receives every event, and every node
 * records it: ops are idempotent, so the database keeps each fact once, and a node that dies mid-way
 * loses nothing another node also saw. What the events do not carry (a rating, a case, a note, a
 * chat line) is recorded by the handler that did it, through the `Records` methods.
 */
import type { QueueId, TicketId } from '@ablak/protocol';
import type { Logger } from 'pino';
import type { Directory } from '../directory/directory';
import type { Catalogue } from '../queue/catalogue';
import type { CallRecord, Store, StoreEvent } from '../store/types';
import type { Outbox } from './outbox';

export interface RecorderDeps {
  store: Store;
  catalogue: Catalogue;
  directory: Directory;
  outbox: Outbox;
  logger: Logger;
  /** A leg of a contact that already has a case started: the new call gets the same reference. */
  onLegStarted?: (call: CallRecord) => void;
}

export class Recorder {
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: RecorderDeps) {}

  /** Events seen in this turn of the event loop, recorded after it (in order). */
  private pending: StoreEvent[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private readonly inflight = new Set<Promise<void>>();

  async start(): Promise<void> {
    // The MemoryStore calls listeners inside its step: recording waits until the step's caller (an
    // accept, say) has had its answer, so not even the spool append sits on that path.
    this.unsubscribe = await this.deps.store.subscribe((event) => {
      this.pending.push(event);
      this.scheduled ??= setImmediate(() => this.drain());
    });
  }

  private drain(): void {
    this.scheduled = null;
    const events = this.pending;
    this.pending = [];
    for (const event of events) {
      const done = this.onEvent(event)
        .catch((error: unknown) => this.deps.logger.error({ err: error, event: event.type }, 'recording an event failed'))
        .finally(() => this.inflight.delete(done));
      this.inflight.add(done);
    }
  }

  /** Resolves once every event seen so far has been turned into ops (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.scheduled || this.inflight.size > 0) {
      if (this.scheduled) await new Promise((resolve) => setImmediate(resolve));
      else await Promise.allSettled([...this.inflight]);
    }
  }

  private office(clerkId: string) {
    const staff = this.deps.directory.staffById(clerkId);
    const office = staff ? this.deps.directory.office(staff.office) : undefined;
    return { office: office?.id ?? staff?.office ?? null, region: office?.region ?? null };
  }

  private inTarget(queue: QueueId, waitSeconds: number): boolean {
    const def = this.deps.catalogue.queues.get(queue);
    return def ? waitSeconds <= def.targetAnswerSeconds : false;
  }

  private async onEvent(event: StoreEvent): Promise<void> {
    const { outbox } = this.deps;
    switch (event.type) {
      case 'ticket:moved':
        if (event.reason === 'enqueued') await this.queued(event.ticketId, event.queue);
        else if (event.reason === 'cancelled' || event.reason === 'expired') {
          outbox.record({
            kind: 'contact.abandoned',
            ticketId: event.ticketId,
            queue: event.queue,
            state: event.reason === 'cancelled' ? 'abandoned' : 'expired',
            at: Date.now(),
          });
        }
        return;
      case 'offer:made':
        outbox.record({ kind: 'offer.made', ticketId: event.offer.ticket.id, clerkId: event.offer.clerkId, offeredAt: event.offer.offeredAt });
        return;
      case 'offer:withdrawn':
        outbox.record({
          kind: 'offer.decided',
          ticketId: event.ticketId,
          clerkId: event.clerkId,
          outcome: event.reason === 'timeout' ? 'missed' : event.reason === 'declined' ? 'declined' : 'withdrawn',
          at: Date.now(),
        });
        return;
      case 'call:started': {
        const call = event.call;
        outbox.record({
          kind: 'leg.started',
          callId: call.id,
          ticketId: call.ticketId,
          clerkId: call.clerkId,
          clerkName: call.clerkName,
          ...this.office(call.clerkId),
          queue: call.queue,
          startedAt: call.startedAt,
          waitSeconds: Math.max(0, call.waitedSeconds),
          inTarget: this.inTarget(call.queue, call.waitedSeconds),
        });
        this.deps.onLegStarted?.(call);
        return;
      }
      case 'call:ended': {
        const call = event.call;
        outbox.record({
          kind: 'leg.ended',
          callId: call.id,
          ticketId: call.ticketId,
          endedAt: call.endedAt ?? Date.now(),
          endReason: call.endReason ?? 'clerk_ended',
          final: call.endReason !== 'transferred',
        });
        if (call.endReason === 'transferred') await this.transferred(call);
        return;
      }
      default:
        return;
    }
  }

  /** Ticket details are not in the event: read them once from the live store. */
  private async queued(ticketId: TicketId, queue: QueueId): Promise<void> {
    const ticket = await this.deps.store.getTicket(ticketId);
    if (!ticket) return;
    this.deps.outbox.record({
      kind: 'contact.queued',
      ticketId,
      channel: 'video',
      caseType: ticket.caseType,
      queue,
      language: ticket.language,
      accessibility: ticket.accessibility,
      priority: ticket.priority,
      citizenName: ticket.displayName,
      queuedAt: ticket.enqueuedAt,
    });
  }

  /** The ticket is waiting again (in the target queue or for the named clerk), with the note. */
  private async transferred(call: CallRecord): Promise<void> {
    const ticket = await this.deps.store.getTicket(call.ticketId);
    this.deps.outbox.record({
      kind: 'contact.transferred',
      fromCallId: call.id,
      ticketId: call.ticketId,
      at: call.endedAt ?? Date.now(),
      fromClerk: call.clerkId,
      toQueue: ticket && !ticket.directClerk ? ticket.queue : null,
      toClerk: ticket?.directClerk ?? null,
      reason: ticket?.transferNote ?? '',
    });
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.drain();
  }
}
