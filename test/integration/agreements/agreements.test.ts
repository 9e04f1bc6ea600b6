import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerParty, type ApiClient } from '../../support/api.js';

/** Every signer enters their password again (re-authentication); registerParty's password. */
const PARTY_PASSWORD = 'a-good-password';
import { startTestServer, type TestServer } from '../../support/server.js';
import { feeSettledCase, me, waitForNotification, type MediationFixture } from './mediationCase.js';

interface AgreementView {
  id: string;
  status: 'draft' | 'effective';
  effectiveAt?: string;
  documentSha256: string;
  signatories: { userId: string; name: string; signedAt?: string }[];
}
interface SignReply {
  agreement: AgreementView;
  signature: { userId: string; signedAt: string; documentSha256: string; signature: string };
}
interface Verification {
  valid: boolean;
  documentSha256: string;
  documentValid: boolean;
  signatures: { userId: string; signedAt: string; valid: boolean }[];
  pending: string[];
  effectiveAt?: string;
}
type ErrorReply = { error: { code: string } };

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** Every Flate stream of a PDF, inflated: where fonts and their Unicode maps live. */
function inflatedStreams(pdf: Buffer): string[] {
  const out: string[] = [];
  const text = pdf.toString('latin1');
  const re = /stream\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    try {
      out.push(zlib.inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // not a Flate stream (or trailing newline handling): skip
    }
  }
  return out;
}

