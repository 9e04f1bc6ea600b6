import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationView } from '../../../protocol/notificationViews.js';
import { sweepDeadlines } from '../../../server/server.js';
import { endOfDayShanghai } from '../../../state-machines/rules/periods.js';
import { login, registerParty, sampleFiles, seedAndLoginClerk, type ApiClient } from '../../support/api.js';
import { restartTestServer, startTestServer, type TestServer } from '../../support/server.js';
import { feeSettledCase, me, waitForNotification, type MediationFixture } from '../agreements/mediationCase.js';
import { startSmtp, waitFor, type Smtp } from '../service/fixture.js';
import { calendarDateEn } from '../../../state-machines/rules/courtDates.js';

interface CaseView {
  id: string;
  status: string;
  caseNumber?: string;
  fee?: { amount: string };
  deadlines: { kind: string; date: string }[];
  timeline: { type: string; details: Record<string, unknown> }[];
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

const labourCase = { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付拖欠工资'], facts: '用人单位拖欠三个月工资。', defendants: [{ name: '某某公司' }] };
const complaint = { field: 'complaint', filename: 'complaint.pdf', bytes: sampleFiles.pdf() };
const idProof = { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() };

/** Files a case without the ID proof: the automatic check asks for a correction. */
async function fileNeedingCorrection(party: ApiClient): Promise<CaseView> {
  const filed = await party.postForm<{ id: string; status: string }>('/api/cases', labourCase, [complaint]);
  expect(filed.status).toBe(201);
  expect(filed.body.status).toBe('correctionRequested');
  return (await party.get<CaseView>(`/api/cases/${filed.body.id}`)).body;
}

function deadline(view: CaseView, kind: string): string {
  const found = view.deadlines.find((d) => d.kind === kind);
  if (!found) throw new Error(`case ${view.id} has no ${kind} deadline: ${JSON.stringify(view.deadlines)}`);
  return found.date;
}

async function notificationsOf(client: ApiClient, caseId: string, type: string): Promise<NotificationView[]> {
  const res = await client.get<{ notifications: NotificationView[] }>('/api/notifications?limit=100');
  return res.body.notifications.filter((n) => n.caseId === caseId && n.type === type);
}

describe('each step of a case reaches the filer (platform and email) and new filings reach the clerks', () => {
  let server: TestServer;
  let smtp: Smtp;
  let clerk: ApiClient;
  let party: ApiClient;
  const address = 'filer@example.cn';

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, PUBLIC_URL: 'https://court.example' });
    clerk = await seedAndLoginClerk(server);
    party = await registerParty(server, '13600000001', 501, '李四');
    expect((await party.put('/api/notifications/settings', { email: address, language: 'zh' })).status).toBe(200);
  });
  afterAll(async () => {
    await server?.destroy();
    await smtp?.close();
  });

  it('correction needed, filing received, accepted with the fee due: each once, with what to do and by when', async () => {
    const filed = await fileNeedingCorrection(party);
    const correctBy = deadline(filed, 'correctBy');
    const correction = await waitForNotification(party, (n) => n.caseId === filed.id && n.type === 'case.correctionRequested');
    expect(correction.bodyZh).toContain('身份证明');
    const [y, m, d] = correctBy.split('-').map(Number);
    expect(correction.bodyZh).toContain(`${y}年${m}月${d}日`);
    // English text carries English dates: '17 March 2026', never 2026年3月17日.
    expect(correction.bodyEn).toContain(calendarDateEn(correctBy));
    expect(correction.bodyEn).not.toMatch(/年|月|日/);
    expect(correction.link).toBe(`/cases/${filed.id}`);
    const mail = await waitFor(() => smtp.received.find((r) => r.to.includes(address) && r.mail.subject?.startsWith('立案材料需要补正')), 'the correction email');
    expect(mail.mail.text).toContain(`${y}年${m}月${d}日`);

    const fixed = await party.postForm<CaseView>(`/api/cases/${filed.id}/resubmit`, undefined, [idProof]);
    expect(fixed.body.status).toBe('underReview');
    await waitForNotification(party, (n) => n.caseId === filed.id && n.type === 'case.received');
    const queued = await waitForNotification(clerk, (n) => n.caseId === filed.id && n.type === 'queue.filingAwaitsReview');
    expect(queued.titleZh).toBe('补正后的立案申请待审查');

    const accepted = await clerk.post<CaseView>(`/api/cases/${filed.id}/review`, { decision: 'accept' });
    expect(accepted.body.status).toBe('docketed');
    const notice = await waitForNotification(party, (n) => n.caseId === filed.id && n.type === 'case.accepted');
    expect(notice.titleZh).toBe(`已立案：${accepted.body.caseNumber ?? 'missing'}`);
    expect(notice.bodyZh).toContain(`诉讼费${accepted.body.fee?.amount ?? 'missing'}元`);
    expect(notice.bodyEn).toContain(calendarDateEn(deadline(accepted.body, 'feeDueBy')));

    // The party is not told twice, and the clerk is not told of the party's steps.
    expect(await notificationsOf(party, filed.id, 'case.accepted')).toHaveLength(1);
    expect(await notificationsOf(party, filed.id, 'case.correctionRequested')).toHaveLength(1);
    expect(await notificationsOf(clerk, filed.id, 'case.accepted')).toHaveLength(0);
  });

  it('a rejection tells the filer the reasons', async () => {
    const filed = await party.postForm<CaseView>('/api/cases', labourCase, [complaint, idProof]);
    expect(filed.body.status).toBe('underReview');
    await clerk.post(`/api/cases/${filed.body.id}/review`, { decision: 'reject', reasons: ['不属于本院管辖'] });
    const rejected = await waitForNotification(party, (n) => n.caseId === filed.body.id && n.type === 'case.rejected');
    expect(rejected.bodyZh).toContain('不属于本院管辖');
  });
});

