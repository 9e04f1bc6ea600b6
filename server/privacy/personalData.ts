/**
 * Field-level protection of personal data (ID numbers, phone numbers).
 *
 * Values are stored encrypted with AES-256-GCM, so a leaked database dump or backup does not
 * leak identities, and a modified ciphertext is detected rather than decrypted to garbage.
 * Because the encryption is randomised (a fresh IV each time), equal values cannot be found
 * by comparing ciphertexts; uniqueness and log-in look-up use a keyed hash (HMAC-SHA256)
 * instead. It is keyed so that the 18-digit ID space (or the ~10^10 phone space) cannot be
 * brute-forced from the database alone, which a plain SHA-256 would allow in minutes.
 *
 * Both keys are derived from the one configured master key with HKDF, so an encryption key
 * is never also used as a MAC key.
 */
import crypto from 'node:crypto';

export type LookupKind = 'idNumber' | 'phone' | 'accessCode';

export interface PersonalDataCipher {
  /** Encrypt one value; the result is `v1:<iv>:<tag>:<ciphertext>` in base64url. */
  encrypt(plain: string): string;
  /** Decrypt a value written by `encrypt`; throws PersonalDataError if it was altered. */
  decrypt(stored: string): string;
  /** Keyed hash of a normalised value, for unique indexes and look-ups. */
  lookupHash(kind: LookupKind, value: string): string;
}

export class PersonalDataError extends Error {
  override name = 'PersonalDataError';
}

const VERSION = 'v1';
const IV_BYTES = 12; // the size GCM is designed for
const TAG_BYTES = 16;
// A fixed, public salt is fine for HKDF over a uniformly random master key (RFC 5869 3.1);
// it only separates this application's derivations from any other use of the same key.
const HKDF_SALT = Buffer.from('microcourt/personal-data');
const ENCRYPTION_INFO = Buffer.from('microcourt/personal-data/v1/aes-256-gcm');
const LOOKUP_INFO = Buffer.from('microcourt/personal-data/v1/hmac-sha256-lookup');

function deriveKey(master: Buffer, info: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', master, HKDF_SALT, info, 32));
}

/**
 * The value as it is compared: an ID number's trailing x and a phone's spacing must not make
 * one person two people.
 */
function normaliseForLookup(kind: LookupKind, value: string): string {
  const trimmed = value.trim();
  if (kind === 'accessCode') return trimmed.toUpperCase().replace(/[\s-]/g, '');
  return kind === 'idNumber' ? trimmed.toUpperCase() : trimmed.replace(/[\s-]/g, '');
}

export function createPersonalDataCipher(key: Buffer): PersonalDataCipher {
  if (key.length !== 32) throw new RangeError(`The data encryption key must be 32 bytes, got ${key.length}`);
  const encryptionKey = deriveKey(key, ENCRYPTION_INFO);
  const lookupKey = deriveKey(key, LOOKUP_INFO);
  // The version is authenticated too, so a value cannot be relabelled as another format.
  const aad = Buffer.from(VERSION);

  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', encryptionKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join(':');
    },

    decrypt(stored) {
      const parts = stored.split(':');
      if (parts.length !== 4 || parts[0] !== VERSION) {
        throw new PersonalDataError('Stored personal data has an unknown format.');
      }
      const iv = Buffer.from(parts[1] ?? '', 'base64url');
      const tag = Buffer.from(parts[2] ?? '', 'base64url');
      const ciphertext = Buffer.from(parts[3] ?? '', 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new PersonalDataError('Stored personal data has an unknown format.');
      }
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', encryptionKey, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        // Do not echo OpenSSL's message: it says nothing useful and may end up in a response.
        throw new PersonalDataError('Stored personal data failed its integrity check (wrong key or altered data).');
      }
    },

    lookupHash(kind, value) {
      // The kind is part of the MAC input so an ID number and a phone never share a hash.
      return crypto
        .createHmac('sha256', lookupKey)
        .update(`${kind}\u0000${normaliseForLookup(kind, value)}`, 'utf8')
        .digest('base64url');
    },
  };
}
