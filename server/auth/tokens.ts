/**
 * Access tokens: short-lived HS256 JWTs. The token carries the user's roles and court so
 * that authorisation does not need a database read on every request; the one-hour lifetime
 * bounds how long a role change or a disabled account can lag behind.
 */
import { z } from 'zod';
import { signToken, verifyToken, type TokenPurpose } from './signedTokens.js';

export type Role = 'party' | 'clerk' | 'judge' | 'mediator' | 'admin';

export const ROLES = ['party', 'clerk', 'judge', 'mediator', 'admin'] as const satisfies readonly Role[];

/** The roles of a court's staff: everyone but a party. */
export const STAFF_ROLES = ['clerk', 'judge', 'mediator', 'admin'] as const satisfies readonly Role[];

export function hasStaffRole(roles: readonly Role[]): boolean {
  return roles.some((r) => (STAFF_ROLES as readonly Role[]).includes(r));
}

export interface AuthUser {
  id: string;
  name: string;
  roles: Role[];
  courtId?: string;
}

export const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;

const ACCESS: TokenPurpose = {
  audience: 'microcourt',
  ttlSeconds: ACCESS_TOKEN_TTL_SECONDS,
  expired: { message: 'Your session has expired. Please log in again.', code: 'TOKEN_EXPIRED' },
  invalid: { message: 'The access token is not valid. Please log in again.', code: 'TOKEN_INVALID' },
};

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
  const claims: Record<string, unknown> = { name: user.name, roles: user.roles };
  if (user.courtId !== undefined) claims.courtId = user.courtId;
  return signToken(ACCESS, secret, user.id, claims, clock);
}

/** The user a token was issued to; 401 TOKEN_EXPIRED or TOKEN_INVALID otherwise. */
export function verifyAccessToken(token: string, secret: string, clock: TokenClock = {}): AuthUser {
  const { sub, name, roles, courtId } = verifyToken(ACCESS, secret, token, claimsSchema, clock);
  return courtId === undefined ? { id: sub, name, roles } : { id: sub, name, roles, courtId };
}
