import { Router } from 'express';
import { CaseTypeQuery, ok } from '@ablak/protocol';
import type { AppContext } from '../context';
import { parse } from './validate';

/** GET /api/case-types?q=&lang=&category=&limit=, GET /api/queues. */
export function catalogueRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/case-types', (req, res) => {
    const query = parse(CaseTypeQuery, req.query);
    res.set('Cache-Control', 'public, max-age=60');
    res.json(ok(ctx.search.search(query)));
  });
  router.get('/queues', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=60');
    res.json(ok({ queues: [...ctx.catalogue.queues.values()] }));
  });
  return router;
}
