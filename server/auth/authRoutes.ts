import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError, errors } from '../errors.js';
import { parseInput } from '../http/validate.js';
import {
  authenticateByPhone,
  getUserView,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  PHONE_PATTERN,
  publicUserView,
  registerParty,
  userServiceDeps,
} from '../users/userService.js';
import { describeRetry, LoginLimiter, type LoginLimits } from './loginLimiter.js';
import { authenticate, currentUser } from './middleware.js';
import { ROLES, signAccessToken } from './tokens.js';

const registerBody = z.object({
  name: z.string().trim().min(1).max(100),
  // The checksum and birth date are checked by checkIdNumber, which explains what is wrong.
  idNumber: z.string().trim().min(1).max(32),
  phone: z.string().trim().regex(PHONE_PATTERN, 'must be a mainland China mobile number (11 digits starting with 13-19)'),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
});

const loginBody = z.object({
  // Not format-checked: a malformed phone simply matches no account, like an unknown one.
  phone: z.string().trim().min(1).max(32),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

const userView = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(z.enum(ROLES)),
  courtId: z.string().optional(),
});
const userResponse = z.object({ user: userView });
const loginResponse = z.object({ token: z.string(), user: userView });

/** Field-specific codes, so a client can point at the right input without parsing text. */
const FIELD_CODES: Record<string, string> = {
  idNumber: 'INVALID_ID_NUMBER',
  phone: 'INVALID_PHONE',
  password: 'PASSWORD_TOO_SHORT',
};

function parseRegistration(body: unknown): z.infer<typeof registerBody> {
  try {
    return parseInput(registerBody, body);
  } catch (err) {
    const issues = err instanceof AppError ? (err.details as { path: string }[] | undefined) : undefined;
    const code = FIELD_CODES[issues?.[0]?.path ?? ''];
    if (err instanceof AppError && code) throw errors.validation(err.message, err.details, code);
    throw err;
  }
}

const INVALID_CREDENTIALS_MESSAGE = 'The phone number or password is not correct.';

export interface AuthRouteOptions {
  /** Tests pass a fake clock or other limits; production uses the defaults. */
  limiter?: { limits?: Partial<LoginLimits>; now?: () => number };
}

export function authRoutes(ctx: AppContext, options: AuthRouteOptions = {}): Router {
  const router = Router();
  const deps = userServiceDeps(ctx);
  const limiter = new LoginLimiter(options.limiter?.limits, options.limiter?.now);

  ctx.api.add({
    method: 'post',
    path: '/api/auth/register',
    summary: 'Register a party account (real name, resident ID number, mobile phone).',
    tags: ['auth'],
    auth: false,
    body: registerBody,
    responses: {
      201: { description: 'The account was created.', schema: userResponse },
      400: { description: 'INVALID_ID_NUMBER, INVALID_PHONE, PASSWORD_TOO_SHORT or VALIDATION_FAILED.' },
      409: { description: 'PHONE_TAKEN or ID_NUMBER_TAKEN.' },
    },
  });
  router.post('/api/auth/register', async (req, res) => {
    const input = parseRegistration(req.body);
    const user = await registerParty(deps, input);
    const { id, name, roles } = publicUserView(user);
    res.status(201).json({ user: { id, name, roles } });
  });

  ctx.api.add({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Log in with phone number and password; returns a one-hour access token.',
    tags: ['auth'],
    auth: false,
    body: loginBody,
    responses: {
      200: { description: 'Logged in.', schema: loginResponse },
      401: { description: 'INVALID_CREDENTIALS (the same for an unknown phone and a wrong password).' },
      429: { description: 'RATE_LIMITED: too many failed attempts; see the Retry-After header.' },
    },
  });
  router.post('/api/auth/login', async (req, res) => {
    const { phone, password } = parseInput(loginBody, req.body);
    const phoneHash = deps.cipher.lookupHash('phone', phone);
    const ip = clientIp(req);
    const decision = limiter.check(phoneHash, ip);
    if (!decision.allowed) {
      res.setHeader('Retry-After', String(decision.retryAfterSeconds));
      throw errors.rateLimited(
        `Too many failed log-in attempts. Please try again in ${describeRetry(decision.retryAfterSeconds)}.`,
      );
    }
    const user = await authenticateByPhone(deps, phone, password);
    if (!user) {
      limiter.recordFailure(phoneHash, ip);
      ctx.logger.info({ ip }, 'log-in failed');
      throw errors.unauthorised(INVALID_CREDENTIALS_MESSAGE, 'INVALID_CREDENTIALS');
    }
    limiter.recordSuccess(phoneHash);
    const view = publicUserView(user);
    res.json({ token: signAccessToken(view, ctx.config.jwtSecret), user: view });
  });

  ctx.api.add({
    method: 'get',
    path: '/api/auth/me',
    summary: 'The logged-in user.',
    tags: ['auth'],
    auth: true,
    responses: {
      200: { description: 'The user the token belongs to.', schema: userResponse },
      401: { description: 'UNAUTHORISED, TOKEN_INVALID or TOKEN_EXPIRED.' },
      404: { description: 'USER_NOT_FOUND: the account no longer exists.' },
    },
  });
  router.get('/api/auth/me', authenticate(ctx), async (req, res) => {
    res.json({ user: await getUserView(deps, currentUser(req).id) });
  });

  return router;
}

/** express resolves X-Forwarded-For per the app's 'trust proxy' setting. */
function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
