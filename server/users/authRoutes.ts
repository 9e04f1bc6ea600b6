import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError, errors } from '../errors.js';
import { parseInput } from '../http/validate.js';
import {
  authenticateByPhone,
  checkRegistration,
  getUserView,
  phoneRegistered,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  PHONE_PATTERN,
  publicUserView,
  registerParty,
  userServiceDeps,
} from './userService.js';
import type { SmsProvider } from '../mail/sms.js';
import { LoginLimiter, type LoginLimits } from '../auth/loginLimiter.js';
import { authenticate, currentUser } from '../auth/middleware.js';
import { consume, MemoryRateLimitStore, type CountLimit, type RateLimitStore } from '../auth/rateLimitStore.js';
import { clientIp, rateLimitedError } from '../auth/rateLimitReply.js';
import { SMS_CODE_PATTERN, SMS_CODE_TTL_MS, SmsCodes } from '../auth/smsCodes.js';
import { ROLES, signAccessToken } from '../auth/tokens.js';

const registerBody = z.object({
  name: z.string().trim().min(1).max(100),
  // The checksum and birth date are checked by checkIdNumber, which explains what is wrong.
  idNumber: z.string().trim().min(1).max(32),
  phone: z.string().trim().regex(PHONE_PATTERN, 'must be a mainland China mobile number (11 digits starting with 13-19)'),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
  /** The one-time code POST /api/auth/sms-code sent to `phone`: proof the person holds it. */
  smsCode: z.string().trim().regex(SMS_CODE_PATTERN, 'must be the 6-digit code sent by SMS'),
});

const loginBody = z.object({
  // Not format-checked: a malformed phone simply matches no account, like an unknown one.
  phone: z.string().trim().min(1).max(32),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  /** Optional log-in code (POST /api/auth/sms-code, purpose login): lets the owner past guessing delays. */
  smsCode: z.string().trim().regex(SMS_CODE_PATTERN, 'must be the 6-digit code sent by SMS').optional(),
});

const smsCodeBody = z.object({
  phone: z.string().trim().regex(PHONE_PATTERN, 'must be a mainland China mobile number (11 digits starting with 13-19)'),
  purpose: z.enum(['register', 'login']).default('register'),
});
const smsCodeResponse = z.object({ sent: z.literal(true), expiresInSeconds: z.number() });

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
  smsCode: 'SMS_CODE_INVALID',
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

/**
 * Asking for codes and registering. Per phone is the real bound (a code costs the holder's
 * attention); per address is generous, since many people share a carrier's or an office's
 * address, but still stops one client from walking through phone numbers.
 */
export const SMS_CODE_LIMITS = {
  perPhone: { max: 1, windowMs: 60_000 },
  perPhoneDaily: { max: 10, windowMs: 24 * 60 * 60 * 1000 },
  perIp: { max: 100, windowMs: 60 * 60 * 1000 },
} satisfies Record<string, CountLimit>;
export const REGISTER_LIMIT_PER_IP: CountLimit = { max: 100, windowMs: 60 * 60 * 1000 };

export interface AuthRouteOptions {
  /** Tests pass a fake clock or other limits; production uses the defaults. */
  limiter?: { limits?: Partial<LoginLimits>; now?: () => number };
  /** Where counters live (in-process by default; see rateLimitStore.ts). */
  store?: RateLimitStore;
}

