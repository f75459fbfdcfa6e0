/**
 * Socket handlers of the record requests (clerk: "my cases", case lookup; supervisor: history,
 * audit search, case lookup). Every read of personal data is audited here, in one place.
 */
import {
  AblakError,
  type CaseDetail,
  type CaseReference,
  type ClerkRecordRequests,
  type SupervisorRecordRequests,
} from '@ablak/protocol';
import type { HandlerFns } from '../realtime/handler';
import type { Records } from './records';

interface Reader {
  id: string;
  role: 'clerk' | 'supervisor';
}

/** Opens a case for `reader` and records each kind of personal data it shows. */
async function findCase(records: Records, reference: CaseReference, reason: string, reader: Reader): Promise<CaseDetail> {
  const store = records.store();
  const detail = await store.caseDetail(reference);
  if (!detail) throw new AblakError('NOT_FOUND', 'No case with that reference');
  if (reader.role === 'clerk' && !(await store.servedBy(detail.ticketId, reader.id)))
    throw new AblakError('FORBIDDEN', 'Only the clerks who served a contact can open its case');
  const base = { actorId: reader.id, actorRole: reader.role, reason, caseReference: detail.reference, ticketId: detail.ticketId };
  records.audit.record({ ...base, action: 'case.read' });
  if (detail.notes.length > 0) records.audit.record({ ...base, action: 'notes.read', subject: `${detail.notes.length} notes` });
  if (detail.chat.length > 0) records.audit.record({ ...base, action: 'chat.read', subject: `${detail.chat.length} messages` });
  if (detail.documents.length > 0)
    records.audit.record({ ...base, action: 'documents.listed', subject: detail.documents.map((d) => d.id).join(' ') });
  return detail;
}

export function clerkRecordHandlers<S>(records: Records, clerkOf: (session: S) => string): HandlerFns<ClerkRecordRequests, S> {
  return {
    'records:my-contacts': async (query, { session, now }) => {
      const clerkId = clerkOf(session);
      const contacts = await records.store().myContacts(clerkId, query, now);
      if (contacts.length > 0)
        records.audit.record({
          actorId: clerkId,
          actorRole: 'clerk',
          action: 'contact.read',
          reason: 'my cases',
          subject: `${contacts.length} contacts`,
        });
      return { contacts };
    },
    'case:find': async ({ reference, reason }, { session }) => ({
      case: await findCase(records, reference, reason, { id: clerkOf(session), role: 'clerk' }),
    }),
  };
}

export function supervisorRecordHandlers<S>(
  records: Records,
  supervisorOf: (session: S) => string,
): HandlerFns<SupervisorRecordRequests, S> {
  return {
    'history:query': async (query) => ({ rows: await records.store().history(query) }),
    'audit:search': async (query, { session }) => {
      const entries = await records.store().searchAudit(query);
      records.audit.record({
        actorId: supervisorOf(session),
        actorRole: 'supervisor',
        action: 'audit.searched',
        reason: 'audit search',
        caseReference: query.caseReference ?? null,
        subject: query.actorId ? `actor ${query.actorId}` : null,
      });
      return { entries };
    },
    'case:find': async ({ reference, reason }, { session }) => ({
      case: await findCase(records, reference, reason, { id: supervisorOf(session), role: 'supervisor' }),
    }),
  };
}
