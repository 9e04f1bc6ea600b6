/**
 * Password hashing with scrypt (memory-hard, so GPU guessing is expensive). The parameters
 * are stored with each hash, so they can be raised later without breaking existing accounts:
 * old hashes keep verifying with their own parameters and `needsRehash` says when to upgrade.
 *
 * Format: `scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>`.
 */
import crypto from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** ~32 MiB and tens of milliseconds per hash: OWASP's scrypt recommendation or above. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Upper bounds when reading a stored hash, so a corrupted or hostile value cannot make one
// log-in allocate gigabytes.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

export class PasswordHashFormatError extends Error {
  override name = 'PasswordHashFormatError';
}

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Node's default maxmem (32 MiB) is exactly what N=2^15, r=8 needs and then refuses;
    // allow twice the requirement.
    const maxmem = 2 * 128 * params.N * params.r;
    crypto.scrypt(password.normalize('NFC'), salt, KEY_BYTES, { ...params, maxmem }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new PasswordHashFormatError('Not a scrypt password hash.');
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const isPowerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!isPowerOfTwo || N > MAX_N || !Number.isInteger(r) || r < 1 || r > MAX_R || !Number.isInteger(p) || p < 1 || p > MAX_P) {
    throw new PasswordHashFormatError('The password hash has out-of-range parameters.');
  }
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length < 16) throw new PasswordHashFormatError('The password hash is truncated.');
  return { params: { N, r, p }, salt, key };
}

/** True when the password matches. A malformed stored hash is a data fault and throws. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { params, salt, key } = parseHash(stored);
  const candidate = await scrypt(password, salt, params);
  // Lengths are equal by construction unless the stored key length changed; timingSafeEqual
  // throws on a length mismatch, so compare lengths first (that leaks nothing secret).
  return candidate.length === key.length && crypto.timingSafeEqual(candidate, key);
}

/** True when the stored hash was made with other parameters than `params`. */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parsed = parseHash(stored).params;
  return parsed.N !== params.N || parsed.r !== params.r || parsed.p !== params.p;
}
