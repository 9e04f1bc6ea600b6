import { z } from 'zod';
import { signToken, verifyToken, type TokenPurpose } from '../auth/signedTokens.js';
import { errors } from '../errors.js';
import { JOIN_ERROR_CODES } from '../../protocol/ack.js';
import { HEARING_ROLES, type HearingRole } from '../../protocol/hearing.js';

/** Join tokens live minutes, not hours: a leaked link stops working quickly. */
export const JOIN_TOKEN_TTL_SECONDS = 10 * 60;

const JOIN: TokenPurpose = {
  audience: 'microcourt-hearing',
  ttlSeconds: JOIN_TOKEN_TTL_SECONDS,
  expired: { message: 'This hearing link has expired. Ask for a new one from the case page.', code: JOIN_ERROR_CODES.expired },
  invalid: { message: 'This hearing link is not valid.', code: JOIN_ERROR_CODES.invalid },
};

export interface JoinClaims {
  userId: string;
  hearingId: string;
  role: HearingRole;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  hid: z.string().min(1),
  role: z.enum(HEARING_ROLES),
});

/**
 * A token scoped to one hearing and one role, separate from the login token
 * (different audience), so a login token never opens a hearing and a join
 * token never calls the REST API.
 */
export function signJoinToken(claims: JoinClaims, secret: string, ttlSeconds = JOIN_TOKEN_TTL_SECONDS): string {
  return signToken(JOIN, secret, claims.userId, { hid: claims.hearingId, role: claims.role }, { ttlSeconds });
}

export function verifyJoinToken(token: unknown, secret: string): JoinClaims {
  if (typeof token !== 'string' || token === '') throw errors.unauthorised('A hearing join token is required.', JOIN_ERROR_CODES.missing);
  const claims = verifyToken(JOIN, secret, token, claimsSchema);
  return { userId: claims.sub, hearingId: claims.hid, role: claims.role };
}