describe('signed mediation agreements', () => {
  let server: TestServer;
  let fx: MediationFixture;
  let outsider: ApiClient;
  let agreementId: string;
  let documentSha256: string;

  beforeAll(async () => {
    server = await startTestServer();
    fx = await feeSettledCase(server, 1);
    outsider = await registerParty(server, '13900000011', 511, '案外人');
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('moves a case into mediation through the mediation route, for officers only', async () => {
    const byParty = await fx.plaintiff.post<ErrorReply>(`/api/cases/${fx.caseId}/mediation`, { action: 'offer' });
    expect(byParty.status).toBe(403);
    const early = await fx.mediator.post<ErrorReply>(`/api/cases/${fx.caseId}/mediation`, { action: 'accept' });
    expect(early.status).toBe(409);
    expect((await fx.mediator.post(`/api/cases/${fx.caseId}/mediation`, { action: 'fail' })).status).toBe(400);
    expect((await fx.mediator.post<{ status: string }>(`/api/cases/${fx.caseId}/mediation`, { action: 'offer' })).body.status).toBe('mediationOffered');
    expect((await fx.mediator.post<{ status: string }>(`/api/cases/${fx.caseId}/mediation`, { action: 'accept' })).body.status).toBe('inMediation');
  });

  it('drafts an agreement as a PDF with the Chinese font embedded, for mediation officers only', async () => {
    const body = { title: '调解协议书', terms: ['被告乙于2026年3月1日前支付原告甲工资人民币伍仟元。', '原告甲放弃其他诉讼请求。'], signatories: [fx.ids.plaintiff, fx.ids.defendant] };
    const byParty = await fx.plaintiff.post<ErrorReply>(`/api/cases/${fx.caseId}/agreements`, body);
    expect(byParty.status).toBe(403);
    expect(byParty.body.error.code).toBe('NOT_MEDIATION_OFFICER');
    const withoutFiler = await fx.mediator.post<ErrorReply>(`/api/cases/${fx.caseId}/agreements`, { ...body, signatories: [fx.ids.defendant, await me(outsider)] });
    expect(withoutFiler.body.error.code).toBe('FILER_MUST_SIGN');
    const unknown = await fx.mediator.post<ErrorReply>(`/api/cases/${fx.caseId}/agreements`, { ...body, signatories: [fx.ids.plaintiff, 'a'.repeat(24)] });
    expect(unknown.body.error.code).toBe('UNKNOWN_SIGNATORY');
    expect((await fx.mediator.post(`/api/cases/${fx.caseId}/agreements`, { ...body, signatories: [fx.ids.plaintiff, fx.ids.plaintiff] })).status).toBe(400);

    const drafted = await fx.mediator.post<AgreementView>(`/api/cases/${fx.caseId}/agreements`, body);
    expect(drafted.status).toBe(201);
    expect(drafted.body.status).toBe('draft');
    expect(drafted.body.signatories.map((s) => s.name)).toEqual(['原告甲', '被告乙']);
    agreementId = drafted.body.id;
    documentSha256 = drafted.body.documentSha256;

    const pdf = await fx.plaintiff.raw(`/api/agreements/${agreementId}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(sha256(bytes)).toBe(documentSha256);
    expect(pdf.headers.get('x-content-sha256')).toBe(documentSha256);
    const raw = bytes.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-Regular/);
    expect(raw).toContain('/FontFile3'); // the font program itself is in the file
    // The Unicode map of the embedded font covers the Chinese characters drawn: 调 U+8C03, 解 U+89E3, 协 U+534F.
    const maps = inflatedStreams(bytes).filter((s) => s.includes('begincmap'));
    expect(maps.length).toBeGreaterThan(0);
    for (const cp of ['8c03', '89e3', '534f']) expect(maps.some((m) => m.toLowerCase().includes(`<${cp}>`))).toBe(true);

    const inbox = await waitForNotification(fx.defendant, (n) => n.type === 'agreement.toSign');
    expect(inbox.link).toBe(`/agreements/${agreementId}`);
  });

  it('shows the agreement to its signatories and the court staff, and to nobody else', async () => {
    expect((await fx.defendant.get(`/api/agreements/${agreementId}`)).status).toBe(200);
    expect((await fx.clerk.get(`/api/agreements/${agreementId}`)).status).toBe(200);
    expect((await fx.judge.get(`/api/agreements/${agreementId}`)).status).toBe(200);
    for (const path of ['', '/pdf', '/verify']) {
      const res = await outsider.get<ErrorReply>(`/api/agreements/${agreementId}${path}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('AGREEMENT_NOT_FOUND');
    }
    const signByOutsider = await outsider.post<ErrorReply>(`/api/agreements/${agreementId}/sign`, { documentSha256, password: PARTY_PASSWORD });
    expect(signByOutsider.status).toBe(404);
    const signByClerk = await fx.clerk.post<ErrorReply>(`/api/agreements/${agreementId}/sign`, { documentSha256, password: PARTY_PASSWORD });
    expect(signByClerk.body.error.code).toBe('NOT_A_SIGNATORY');
  });

  it('refuses a signature over another hash, then the first signature does not make it effective', async () => {
    const wrong = await fx.plaintiff.post<ErrorReply>(`/api/agreements/${agreementId}/sign`, { documentSha256: sha256(Buffer.from('another text')), password: PARTY_PASSWORD });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.code).toBe('DOCUMENT_CHANGED');

    const first = await fx.plaintiff.post<SignReply>(`/api/agreements/${agreementId}/sign`, { documentSha256: documentSha256.toUpperCase(), password: PARTY_PASSWORD });
    expect(first.status).toBe(200);
    expect(first.body.signature).toMatchObject({ userId: fx.ids.plaintiff, documentSha256 });
    expect(first.body.agreement.status).toBe('draft');
    expect(first.body.agreement.effectiveAt).toBeUndefined();
    expect((await fx.mediator.get<{ status: string }>(`/api/cases/${fx.caseId}`)).body.status).toBe('inMediation');

    const twice = await fx.plaintiff.post<ErrorReply>(`/api/agreements/${agreementId}/sign`, { documentSha256, password: PARTY_PASSWORD });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('ALREADY_SIGNED');
    const verification = await fx.mediator.get<Verification>(`/api/agreements/${agreementId}/verify`);
    expect(verification.body).toMatchObject({ valid: true, documentValid: true, pending: [fx.ids.defendant] });
    expect(verification.body.effectiveAt).toBeUndefined();
  });

  // Issue 12: the last signature no longer settles the case; it goes to the judge (courtSettlement.test.ts).
  it('takes effect at the last signature, puts the case before the judge and logs it all', async () => {
    const last = await fx.defendant.post<SignReply>(`/api/agreements/${agreementId}/sign`, { documentSha256, password: PARTY_PASSWORD });
    expect(last.status).toBe(200);
    expect(last.body.agreement.status).toBe('effective');
    expect(last.body.agreement.effectiveAt).toBe(last.body.signature.signedAt);

    const after = await fx.plaintiff.post<ErrorReply>(`/api/agreements/${agreementId}/sign`, { documentSha256, password: PARTY_PASSWORD });
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('AGREEMENT_EFFECTIVE');

    const view = await fx.mediator.get<{ status: string; timeline: { type: string }[] }>(`/api/cases/${fx.caseId}`);
    expect(view.body.status).toBe('agreementSigned');
    const types = view.body.timeline.map((e) => e.type);
    expect(types.filter((t) => t === 'AGREEMENT_SIGNED')).toHaveLength(2);
    expect(types.slice(-2)).toEqual(['AGREEMENT_EFFECTIVE', 'MEDIATION_SETTLED']);
    expect(types).toContain('AGREEMENT_DRAFTED');
    expect((await fx.mediator.get<{ valid: boolean }>(`/api/cases/${fx.caseId}/log/verify`)).body.valid).toBe(true);

    const verification = await fx.plaintiff.get<Verification>(`/api/agreements/${agreementId}/verify`);
    expect(verification.body).toMatchObject({ valid: true, documentSha256, pending: [], effectiveAt: last.body.signature.signedAt });
    expect(verification.body.signatures.map((s) => s.userId).sort()).toEqual([fx.ids.plaintiff, fx.ids.defendant].sort());

    for (const party of [fx.plaintiff, fx.defendant]) {
      const told = await waitForNotification(party, (n) => n.type === 'agreement.effective');
      expect(told.titleZh).toContain('调解协议已生效');
    }
    const drafting = await fx.mediator.post<ErrorReply>(`/api/cases/${fx.caseId}/agreements`, { title: '再议', terms: ['无'], signatories: [fx.ids.plaintiff, fx.ids.defendant] });
    expect(drafting.body.error.code).toBe('CASE_NOT_OPEN');
  });

  it('detects a signature or a document altered in the database', async () => {
    const signatures = server.db.connection.collection<{ _id: string; signedAt: string }>('agreement_signatures');
    await signatures.updateOne({ _id: `${agreementId}:${fx.ids.plaintiff}` }, { $set: { signedAt: '2020-01-01T00:00:00.000Z' } });
    const verification = await fx.mediator.get<Verification>(`/api/agreements/${agreementId}/verify`);
    expect(verification.body.valid).toBe(false);
    expect(verification.body.documentValid).toBe(true);
    expect(verification.body.signatures.find((s) => s.userId === fx.ids.plaintiff)?.valid).toBe(false);
    expect(verification.body.signatures.find((s) => s.userId === fx.ids.defendant)?.valid).toBe(true);
    expect(verification.body.pending).toEqual([fx.ids.plaintiff]);
    expect(verification.body.effectiveAt).toBeUndefined();

    const agreements = server.db.connection.collection<{ _id: string }>('agreements');
    await agreements.updateOne({ _id: agreementId }, { $set: { documentSha256: sha256(Buffer.from('forged')) } });
    const forged = await fx.mediator.get<Verification>(`/api/agreements/${agreementId}/verify`);
    expect(forged.body.documentValid).toBe(false);
    expect(forged.body.documentSha256).toBe(documentSha256);
  });

  it('accepts exactly one of many simultaneous signatures, and takes effect once when the last two sign together', async () => {
    const other = await feeSettledCase(server, 2);
    await other.mediator.post(`/api/cases/${other.caseId}/mediation`, { action: 'offer' });
    await other.mediator.post(`/api/cases/${other.caseId}/mediation`, { action: 'accept' });
    const outsiderId = await me(outsider);
    const drafted = await other.clerk.post<AgreementView>(`/api/cases/${other.caseId}/agreements`, {
      title: '和解协议',
      terms: ['双方互不追究。'],
      signatories: [other.ids.plaintiff, other.ids.defendant, outsiderId],
    });
    expect(drafted.status).toBe(201);
    const sign = (client: ApiClient) => client.post<SignReply & ErrorReply>(`/api/agreements/${drafted.body.id}/sign`, { documentSha256: drafted.body.documentSha256, password: PARTY_PASSWORD });

    const replies = await Promise.all(Array.from({ length: 6 }, () => sign(other.plaintiff)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(Array(5).fill('ALREADY_SIGNED'));
    const stored = await server.db.connection.collection('agreement_signatures').countDocuments({ agreementId: drafted.body.id });
    expect(stored).toBe(1);
    expect((await other.plaintiff.get<AgreementView>(`/api/agreements/${drafted.body.id}`)).body.status).toBe('draft');

    const lastTwo = await Promise.all([sign(other.defendant), sign(outsider)]);
    expect(lastTwo.map((r) => r.status)).toEqual([200, 200]);
    const effectiveAt = [lastTwo[0]!.body.signature.signedAt, lastTwo[1]!.body.signature.signedAt].sort().at(-1);
    const view = await other.plaintiff.get<AgreementView>(`/api/agreements/${drafted.body.id}`);
    expect(view.body).toMatchObject({ status: 'effective', effectiveAt });

    // The clerk drafted this one: the clerk reports the signed agreement to the case (awaiting the judge), once.
    const caseView = await other.clerk.get<{ status: string; timeline: { type: string }[] }>(`/api/cases/${other.caseId}`);
    expect(caseView.body.status).toBe('agreementSigned');
    expect(caseView.body.timeline.filter((e) => e.type === 'AGREEMENT_EFFECTIVE')).toHaveLength(1);
    expect(caseView.body.timeline.filter((e) => e.type === 'MEDIATION_SETTLED')).toHaveLength(1);
    expect(caseView.body.timeline.filter((e) => e.type === 'AGREEMENT_SIGNED')).toHaveLength(3);
    await waitForNotification(outsider, (n) => n.type === 'agreement.effective' && n.link === `/agreements/${drafted.body.id}`);
    const effectiveNotes = await server.db.connection.collection('notifications').countDocuments({ userId: outsiderId, type: 'agreement.effective' });
    expect(effectiveNotes).toBe(1);
  });
});
