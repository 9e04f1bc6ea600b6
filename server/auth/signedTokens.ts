/**
 * The platform's signed tokens: HS256 JWTs with one audience per purpose (logging in,
 * joining a hearing, playing a recording), so a token issued for one purpose never
 * opens another, and each says in its own words when it has expired or is not valid.
 */
import jwt from 'jsonwebtoken';
import type { z } from 'zod';
import { errors } from '../errors.js';

const ISSUER = 'microcourt';

export interface TokenPurpose {
  audience: string;
  ttlSeconds: number;
  expired: { message: string; code: string };
  invalid: { message: string; code: string };
}

export interface TokenOptions {
  ttlSeconds?: number;
  /** Only for tests: issue or check the token as if it were this time. */
  now?: Date;
}

export function signToken(purpose: TokenPurpose, secret: string, subject: string, claims: Record<string, unknown>, options: TokenOptions = {}): string {
  // jsonwebtoken computes exp from iat, so setting iat is how a test issues a token "in the past".
  const payload = options.now ? { ...claims, iat: Math.floor(options.now.getTime() / 1000) } : claims;
  return jwt.sign(payload, secret, {
    algorithm: 'HS256',
    subject,
    audience: purpose.audience,
    issuer: ISSUER,
    expiresIn: options.ttlSeconds ?? purpose.ttlSeconds,
  });
}

/** The token's claims, checked against `schema`; 401 with the purpose's expired or invalid code otherwise. */
export function verifyToken<T>(purpose: TokenPurpose, secret: string, token: string, schema: z.ZodType<T>, options: Pick<TokenOptions, 'now'> = {}): T {
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, secret, {
      // Pinning the algorithm stops "alg: none" and key-confusion tricks.
      algorithms: ['HS256'],
      audience: purpose.audience,
      issuer: ISSUER,
      ...(options.now ? { clockTimestamp: Math.floor(options.now.getTime() / 1000) } : {}),
    });
  } catch (err) {
    const why = err instanceof jwt.TokenExpiredError ? purpose.expired : purpose.invalid;
    throw errors.unauthorised(why.message, why.code);
  }
  const claims = schema.safeParse(decoded);
  if (!claims.success) throw errors.unauthorised(purpose.invalid.message, purpose.invalid.code);
  return claims.data;
}
