import { Router } from 'express';
import type { SfuNode } from './node';

/** `/healthz` (200 while a worker lives and the node is not closing, else 503) and `/metrics`. */
export function createOpsRouter(node: SfuNode): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const health = node.health();
    res.status(health.ok ? 200 : 503).json(health);
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', node.metrics.contentType);
    res.send(await node.metrics.metrics());
  });
  return router;
}
