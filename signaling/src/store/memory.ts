/**
 * MemoryStore: the embedded default and the unit tests' store. One process, one Desk; each method
 * runs one desk step synchronously, so it is atomic by construction.
 */
import { SFU_NODE_TTL_MS } from '@ablak/protocol';
import type {
  CallEndReason,
  CallId,
  CaseReference,
  ClerkId,
  ClerkView,
  QueueId,
  QueuePosition,
  QueueStats,
  SfuNodeId,
  SfuNodeInfo,
  TicketId,
  TransferTarget,
} from '@ablak/protocol';
import type { Catalogue } from '../queue/catalogue';
import { positionById, positionsOf, statsOf } from '../queue/figures';
import { Desk } from '../queue/steps';
import type {
  AfterWrapUp,
  CallRecord,
  ClerkProfile,
  EndCallResult,
  EnqueueInput,
  MatchOptions,
  OfferRecord,
  RequestedClerkState,
  Store,
  StoreListener,
  StoreOptions,
  SweepResult,
  TicketRecord,
  TransferResult,
} from './types';

export class MemoryStore implements Store {
  readonly catalogue: Catalogue;
  private readonly desk: Desk;
  private readonly listeners = new Set<StoreListener>();
  private readonly sfuNodes = new Map<SfuNodeId, SfuNodeInfo>();
  private closed = false;

  constructor(catalogue: Catalogue, options: StoreOptions = {}) {
    this.catalogue = catalogue;
    this.desk = new Desk(catalogue, {
      ...(options.dropGraceSeconds !== undefined && { dropGraceSeconds: options.dropGraceSeconds }),
      ...(options.rejectDelaySeconds !== undefined && { rejectDelaySeconds: options.rejectDelaySeconds }),
      ...(options.retentionSeconds !== undefined && { retentionSeconds: options.retentionSeconds }),
    });
  }

  /** Runs one desk step; its events go out only when it succeeded. */
  private step<T>(fn: (desk: Desk) => T): Promise<T> {
    let result: T;
    try {
      result = fn(this.desk);
    } catch (error) {
      this.desk.drainEvents();
      return Promise.reject(error);
    }
    const events = this.desk.drainEvents();
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch {
          // a listener cannot break the store
        }
      }
    }
    return Promise.resolve(result);
  }

  private read<T>(fn: (desk: Desk) => T): Promise<T> {
    try {
      return Promise.resolve(fn(this.desk));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  enqueue(input: EnqueueInput, now: number): Promise<TicketRecord> {
    return this.step((d) => d.enqueue(input, now));
  }
  cancel(ticketId: TicketId, now: number): Promise<TicketRecord> {
    return this.step((d) => d.cancel(ticketId, now));
  }
  drop(ticketId: TicketId, now: number): Promise<TicketRecord> {
    return this.step((d) => d.drop(ticketId, now));
  }
  resume(ticketId: TicketId, resumeSecret: string, now: number): Promise<TicketRecord> {
    return this.step((d) => d.resume(ticketId, resumeSecret, now));
  }
  getTicket(ticketId: TicketId): Promise<TicketRecord | null> {
    return this.read((d) => d.tickets.get(ticketId) ?? null);
  }
  registerClerk(profile: ClerkProfile, now: number): Promise<ClerkView> {
    return this.step((d) => d.registerClerk(profile, now));
  }
  setClerkState(clerkId: ClerkId, requested: RequestedClerkState, now: number): Promise<ClerkView> {
    return this.step((d) => d.setClerkState(clerkId, requested, now));
  }
  getClerk(clerkId: ClerkId): Promise<ClerkView | null> {
    return this.read((d) => {
      const c = d.clerks.get(clerkId);
      return c ? d.view(c, Date.now()) : null;
    });
  }
  clerkViews(): Promise<ClerkView[]> {
    return this.read((d) => [...d.clerks.values()].map((c) => d.view(c, Date.now())));
  }
  match(now: number, options: MatchOptions = {}): Promise<OfferRecord[]> {
    return this.step((d) => d.match(now, options.limit ?? 100));
  }
  currentOffer(clerkId: ClerkId): Promise<OfferRecord | null> {
    return this.read((d) => d.currentOffer(clerkId));
  }
  accept(clerkId: ClerkId, ticketId: TicketId, now: number): Promise<CallRecord> {
    return this.step((d) => d.accept(clerkId, ticketId, now));
  }
  decline(clerkId: ClerkId, ticketId: TicketId, now: number): Promise<void> {
    return this.step((d) => d.decline(clerkId, ticketId, now));
  }
  sweep(now: number): Promise<SweepResult> {
    return this.step((d) => d.sweep(now));
  }
  endCall(callId: CallId, reason: CallEndReason, now: number): Promise<EndCallResult> {
    return this.step((d) => d.endCall(callId, reason, now));
  }
  wrapUpDone(clerkId: ClerkId, next: AfterWrapUp, now: number): Promise<ClerkView> {
    return this.step((d) => d.wrapUpDone(clerkId, next, now));
  }
  transfer(callId: CallId, target: TransferTarget, note: string, now: number): Promise<TransferResult> {
    return this.step((d) => d.transfer(callId, target, note, now));
  }
  position(ticketId: TicketId, _now: number): Promise<QueuePosition> {
    return this.read((d) => positionById(d, ticketId));
  }
  positions(queue: QueueId, _now: number, limit = 1000): Promise<QueuePosition[]> {
    return this.read((d) => positionsOf(d, queue, limit));
  }
  queueStats(now: number, queues?: QueueId[]): Promise<QueueStats[]> {
    return this.read((d) => statsOf(d, now, queues));
  }
  getCall(callId: CallId): Promise<CallRecord | null> {
    return this.read((d) => d.calls.get(callId) ?? null);
  }
  activeCalls(): Promise<CallRecord[]> {
    return this.read((d) => [...d.activeCalls].flatMap((id) => d.calls.get(id) ?? []));
  }
  openCase(callId: CallId, now: number, reference?: CaseReference): Promise<CaseReference> {
    return this.step((d) => d.openCase(callId, now, reference));
  }
  nextCaseReference(year: number): Promise<CaseReference> {
    return this.step((d) => d.nextCaseReference(year));
  }
  rateCall(callId: CallId, rating: number, comment: string | null, now: number): Promise<CallRecord> {
    return this.step((d) => d.rateCall(callId, rating, comment, now));
  }
  putSfuNode(info: SfuNodeInfo): Promise<void> {
    this.sfuNodes.set(info.id, info);
    return Promise.resolve();
  }
  removeSfuNode(id: SfuNodeId): Promise<void> {
    this.sfuNodes.delete(id);
    return Promise.resolve();
  }
  liveSfuNodes(now: number): Promise<SfuNodeInfo[]> {
    return Promise.resolve([...this.sfuNodes.values()].filter((n) => now - n.updatedAt < SFU_NODE_TTL_MS));
  }
  subscribe(listener: StoreListener): Promise<() => void> {
    this.listeners.add(listener);
    return Promise.resolve(() => void this.listeners.delete(listener));
  }
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.listeners.clear();
    }
    return Promise.resolve();
  }
}
