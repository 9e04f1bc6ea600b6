/**
 * Codes any socket request may be refused with, whatever it asks; a request's own
 * refusals (NOT_HOST, HEARING_CLOSED, ...) carry their codes the same way.
 */
export const ACK_ERROR_CODES = {
  /** The payload failed the request's schema. */
  validation: 'VALIDATION_FAILED',
  /** Too many requests of this class from this connection. */
  rateLimited: 'RATE_LIMITED',
  /** A /hearing request before hearing:join. */
  notJoined: 'NOT_JOINED',
  /** Something failed on the server's side; the message says nothing more. */
  internal: 'INTERNAL',
} as const;

/** Codes a refused /hearing handshake carries in the connect error's `data`. */
export const JOIN_ERROR_CODES = {
  missing: 'JOIN_TOKEN_MISSING',
  invalid: 'JOIN_TOKEN_INVALID',
  expired: 'JOIN_TOKEN_EXPIRED',
  /** This participant's connections were cut for flooding or reconnect too often; wait and try again. */
  rateLimited: 'RATE_LIMITED',
} as const;

/** Every socket request is acknowledged with exactly one of these. */
export interface AckError {
  code: string;
  message: string;
}
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type AckCallback<T> = (ack: Ack<T>) => void;
