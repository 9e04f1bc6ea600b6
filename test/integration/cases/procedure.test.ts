/**
 * Steps in lawful order (issue 12), through the real API: defendants served before any hearing,
 * hearings fixed after the answer period (unless answered or waived) and summoned 3 days ahead,
 * the answer deadline shown whatever the stage, periods following the document and the side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { addPeriod, chineseHolidayCalendar, shanghaiDate } from '../../../state-machines/rules/periods.js';
import { login, registerParty, sampleFiles, seedAndLoginClerk, type ApiClient } from '../../support/api.js';
import { ask, joinToken, openSocket } from '../../support/hearing.js';
import { lawfulStart, serveAndAcknowledge, serveComplaintCopy, serveSummons } from '../../support/procedure.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { feeSettledCase, me, type ServiceCase } from '../service/fixture.js';

const DAY = 86_400_000;

interface CaseBody {
  status: string;
  deadlines: { kind: string; date: string; partyId?: string }[];
  service: { defendants: number; served: { defendantId: string; servedAt: string; answerBy: string; documentId?: string; state: string; waivedAt?: string }[] };
  timeline: { type: string; details: Record<string, unknown> }[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: { earliestLawfulStart?: string; rule?: string } };
}

describe('steps in lawful order', () => {
  let server: TestServer;
  let judge: ApiClient;
  let judgeId: string;

  beforeAll(async () => {
    server = await startTestServer();
    await seedAndLoginClerk(server);
    judge = await login(server, '13800000002', DEMO_PASSWORD);
    judgeId = await me(judge);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const participants = (c: ServiceCase) => [
    { userId: judgeId, role: 'judge' },
    { userId: c.ids.plaintiff, role: 'party', side: 'plaintiff' },
    { userId: c.ids.defendant, role: 'party', side: 'defendant' },
  ];

  it('a hearing inside the answer period is refused with the earliest lawful start; that start is accepted; serving afterwards shows the answer deadline', async () => {
    const c = await feeSettledCase(server, 51);
    const tooEarly = await judge.post<ErrorBody>(`/api/cases/${c.caseId}/hearings`, { kind: 'hearing', startsAt: new Date(Date.now() + 7 * DAY).toISOString(), participants: participants(c) });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.code).toBe('HEARING_TOO_EARLY');
    expect(tooEarly.body.error.message).toMatch(/answer period/);
    const earliest = tooEarly.body.error.details?.earliestLawfulStart ?? '';
    const answerIfServedToday = addPeriod(shanghaiDate(new Date()), 15, 'day', chineseHolidayCalendar);
    expect(shanghaiDate(earliest) > answerIfServedToday).toBe(true);
    // Nothing was left behind by the refusal.
    expect((await judge.get<{ hearings: unknown[] }>(`/api/cases/${c.caseId}/hearings`)).body.hearings).toEqual([]);

    const fixed = await judge.post<{ id: string }>(`/api/cases/${c.caseId}/hearings`, { kind: 'hearing', startsAt: earliest, participants: participants(c) });
    expect(fixed.status).toBe(201);
    await serveComplaintCopy(c.clerk, c.caseId, { client: c.defendant, userId: c.ids.defendant });
    const view = (await c.defendant.get<CaseBody>(`/api/cases/${c.caseId}`)).body;
    expect(view.status).toBe('hearingScheduled');
    const served = view.service.served[0]!;
    expect(view.service.defendants).toBe(1);
    expect(served).toMatchObject({ defendantId: c.ids.defendant, documentId: c.complaintId, state: 'running' });
    expect(served.answerBy).toBe(addPeriod(shanghaiDate(served.servedAt), 15, 'day', chineseHolidayCalendar));
    expect(view.deadlines).toContainEqual(expect.objectContaining({ kind: 'answerBy', date: served.answerBy }));

    // Moving it back inside the answer period is refused the same way.
    const moved = await c.clerk.patch<ErrorBody>(`/api/hearings/${fixed.body.id}`, { startsAt: new Date(Date.now() + 5 * DAY).toISOString(), reason: '提前' });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('HEARING_TOO_EARLY');
    expect(moved.body.error.details?.rule).toBe('ANSWER_PERIOD');
  });

  it('a 传票 served on the plaintiff starts no answer or appeal period for them (issue 15)', async () => {
    const c = await feeSettledCase(server, 52);
    const fixed = await judge.post<{ id: string }>(`/api/cases/${c.caseId}/hearings`, { kind: 'hearing', startsAt: lawfulStart(), participants: participants(c) });
    const service = await serveAndAcknowledge(c.clerk, c.caseId, { kind: 'summons', hearingId: fixed.body.id }, [{ client: c.plaintiff, userId: c.ids.plaintiff, side: 'plaintiff' }]);
    const detail = await c.clerk.get<{ service: { recipients: { effect: { effective: boolean }; periods?: Record<string, string> }[] } }>(`/api/service/${service.id}`);
    expect(detail.body.service.recipients[0]!.effect.effective).toBe(true);
    expect(detail.body.service.recipients[0]!.periods).toEqual({});
    const view = (await c.plaintiff.get<CaseBody>(`/api/cases/${c.caseId}`)).body;
    expect(view.deadlines.filter((d) => d.kind === 'answerBy' || d.kind === 'appealBy')).toEqual([]);
    expect(view.service.served).toEqual([]);
  });

  it('the defendant waives the rest of the answer period: logged, and an earlier hearing becomes lawful (3-day notice still applies)', async () => {
    const c = await feeSettledCase(server, 53);
    expect((await c.defendant.post<ErrorBody>(`/api/cases/${c.caseId}/answer-waiver`, { statement: '我放弃答辩期' })).body.error.code).toBe('ANSWER_PERIOD_NOT_RUNNING');
    await serveComplaintCopy(c.clerk, c.caseId, { client: c.defendant, userId: c.ids.defendant });
    expect((await c.plaintiff.post<ErrorBody>(`/api/cases/${c.caseId}/answer-waiver`, { statement: '替被告放弃' })).status).toBe(403);
    expect((await c.defendant.post<ErrorBody>(`/api/cases/${c.caseId}/answer-waiver`, { statement: ' ' })).status).toBe(400);
    const waived = await c.defendant.post<CaseBody>(`/api/cases/${c.caseId}/answer-waiver`, { statement: '我放弃剩余答辩期，同意尽快开庭' });
    expect(waived.status).toBe(200);
    expect(waived.body.service.served[0]).toMatchObject({ state: 'waived', waivedAt: expect.any(String) });
    expect(waived.body.deadlines.filter((d) => d.kind === 'answerBy')).toEqual([]);
    expect(waived.body.timeline.at(-1)).toMatchObject({ type: 'WAIVE_ANSWER_PERIOD', details: { defendantId: c.ids.defendant, statement: '我放弃剩余答辩期，同意尽快开庭' } });
    expect((await c.defendant.post<ErrorBody>(`/api/cases/${c.caseId}/answer-waiver`, { statement: '再次放弃' })).body.error.code).toBe('ANSWER_PERIOD_NOT_RUNNING');

    const twoDays = await judge.post<ErrorBody>(`/api/cases/${c.caseId}/hearings`, { kind: 'hearing', startsAt: new Date(Date.now() + 2 * DAY).toISOString(), participants: participants(c) });
    expect(twoDays.status).toBe(409);
    expect(twoDays.body.error.details?.rule).toBe('NOTICE_PERIOD');
    const sixDays = await judge.post(`/api/cases/${c.caseId}/hearings`, { kind: 'hearing', startsAt: new Date(Date.now() + 6 * DAY).toISOString(), participants: participants(c) });
    expect(sixDays.status).toBe(201);
  });

  it('no hearing opens before every defendant is served and summoned 3 days ahead', async () => {
    const c = await feeSettledCase(server, 54);
    const fixed = await judge.post<{ id: string }>(`/api/cases/${c.caseId}/hearings`, { kind: 'hearing', startsAt: lawfulStart(), participants: participants(c) });
    const hearingId = fixed.body.id;
    const open = async () => {
      const socket = await openSocket(server, await joinToken(judge, hearingId));
      try {
        return await ask(socket, 'hearing:join');
      } finally {
        socket.disconnect();
      }
    };
    const unserved = await open();
    expect(unserved).toMatchObject({ ok: false, error: { code: 'DEFENDANT_NOT_SERVED' } });
    await expect(server.services.cases.recordSystemEvent(c.caseId, { type: 'HEARING_STARTED', hearingId })).rejects.toMatchObject({ code: 'DEFENDANT_NOT_SERVED' });

    await serveComplaintCopy(c.clerk, c.caseId, { client: c.defendant, userId: c.ids.defendant });
    expect(await open()).toMatchObject({ ok: false, error: { code: 'NOTICE_TOO_LATE' } });
    await serveSummons(c.clerk, c.caseId, hearingId, [
      { client: c.plaintiff, userId: c.ids.plaintiff, side: 'plaintiff' },
      { client: c.defendant, userId: c.ids.defendant, side: 'defendant' },
    ]);
    expect(await open()).toMatchObject({ ok: true });
    expect((await judge.get<{ state: string }>(`/api/hearings/${hearingId}`)).body.state).not.toBe('scheduled');
  });

  it("the clerk's queue shows the days left of the 7 days to decide on a complete filing", async () => {
    const filer = await registerParty(server, '13720000055', 655, '原告丙');
    const filed = await filer.postForm<{ id: string; status: string }>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '被告丁' }] },
      [
        { field: 'complaint', filename: 'c.pdf', bytes: sampleFiles.pdf('queue') },
        { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
      ],
    );
    expect(filed.body.status).toBe('underReview');
    const clerk = await login(server, '13800000001', DEMO_PASSWORD);
    const queue = await clerk.get<{ cases: { id: string; reviewDue?: { by: string; daysLeft: number; overdue: boolean } }[] }>('/api/cases?status=underReview');
    const mine = queue.body.cases.find((x) => x.id === filed.body.id);
    const by = addPeriod(shanghaiDate(new Date()), 7, 'day', chineseHolidayCalendar);
    expect(mine?.reviewDue).toEqual({ by, daysLeft: Math.round((Date.parse(by) - Date.parse(shanghaiDate(new Date()))) / DAY), overdue: false });
    expect(mine!.reviewDue!.daysLeft).toBeGreaterThanOrEqual(7);
  });
});
