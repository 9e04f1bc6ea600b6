import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, describe, expect, it } from 'vitest';
import type { SigningConfig } from '../../../../server/config.js';
import { renderPdf } from '../../../../server/documents/pdf.js';
import { generateIdentity, type SigningIdentity } from '../../../../server/signing/certificates.js';
import { CourtSigning, SigningConfigError } from '../../../../server/signing/courtSigning.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'court-signing-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const config = (dir: string, more: Partial<SigningConfig> = {}): SigningConfig => ({ dir, p12Path: undefined, p12Password: undefined, caPemPath: undefined, tsaUrl: undefined, tsaCaPemPath: undefined, ...more });

/** A PKCS#12 file as a CA would hand it to the court: key, certificate and chain, password-protected. */
function p12Of(identity: SigningIdentity, password: string, file: string): string {
  const key = forge.pki.privateKeyFromPem(identity.keyPem);
  const certs = [identity.certPem, ...identity.chainPem].map((p) => forge.pki.certificateFromPem(p));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm: '3des' });
  fs.writeFileSync(file, Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
  return file;
}

const pdf = () => renderPdf({ title: 'test', createdAt: '2026-01-01T00:00:00Z' }, (d) => d.text('判决书'));

describe('the court signing identity', () => {
  it('generates a development certificate on first start, marked as such, and keeps it across restarts', () => {
    const dir = tmp();
    const first = new CourtSigning(config(dir), { production: false });
    expect(first.development).toBe(true);
    expect(forge.pki.certificateFromPem(first.court.certPem).subject.getField('CN').value).toContain('DEVELOPMENT');
    const again = new CourtSigning(config(dir), { production: false });
    expect(again.court.certPem).toBe(first.court.certPem);
    expect(again.tsa.certPem).toBe(first.tsa.certPem);
  });

  it('refuses to run in production without the court\'s own certificate, or with a development one', () => {
    expect(() => new CourtSigning(config(tmp()), { production: true })).toThrow(SigningConfigError);
    const dir = tmp();
    const dev = generateIdentity({ rootName: 'r (DEVELOPMENT ONLY - not valid for court use)', leafName: 'l (DEVELOPMENT ONLY - not valid for court use)', organization: 'o', development: true });
    const file = p12Of(dev, 'pw', path.join(dir, 'dev.p12'));
    expect(() => new CourtSigning(config(dir, { p12Path: file, p12Password: 'pw' }), { production: true })).toThrow(/development certificate/);
  });

  it('signs with a configured PKCS#12 (wrong password refused) and checks the result: valid, chained, timestamped; a changed byte is not', async () => {
    const dir = tmp();
    const court = generateIdentity({ rootName: 'Test Court Root CA', leafName: 'Test People\'s Court', organization: 'Test Court', development: false });
    const file = p12Of(court, 'secret', path.join(dir, 'court.p12'));
    expect(() => new CourtSigning(config(dir, { p12Path: file, p12Password: 'wrong' }), { production: true })).toThrow(/COURT_SIGNING_P12/);
    const signing = new CourtSigning(config(dir, { p12Path: file, p12Password: 'secret' }), { production: true });
    expect(signing.development).toBe(false);
    const signed = await signing.sign(await pdf(), { reason: '测试' });
    const check = await signing.check(signed);
    expect(check).toMatchObject({ present: true, valid: true, integrity: true, chainValid: true, coversWholeDocument: true, signer: { development: false, subject: expect.stringContaining("Test People's Court") }, timestamp: { present: true, valid: true } });

    const changed = Buffer.from(signed);
    changed[100] = (changed[100] ?? 0) ^ 1;
    expect(await signing.check(changed)).toMatchObject({ valid: false, integrity: false });
    const appended = Buffer.concat([signed, Buffer.from('\n% appended after signing\n')]);
    expect(await signing.check(appended)).toMatchObject({ valid: false, coversWholeDocument: false });
    expect(await signing.check(await pdf())).toMatchObject({ present: false, valid: false });

    // A signature by another key that merely claims the name does not chain to the court's root.
    const other = new CourtSigning(config(tmp()), { production: false });
    expect(await signing.check(await other.sign(await pdf(), { reason: 'x' }))).toMatchObject({ integrity: true, chainValid: false, valid: false });
  });
});
