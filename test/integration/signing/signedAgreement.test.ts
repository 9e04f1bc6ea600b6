import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timestampZh } from '../../../server/documents/pdf.js';
import { oneByteChanged, pdfsig } from '../../support/pdfsig.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { feeSettledCase, type MediationFixture } from '../agreements/mediationCase.js';

const run = promisify(execFile);
const PARTY_PASSWORD = 'a-good-password';
const VALID = 'Signature Validation: Signature is Valid.';
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

interface ErrorReply {
  error: { code: string; message: string };
}
interface AgreementView {
  id: string;
  documentSha256: string;
  status: string;
  signedPdf?: string;
  signedSha256?: string;
}

/** poppler's pdftotext: what a reader of the PDF sees printed. */
async function pdfText(bytes: Buffer): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdftext-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.pdf'), bytes);
    return (await run('pdftotext', ['-layout', path.join(dir, 'a.pdf'), '-'])).stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('mediation agreements: each party re-authenticates to sign; the signed copy shows every signature and carries the court\'s signature', () => {
  let server: TestServer;
  let fx: MediationFixture;
  let agreement: AgreementView;

  beforeAll(async () => {
    server = await startTestServer();
    fx = await feeSettledCase(server, 7);
    await fx.mediator.post(`/api/cases/${fx.caseId}/mediation`, { action: 'offer' });
    await fx.mediator.post(`/api/cases/${fx.caseId}/mediation`, { action: 'accept' });
    const drafted = await fx.mediator.post<AgreementView>(`/api/cases/${fx.caseId}/agreements`, { title: '调解协议书', terms: ['被告乙支付原告甲工资人民币伍仟元。'], signatories: [fx.ids.plaintiff, fx.ids.defendant] });
    expect(drafted.status).toBe(201);
    agreement = drafted.body;
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const sign = (client: MediationFixture['plaintiff'], extra: Record<string, unknown>) =>
    client.post<ErrorReply & { signature: { signedAt: string }; agreement: AgreementView }>(`/api/agreements/${agreement.id}/sign`, { documentSha256: agreement.documentSha256, ...extra });

  it('the draft itself is issued under the court\'s signature', async () => {
    const res = await fx.plaintiff.raw(`/api/agreements/${agreement.id}/pdf`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(sha256(bytes)).toBe(agreement.documentSha256);
    expect(await pdfsig(bytes)).toContain(VALID);
  });

  it('refuses to sign without the password again, or with a wrong one, and records nothing', async () => {
    const without = await sign(fx.plaintiff, {});
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('REAUTHENTICATION_REQUIRED');
    const wrong = await sign(fx.plaintiff, { password: 'not-the-password' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('REAUTHENTICATION_FAILED');
    const stored = await server.db.connection.collection('agreement_signatures').countDocuments({ agreementId: agreement.id });
    expect(stored).toBe(0);
    const view = await fx.plaintiff.get<{ signatories: { signedAt?: string }[] }>(`/api/agreements/${agreement.id}`);
    expect(view.body.signatories.every((s) => !s.signedAt)).toBe(true);
    expect((await fx.plaintiff.raw(`/api/agreements/${agreement.id}/signed-pdf`)).status).toBe(409);
  });

  it('records each signature with identity, time, hash and re-authentication; the signed copy prints them and pdfsig validates it', async () => {
    const first = await sign(fx.plaintiff, { password: PARTY_PASSWORD });
    expect(first.status).toBe(200);
    const last = await sign(fx.defendant, { password: PARTY_PASSWORD });
    expect(last.status).toBe(200);
    expect(last.body.agreement).toMatchObject({ status: 'effective', signedPdf: `/api/agreements/${agreement.id}/signed-pdf`, signedSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const records = await server.db.connection.collection('agreement_signatures').find({ agreementId: agreement.id }).toArray();
    expect(records.map((r) => ({ userId: r.userId, signerName: r.signerName, documentSha256: r.documentSha256, reauthenticatedBy: r.reauthenticatedBy })).sort((a, b) => String(a.userId).localeCompare(String(b.userId)))).toEqual(
      [
        { userId: fx.ids.plaintiff, signerName: '原告甲', documentSha256: agreement.documentSha256, reauthenticatedBy: 'password' },
        { userId: fx.ids.defendant, signerName: '被告乙', documentSha256: agreement.documentSha256, reauthenticatedBy: 'password' },
      ].sort((a, b) => a.userId.localeCompare(b.userId)),
    );

    const res = await fx.defendant.raw(`/api/agreements/${agreement.id}/signed-pdf`);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(sha256(bytes)).toBe(last.body.agreement.signedSha256);
    expect(await pdfsig(bytes)).toContain(VALID);
    expect(await pdfsig(oneByteChanged(bytes))).toContain('Digest Mismatch');
    const text = await pdfText(bytes);
    for (const [name, at] of [['原告甲', first.body.signature.signedAt], ['被告乙', last.body.signature.signedAt]] as const) {
      const line = text.split('\n').find((l) => l.includes(name) && l.includes('signed'));
      expect(line).toBeDefined();
      expect(line).toContain(timestampZh(at));
    }
    expect(text.replace(/\s+/g, '')).toContain(agreement.documentSha256);

    const verification = await fx.mediator.get<{ valid: boolean; signature: { valid: boolean; timestamp: { valid: boolean } } }>(`/api/agreements/${agreement.id}/verify`);
    expect(verification.body).toMatchObject({ valid: true, signature: { valid: true, timestamp: { valid: true } } });
  });
});
