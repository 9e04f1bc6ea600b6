/**
 * Access tokens: short-lived HS256 JWTs. The token carries the user's roles and court so
 * that authorisation does not need a database read on every request; the one-hour lifetime
 * bounds how long a role change or a disabled account can lag behind.
 */
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { errors } from '../errors.js';

export type Role = 'party' | 'clerk' | 'judge' | 'mediator' | 'admin';

export const ROLES = ['party', 'clerk', 'judge', 'mediator', 'admin'] as const satisfies readonly Role[];

export interface AuthUser {
  id: string;
  name: string;
  roles: Role[];
  courtId?: string;
}

export const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
const AUDIENCE = 'microcourt';
const ISSUER = 'microcourt';

const claimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string(),
  roles: z.array(z.enum(ROLES)),
  courtId: z.string().min(1).optional(),
});

export interface TokenClock {
  /** Only for tests: issue or check the token as if it were this time. */
  now?: Date;
}

export function signAccessToken(user: AuthUser, secret: string, clock: TokenClock = {}): string {
  const payload: Record<string, unknown> = { name: user.name, roles: user.roles };
  if (user.courtId !== undefined) payload.courtId = user.courtId;
  // jsonwebtoken computes exp from iat, so setting iat is how a test issues a token "in the past".
  if (clock.now) payload.iat = Math.floor(clock.now.getTime() / 1000);
  return jwt.sign(payload, secret, {
    algorithm: 'HS256',
    subject: user.id,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    audience: AUDIENCE,
    issuer: ISSUER,
  });
}

/** The user a token was issued to; 401 TOKEN_EXPIRED or TOKEN_INVALID otherwise. */
export function verifyAccessToken(token: string, secret: string, clock: TokenClock = {}): AuthUser {
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, secret, {
      // Pinning the algorithm stops "alg: none" and key-confusion tricks.
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
      ...(clock.now ? { clockTimestamp: Math.floor(clock.now.getTime() / 1000) } : {}),
    });
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) {
      throw errors.unauthorised('Your session has expired. Please log in again.', 'TOKEN_EXPIRED');
    }
    throw errors.unauthorised('The access token is not valid. Please log in again.', 'TOKEN_INVALID');
  }
  const claims = claimsSchema.safeParse(decoded);
  if (!claims.success) {
    throw errors.unauthorised('The access token is not valid. Please log in again.', 'TOKEN_INVALID');
  }
  const { sub, name, roles, courtId } = claims.data;
  return courtId === undefined ? { id: sub, name, roles } : { id: sub, name, roles, courtId };
}
