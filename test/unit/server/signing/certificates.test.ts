import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateSerial, generateIdentity } from '../../../../server/signing/certificates.js';

describe('generated certificates', () => {
  it('have serials that are positive and minimally encoded, whatever the random bytes', () => {
    // The bytes that broke it: a leading zero nibble made a 0x00 pad before a byte < 0x80.
    for (const random of [Buffer.alloc(16, 0x00), Buffer.alloc(16, 0xff), Buffer.from('0019143b0fd1c421b2016f9b06b5da00', 'hex'), Buffer.from('80'.repeat(16), 'hex')]) {
      const serial = certificateSerial(random);
      expect(serial).toMatch(/^[0-9a-f]{32}$/);
      const first = Number.parseInt(serial.slice(0, 2), 16);
      expect(first).toBeGreaterThanOrEqual(0x40);
      expect(first).toBeLessThan(0x80);
      expect(serial.slice(2)).toBe(random.subarray(1).toString('hex'));
    }
    expect(() => certificateSerial(Buffer.alloc(15))).toThrow();
  });

  it('are read by OpenSSL (Node\'s X509Certificate), root and leaf, with the serial they were given', () => {
    const identity = generateIdentity({ rootName: 'Root', leafName: 'Leaf', organization: 'O', development: true });
    const leaf = new crypto.X509Certificate(identity.certPem);
    const root = new crypto.X509Certificate(identity.chainPem[0]!);
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
    for (const cert of [leaf, root]) expect(cert.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
  });
});
