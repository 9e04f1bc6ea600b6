/**
 * Encryption at rest of whole documents (ID-card copies), with the same scheme
 * as personal data fields (personalData.ts): AES-256-GCM, a fresh 12-byte IV per
 * document, the version authenticated as AAD, and a key derived with HKDF from the
 * configured master key under its own label, so it is never the field key. The
 * stored form is `MCE1 | iv | tag | ciphertext`; a modified file fails its tag.
 */
import crypto from 'node:crypto';

const MAGIC = Buffer.from('MCE1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = Buffer.from('microcourt/personal-data');
const INFO = Buffer.from('microcourt/documents/v1/aes-256-gcm');

export const DOCUMENT_ENCRYPTION = 'aes-256-gcm/v1';

export interface DocumentCipher {
  encrypt(plain: Buffer): Buffer;
  decrypt(stored: Buffer): Buffer;
}

export function createDocumentCipher(master: Buffer): DocumentCipher {
  if (master.length !== 32) throw new RangeError(`The data encryption key must be 32 bytes, got ${master.length}`);
  const key = Buffer.from(crypto.hkdfSync('sha256', master, HKDF_SALT, INFO, 32));
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(MAGIC);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
    },
    decrypt(stored) {
      if (!stored.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('Stored document has an unknown format.');
      const iv = stored.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
      const tag = stored.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(MAGIC);
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(stored.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]);
      } catch {
        throw new Error('Stored document failed its integrity check (wrong key or altered data).');
      }
    },
  };
}
