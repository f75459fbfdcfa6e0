import { Router } from 'express';
import {
  NETWORK_PROBE_MAX_TTL_SECONDS,
  NetworkProbeRequest,
  ok,
  type NetworkProbeResponse,
} from '@ablak/protocol';
import type { AppContext } from '../context';
import { SharedRateLimiter } from './rate-limit';
import { clientIp, parse } from './validate';

/**
 * POST /api/network-probe: no sign-in, so a citizen can test UDP → TCP → TURN reachability before
 * taking a ticket. The grant only publishes into a room of its own and lives at most a minute.
 */
export function probeRoutes(ctx: AppContext): Router {
  const router = Router();
  const limiter = new SharedRateLimiter(ctx.kv, 'probes', ctx.config.probesPerIpPerMinute, 60_000);
  const ttlSeconds = Math.min(ctx.config.mediaGrantTtlSeconds, NETWORK_PROBE_MAX_TTL_SECONDS);

  router.post('/network-probe', async (req, res) => {
    await limiter.check(clientIp(req));
    parse(NetworkProbeRequest, req.body);
    const probe: NetworkProbeResponse = await ctx.media.probe(Date.now(), ttlSeconds);
    res.set('Cache-Control', 'no-store');
    res.json(ok(probe));
  });

  return router;
}
