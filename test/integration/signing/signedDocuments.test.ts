import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../support/api.js';
import { oneByteChanged, pdfsig } from '../../support/pdfsig.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { feeSettledCase, serve, type ServiceCase } from '../service/fixture.js';

const run = promisify(execFile);
const VALID = 'Signature Validation: Signature is Valid.';
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

interface SignatureView {
  present: boolean;
  valid: boolean;
  integrity: boolean;
  coversWholeDocument: boolean;
  chainValid: boolean;
  signer?: { subject: string; development: boolean };
  timestamp: { present: boolean; valid: boolean; time?: string; authority?: string };
}

describe('every PDF the court issues carries its digital signature with an RFC 3161 timestamp', () => {
  let server: TestServer;
  let c: ServiceCase;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signing-'));
    // A fresh signing directory: the development certificate and the TSA key are generated on this start.
    server = await startTestServer({ SIGNING_DIR: dir });
    c = await feeSettledCase(server, 41);
  });
  afterAll(async () => {
    await server?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const download = async (client: ApiClient, documentId: string) => Buffer.from(await (await client.raw(`/api/cases/${c.caseId}/documents/${documentId}`)).arrayBuffer());

  it('a court document: pdfsig says valid, and invalid after a one-byte change; /api/verify checks signature, chain and timestamp', async () => {
    const issued = await c.clerk.post<{ document: { documentId: string; sha256: string; contentHash: string } }>(`/api/cases/${c.caseId}/court-documents`, { kind: 'acceptanceNotice' });
    expect(issued.status).toBe(201);
    const bytes = await download(c.clerk, issued.body.document.documentId);
    expect(sha256(bytes)).toBe(issued.body.document.sha256);

    const report = await pdfsig(bytes);
    expect(report).toContain(VALID);
    expect(report).toContain('Total document signed');
    expect(report).toContain('DEVELOPMENT ONLY');
    const tampered = await pdfsig(oneByteChanged(bytes));
    expect(tampered).not.toContain(VALID);
    expect(tampered).toContain('Digest Mismatch');

    const verified = await new ApiClient(server.url).get<{ genuine: boolean; signature: SignatureView }>(`/api/verify/${issued.body.document.sha256}`);
    expect(verified.body.genuine).toBe(true);
    expect(verified.body.signature).toMatchObject({
      present: true,
      valid: true,
      integrity: true,
      coversWholeDocument: true,
      chainValid: true,
      signer: { development: true },
      timestamp: { present: true, valid: true, authority: expect.stringContaining('microcourt local timestamp authority') },
    });
    // The timestamp is the server's time of signing, within the request.
    expect(Math.abs(Date.parse(verified.body.signature.timestamp.time!) - Date.now())).toBeLessThan(60_000);
    // By the printed fingerprint too.
    const byPrint = await new ApiClient(server.url).get<{ signature: SignatureView }>(`/api/verify/${issued.body.document.contentHash}`);
    expect(byPrint.body.signature.valid).toBe(true);
  });

  it('a service receipt: pdfsig says valid, and invalid after a one-byte change', async () => {
    const consent = await c.plaintiff.put(`/api/cases/${c.caseId}/service-consent`, { userId: c.ids.plaintiff, ground: 'A', channel: 'platform', addresses: [{ channel: 'inbox', value: c.ids.plaintiff, confirmedByRecipient: true }] });
    expect(consent.status).toBe(200);
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'feeNotice' }, recipients: [{ userId: c.ids.plaintiff }], channels: ['inbox'] });
    const receiptId = service.recipients[0]!.receiptId;
    expect(receiptId).toEqual(expect.any(String));
    const receipt = await download(c.clerk, receiptId!);
    expect(await pdfsig(receipt)).toContain(VALID);
    expect(await pdfsig(oneByteChanged(receipt))).toContain('Digest Mismatch');
    const verified = await new ApiClient(server.url).get<{ genuine: boolean; type: string; signature: SignatureView }>(`/api/verify/${sha256(receipt)}`);
    expect(verified.body).toMatchObject({ genuine: true, type: 'serviceReceipt', signature: { valid: true, timestamp: { valid: true } } });
    // The served document itself, as the recipient downloads it.
    const served = await c.plaintiff.raw(`/api/inbox/${service.recipients[0]!.deliveries[0]!.id}/document`);
    expect(await pdfsig(Buffer.from(await served.arrayBuffer()))).toContain(VALID);
  });

  it('the built-in TSA answers an openssl request with a token that openssl ts -verify accepts', async () => {
    const certs = await new ApiClient(server.url).get<{ tsa: { certificate: string; chain: string[] }; court: { development: boolean } }>('/api/signing/certificates');
    expect(certs.body.court.development).toBe(true);
    fs.writeFileSync(path.join(dir, 'data.txt'), 'a document the court wants timestamped');
    fs.writeFileSync(path.join(dir, 'tsa.pem'), certs.body.tsa.certificate);
    fs.writeFileSync(path.join(dir, 'ca.pem'), certs.body.tsa.chain.join('\n'));
    await run('openssl', ['ts', '-query', '-data', path.join(dir, 'data.txt'), '-sha256', '-cert', '-out', path.join(dir, 'req.tsq')]);
    const res = await fetch(`${server.url}/api/tsa`, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: fs.readFileSync(path.join(dir, 'req.tsq')) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/timestamp-reply');
    fs.writeFileSync(path.join(dir, 'resp.tsr'), Buffer.from(await res.arrayBuffer()));
    const verify = await run('openssl', ['ts', '-verify', '-in', path.join(dir, 'resp.tsr'), '-queryfile', path.join(dir, 'req.tsq'), '-CAfile', path.join(dir, 'ca.pem'), '-untrusted', path.join(dir, 'tsa.pem')]);
    expect(verify.stdout).toContain('Verification: OK');
    // Another document's hash does not verify against this token.
    fs.writeFileSync(path.join(dir, 'other.txt'), 'another document');
    const other = await run('openssl', ['ts', '-verify', '-in', path.join(dir, 'resp.tsr'), '-data', path.join(dir, 'other.txt'), '-CAfile', path.join(dir, 'ca.pem'), '-untrusted', path.join(dir, 'tsa.pem')]).catch((e: { stdout: string }) => e);
    expect(other.stdout).toContain('Verification: FAILED');
  });

  it('the TSA refuses what is not a timestamp request: 415 for another type, a rejection reply for garbage', async () => {
    const wrongType = await fetch(`${server.url}/api/tsa`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    const garbage = await fetch(`${server.url}/api/tsa`, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: 'not DER' });
    expect(garbage.status).toBe(200);
    fs.writeFileSync(path.join(dir, 'garbage.tsr'), Buffer.from(await garbage.arrayBuffer()));
    const text = await run('openssl', ['ts', '-reply', '-in', path.join(dir, 'garbage.tsr'), '-text']);
    expect(text.stdout).toContain('Status: Rejected');
  });
});
