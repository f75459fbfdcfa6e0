import { Router } from 'express';
import { AblakError, LoginRequest, RefreshRequest, ok, type LoginResponse } from '@ablak/protocol';
import type { AppContext } from '../context';
import type { StaffRecord } from '../directory/types';
import { SharedRateLimiter } from './rate-limit';
import { clientIp, parse } from './validate';

/** POST /api/auth/login, POST /api/auth/refresh: staff sign-in against the directory. */
export function authRoutes(ctx: AppContext): Router {
  const router = Router();
  const limiter = new SharedRateLimiter(ctx.kv, 'logins', ctx.config.loginsPerIpPerMinute, 60_000);
  const logger = ctx.logger.child({ module: 'auth' });

  function issue(staff: StaffRecord): LoginResponse {
    const { token, expiresAt } = ctx.tokens.signSession({
      sub: staff.id,
      role: staff.role,
      office: staff.office,
      name: staff.displayName,
    });
    return {
      token,
      refreshToken: ctx.tokens.signRefresh(staff.id, staff.role),
      expiresAt,
      user: {
        id: staff.id,
        role: staff.role,
        displayName: staff.displayName,
        office: staff.office,
        skills: staff.skills,
        languages: staff.languages,
      },
    };
  }

  router.post('/login', async (req, res) => {
    await limiter.check(clientIp(req));
    const body = parse(LoginRequest, req.body);
    const staff = await ctx.directory.authenticate(body.username, body.password);
    if (!staff) {
      logger.info('login refused');
      throw new AblakError('UNAUTHORIZED', 'Wrong username or password');
    }
    logger.info({ staff: staff.id, role: staff.role }, 'signed in');
    res.json(ok(issue(staff)));
  });

  router.post('/refresh', async (req, res) => {
    await limiter.check(clientIp(req));
    const body = parse(RefreshRequest, req.body);
    const claims = ctx.tokens.verifyRefresh(body.refreshToken);
    const staff = ctx.directory.staffById(claims.sub);
    if (!staff || staff.role !== claims.role)
      throw new AblakError('UNAUTHORIZED', 'Account no longer exists');
    res.json(ok(issue(staff)));
  });

  return router;
}
