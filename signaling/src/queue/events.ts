/** Events of the desk: what changed, for every signaling node to push to its sockets. */
import type { ClerkId, ClerkView, QueueId, TicketId, TicketState } from '@ablak/protocol';
import type { CallRecord, OfferRecord } from './model';

export type TicketMoveReason =
  | 'enqueued'
  | 'offered'
  | 'offer_returned'
  | 'connected'
  | 'transferred'
  | 'dropped'
  | 'resumed'
  | 'cancelled'
  | 'expired'
  | 'ended';

export type DeskEvent =
  /** A ticket changed state or place; other positions in `queue` may have moved. */
  | { type: 'ticket:moved'; ticketId: TicketId; queue: QueueId; state: TicketState; reason: TicketMoveReason }
  | { type: 'offer:made'; offer: OfferRecord }
  | { type: 'offer:withdrawn'; clerkId: ClerkId; ticketId: TicketId; reason: 'timeout' | 'cancelled' | 'declined' }
  | { type: 'clerk:state-changed'; clerk: ClerkView }
  | { type: 'call:started'; call: CallRecord }
  | { type: 'call:ended'; call: CallRecord; wrapUpUntil: number }
  /** Figures of these queues changed (waiting, staffing, answers): refresh supervisor boards. */
  | { type: 'stats:changed'; queues: QueueId[] };
