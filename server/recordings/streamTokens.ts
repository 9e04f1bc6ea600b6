import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { errors } from '../errors.js';

/**
 * A <video> element cannot send the Authorization header, so playback uses a URL
 * with its own token: good for one recording, for minutes, and for nothing else
 * (its audience differs from the login token's). A URL that leaks into a log or
 * the browser history is useless soon after.
 */
export const STREAM_TOKEN_TTL_SECONDS = 5 * 60;
const AUDIENCE = 'microcourt-recording';
const ISSUER = 'microcourt';

const claimsSchema = z.object({ sub: z.string().min(1), rec: z.string().min(1) });

export function signStreamToken(userId: string, recordingId: string, secret: string, ttlSeconds = STREAM_TOKEN_TTL_SECONDS): string {
  return jwt.sign({ rec: recordingId }, secret, { algorithm: 'HS256', subject: userId, audience: AUDIENCE, issuer: ISSUER, expiresIn: ttlSeconds });
}

/** The user the token was issued to, if it is valid for `recordingId`. */
export function verifyStreamToken(token: string, recordingId: string, secret: string): string {
  let payload: unknown;
  try {
    payload = jwt.verify(token, secret, { algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER });
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) {
      throw errors.unauthorised('This playback link has expired. Press play again for a new one.', 'STREAM_TOKEN_EXPIRED');
    }
    throw errors.unauthorised('This playback link is not valid.', 'STREAM_TOKEN_INVALID');
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success || parsed.data.rec !== recordingId) throw errors.unauthorised('This playback link is not valid.', 'STREAM_TOKEN_INVALID');
  return parsed.data.sub;
}
