import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarDateEn } from '../../../state-machines/rules/courtDates.js';
import { endOfDayShanghai } from '../../../state-machines/rules/periods.js';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { sweepDeadlines } from '../../../server/server.js';
import { login, registerParty, sampleFiles, seedAndLoginClerk, validIdNumber, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { waitForNotification } from '../agreements/mediationCase.js';

interface CaseBody {
  id: string;
  status: string;
  version: number;
  fee?: { amount: string };
  deadlines: { kind: string; date: string }[];
  feeSettlement?: { kind: string; until?: string; reason?: string };
  feeRelief: { id: string; kind: string; status: string; reasons: string; proofIds: string[]; decisionReasons?: string; grantedUntil?: string; grantedAmount?: string }[];
  documents: { id: string }[];
  timeline: { type: string; by: string }[];
}
type ErrorBody = { error: { code: string } };

const DAY = 86_400_000;
const proof = [{ field: 'proof', filename: '低保证明.pdf', bytes: sampleFiles.pdf('subsistence allowance certificate') }];

describe('fee relief: the party applies with reasons and proof, the clerk or judge decides', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let judge: ApiClient;
  let party: ApiClient;
  let stranger: ApiClient;
  let seq = 930;

  async function docketedCase(): Promise<CaseBody> {
    seq++;
    const filed = await party.postForm<{ id: string }>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'property', causeOfAction: 'C10', claimAmount: '150000', claims: ['返还借款'], facts: '借款未还', defendants: [{ name: '被告救助', idNumber: validIdNumber(seq) }] },
      [
        { field: 'complaint', filename: 'complaint.pdf', bytes: sampleFiles.pdf(`c${seq}`) },
        { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
      ],
    );
    expect(filed.status).toBe(201);
    const accepted = await clerk.post<CaseBody>(`/api/cases/${filed.body.id}/review`, { decision: 'accept' });
    expect(accepted.body.status).toBe('docketed');
    return accepted.body;
  }

  const apply = (c: { id: string }, application: Record<string, unknown>) => postApplication(c.id, application, proof);

  async function postApplication(caseId: string, application: Record<string, unknown>, files: typeof proof) {
    const form = new FormData();
    form.append('application', JSON.stringify(application));
    for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.bytes)]), f.filename);
    const res = await fetch(`${server.url}/api/cases/${caseId}/fee-relief`, { method: 'POST', headers: { authorization: `Bearer ${party.token ?? ''}` }, body: form });
    return { status: res.status, body: (await res.json()) as CaseBody & ErrorBody };
  }

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    judge = await login(server, '13800000002', DEMO_PASSWORD);
    party = await registerParty(server, '13900003301', 931, '救助申请人');
    stranger = await registerParty(server, '13900003302', 932, '无关的人');
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('refuses relief on a case with no fee due, with a stable code, and changes nothing', async () => {
    const filed = await party.postForm<{ id: string }>('/api/cases', { court: 'bj-chaoyang', caseType: 'property', claimAmount: '1000', claims: ['x'], facts: 'y', defendants: [{ name: '某人' }] }, [
      { field: 'complaint', filename: 'complaint.pdf', bytes: sampleFiles.pdf('nofee') },
      { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
    ]);
    const before = await party.get<CaseBody>(`/api/cases/${filed.body.id}`);
    const res = await postApplication(filed.body.id, { kind: 'waiver', reasons: '经济困难' }, proof);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NO_FEE_DUE');
    const after = await party.get<CaseBody>(`/api/cases/${filed.body.id}`);
    expect(after.body.version).toBe(before.body.version);
    expect(after.body.documents).toHaveLength(before.body.documents.length);
    expect(after.body.feeRelief).toEqual([]);
  });

  it('a deferral: the application holds the fee period open, the clerk grants it and the case moves on; the notices read in English', async () => {
    const c = await docketedCase();
    const feeDueBy = c.deadlines.find((d) => d.kind === 'feeDueBy')?.date ?? '';
    // Incomplete applications are refused before anything is stored.
    expect((await postApplication(c.id, { kind: 'deferral', reasons: '经济困难' }, proof)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await postApplication(c.id, { kind: 'deferral', reasons: '经济困难', until: '2099-01-01' }, [])).body.error.code).toBe('PROOF_REQUIRED');

    const applied = await apply(c, { kind: 'deferral', reasons: '家庭遭遇火灾，暂无力交纳', until: '2099-06-30' });
    expect(applied.status).toBe(201);
    const [application] = applied.body.feeRelief;
    expect(application).toMatchObject({ kind: 'deferral', status: 'pending', reasons: '家庭遭遇火灾，暂无力交纳' });
    expect(applied.body.documents.map((d) => d.id)).toEqual(expect.arrayContaining(application?.proofIds ?? ['missing']));
    expect(applied.body.timeline.at(-1)).toMatchObject({ type: 'FEE_RELIEF_APPLIED', by: 'party' });
    const told = await waitForNotification(clerk, (n) => n.caseId === c.id && n.type === 'queue.feeReliefApplied');
    expect(told.titleEn).toContain('fee deferral');

    // One application at a time; a stranger cannot see the case; a party cannot decide.
    expect((await postApplication(c.id, { kind: 'waiver', reasons: 'again' }, proof)).body.error.code).toBe('FEE_RELIEF_PENDING');
    expect((await stranger.post<ErrorBody>(`/api/cases/${c.id}/fee-relief/${application?.id}/decision`, { decision: 'grant', reasons: 'x' })).status).toBe(403);

    // The fee period ends while the application waits: it does not lapse.
    await sweepDeadlines(server.services, new Date(endOfDayShanghai(feeDueBy).getTime() + DAY));
    expect((await party.get<CaseBody>(`/api/cases/${c.id}`)).body.status).toBe('docketed');

    const granted = await clerk.post<CaseBody>(`/api/cases/${c.id}/fee-relief/${application?.id}/decision`, { decision: 'grant', reasons: '经核实确有困难', until: '2099-03-31' });
    expect(granted.status).toBe(200);
    expect(granted.body.status).toBe('feeSettled');
    expect(granted.body.feeSettlement).toMatchObject({ kind: 'deferred', until: '2099-03-31', reason: '经核实确有困难' });
    expect(granted.body.feeRelief[0]).toMatchObject({ status: 'granted', grantedUntil: '2099-03-31', decisionReasons: '经核实确有困难' });
    expect(granted.body.timeline.at(-1)).toMatchObject({ type: 'FEE_DEFERRED', by: 'clerk' });
    const notice = await waitForNotification(party, (n) => n.caseId === c.id && n.type === 'case.feeSettled');
    expect(notice.bodyEn).toContain(`deferred until ${calendarDateEn('2099-03-31')}`);
    expect(`${notice.titleEn} ${notice.bodyEn}`).not.toMatch(/[年月日]/);
    expect(notice.bodyZh).toContain('缓交至2099年3月31日');

    // Decided once.
    const again = await clerk.post<ErrorBody>(`/api/cases/${c.id}/fee-relief/${application?.id}/decision`, { decision: 'refuse', reasons: 'x' });
    expect(again.status).toBe(409);
  });

  it('a reduction granted by the judge lowers the fee due; the period still runs', async () => {
    const c = await docketedCase();
    const applied = await apply(c, { kind: 'reduction', reasons: '收入微薄', amount: '100' });
    const id = applied.body.feeRelief[0]?.id;
    const tooHigh = await judge.post<ErrorBody>(`/api/cases/${c.id}/fee-relief/${id}/decision`, { decision: 'grant', reasons: '部分困难', amount: '999999' });
    expect(tooHigh.status).toBe(400);
    const granted = await judge.post<CaseBody>(`/api/cases/${c.id}/fee-relief/${id}/decision`, { decision: 'grant', reasons: '部分困难', amount: '500.5' });
    expect(granted.status).toBe(200);
    expect(granted.body.status).toBe('docketed');
    expect(granted.body.fee?.amount).toBe('500.5');
    expect(granted.body.deadlines.map((d) => d.kind)).toContain('feeDueBy');
    const notice = await waitForNotification(party, (n) => n.caseId === c.id && n.type === 'case.feeReduced');
    expect(notice.bodyEn).toContain('CNY 500.50');
  });

  it('a refusal is told with the reasons and the day to pay by; after it the fee period lapses', async () => {
    const c = await docketedCase();
    const feeDueBy = c.deadlines.find((d) => d.kind === 'feeDueBy')?.date ?? '';
    const applied = await apply(c, { kind: 'waiver', reasons: '没钱' });
    const id = applied.body.feeRelief[0]?.id;
    const refused = await clerk.post<CaseBody>(`/api/cases/${c.id}/fee-relief/${id}/decision`, { decision: 'refuse', reasons: '未提供充分证明' });
    expect(refused.body.status).toBe('docketed');
    expect(refused.body.feeRelief[0]).toMatchObject({ status: 'refused', decisionReasons: '未提供充分证明' });
    const notice = await waitForNotification(party, (n) => n.caseId === c.id && n.type === 'case.feeReliefRefused');
    expect(notice.bodyEn).toMatch(/Reasons: 未提供充分证明\. Please pay the court fee by \d{1,2} [A-Z][a-z]+ \d{4}/);

    // A refusal never shortens the period; once both it and the days after the refusal are over, the case lapses.
    const original = endOfDayShanghai(feeDueBy).getTime();
    await sweepDeadlines(server.services, new Date(original - 60_000));
    expect((await party.get<CaseBody>(`/api/cases/${c.id}`)).body.status).toBe('docketed');
    await sweepDeadlines(server.services, new Date(original + 30 * DAY));
    expect((await party.get<CaseBody>(`/api/cases/${c.id}`)).body.status).toBe('withdrawn');
  });
});
