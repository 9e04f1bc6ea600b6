import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPersonalDataCipher, PersonalDataError } from '../../../../server/privacy/personalData.js';

const key = Buffer.alloc(32, 7);
const cipher = createPersonalDataCipher(key);

/** Flip one bit of one byte of the base64url field at `index` of a stored value. */
function tamper(stored: string, index: number, byte = 0): string {
  const parts = stored.split(':');
  const field = Buffer.from(parts[index] ?? '', 'base64url');
  field[byte] = (field[byte] ?? 0) ^ 0x01;
  parts[index] = field.toString('base64url');
  return parts.join(':');
}

describe('personal data encryption', () => {
  it('round-trips ID numbers, phones and non-ASCII text', () => {
    for (const plain of ['11010519491231002X', '13800000001', '张三 (Zhang San)', '']) {
      const stored = cipher.encrypt(plain);
      expect(stored).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]*$/);
      expect(cipher.decrypt(stored)).toBe(plain);
    }
  });

  it('never stores the plaintext and never repeats a ciphertext', () => {
    const a = cipher.encrypt('11010519491231002X');
    const b = cipher.encrypt('11010519491231002X');
    expect(a).not.toBe(b);
    expect(a).not.toContain('11010519491231002X');
    expect(Buffer.from(a.split(':')[3] ?? '', 'base64url').toString('latin1')).not.toContain('1949');
  });

  it('detects a flipped ciphertext, tag or IV byte', () => {
    const stored = cipher.encrypt('13800000001');
    expect(() => cipher.decrypt(tamper(stored, 3))).toThrow(PersonalDataError);
    expect(() => cipher.decrypt(tamper(stored, 3, 10))).toThrow(PersonalDataError);
    expect(() => cipher.decrypt(tamper(stored, 2))).toThrow(PersonalDataError);
    expect(() => cipher.decrypt(tamper(stored, 1))).toThrow(PersonalDataError);
  });

  it('refuses another key, an unknown version and malformed input', () => {
    const stored = cipher.encrypt('13800000001');
    expect(() => createPersonalDataCipher(Buffer.alloc(32, 8)).decrypt(stored)).toThrow(PersonalDataError);
    expect(() => cipher.decrypt(stored.replace(/^v1:/, 'v2:'))).toThrow(/unknown format/);
    expect(() => cipher.decrypt('13800000001')).toThrow(/unknown format/);
    expect(() => cipher.decrypt('v1:AAAA:BBBB:CCCC')).toThrow(/unknown format/);
  });

  it('requires a 256-bit key', () => {
    expect(() => createPersonalDataCipher(Buffer.alloc(16))).toThrow(RangeError);
  });
});

describe('look-up hashes', () => {
  it('are stable for the same value and key', () => {
    expect(cipher.lookupHash('phone', '13800000001')).toBe(cipher.lookupHash('phone', '13800000001'));
    expect(cipher.lookupHash('phone', '13800000001')).toMatch(/^[\w-]{43}$/);
  });

  it('are keyed: a different key gives a different hash, and it is not a plain SHA-256', () => {
    const other = createPersonalDataCipher(Buffer.alloc(32, 9));
    expect(other.lookupHash('phone', '13800000001')).not.toBe(cipher.lookupHash('phone', '13800000001'));
    for (const input of ['13800000001', 'phone\u000013800000001']) {
      expect(cipher.lookupHash('phone', '13800000001')).not.toBe(crypto.createHash('sha256').update(input).digest('base64url'));
    }
  });

  it('separate kinds and normalise case and spacing', () => {
    expect(cipher.lookupHash('phone', '110105194912310021')).not.toBe(cipher.lookupHash('idNumber', '110105194912310021'));
    expect(cipher.lookupHash('idNumber', '11010519491231002x')).toBe(cipher.lookupHash('idNumber', ' 11010519491231002X'));
    expect(cipher.lookupHash('phone', '138 0000 0001')).toBe(cipher.lookupHash('phone', '13800000001'));
    expect(cipher.lookupHash('phone', '13800000002')).not.toBe(cipher.lookupHash('phone', '13800000001'));
  });

  it('do not depend on the encryption subkey (derived separately)', () => {
    // Same master key, so same hash, even though every ciphertext differs.
    expect(createPersonalDataCipher(Buffer.from(key)).lookupHash('idNumber', '11010519491231002X')).toBe(
      cipher.lookupHash('idNumber', '11010519491231002X'),
    );
  });
});
