import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../../state-machines/rules/periods.js';
import { ApiClient, registerParty, sampleFiles, seedAndLoginClerk } from '../../support/api.js';
import { restartTestServer, startTestServer, type TestServer } from '../../support/server.js';

interface CaseBody {
  id: string;
  status: string;
  caseNumber?: string;
  fee?: { amount: string; breakdown: unknown[] };
  findings: { code: string }[];
  deadlines: { kind: string; date: string }[];
  timeline: { seq: number; type: string; status: string }[];
  documents: { id: string; kind: string; filename: string; sha256: string; size: number; mediaType: string }[];
  defendants: { name: string; idNumber?: string; phone?: string }[];
  allowedActions: string[];
  feeSettlement?: { kind: string };
  correction?: { reasons: string[]; deadline: string };
}

const filing = {
  court: 'bj-chaoyang',
  caseType: 'property',
  claims: ['判令被告返还借款150000元'],
  facts: '2025年被告向原告借款，到期未还。',
  defendants: [{ name: '李四', idNumber: '11010519491231002X', phone: '13912345678' }],
};

function plusDays(days: number): string {
  return shanghaiDate(new Date(Date.now() + days * 86_400_000));
}

describe('a case from filing to docket over HTTP', () => {
  let server: TestServer;
  let party: ApiClient;
  let other: ApiClient;
  let clerk: ApiClient;
  let caseId: string;

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    party = await registerParty(server, '13700000001', 11);
    other = await registerParty(server, '13700000002', 12, '王五');
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('files with uploads; the automatic check lists every problem at once', async () => {
    const { claims: _claims, ...withoutClaims } = filing;
    const bad = await party.postForm('/api/cases', withoutClaims, []);
    expect(bad.status).toBe(400);

    const res = await party.postForm<{ id: string; status: string; findings: { code: string }[] }>(
      '/api/cases',
      filing,
      [
        { field: 'complaint', filename: '起诉状.pdf', bytes: sampleFiles.pdf() },
        { field: 'evidence', filename: '借条.png', bytes: sampleFiles.png() },
        { field: 'evidence', filename: '转账记录.pdf', bytes: sampleFiles.truncatedPdf() },
      ],
    );
    expect(res.status).toBe(201);
    caseId = res.body.id;
    expect(res.body.status).toBe('correctionRequested');
    expect(res.body.findings.map((f) => f.code).sort()).toEqual(['AMOUNT_MISSING', 'MISSING_ID_PROOF', 'UNREADABLE_FILE']);

    const seen = await party.get<CaseBody>(`/api/cases/${caseId}`);
    expect(seen.body.documents.map((d) => d.kind).sort()).toEqual(['complaint', 'evidence', 'evidence']);
    expect(seen.body.documents.find((d) => d.kind === 'complaint')).toMatchObject({ mediaType: 'application/pdf', size: sampleFiles.pdf().length });
    // The party sees the defendant's personal data masked.
    expect(seen.body.defendants[0]).toEqual({ name: '李四', idNumber: '110105********002X', phone: '139****5678' });
    expect(seen.body.deadlines.map((d) => d.kind)).toContain('correctBy');
  });

  it('resubmission with the missing material goes to review; the clerk may still ask for one correction', async () => {
    const res = await party.postForm<CaseBody>(`/api/cases/${caseId}/resubmit`, { claimAmount: '150000' }, [
      { field: 'idProof', filename: '身份证.jpg', bytes: sampleFiles.jpeg() },
      { field: 'evidence', filename: '转账记录.pdf', bytes: sampleFiles.pdf('transfer record') },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('underReview');
    expect(res.body.findings).toEqual([]);
    expect(res.body.deadlines.find((d) => d.kind === 'docketBy')).toBeDefined();

    const correct = await clerk.post<CaseBody>(`/api/cases/${caseId}/review`, {
      decision: 'correct',
      reasons: ['请补充借款合同原件扫描件'],
      correctionDeadline: plusDays(10),
    });
    expect(correct.status).toBe(200);
    expect(correct.body.status).toBe('correctionRequested');
    expect(correct.body.correction?.reasons).toEqual(['请补充借款合同原件扫描件']);

    const again = await party.postForm<CaseBody>(`/api/cases/${caseId}/resubmit`, undefined, [
      { field: 'evidence', filename: '借款合同.pdf', bytes: sampleFiles.pdf('loan contract') },
    ]);
    expect(again.body.status).toBe('underReview');
  });

  it('refuses other users: 404 for another party, 403 for a party calling a clerk action', async () => {
    expect((await other.get(`/api/cases/${caseId}`)).status).toBe(404);
    expect((await other.post(`/api/cases/${caseId}/withdraw`, {})).status).toBe(404);
    const listed = await other.get<{ cases: unknown[] }>('/api/cases');
    expect(listed.body.cases).toEqual([]);
    const partyReview = await party.post(`/api/cases/${caseId}/review`, { decision: 'accept' });
    expect(partyReview.status).toBe(403);
    const anonymous = await new ApiClient(server.url).get(`/api/cases/${caseId}`);
    expect(anonymous.status).toBe(401);
  });

  it('the clerk sees the queue and accepts: docketed with a statutory number and the scheduled fee', async () => {
    const queue = await clerk.get<{ cases: { id: string }[] }>('/api/cases?status=underReview');
    expect(queue.body.cases.map((c) => c.id)).toContain(caseId);
    expect((await clerk.get('/api/cases?status=nonsense')).status).toBe(400);

    const res = await clerk.post<CaseBody>(`/api/cases/${caseId}/review`, { decision: 'accept' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('docketed');
    const year = shanghaiDate(new Date()).slice(0, 4);
    expect(res.body.caseNumber).toMatch(new RegExp(`^（${year}）京0105民初[1-9]\\d*号$`));
    // 150,000 yuan: 2,300 + 2% of 50,000 (诉讼费用交纳办法 Art. 13).
    expect(res.body.fee?.amount).toBe('3300.00');
    expect(res.body.deadlines.map((d) => d.kind)).toContain('feeDueBy');

    const twice = await clerk.post(`/api/cases/${caseId}/review`, { decision: 'accept' });
    expect(twice.status).toBe(409);
  });

  it('the party pays, the clerk confirms, and the timeline shows every step', async () => {
    const pay = await party.post<{ payment: { id?: string; _id: string; amount: string; status: string } }>(`/api/cases/${caseId}/payments`);
    expect(pay.status).toBe(201);
    expect(pay.body.payment).toMatchObject({ amount: '3300.00', status: 'awaitingConfirmation' });
    const confirmed = await clerk.post<CaseBody>(`/api/cases/${caseId}/payments/${pay.body.payment._id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('feeSettled');
    expect(confirmed.body.feeSettlement?.kind).toBe('paid');
    const payments = await party.get<{ payments: { status: string }[] }>(`/api/cases/${caseId}/payments`);
    expect(payments.body.payments.map((p) => p.status)).toEqual(['confirmed']);

    const view = await party.get<CaseBody>(`/api/cases/${caseId}`);
    expect(view.body.timeline.map((t) => t.type)).toEqual(['SUBMIT', 'RESUBMIT', 'REVIEW_CORRECT', 'RESUBMIT', 'REVIEW_ACCEPT', 'FEE_PAID']);
    expect(view.body.timeline.map((t) => t.status)).toEqual(['correctionRequested', 'underReview', 'correctionRequested', 'underReview', 'docketed', 'feeSettled']);
  });

  it('further submissions land in the case and can be downloaded intact', async () => {
    const res = await party.postForm<CaseBody>(`/api/cases/${caseId}/documents`, undefined, [
      { field: 'evidence', filename: '补充证据.pdf', bytes: sampleFiles.pdf('more evidence') },
    ]);
    expect(res.status).toBe(201);
    const doc = res.body.documents.find((d) => d.filename === '补充证据.pdf')!;
    const download = await party.raw(`/api/cases/${caseId}/documents/${doc.id}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(sampleFiles.pdf('more evidence'))).toBe(true);
    expect(download.headers.get('x-content-sha256')).toBe(doc.sha256);
    expect((await other.raw(`/api/cases/${caseId}/documents/${doc.id}`)).status).toBe(404);
  });

  it('verifies the hash chain, and detects a tampered entry', async () => {
    const ok = await party.get<{ valid: boolean; entries: number }>(`/api/cases/${caseId}/log/verify`);
    expect(ok.body).toEqual({ valid: true, entries: 7 });

    const log = server.db.connection.collection<{ _id: string; payload: string }>('case_log');
    const entry = await log.findOne({ _id: `${caseId}:5` });
    const forged = entry!.payload.replace('3300.00', '33.00');
    expect(forged).not.toBe(entry!.payload);
    await log.updateOne({ _id: `${caseId}:5` }, { $set: { payload: forged } });
    const bad = await party.get<{ valid: boolean; firstInvalid: { seq: number } }>(`/api/cases/${caseId}/log/verify`);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.firstInvalid.seq).toBe(5);
    await log.updateOne({ _id: `${caseId}:5` }, { $set: { payload: entry!.payload } });
  });

  it('after a restart the case, its deadlines and its documents are exactly as before', async () => {
    const before = await party.get<CaseBody>(`/api/cases/${caseId}`);
    server = await restartTestServer(server);
    const token = party.token;
    party = new ApiClient(server.url, token);
    const after = await party.get<CaseBody>(`/api/cases/${caseId}`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    for (const d of after.body.documents) {
      const res = await party.raw(`/api/cases/${caseId}/documents/${d.id}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.length).toBe(d.size);
    }
    expect((await party.get<{ valid: boolean }>(`/api/cases/${caseId}/log/verify`)).body.valid).toBe(true);
  });

  it('a withdrawn case accepts no more material', async () => {
    const res = await party.post<CaseBody>(`/api/cases/${caseId}/withdraw`, { reason: '双方已和解' });
    expect(res.body.status).toBe('withdrawn');
    const more = await party.postForm(`/api/cases/${caseId}/documents`, undefined, [
      { field: 'evidence', filename: 'late.pdf', bytes: sampleFiles.pdf() },
    ]);
    expect(more.status).toBe(409);
  });
});
