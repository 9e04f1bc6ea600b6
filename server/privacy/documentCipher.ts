/**
 * Encryption at rest of whole documents (ID-card copies), with the same scheme
 * as personal data fields (personalData.ts): AES-256-GCM, a fresh 12-byte IV per
 * document, the version authenticated as AAD, and a key derived with HKDF from the
 * configured master key under its own label, so it is never the field key.
 *
 * Documents are encrypted as they stream in (an upload is never whole in memory),
 * so the tag, known only at the end, is stored last: `MCE2 | iv | ciphertext | tag`.
 * Documents stored before streaming have the tag first (`MCE1 | iv | tag | ciphertext`)
 * and are still read. Either way a modified file fails its tag.
 */
import crypto from 'node:crypto';
import { Transform } from 'node:stream';

const MAGIC_V1 = Buffer.from('MCE1');
const MAGIC_V2 = Buffer.from('MCE2');
const MAGIC_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = Buffer.from('microcourt/personal-data');
const INFO = Buffer.from('microcourt/documents/v1/aes-256-gcm');

/** Marker in a stored document's metadata: its bytes are one of the formats above. */
export const DOCUMENT_ENCRYPTION = 'aes-256-gcm/v1';
export const DOCUMENT_ENCRYPTION_STREAMED = 'aes-256-gcm/v2';
/** What encryption adds to a document's size. */
export const DOCUMENT_ENCRYPTION_OVERHEAD = MAGIC_BYTES + IV_BYTES + TAG_BYTES;

export interface DocumentCipher {
  /** A stream that turns the plaintext written to it into the stored form (MCE2). */
  encryptStream(): Transform;
  /** The plaintext of a stored document (either format); throws if it was altered. */
  decrypt(stored: Buffer): Buffer;
}

export function createDocumentCipher(master: Buffer): DocumentCipher {
  if (master.length !== 32) throw new RangeError(`The data encryption key must be 32 bytes, got ${master.length}`);
  const key = Buffer.from(crypto.hkdfSync('sha256', master, HKDF_SALT, INFO, 32));

  const open = (magic: Buffer, iv: Buffer, tag: Buffer, body: Buffer): Buffer => {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(magic);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new Error('Stored document failed its integrity check (wrong key or altered data).');
    }
  };

  return {
    encryptStream() {
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(MAGIC_V2);
      let started = false;
      const header = (t: Transform) => {
        if (!started) t.push(Buffer.concat([MAGIC_V2, iv]));
        started = true;
      };
      return new Transform({
        transform(chunk: Buffer, _encoding, done) {
          header(this);
          done(null, cipher.update(chunk));
        },
        flush(done) {
          header(this);
          this.push(cipher.final());
          done(null, cipher.getAuthTag());
        },
      });
    },
    decrypt(stored) {
      const magic = stored.subarray(0, MAGIC_BYTES);
      if (stored.length < DOCUMENT_ENCRYPTION_OVERHEAD) throw new Error('Stored document is too short to be encrypted.');
      const iv = stored.subarray(MAGIC_BYTES, MAGIC_BYTES + IV_BYTES);
      if (magic.equals(MAGIC_V2)) {
        return open(MAGIC_V2, iv, stored.subarray(-TAG_BYTES), stored.subarray(MAGIC_BYTES + IV_BYTES, -TAG_BYTES));
      }
      if (magic.equals(MAGIC_V1)) {
        const bodyAt = MAGIC_BYTES + IV_BYTES + TAG_BYTES;
        return open(MAGIC_V1, iv, stored.subarray(MAGIC_BYTES + IV_BYTES, bodyAt), stored.subarray(bodyAt));
      }
      throw new Error('Stored document has an unknown format.');
    },
  };
}
