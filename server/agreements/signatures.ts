/**
 * Platform signatures on agreements. The platform vouches that the signer,
 * logged in with their own session, assented to the document with this hash
 * at this time: an HMAC under a server key binds the four together, so a
 * record edited in the database (another time, another hash, another signer)
 * no longer verifies.
 */
import crypto from 'node:crypto';

export interface SignedFields {
  agreementId: string;
  userId: string;
  signedAt: string;
  documentSha256: string;
}

const INFO = 'microcourt-signature';

/**
 * The signing key, derived from the JWT secret with HKDF-SHA256 (empty salt,
 * info 'microcourt-signature'), so it is never the key that signs tokens.
 */
export function deriveSignatureKey(jwtSecret: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', Buffer.from(jwtSecret, 'utf8'), Buffer.alloc(0), INFO, 32));
}

/**
 * The signed message. None of the fields can contain '|' (UUID, hex user id,
 * ISO instant, hex hash), so the joined string is unambiguous.
 */
export function signedMessage(f: SignedFields): string {
  return [f.agreementId, f.userId, f.signedAt, f.documentSha256].join('|');
}

export function signFields(key: Buffer, f: SignedFields): string {
  return crypto.createHmac('sha256', key).update(signedMessage(f), 'utf8').digest('hex');
}

export function checkSignature(key: Buffer, f: SignedFields, signature: string): boolean {
  const expected = Buffer.from(signFields(key, f), 'hex');
  const given = Buffer.from(signature, 'hex');
  // timingSafeEqual throws on different lengths; a wrong length is simply a wrong signature.
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
