import { Router, type Request } from 'express';
import multer from 'multer';
import { AblakError, CallId, DOCUMENT_MAX_BYTES, ok } from '@ablak/protocol';
import type { AppContext } from '../context';
import type { Documents } from '../documents/documents';
import { pushCitizen, pushClerk } from '../realtime/push';
import { rooms } from '../context';
import type { CallRecord } from '../store/types';
import { bearer, parse } from './validate';
import type { Session } from '../auth/tokens';

/** POST/GET /api/calls/:id/documents[/:docId]: shared photos and PDFs, for the call's two peers only. */
export function documentRoutes(ctx: AppContext, documents: Documents): Router {
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: DOCUMENT_MAX_BYTES, files: 1, fields: 4, parts: 6, fieldSize: 1024 },
  });
  const logger = ctx.logger.child({ module: 'documents' });

  async function peerCall(req: Request): Promise<{ call: CallRecord; session: Session }> {
    const session = await bearer(req, ctx.tokens);
    const callId = parse(CallId, req.params.id);
    const call = await ctx.store.getCall(callId);
    if (!call) throw new AblakError('CALL_NOT_FOUND', 'Call not found');
    const isPeer =
      (session.role === 'citizen' && session.ticket === call.ticketId) ||
      (session.role === 'clerk' && session.sub === call.clerkId);
    if (!isPeer) throw new AblakError('FORBIDDEN', "Only the call's participants can see its documents");
    return { call, session };
  }

  router.post('/calls/:id/documents', async (req, res) => {
    // Authorise before reading the body, so strangers cannot make us buffer 10 MB.
    const { call, session } = await peerCall(req);
    if (call.endedAt !== null) throw new AblakError('CONFLICT', 'The call has ended');
    await new Promise<void>((resolve, reject) =>
      upload.single('file')(req, res, (err: unknown) => (err ? reject(err) : resolve())),
    );
    const file = req.file;
    if (!file) throw new AblakError('BAD_REQUEST', 'Multipart field "file" is required');
    const doc = await documents.save(
      call,
      { name: file.originalname, bytes: file.buffer },
      session.role,
      Date.now(),
    );
    pushCitizen(ctx.io.of('/citizen').to(rooms.ticket(call.ticketId)), 'document:shared', doc);
    pushClerk(ctx.io.of('/clerk').to(rooms.clerk(call.clerkId)), 'document:shared', doc);
    logger.info({ call: call.id, document: doc.id, size: doc.size, type: doc.mimeType }, 'document shared');
    res.status(201).json(ok({ document: doc }));
  });

  router.get('/calls/:id/documents', async (req, res) => {
    const { call } = await peerCall(req);
    res.set('Cache-Control', 'no-store');
    res.json(ok({ documents: await documents.list(call) }));
  });

  router.get('/calls/:id/documents/:docId', async (req, res) => {
    const { call, session } = await peerCall(req);
    const { doc, bytes } = await documents.read(call, String(req.params.docId));
    ctx.records.audit.record({
      actorId: session.role === 'citizen' ? call.ticketId : session.sub,
      actorRole: session.role,
      action: 'document.opened',
      reason: 'in call',
      callId: call.id,
      ticketId: call.ticketId,
      caseReference: call.caseReference,
      subject: doc.id,
    });
    res.set({
      'Content-Type': doc.mimeType,
      'Content-Length': String(bytes.length),
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(doc.name)}`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(bytes);
  });

  return router;
}
