/**
 * HTTP routes of the record (`recordRoutes` in protocol): the history CSV export, a past case's
 * document, the privacy notice. Each read of personal data is audited.
 */
import { AblakError, CaseReference, HistoryQuery, ok } from '@ablak/protocol';
import { Router } from 'express';
import type { TokenService } from '../auth/tokens';
import { bearer, parse } from '../http/validate';
import { historyCsv } from './history';
import type { Records } from './records';

export function recordHttpRoutes(records: Records, tokens: TokenService): Router {
  const router = Router();

  router.get('/privacy', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.json(ok({ notice: records.privacyNotice() }));
  });

  router.get('/records/history.csv', async (req, res) => {
    const session = await bearer(req, tokens);
    if (session.role !== 'supervisor') throw new AblakError('FORBIDDEN', 'Supervisors only');
    const query = parse(HistoryQuery, req.query);
    const rows = await records.store().history(query);
    records.audit.record({
      actorId: session.sub,
      actorRole: 'supervisor',
      action: 'record.exported',
      reason: 'history export',
      subject: JSON.stringify(query).slice(0, 500),
    });
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="ablak-history-${query.bucket}.csv"`,
      'Cache-Control': 'private, no-store',
    });
    res.send(historyCsv(rows));
  });

  router.get('/cases/:reference/documents/:docId', async (req, res) => {
    const session = await bearer(req, tokens);
    if (session.role !== 'clerk' && session.role !== 'supervisor')
      throw new AblakError('FORBIDDEN', 'Staff only');
    const reference = parse(CaseReference, req.params.reference);
    const store = records.store();
    const summary = await store.caseSummary(reference);
    const stored = summary ? await store.getDocument(String(req.params.docId)) : null;
    if (!summary || !stored || stored.ticketId !== summary.ticketId)
      throw new AblakError('NOT_FOUND', 'No such document (or its retention ended)');
    if (session.role === 'clerk' && !(await store.servedBy(summary.ticketId, session.sub)))
      throw new AblakError('FORBIDDEN', 'Only the clerks who served a contact can open its documents');
    records.audit.record({
      actorId: session.sub,
      actorRole: session.role,
      action: 'document.opened',
      reason: 'case lookup',
      caseReference: reference,
      ticketId: summary.ticketId,
      callId: stored.doc.callId,
      subject: stored.doc.id,
    });
    res.set({
      'Content-Type': stored.doc.mimeType,
      'Content-Length': String(stored.bytes.length),
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(stored.doc.name)}`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(stored.bytes);
  });

  return router;
}
