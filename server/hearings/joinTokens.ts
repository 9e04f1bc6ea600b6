import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { errors } from '../errors.js';
import type { HearingRole } from '../protocol/hearing.js';

/** Join tokens live minutes, not hours: a leaked link stops working quickly. */
export const JOIN_TOKEN_TTL_SECONDS = 10 * 60;
const AUDIENCE = 'microcourt-hearing';
const ISSUER = 'microcourt';

export interface JoinClaims {
  userId: string;
  hearingId: string;
  role: HearingRole;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  hid: z.string().min(1),
  role: z.enum(['judge', 'clerk', 'mediator', 'party', 'representative', 'witness', 'interpreter', 'observer']),
});

/**
 * A token scoped to one hearing and one role, separate from the login token
 * (different audience), so a login token never opens a hearing and a join
 * token never calls the REST API.
 */
export function signJoinToken(claims: JoinClaims, secret: string, ttlSeconds = JOIN_TOKEN_TTL_SECONDS): string {
  return jwt.sign({ hid: claims.hearingId, role: claims.role }, secret, {
    algorithm: 'HS256',
    subject: claims.userId,
    audience: AUDIENCE,
    issuer: ISSUER,
    expiresIn: ttlSeconds,
  });
}

export function verifyJoinToken(token: unknown, secret: string): JoinClaims {
  if (typeof token !== 'string' || token === '') throw errors.unauthorised('A hearing join token is required.', 'JOIN_TOKEN_MISSING');
  let payload: unknown;
  try {
    payload = jwt.verify(token, secret, { algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER });
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) {
      throw errors.unauthorised('This hearing link has expired. Ask for a new one from the case page.', 'JOIN_TOKEN_EXPIRED');
    }
    throw errors.unauthorised('This hearing link is not valid.', 'JOIN_TOKEN_INVALID');
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) throw errors.unauthorised('This hearing link is not valid.', 'JOIN_TOKEN_INVALID');
  return { userId: parsed.data.sub, hearingId: parsed.data.hid, role: parsed.data.role };
}