describe('the deadline sweep: reminders before a period ends, the expiry after it', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let party: ApiClient;

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    party = await registerParty(server, '13600000002', 502, '王五');
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('reminds in the last three days and on the last day, once each; the day after, the filing is treated as withdrawn', async () => {
    const filed = await fileNeedingCorrection(party);
    const correctBy = deadline(filed, 'correctBy');
    const ends = endOfDayShanghai(correctBy).getTime();

    // Four days before the end nothing is due yet.
    expect((await sweepDeadlines(server.services, new Date(ends - 4 * DAY))).reminders.deadlines).toBe(0);
    const early = new Date(ends - 2 * DAY);
    expect((await sweepDeadlines(server.services, early)).reminders.deadlines).toBe(1);
    await sweepDeadlines(server.services, new Date(early.getTime() + HOUR));
    await server.services.caseNotifier.settled();
    const soon = await notificationsOf(party, filed.id, 'reminder.deadline');
    expect(soon).toHaveLength(1);
    expect(soon[0]?.titleEn).toBe(`Please correct your filing by ${calendarDateEn(correctBy)}`);

    await sweepDeadlines(server.services, new Date(ends - 6 * HOUR));
    const reminders = await notificationsOf(party, filed.id, 'reminder.deadline');
    expect(reminders).toHaveLength(2);
    expect(reminders[0]?.titleZh).toBe('今天是补正立案材料的最后一天');

    // Still within the last day: nothing expires.
    expect((await sweepDeadlines(server.services, new Date(ends - 1000))).expired).toEqual([]);
    expect((await party.get<CaseView>(`/api/cases/${filed.id}`)).body.status).toBe('correctionRequested');

    const after = await sweepDeadlines(server.services, new Date(ends + 1000));
    expect(after.expired).toEqual([{ caseId: filed.id, type: 'CORRECTION_PERIOD_EXPIRED' }]);
    const view = (await party.get<CaseView>(`/api/cases/${filed.id}`)).body;
    expect(view.status).toBe('withdrawn');
    expect(view.timeline.at(-1)?.type).toBe('CORRECTION_PERIOD_EXPIRED');
    const withdrawn = await waitForNotification(party, (n) => n.caseId === filed.id && n.type === 'case.deemedWithdrawn');
    expect(withdrawn.bodyEn).toContain('correction period ended');
    // A second sweep finds nothing more to do.
    expect((await sweepDeadlines(server.services, new Date(ends + 2000))).expired).toEqual([]);
  });

  it('a payment waiting for the clerk holds off the fee expiry; confirming it settles the fee and ends that deadline', async () => {
    const paying = await party.postForm<CaseView>('/api/cases', labourCase, [complaint, idProof]);
    const unpaid = await party.postForm<CaseView>('/api/cases', labourCase, [complaint, idProof]);
    const accepted = await clerk.post<CaseView>(`/api/cases/${paying.body.id}/review`, { decision: 'accept' });
    await clerk.post(`/api/cases/${unpaid.body.id}/review`, { decision: 'accept' });
    const pay = await party.post<{ payment: { _id: string } }>(`/api/cases/${paying.body.id}/payments`);
    expect(pay.status).toBe(201);

    const afterFeePeriod = new Date(endOfDayShanghai(deadline(accepted.body, 'feeDueBy')).getTime() + 1000);
    const swept = await sweepDeadlines(server.services, afterFeePeriod);
    expect(swept.expired).toEqual([{ caseId: unpaid.body.id, type: 'FEE_PERIOD_EXPIRED' }]);
    expect((await party.get<CaseView>(`/api/cases/${unpaid.body.id}`)).body.status).toBe('withdrawn');
    expect((await party.get<CaseView>(`/api/cases/${paying.body.id}`)).body.status).toBe('docketed');

    const confirmed = await clerk.post<CaseView>(`/api/cases/${paying.body.id}/payments/${pay.body.payment._id}/confirm`);
    expect(confirmed.body.status).toBe('feeSettled');
    expect(confirmed.body.deadlines.map((d) => d.kind)).not.toContain('feeDueBy');
    await waitForNotification(party, (n) => n.caseId === paying.body.id && n.type === 'case.feeSettled');
  });
});