export function authRoutes(ctx: AppContext, sms: SmsProvider, options: AuthRouteOptions = {}): Router {
  const router = Router();
  const deps = userServiceDeps(ctx);
  const store = options.store ?? ctx.sharedRateLimits?.('auth') ?? new MemoryRateLimitStore();
  const limiter = new LoginLimiter(options.limiter?.limits, options.limiter?.now, store);
  const codes = new SmsCodes(ctx.connection, deps.cipher, sms);
  const now = () => Date.now();

  ctx.api.add({
    method: 'post',
    path: '/api/auth/sms-code',
    summary: 'Send a one-time code by SMS (purpose register or login). The answer is the same whether or not the phone has an account.',
    tags: ['auth'],
    auth: false,
    body: smsCodeBody,
    responses: {
      202: { description: 'A message was sent (a code, or a note that the phone already has an account).', schema: smsCodeResponse },
      400: { description: 'INVALID_PHONE or VALIDATION_FAILED.' },
      429: { description: 'RATE_LIMITED: see Retry-After.' },
    },
  });
  router.post('/api/auth/sms-code', async (req, res) => {
    const input = parseSmsCodeRequest(req.body);
    const phoneHash = deps.cipher.lookupHash('phone', input.phone);
    const ip = clientIp(req);
    for (const [key, limit] of [
      [`sms:phone:${input.purpose}:${phoneHash}`, SMS_CODE_LIMITS.perPhone],
      [`sms:phoneDay:${phoneHash}`, SMS_CODE_LIMITS.perPhoneDaily],
      [`sms:ip:${ip}`, SMS_CODE_LIMITS.perIp],
    ] as const) {
      const decision = await consume(store, key, limit, now());
      if (!decision.allowed) throw rateLimitedError(res, decision.retryAfterSeconds, 'Too many text messages were asked for.', '短信发送过于频繁，');
    }
    const registered = await phoneRegistered(deps, phoneHash);
    if (input.purpose === 'register' && registered) {
      // The same answer as for a new phone: only the phone's holder learns it has an account.
      await codes.notify(
        input.phone,
        '【微法庭】有人使用此手机号申请注册。此号码已注册微法庭账号，请直接登录；忘记密码可用短信验证码登录。如非本人操作，请忽略。' +
          ' Someone tried to register microcourt with this phone, which already has an account: please log in instead.',
      );
    } else if (input.purpose === 'register' || registered) {
      await codes.issue(input.phone, input.purpose);
    }
    res.status(202).json({ sent: true, expiresInSeconds: SMS_CODE_TTL_MS / 1000 });
  });

  ctx.api.add({
    method: 'post',
    path: '/api/auth/register',
    summary: 'Register a party account (real name, resident ID number, mobile phone).',
    tags: ['auth'],
    auth: false,
    body: registerBody,
    responses: {
      201: { description: 'The account was created.', schema: userResponse },
      400: { description: 'INVALID_ID_NUMBER, INVALID_PHONE, PASSWORD_TOO_SHORT, SMS_CODE_INVALID, SMS_CODE_EXPIRED or VALIDATION_FAILED.' },
      409: {
        description:
          'PHONE_TAKEN (only to the proven holder of the phone) or ID_NUMBER_TAKEN (the ID number is held by another account: ask the court to review it, POST /api/identity-reviews).',
      },
      429: { description: 'RATE_LIMITED: too many registrations from this address; see Retry-After.' },
    },
  });
  router.post('/api/auth/register', async (req, res) => {
    const input = parseRegistration(req.body);
    const decision = await consume(store, `register:ip:${clientIp(req)}`, REGISTER_LIMIT_PER_IP, now());
    if (!decision.allowed) throw rateLimitedError(res, decision.retryAfterSeconds, 'Too many registrations from this address.', '注册过于频繁，');
    // Field checks first (cheap, and a typo should not cost a code try), then the phone proof.
    await checkRegistration(input);
    await codes.require(input.phone, 'register', input.smsCode, { consume: false });
    const user = await registerParty(deps, input);
    await codes.consumeNow(input.phone, 'register');
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
      400: { description: 'SMS_CODE_INVALID or SMS_CODE_EXPIRED (only when smsCode is given).' },
      401: { description: 'INVALID_CREDENTIALS (the same for an unknown phone and a wrong password).' },
      403: { description: 'ACCOUNT_DEACTIVATED: a court administrator deactivated this staff account.' },
      429: {
        description:
          'RATE_LIMITED: too many failed attempts; see the Retry-After header. The owner of the account gets past the per-account delay with a log-in code (POST /api/auth/sms-code, purpose login).',
      },
    },
  });
  router.post('/api/auth/login', async (req, res) => {
    const { phone, password, smsCode } = parseInput(loginBody, req.body);
    const attempt = { phoneHash: deps.cipher.lookupHash('phone', phone), ip: clientIp(req), ownerProven: false };
    if (smsCode !== undefined) {
      await codes.require(phone, 'login', smsCode, { consume: true });
      attempt.ownerProven = true;
    }
    // Counted before the password is checked: parallel guesses cannot outrun the count.
    const decision = await limiter.begin(attempt);
    if (!decision.allowed) {
      throw rateLimitedError(
        res,
        decision.retryAfterSeconds,
        decision.scope === 'account'
          ? 'Too many failed log-in attempts for this account. If it is yours, ask for a log-in code by SMS to log in now.'
          : 'Too many failed log-in attempts.',
        decision.scope === 'account' ? '该账号登录失败次数过多。如是本人，可获取短信验证码立即登录，或' : '登录失败次数过多，',
      );
    }
    const user = await authenticateByPhone(deps, phone, password);
    if (!user) {
      ctx.logger.info({ ip: attempt.ip }, 'log-in failed');
      throw errors.unauthorised(INVALID_CREDENTIALS_MESSAGE, 'INVALID_CREDENTIALS');
    }
    await limiter.succeeded(attempt);
    if (user.deactivatedAt) {
      throw errors.forbidden('This account has been deactivated by the court administrator.', 'ACCOUNT_DEACTIVATED');
    }
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

function parseSmsCodeRequest(body: unknown): z.infer<typeof smsCodeBody> {
  try {
    return parseInput(smsCodeBody, body);
  } catch (err) {
    const issues = err instanceof AppError ? (err.details as { path: string }[] | undefined) : undefined;
    if (err instanceof AppError && issues?.[0]?.path === 'phone') throw errors.validation(err.message, err.details, 'INVALID_PHONE');
    throw err;
  }
}
