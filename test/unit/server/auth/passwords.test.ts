import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_PARAMS,
  hashPassword,
  needsRehash,
  PasswordHashFormatError,
  verifyPassword,
} from '../../../../server/auth/passwords.js';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('stores its parameters and a random salt with the hash', async () => {
    const a = await hashPassword('demo-password-1');
    const b = await hashPassword('demo-password-1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toContain('demo-password-1');
  });

  it('verifies hashes made with other parameters and says they need a rehash', async () => {
    const cheap = await hashPassword('a long enough password', { N: 2 ** 10, r: 8, p: 1 });
    expect(await verifyPassword('a long enough password', cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(await hashPassword('x', DEFAULT_SCRYPT_PARAMS))).toBe(false);
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const stored = await hashPassword('密码-caf\u00e9-12345');
    expect(await verifyPassword('密码-cafe\u0301-12345', stored)).toBe(true);
  });

  it('rejects malformed or hostile stored hashes instead of running them', async () => {
    await expect(verifyPassword('x', 'plain-text')).rejects.toThrow(PasswordHashFormatError);
    await expect(verifyPassword('x', 'scrypt$1048577$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43))).rejects.toThrow(/out-of-range/);
    await expect(verifyPassword('x', 'scrypt$' + 2 ** 30 + '$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43))).rejects.toThrow(/out-of-range/);
    await expect(verifyPassword('x', 'scrypt$1024$8$1$AA$AA')).rejects.toThrow(/truncated/);
  });
});