describe('hearings: scheduled, moved and reminded, to every participant', () => {
  let server: TestServer;
  let fx: MediationFixture;
  let judgeId: string;

  beforeAll(async () => {
    server = await startTestServer();
    fx = await feeSettledCase(server, 21);
    judgeId = await me(fx.judge);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('participants hear of the hearing, of its new time with the old one, and the day before it', async () => {
    // After the answer period a service today would start (issue 12: no hearing inside it).
    const first = new Date(Date.now() + 31 * DAY).toISOString();
    const scheduled = await fx.clerk.post<{ id: string; startsAt: string }>(`/api/cases/${fx.caseId}/hearings`, {
      kind: 'hearing',
      startsAt: first,
      participants: [
        { userId: judgeId, role: 'judge' },
        { userId: fx.ids.plaintiff, role: 'party', side: 'plaintiff' },
        { userId: fx.ids.defendant, role: 'party', side: 'defendant' },
      ],
    });
    expect(scheduled.status).toBe(201);
    const hearingId = scheduled.body.id;
    for (const who of [fx.plaintiff, fx.defendant, fx.judge]) {
      const n = await waitForNotification(who, (x) => x.type === 'hearing.scheduled' && x.link === `/hearings/${hearingId}`);
      expect(n.caseId).toBe(fx.caseId);
    }

    // The defendant did not file the case, yet finds the hearing among their own; others do not see it.
    const mine = await fx.defendant.get<{ hearings: { id: string; state: string }[] }>('/api/hearings');
    expect(mine.body.hearings).toEqual([expect.objectContaining({ id: hearingId, state: 'scheduled' })]);
    expect((await fx.mediator.get<{ hearings: unknown[] }>('/api/hearings')).body.hearings).toEqual([]);

    // Only court staff move a hearing, and they say why.
    expect((await fx.plaintiff.patch(`/api/hearings/${hearingId}`, { startsAt: first, reason: '我没空' })).status).toBe(403);
    const noReason = await fx.clerk.patch<{ error: { code: string } }>(`/api/hearings/${hearingId}`, { startsAt: first });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('VALIDATION_FAILED');

    const second = new Date(Date.now() + 30 * DAY).toISOString();
    const moved = await fx.clerk.patch<{ startsAt: string }>(`/api/hearings/${hearingId}`, { startsAt: second, reason: '审判庭另有安排' });
    expect(moved.status).toBe(200);
    expect(moved.body.startsAt).toBe(second);
    const notice = await waitForNotification(fx.defendant, (x) => x.type === 'hearing.rescheduled');
    expect(notice.bodyEn).toMatch(/set for \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} now starts at \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} \(Beijing time\)/);
    expect(notice.titleEn).not.toMatch(/年|月|日/);
    const timeline = (await fx.clerk.get<CaseView>(`/api/cases/${fx.caseId}`)).body.timeline;
    expect(timeline.at(-1)).toMatchObject({ type: 'HEARING_RESCHEDULED', details: { hearingId, from: new Date(first).toISOString(), startsAt: second, reason: '审判庭另有安排' } });

    // A day before the old time nothing is due (the hearing moved); two hours before the new time everyone is reminded, once.
    const early = await sweepDeadlines(server.services, new Date(Date.parse(second) - 30 * HOUR));
    expect(early.reminders.hearings).toBe(0);
    const due = await sweepDeadlines(server.services, new Date(Date.parse(second) - 2 * HOUR));
    expect(due.reminders.hearings).toBe(3);
    await sweepDeadlines(server.services, new Date(Date.parse(second) - HOUR));
    for (const who of [fx.plaintiff, fx.defendant, fx.judge]) {
      const reminders = (await who.get<{ notifications: NotificationView[] }>('/api/notifications?limit=100')).body.notifications.filter((n) => n.type === 'reminder.hearing');
      expect(reminders).toHaveLength(1);
      expect(reminders[0]?.link).toBe(`/hearings/${hearingId}`);
    }
  });

  it('after a stop between a case step and its notice, the restarted server sends the notice', async () => {
    await server.services.caseNotifier.settled();
    const notifications = server.db.connection.collection('notifications');
    const lost = await notifications.deleteMany({ userId: fx.ids.plaintiff, type: 'case.accepted' });
    expect(lost.deletedCount).toBe(1);
    server = await restartTestServer(server);
    const plaintiff = await login(server, '13700000021', 'a-good-password');
    const resent = await waitForNotification(plaintiff, (n) => n.caseId === fx.caseId && n.type === 'case.accepted');
    expect(resent.titleZh).toMatch(/^已立案：（\d{4}）京0105民初\d+号$/);
    // Catching up again sends nothing twice: every notice is keyed by its step.
    expect(await server.services.caseNotifier.catchUp()).toBeGreaterThan(0);
    expect(await notificationsOf(plaintiff, fx.caseId, 'case.accepted')).toHaveLength(1);
    expect(await notificationsOf(plaintiff, fx.caseId, 'case.feeSettled')).toHaveLength(1);
  });
});
