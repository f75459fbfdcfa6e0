import type { CallSummary, Offer } from '@ablak/protocol';
import type { Catalogue } from '../queue/catalogue';
import type { CallRecord, OfferRecord } from '../store/types';

export function callSummary(call: CallRecord): CallSummary {
  return {
    callId: call.id,
    queue: call.queue,
    caseType: call.caseType,
    clerkId: call.clerkId,
    clerkName: call.clerkName,
    citizenName: call.citizenName,
    startedAt: call.startedAt,
    caseReference: call.caseReference,
    room: call.room,
  };
}

/** What the clerk sees of an offered ticket. */
export function offerView(offer: OfferRecord, catalogue: Catalogue): Offer {
  const t = offer.ticket;
  const caseType = catalogue.caseTypes.get(t.caseType);
  return {
    ticketId: t.id,
    queue: t.queue,
    caseType: t.caseType,
    caseTypeName: caseType?.name ?? { hu: t.caseType, en: t.caseType },
    citizenFirstName: t.displayName,
    language: t.language,
    accessibility: t.accessibility,
    priority: t.priority,
    enqueuedAt: t.enqueuedAt,
    deadline: offer.deadline,
    offeredAt: offer.offeredAt,
    transferNote: t.transferNote,
  };
}
