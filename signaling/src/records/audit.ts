/**
 * The audit service: one row per read of personal data (who, when, what, why). Entries go through
 * the outbox like every record, so reading during a database outage is still recorded once the
 * database is back. Other modules call `audit.record({...})`; the signature stays this small.
 */
import { randomUUID } from 'node:crypto';
import type { AuditAction, AuditActorRole, CallId, CaseReference, TicketId } from '@ablak/protocol';
import type { Outbox } from './outbox';

export interface AuditInput {
  /** Who read: a staff id, a ticket id for a citizen, or the job's name for the system. */
  actorId: string;
  actorRole: AuditActorRole;
  action: AuditAction;
  /** Why: the purpose named by the screen or the job ("case lookup", "quality monitoring"). */
  reason: string;
  caseReference?: CaseReference | null;
  callId?: CallId | null;
  ticketId?: TicketId | null;
  /** What exactly (a document id, an export's query, counts); never the content itself. */
  subject?: string | null;
  /** Defaults to now. */
  at?: number;
}

export class Audit {
  constructor(private readonly outbox: Outbox) {}

  /** Records one access; returns its id. Never throws and never waits for the database. */
  record(input: AuditInput): string {
    const id = randomUUID();
    this.outbox.record({
      kind: 'audit',
      id,
      at: input.at ?? Date.now(),
      actorId: input.actorId,
      actorRole: input.actorRole,
      action: input.action,
      caseReference: input.caseReference ?? null,
      callId: input.callId ?? null,
      ticketId: input.ticketId ?? null,
      subject: input.subject ?? null,
      reason: input.reason,
    });
    return id;
  }
}
