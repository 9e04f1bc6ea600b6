import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { login, registerParty, sampleFiles } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { waitForNotification } from '../agreements/mediationCase.js';
import { consentInbox, feeSettledCase, serve, type InboxItem, type ServiceCase } from '../service/fixture.js';

interface CaseView {
  id: string;
  status: string;
  you: string;
  documents: { id: string; kind: string }[];
  deadlines: { kind: string }[];
  allowedActions: string[];
  timeline: { type: string; by: string }[];
}

const answerPdf = { field: 'answer', filename: '答辩状.pdf', bytes: sampleFiles.pdf('answer') };

describe('the defendant named in a complaint follows the case and files an answer', () => {
  let server: TestServer;
  let c: ServiceCase;

  beforeAll(async () => {
    server = await startTestServer();
    // The complaint names the defendant with the ID number they registered with.
    c = await feeSettledCase(server, 41);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('sees the case among their own, without the filer\'s identity papers or payments; a stranger sees nothing', async () => {
    const mine = await c.defendant.get<{ cases: { id: string; you: string }[] }>('/api/cases');
    expect(mine.body.cases).toEqual([expect.objectContaining({ id: c.caseId, you: 'defendant' })]);
    expect((await c.plaintiff.get<{ cases: { id: string; you: string }[] }>('/api/cases')).body.cases).toEqual([expect.objectContaining({ id: c.caseId, you: 'filer' })]);

    const view = await c.defendant.get<CaseView>(`/api/cases/${c.caseId}`);
    expect(view.status).toBe(200);
    expect(view.body.you).toBe('defendant');
    expect(view.body.documents.map((d) => d.kind)).toEqual(['complaint']);
    const filerView = await c.plaintiff.get<CaseView>(`/api/cases/${c.caseId}`);
    const idProof = filerView.body.documents.find((d) => d.kind === 'idProof');
    expect((await c.defendant.raw(`/api/cases/${c.caseId}/documents/${idProof?.id ?? 'x'}`)).status).toBe(404);
    expect((await c.defendant.raw(`/api/cases/${c.caseId}/documents/${c.complaintId}`)).status).toBe(200);
    expect((await c.defendant.get(`/api/cases/${c.caseId}/payments`)).status).toBe(403);
    // Only the filer withdraws; the defendant answers, once served.
    expect(view.body.allowedActions).not.toContain('WITHDRAW');
    expect((await c.defendant.post(`/api/cases/${c.caseId}/withdraw`)).status).toBe(403);

    const stranger = await registerParty(server, '13790000041', 941, '路人丙');
    expect((await stranger.get(`/api/cases/${c.caseId}`)).status).toBe(404);
    expect((await stranger.get<{ cases: unknown[] }>('/api/cases')).body.cases).toEqual([]);
    expect((await stranger.postForm(`/api/cases/${c.caseId}/answer`, undefined, [answerPdf])).status).toBe(404);
  });

  it('answers only once served and within the period; the filer is told and the answer period ends', async () => {
    const early = await c.defendant.postForm<{ error: { code: string } }>(`/api/cases/${c.caseId}/answer`, undefined, [answerPdf]);
    expect(early.status).toBe(409);
    expect((await c.plaintiff.postForm(`/api/cases/${c.caseId}/answer`, undefined, [answerPdf])).status).toBe(403);

    await consentInbox(c);
    const service = await serve(c.clerk, c.caseId, { document: { documentId: c.complaintId }, recipients: [{ userId: c.ids.defendant, side: 'defendant' }], channels: ['inbox'] });
    const [item] = (await c.defendant.get<{ items: InboxItem[] }>('/api/inbox')).body.items.filter((i) => i.serviceId === service.id);
    await c.defendant.post(`/api/inbox/${item?.id ?? 'missing'}/acknowledge`);
    const served = await c.defendant.get<CaseView>(`/api/cases/${c.caseId}`);
    expect(served.body.status).toBe('servedOnDefendant');
    expect(served.body.allowedActions).toContain('ANSWER_FILED');
    expect(served.body.deadlines.map((d) => d.kind)).toContain('answerBy');

    const none = await c.defendant.postForm<{ error: { code: string } }>(`/api/cases/${c.caseId}/answer`, undefined, []);
    expect(none.body.error.code).toBe('ANSWER_FILE_REQUIRED');
    const answered = await c.defendant.postForm<CaseView>(`/api/cases/${c.caseId}/answer`, undefined, [answerPdf]);
    expect(answered.status).toBe(201);
    expect(answered.body.status).toBe('answered');
    // The complaint and the answer: not the filer's identity papers, nor the receipt of the service (that is in the inbox).
    expect(answered.body.documents.map((d) => d.kind)).toEqual(['complaint', 'answer']);
    expect((await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`)).body.documents.map((d) => d.kind)).toContain('courtDocument');
    expect(answered.body.deadlines.map((d) => d.kind)).not.toContain('answerBy');
    expect(answered.body.timeline.at(-1)).toMatchObject({ type: 'ANSWER_FILED', by: 'party' });
    await waitForNotification(c.plaintiff, (n) => n.caseId === c.caseId && n.type === 'case.answerFiled');
    // The filer reads the answer.
    const answerId = answered.body.documents.find((d) => d.kind === 'answer')?.id ?? 'missing';
    expect((await c.plaintiff.raw(`/api/cases/${c.caseId}/documents/${answerId}`)).status).toBe(200);
    expect((await c.defendant.postForm(`/api/cases/${c.caseId}/answer`, undefined, [answerPdf])).status).toBe(409);
  });

  it('a clerk enters an answer delivered on paper; a judge may not', async () => {
    const paper = await feeSettledCase(server, 42);
    await consentInbox(paper);
    const service = await serve(paper.clerk, paper.caseId, { document: { documentId: paper.complaintId }, recipients: [{ userId: paper.ids.defendant, side: 'defendant' }], channels: ['inbox'] });
    const [item] = (await paper.defendant.get<{ items: InboxItem[] }>('/api/inbox')).body.items.filter((i) => i.serviceId === service.id);
    await paper.defendant.post(`/api/inbox/${item?.id ?? 'missing'}/acknowledge`);
    const judge = await login(server, '13800000002', DEMO_PASSWORD);
    expect((await judge.postForm(`/api/cases/${paper.caseId}/answer`, undefined, [answerPdf])).status).toBe(403);
    const entered = await paper.clerk.postForm<CaseView>(`/api/cases/${paper.caseId}/answer`, undefined, [{ ...answerPdf, filename: '答辩状（纸质）.pdf' }]);
    expect(entered.status).toBe(201);
    expect(entered.body.status).toBe('answered');
    expect(entered.body.timeline.at(-1)).toMatchObject({ type: 'ANSWER_FILED', by: 'clerk' });
    // The defendant sees the answer entered for them.
    expect((await paper.defendant.get<CaseView>(`/api/cases/${paper.caseId}`)).body.documents.map((d) => d.kind)).toContain('answer');
  });
});
