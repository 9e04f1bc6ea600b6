import { z } from 'zod';
import { signToken, verifyToken, type TokenPurpose } from '../auth/signedTokens.js';
import { errors } from '../errors.js';

/**
 * A <video> element cannot send the Authorization header, so playback uses a URL
 * with its own token: good for one recording, for minutes, and for nothing else
 * (its audience differs from the login token's). A URL that leaks into a log or
 * the browser history is useless soon after.
 */
export const STREAM_TOKEN_TTL_SECONDS = 5 * 60;

const STREAM: TokenPurpose = {
  audience: 'microcourt-recording',
  ttlSeconds: STREAM_TOKEN_TTL_SECONDS,
  expired: { message: 'This playback link has expired. Press play again for a new one.', code: 'STREAM_TOKEN_EXPIRED' },
  invalid: { message: 'This playback link is not valid.', code: 'STREAM_TOKEN_INVALID' },
};

const claimsSchema = z.object({ sub: z.string().min(1), rec: z.string().min(1) });

export function signStreamToken(userId: string, recordingId: string, secret: string, ttlSeconds = STREAM_TOKEN_TTL_SECONDS): string {
  return signToken(STREAM, secret, userId, { rec: recordingId }, { ttlSeconds });
}

/** The user the token was issued to, if it is valid for `recordingId`. */
export function verifyStreamToken(token: string, recordingId: string, secret: string): string {
  const claims = verifyToken(STREAM, secret, token, claimsSchema);
  if (claims.rec !== recordingId) throw errors.unauthorised(STREAM.invalid.message, STREAM.invalid.code);
  return claims.sub;
}
