import { Router } from 'express';
import { AblakError, LoginRequest, LogoutRequest, RefreshRequest, ok } from '@ablak/protocol';
import { LoginGuard } from '../auth/login-guard';
import { Revocations } from '../auth/revocations';
import { StaffSessions } from '../auth/sessions';
import type { AppContext } from '../context';
import { closeSignIn } from '../realtime/auth';
import { SharedRateLimiter } from './rate-limit';
import { bearer, clientIp, parse } from './validate';

/**
 * POST /api/auth/login, /refresh, /logout: staff sign-in against the directory. Limits: attempts per
 * client address (LOGINS_PER_IP_PER_MINUTE, behind a proxy see TRUST_PROXY) and failures per account
 * (LOGIN_FAILURES_PER_ACCOUNT within LOGIN_LOCK_SECONDS).
 */
export function authRoutes(ctx: AppContext): Router {
  const router = Router();
  const { config } = ctx;
  const limiter = new SharedRateLimiter(ctx.kv, 'logins', config.loginsPerIpPerMinute, 60_000);
  const guard = new LoginGuard(ctx.kv, config.loginFailuresPerAccount, config.loginLockSeconds);
  const logger = ctx.logger.child({ module: 'auth' });
  const sessions = new StaffSessions({
    tokens: ctx.tokens,
    revocations: new Revocations(ctx.kv),
    directory: ctx.directory,
    sessionTtlSeconds: config.sessionTtlSeconds,
    refreshTtlSeconds: config.refreshTtlSeconds,
    logger,
    onRevoked: (fam) => closeSignIn(ctx.io, fam),
  });

  router.post('/login', async (req, res) => {
    await limiter.check(clientIp(req));
    const body = parse(LoginRequest, req.body);
    await guard.check(body.username);
    const staff = await ctx.directory.authenticate(body.username, body.password);
    if (!staff) {
      await guard.failed(body.username);
      logger.info('login refused');
      throw new AblakError('UNAUTHORIZED', 'Wrong username or password');
    }
    await guard.succeeded(body.username);
    logger.info({ staff: staff.id, role: staff.role }, 'signed in');
    res.json(ok(sessions.signIn(staff)));
  });

  router.post('/refresh', async (req, res) => {
    await limiter.check(clientIp(req));
    const body = parse(RefreshRequest, req.body);
    res.json(ok(await sessions.refresh(body.refreshToken)));
  });

  router.post('/logout', async (req, res) => {
    const session = await bearer(req, ctx.tokens);
    parse(LogoutRequest, req.body);
    await sessions.signOut(session);
    res.json(ok({}));
  });

  return router;
}
