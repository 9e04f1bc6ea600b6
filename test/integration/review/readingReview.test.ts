/**
 * The reading review with real OCR (tesseract chi_sim) on papers generated here: the amount of a
 * scanned complaint against the form, a synthetic ID card against the registered identity, blank
 * and duplicate evidence pages, automatic docketing and its reversal, and a restart mid-review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewView } from '../../../protocol/review.js';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { ApiClient, login, registerParty, seedAndLoginClerk, validIdNumber } from '../../support/api.js';
import { complaintLines, idCardPng, imagePdf, layoutPage, rasterize, rescan, textPdf } from '../../support/reviewDocs.js';
import { restartTestServer, startTestServer, type TestServer } from '../../support/server.js';

interface CaseBody {
  id: string;
  status: string;
  caseNumber?: string;
  findings: { code: string; message: string; messageZh?: string; location?: { page: number; quote: string; filename: string } }[];
  timeline: { type: string; by?: string; details?: Record<string, unknown> }[];
}

const filing = (claimAmount: string, defendants = ['李四']) => ({
  court: '京0105',
  caseType: 'property',
  claimAmount,
  claims: ['偿还借款'],
  facts: '被告借款未还。',
  defendants: defendants.map((name) => ({ name })),
});

async function reviewOf(client: ApiClient, caseId: string, done = true, timeoutMs = 150_000): Promise<ReviewView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await client.get<ReviewView>(`/api/cases/${caseId}/review`);
    if (res.status === 200 && (!done || ['done', 'failed', 'superseded'].includes(res.body.status))) return res.body;
    if (Date.now() > until) throw new Error(`review of ${caseId} not finished: ${JSON.stringify(res.body).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the reading review reads the papers', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let party: ApiClient;

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    party = await registerParty(server, '13600000101', 101, '张三');
  }, 120_000);
  afterAll(async () => {
    await server?.destroy();
  });

  it('reports a scanned complaint whose amount differs from the form, and an ID card in another name', async () => {
    const [scan] = await rasterize(await textPdf([complaintLines({ plaintiff: '张三', defendants: ['李四'], amount: '12,345.60' })]), 150);
    const card = await idCardPng({ name: '王五', idNumber: validIdNumber(101) });
    const started = Date.now();
    const res = await party.postForm<{ id: string; status: string }>('/api/cases', filing('10000'), [
      { field: 'complaint', filename: '起诉状.png', bytes: scan! },
      { field: 'idProof', filename: '身份证.png', bytes: card },
    ]);
    expect(res.status).toBe(201);
    // Acknowledged before anything is read: the automatic check only.
    expect(res.body.status).toBe('underReview');
    expect(Date.now() - started).toBeLessThan(10_000);

    const review = await reviewOf(party, res.body.id);
    expect(review.error).toBeUndefined();
    expect(review.status).toBe('done');
    const complaint = review.documents.find((d) => d.kind === 'complaint');
    expect(complaint?.pages[0]?.source).toBe('ocr');
    expect(complaint?.pages[0]?.text).toContain('诉讼请求');
    expect(review.findings.map((f) => f.code).sort()).toEqual(['COMPLAINT_AMOUNT_MISMATCH', 'ID_NAME_MISMATCH']);
    expect(review.outcome?.decision).toBe('correction');

    const c = (await party.get<CaseBody>(`/api/cases/${res.body.id}`)).body;
    expect(c.status).toBe('correctionRequested');
    const amount = c.findings.find((f) => f.code === 'COMPLAINT_AMOUNT_MISMATCH');
    expect(amount?.location).toMatchObject({ filename: '起诉状.png', page: 1 });
    expect(amount?.location?.quote).toContain('12,345.60');
    expect(amount?.messageZh).toContain('10000.00元');
    const name = c.findings.find((f) => f.code === 'ID_NAME_MISMATCH');
    expect(name?.message).toContain('王五');
    expect(name?.message).toContain('张三');
    expect(c.timeline.map((e) => e.type)).toContain('READING_REVIEWED');

    // The clerk sees it too; a stranger does not.
    expect((await clerk.get(`/api/cases/${res.body.id}/review`)).status).toBe(200);
    const stranger = await registerParty(server, '13600000109', 109, '赵六');
    expect((await stranger.get(`/api/cases/${res.body.id}/review`)).status).toBe(404);
  }, 200_000);

  it('reports a blank page and a duplicate page in scanned evidence, and drafts the evidence list', async () => {
    const note = ['借条', '今借到张三人民币12,345.60元，', '三个月内归还。', '借款人：李四', '2025年3月1日'];
    const pages = await rasterize(await textPdf([note, [' '], note]), 100);
    const evidence = await imagePdf(pages);
    const complaint = await textPdf([complaintLines({ plaintiff: '张三', defendants: ['李四'], amount: '12,345.60' })]);
    const res = await party.postForm<{ id: string }>('/api/cases', filing('12345.60'), [
      { field: 'complaint', filename: '起诉状.pdf', bytes: complaint },
      { field: 'idProof', filename: '身份证.png', bytes: await idCardPng({ name: '张三', idNumber: validIdNumber(101) }) },
      { field: 'evidence', filename: '借条.pdf', bytes: evidence },
    ]);
    const review = await reviewOf(party, res.body.id);
    expect(review.findings.map((f) => [f.code, f.location?.page])).toEqual([
      ['EVIDENCE_BLANK_PAGE', 2],
      ['EVIDENCE_DUPLICATE_PAGE', 3],
    ]);
    expect(review.evidenceList).toHaveLength(1);
    expect(review.evidenceList[0]).toMatchObject({ pageCount: 3 });
    expect(review.evidenceList[0]?.title).toContain('借条');

    // The party edits the list before sending it.
    const edited = await party.put<ReviewView>(`/api/cases/${res.body.id}/review/evidence-list`, { items: [{ ...review.evidenceList[0]!, title: '借条（原件）' }] });
    expect(edited.status).toBe(200);
    expect(edited.body.evidenceList[0]?.title).toBe('借条（原件）');
    const foreign = await party.put(`/api/cases/${res.body.id}/review/evidence-list`, { items: [{ documentId: 'x'.repeat(24), title: 't', pageCount: 1, excerpt: '' }] });
    expect(foreign.status).toBe(400);
    expect((await clerk.put(`/api/cases/${res.body.id}/review/evidence-list`, { items: [] })).status).toBe(403);

    // The page behind a finding as an image for the clerk's screen.
    const image = await clerk.raw(`/api/cases/${res.body.id}/review/pages/${review.documents[2]!.documentId}/2`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
  }, 200_000);

  it('reports a page filed again as a fresh scan (askew, shifted, grainy, JPEG) as a duplicate, and not a different page of the same layout', async () => {
    const [first, second] = await rasterize(await textPdf([layoutPage(1), layoutPage(2)], 14), 150);
    const again = await rescan(first!, { degrees: 2, shiftX: 30, shiftY: 20 });
    const res = await party.postForm<{ id: string }>('/api/cases', filing('12345.60'), [
      { field: 'complaint', filename: '起诉状.pdf', bytes: await textPdf([complaintLines({ plaintiff: '张三', defendants: ['李四'], amount: '12,345.60' })]) },
      { field: 'idProof', filename: '身份证.png', bytes: await idCardPng({ name: '张三', idNumber: validIdNumber(101) }) },
      { field: 'evidence', filename: '证据一.pdf', bytes: await imagePdf([first!, second!]) },
      { field: 'evidence', filename: '证据二.jpg', bytes: again },
    ]);
    expect(res.status).toBe(201);
    const review = await reviewOf(party, res.body.id);
    expect(review.findings.map((f) => [f.code, f.location?.filename, f.location?.page])).toEqual([['EVIDENCE_DUPLICATE_PAGE', '证据二.jpg', 1]]);
    expect(review.findings[0]?.message).toContain('证据一.pdf');
  }, 200_000);

  it('dockets a clean filing at once where the court turned automatic docketing on, and lets staff reverse it', async () => {
    const admin = await login(server, '13800000000', DEMO_PASSWORD);
    expect((await party.put('/api/admin/court/auto-docket', { autoDocket: true })).status).toBe(403);
    expect((await admin.put('/api/admin/court/auto-docket', { autoDocket: 'yes' })).status).toBe(400);
    expect((await admin.put('/api/admin/court/auto-docket', { autoDocket: true })).body).toEqual({ courtId: 'bj-chaoyang', autoDocket: true });

    const complaint = await textPdf([complaintLines({ plaintiff: '张三', defendants: ['李四'], amount: '12,345.60' })]);
    const res = await party.postForm<{ id: string; status: string }>('/api/cases', filing('12345.60'), [
      { field: 'complaint', filename: '起诉状.pdf', bytes: complaint },
      { field: 'idProof', filename: '身份证.png', bytes: await idCardPng({ name: '张三', idNumber: validIdNumber(101) }) },
    ]);
    expect(res.body.status).toBe('underReview');
    const review = await reviewOf(party, res.body.id);
    expect(review.findings).toEqual([]);
    expect(review.notes).toEqual([]);
    expect(review.outcome?.decision).toBe('autoDocketed');

    const c = (await party.get<CaseBody>(`/api/cases/${res.body.id}`)).body;
    expect(c.status).toBe('docketed');
    expect(c.caseNumber).toMatch(/^（\d{4}）京0105民初\d+号$/);
    const accept = c.timeline.find((e) => e.type === 'REVIEW_ACCEPT');
    expect(accept?.by).toBe('system');
    expect(accept?.details?.automatic).toMatchObject({ reason: expect.stringContaining('reading review') });

    const reversal = await clerk.post<CaseBody>(`/api/cases/${res.body.id}/review/reverse`, { reasons: ['证据材料需人工核对'] });
    expect(reversal.status).toBe(200);
    expect(reversal.body.status).toBe('underReview');
    expect(reversal.body.caseNumber).toBeUndefined();
    expect((await clerk.post(`/api/cases/${res.body.id}/review/reverse`, { reasons: ['again'] })).status).toBe(409);
    await admin.put('/api/admin/court/auto-docket', { autoDocket: false });
  }, 200_000);

  it('resumes a review a restart interrupted, and finishes it', async () => {
    const note = ['收条', '今收到李四交来的货物一批。', '收货人：张三'];
    const pages = await rasterize(await textPdf([note, ['银行转账凭证', '转账金额人民币5,000.00元'], ['聊天记录', '李四：下月一定还'], ['欠条', '李四欠张三货款']]), 100);
    const res = await party.postForm<{ id: string }>('/api/cases', filing('9000'), [
      { field: 'complaint', filename: '起诉状.png', bytes: (await rasterize(await textPdf([complaintLines({ plaintiff: '张三', defendants: ['李四'], amount: '12,345.60' })]), 150))[0]! },
      { field: 'evidence', filename: '证据.pdf', bytes: await imagePdf(pages) },
    ]);
    const running = await reviewOf(party, res.body.id, false);
    expect(['queued', 'running']).toContain(running.status);
    server = await restartTestServer(server);
    const again = new ApiClient(server.url, party.token);
    const review = await reviewOf(again, res.body.id);
    expect(review.status).toBe('done');
    expect(review.attempts).toBeGreaterThanOrEqual(1);
    expect(review.findings.map((f) => f.code), JSON.stringify(review).slice(0, 1500)).toContain('COMPLAINT_AMOUNT_MISMATCH');
    expect(review.documents.find((d) => d.kind === 'evidence')?.pages).toHaveLength(4);
    const c = (await again.get<CaseBody>(`/api/cases/${res.body.id}`)).body;
    expect(c.status).toBe('correctionRequested');
  }, 300_000);
});
