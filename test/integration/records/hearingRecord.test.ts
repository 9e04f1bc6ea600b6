import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinResult } from '../../../protocol/hearing.js';
import type { HearingRecordView, RecordParagraphView, RecordSearchView } from '../../../protocol/recordViews.js';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { registerParty, type ApiClient } from '../../support/api.js';
import { ask, joinToken, nextEvent, openSocket, scheduledHearing, type HearingFixture, type HearingSocket } from '../../support/hearing.js';
import { extractText } from '../../support/pdfText.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * The hearing record (笔录) through the real API, signalling and database: written during the
 * hearing with paragraph versions, seen live by the staff, read by the parties only after the
 * hearing, signed or objected to, filed as a signed PDF and verifiable.
 */
type ErrorReply = { error: { code: string; message: string; details?: unknown } };
const PARTY_PASSWORD = 'a-good-password';

describe('the hearing record', () => {
  let server: TestServer;
  let fx: HearingFixture;
  let outsider: ApiClient;
  const sockets: HearingSocket[] = [];
  let judgeSocket: HearingSocket;
  let plaintiffSocket: HearingSocket;
  const pushedToParty: RecordParagraphView[] = [];
  const ids = { opening: crypto.randomUUID(), claim: crypto.randomUUID(), answer: crypto.randomUUID() };

  const put = (client: ApiClient, paragraphId: string, body: unknown) => client.put<{ paragraph: RecordParagraphView } & ErrorReply>(`/api/hearings/${fx.hearingId}/record/paragraphs/${paragraphId}`, body);
  const record = (client: ApiClient) => client.get<HearingRecordView & ErrorReply>(`/api/hearings/${fx.hearingId}/record`);
  const open = async (client: ApiClient) => {
    const s = await openSocket(server, await joinToken(client, fx.hearingId));
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startTestServer();
    fx = await scheduledHearing(server, 'hearing', 181);
    outsider = await registerParty(server, '13520000181', 481, '旁人丙');
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.destroy();
  });

  it('is not written before the hearing opens', async () => {
    const early = await put(fx.clerk, ids.opening, { baseVersion: 0, text: '现在开庭。', speakerId: fx.ids.judge });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('HEARING_NOT_STARTED');
  });

  it('the clerk writes a paragraph during the hearing; the judge sees it live, the party does not', async () => {
    judgeSocket = await open(fx.judge);
    expect((await ask<JoinResult>(judgeSocket, 'hearing:join')).ok).toBe(true);
    expect(await ask(judgeSocket, 'host:session', { action: 'start' })).toEqual({ ok: true, data: { state: 'inSession' } });
    plaintiffSocket = await open(fx.plaintiff);
    expect((await ask<JoinResult>(plaintiffSocket, 'hearing:join')).ok).toBe(true);
    plaintiffSocket.on('record:paragraph', ({ paragraph }) => pushedToParty.push(paragraph));

    const live = nextEvent(judgeSocket, 'record:paragraph', (p) => p.paragraph.id === ids.opening);
    const written = await put(fx.clerk, ids.opening, { baseVersion: 0, text: '审判员：现在开庭。', speakerId: fx.ids.judge });
    expect(written.status).toBe(200);
    expect(written.body.paragraph).toMatchObject({ id: ids.opening, version: 1, text: '审判员：现在开庭。', speaker: { userId: fx.ids.judge, role: 'judge' }, updatedBy: { userId: fx.ids.clerk } });
    expect(Date.parse(written.body.paragraph.at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await live).paragraph).toEqual(written.body.paragraph);
  });

  it('refuses writers who are not court staff, unknown speakers and malformed paragraphs', async () => {
    const byParty = await put(fx.plaintiff, ids.claim, { baseVersion: 0, text: '我来写', speakerId: fx.ids.plaintiff });
    expect([byParty.status, byParty.body.error.code]).toEqual([403, 'NOT_RECORD_WRITER']);
    const stranger = await put(fx.clerk, ids.claim, { baseVersion: 0, text: '无名氏', speakerId: 'ffffffffffffffffffffffff' });
    expect([stranger.status, stranger.body.error.code]).toEqual([400, 'UNKNOWN_SPEAKER']);
    for (const body of [{ baseVersion: -1, text: 'x', speakerId: fx.ids.judge }, { baseVersion: 0, text: 'x'.repeat(20_001), speakerId: fx.ids.judge }, { baseVersion: 0, text: 'x', speakerId: fx.ids.judge, extra: 1 }, 'not json']) {
      const bad = await put(fx.clerk, ids.claim, body);
      expect(bad.status).toBe(400);
    }
    const badId = await put(fx.clerk, 'x', { baseVersion: 0, text: 'x', speakerId: fx.ids.judge });
    expect([badId.status, badId.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('a party cannot read the record during the hearing; another case\'s party never learns it exists', async () => {
    const party = await record(fx.plaintiff);
    expect([party.status, party.body.error.code]).toEqual([403, 'RECORD_NOT_YET_AVAILABLE']);
    const other = await record(outsider);
    expect([other.status, other.body.error.code]).toEqual([404, 'RECORD_NOT_FOUND']);
    const missing = await fx.clerk.get<ErrorReply>(`/api/hearings/${crypto.randomUUID()}/record`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'RECORD_NOT_FOUND']);
  });

  it('two staff editing the same paragraph: the stale save gets 409 with both texts, and nothing is lost', async () => {
    const first = await put(fx.clerk, ids.claim, { baseVersion: 0, text: '原告：请求支付工资一万元。', speakerId: fx.ids.plaintiff });
    expect(first.body.paragraph.version).toBe(1);
    const clerkEdit = await put(fx.clerk, ids.claim, { baseVersion: 1, text: '原告：请求支付拖欠工资一万元。', speakerId: fx.ids.plaintiff });
    expect(clerkEdit.body.paragraph.version).toBe(2);
    const judgeStale = await put(fx.judge, ids.claim, { baseVersion: 1, text: '原告：请求支付工资一万元及利息。', speakerId: fx.ids.plaintiff });
    expect(judgeStale.status).toBe(409);
    expect(judgeStale.body.error.code).toBe('RECORD_PARAGRAPH_CONFLICT');
    expect(judgeStale.body.error.details).toMatchObject({
      theirs: { id: ids.claim, version: 2, text: '原告：请求支付拖欠工资一万元。', updatedBy: { userId: fx.ids.clerk } },
      yours: { baseVersion: 1, text: '原告：请求支付工资一万元及利息。' },
    });
    // The judge merges both and saves on the version it now knows.
    const merged = await put(fx.judge, ids.claim, { baseVersion: 2, text: '原告：请求支付拖欠工资一万元及利息。', speakerId: fx.ids.plaintiff });
    expect(merged.body.paragraph).toMatchObject({ version: 3, updatedBy: { userId: fx.ids.judge } });
    // An autosave retried after a lost answer is answered with what is stored, not a conflict.
    const retried = await put(fx.judge, ids.claim, { baseVersion: 2, text: '原告：请求支付拖欠工资一万元及利息。', speakerId: fx.ids.plaintiff });
    expect([retried.status, retried.body.paragraph.version]).toEqual([200, 3]);
    const recreated = await put(fx.clerk, ids.opening, { baseVersion: 0, text: '审判员：现在开庭。', speakerId: fx.ids.judge });
    expect([recreated.status, recreated.body.paragraph.version]).toEqual([200, 1]);
  });

  it('two staff writing different paragraphs at the same moment both keep their text; a reopened panel gets it all in order', async () => {
    const other = crypto.randomUUID();
    const [a, b] = await Promise.all([
      put(fx.clerk, ids.answer, { baseVersion: 0, text: '被告：工资已经支付。', speakerId: fx.ids.defendant }),
      put(fx.judge, other, { baseVersion: 0, text: '审判员：被告是否有证据？', speakerId: fx.ids.judge }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const reopened = await record(fx.clerk);
    expect(reopened.status).toBe(200);
    expect(reopened.body.status).toBe('writing');
    const texts = reopened.body.paragraphs.map((p) => p.text);
    expect(texts).toEqual(expect.arrayContaining(['审判员：现在开庭。', '原告：请求支付拖欠工资一万元及利息。', '被告：工资已经支付。', '审判员：被告是否有证据？']));
    expect(texts[0]).toBe('审判员：现在开庭。');
    const times = reopened.body.paragraphs.map((p) => p.at);
    expect([...times].sort()).toEqual(times);
    expect(reopened.body.textSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pushedToParty).toEqual([]);
  });

  it('is searchable by text within the case; parties find nothing of a running hearing, outsiders nothing at all', async () => {
    const found = await fx.clerk.get<RecordSearchView>(`/api/cases/${fx.caseId}/records?q=${encodeURIComponent('工资')}`);
    expect(found.status).toBe(200);
    expect(found.body.results).toHaveLength(1);
    expect(found.body.results[0]?.hearingId).toBe(fx.hearingId);
    expect(found.body.results[0]?.paragraphs.map((p) => p.id).sort()).toEqual([ids.claim, ids.answer].sort());
    const none = await fx.clerk.get<RecordSearchView>(`/api/cases/${fx.caseId}/records?q=${encodeURIComponent('.*')}`);
    expect(none.body.results).toEqual([]);
    expect((await fx.plaintiff.get<RecordSearchView>(`/api/cases/${fx.caseId}/records?q=${encodeURIComponent('工资')}`)).body.results).toEqual([]);
    expect((await outsider.get(`/api/cases/${fx.caseId}/records?q=x`)).status).toBe(404);
    expect((await fx.clerk.get(`/api/cases/${fx.caseId}/records?q=`)).status).toBe(400);
  });

  it('after the hearing the parties read it, each signs or objects after re-authenticating, and the text is then fixed', async () => {
    expect(await ask(judgeSocket, 'host:session', { action: 'close' })).toEqual({ ok: true, data: { state: 'closed' } });
    const read = await record(fx.plaintiff);
    expect(read.status).toBe(200);
    expect(read.body.paragraphs).toHaveLength(4);
    expect(read.body.signatories.map((s) => s.userId).sort()).toEqual([fx.ids.plaintiff, fx.ids.defendant].sort());
    const textSha256 = read.body.textSha256;

    const sign = (client: ApiClient, body: unknown) => client.post<HearingRecordView & ErrorReply>(`/api/hearings/${fx.hearingId}/record/sign`, body);
    expect((await sign(fx.plaintiff, { kind: 'signed', textSha256 })).body.error.code).toBe('REAUTHENTICATION_REQUIRED');
    expect((await sign(fx.plaintiff, { kind: 'signed', textSha256, password: 'wrong-password-1' })).body.error.code).toBe('REAUTHENTICATION_FAILED');
    expect((await sign(fx.plaintiff, { kind: 'signed', textSha256: 'a'.repeat(64), password: PARTY_PASSWORD })).body.error.code).toBe('RECORD_TEXT_CHANGED');
    expect((await sign(fx.clerk, { kind: 'signed', textSha256, password: DEMO_PASSWORD })).body.error.code).toBe('NOT_A_RECORD_SIGNATORY');
    expect((await sign(fx.plaintiff, { kind: 'objected', textSha256, password: PARTY_PASSWORD })).status).toBe(400);

    const signed = await sign(fx.plaintiff, { kind: 'signed', textSha256, password: PARTY_PASSWORD });
    expect(signed.status).toBe(200);
    expect(signed.body.status).toBe('signing');
    expect(signed.body.acts).toEqual([expect.objectContaining({ userId: fx.ids.plaintiff, kind: 'signed', textSha256, reauthenticatedBy: 'password' })]);
    expect((await sign(fx.plaintiff, { kind: 'signed', textSha256, password: PARTY_PASSWORD })).body.error.code).toBe('RECORD_ALREADY_SIGNED');

    const late = await put(fx.clerk, ids.answer, { baseVersion: 1, text: '被告：工资已经全部支付。', speakerId: fx.ids.defendant });
    expect([late.status, late.body.error.code]).toEqual([409, 'RECORD_LOCKED']);
    const early = await fx.clerk.post<ErrorReply>(`/api/hearings/${fx.hearingId}/record/close`);
    expect([early.status, early.body.error.code]).toEqual([409, 'RECORD_SIGNATURES_PENDING']);
    expect(early.body.error.details).toEqual({ pending: [{ userId: fx.ids.defendant, name: '被告乙' }] });

    const objected = await sign(fx.defendant, { kind: 'objected', textSha256, password: PARTY_PASSWORD, objection: '第三段应记为“工资已经全部支付”。' });
    expect(objected.status).toBe(200);
    expect(objected.body.acts.find((a) => a.userId === fx.ids.defendant)).toMatchObject({ kind: 'objected', objection: '第三段应记为“工资已经全部支付”。' });
  });

  it('the clerk closes it: filed on the case as a PDF under the court signature, logged, and verifiable', async () => {
    expect((await fx.plaintiff.post<ErrorReply>(`/api/hearings/${fx.hearingId}/record/close`)).body.error.code).toBe('NOT_RECORD_WRITER');
    const closed = await fx.clerk.post<HearingRecordView & ErrorReply>(`/api/hearings/${fx.hearingId}/record/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('filed');
    const filed = closed.body.filed;
    expect(filed?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await fx.clerk.post<ErrorReply>(`/api/hearings/${fx.hearingId}/record/close`)).body.error.code).toBe('RECORD_FILED');

    const pdf = await fx.defendant.raw(`/api/hearings/${fx.hearingId}/record/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(filed?.sha256);
    expect(pdf.headers.get('x-content-sha256')).toBe(filed?.sha256);
    const text = extractText(bytes).replace(/\s+/g, '');
    for (const words of ['庭审笔录', '审判员：现在开庭。', '原告：请求支付拖欠工资一万元及利息。', '第三段应记为', closed.body.textSha256]) expect(text).toContain(words);

    const verified = await fx.clerk.get<{ genuine: boolean; type: string; title: string; signature?: { valid: boolean; timestamp: { valid: boolean } } }>(`/api/verify/${filed?.sha256}`);
    expect(verified.body).toMatchObject({ genuine: true, type: 'courtDocument', title: '庭审笔录', signature: { valid: true, timestamp: { valid: true } } });
    const byFingerprint = await fx.clerk.get<{ genuine: boolean; matched: string }>(`/api/verify/${closed.body.textSha256}`);
    expect(byFingerprint.body).toMatchObject({ genuine: true, matched: 'fingerprint' });

    const caseView = await fx.plaintiff.get<{ timeline: { type: string }[] }>(`/api/cases/${fx.caseId}`);
    const types = caseView.body.timeline.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['HEARING_RECORD_SIGNED', 'HEARING_RECORD_OBJECTED', 'HEARING_RECORD_FILED']));
    const courtFile = await fx.clerk.get<{ documents: { kind: string; sha256: string }[] }>(`/api/cases/${fx.caseId}`);
    expect(courtFile.body.documents.some((d) => d.kind === 'courtDocument' && d.sha256 === filed?.sha256)).toBe(true);
    expect((await fx.plaintiff.get<{ valid: boolean }>(`/api/cases/${fx.caseId}/log/verify`)).body.valid).toBe(true);
  });
});
