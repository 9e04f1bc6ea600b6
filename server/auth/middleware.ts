import type { Request, RequestHandler } from 'express';
import { errors } from '../errors.js';
import { verifyAccessToken, type AuthUser, type Role } from './tokens.js';

declare global {
  // Express's own extension point for per-request data is this global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `authenticate`; read it through `currentUser(req)`. */
      user?: AuthUser;
    }
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Requires `Authorization: Bearer <jwt>` and sets `req.user`. Takes only the secret's holder
 * (an AppContext fits), so auth/ stays below context.ts and http/ can use it.
 */
export function authenticate(ctx: { config: { jwtSecret: string } }): RequestHandler {
  return (req, _res, next) => {
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (!match?.[1]) {
      next(errors.unauthorised());
      return;
    }
    try {
      req.user = verifyAccessToken(match[1], ctx.config.jwtSecret);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Lets the request through when the user holds any one of `roles`. Mount after `authenticate`. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const user = req.user;
    if (!user) {
      next(errors.unauthorised());
      return;
    }
    next(user.roles.some((r) => roles.includes(r)) ? undefined : errors.forbidden());
  };
}

/** The authenticated user; 401 if the route forgot `authenticate` or it did not run. */
export function currentUser(req: Request): AuthUser {
  if (!req.user) throw errors.unauthorised();
  return req.user;
}
