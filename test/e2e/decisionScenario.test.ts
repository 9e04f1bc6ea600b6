import { LAWFUL_LEAD_DAYS, lawfulStart, serveComplaintCopy } from '../support/procedure.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seedData.js';
import { login, sampleFiles } from '../support/api.js';
import { browserSuite, screenshot } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { consentInbox, feeSettledCase, me, serve, type ServiceCase } from '../integration/service/fixture.js';
import { loginUi, PASSWORD } from './steps.js';

const CLERK_PHONE = '13800000001';
const JUDGE_PHONE = '13800000002';

/** A datetime-local value in Beijing time, `days` from now on the hour. */
function beijingLocal(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setUTCMinutes(0, 0, 0);
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}

describe('moving a hearing, the judge\'s decision and the defendant\'s answer, in Chromium', () => {
  const suite = browserSuite();
  let server: TestServer;
  let c: ServiceCase;

  beforeAll(async () => {
    server = suite.server;
    c = await feeSettledCase(server, 91);
  });

  it('a move with its reason reaches the parties; the signed judgment decides the case', { timeout: 90_000 }, async () => {
    const judgeApi = await login(server, JUDGE_PHONE, DEMO_PASSWORD);
    const scheduled = await c.clerk.post<{ id: string }>(`/api/cases/${c.caseId}/hearings`, {
      kind: 'hearing',
      // Lawful order (issue 12): after the answer period a service today would start.
      startsAt: lawfulStart(),
      participants: [
        { userId: await me(judgeApi), role: 'judge' },
        { userId: c.ids.plaintiff, role: 'party', side: 'plaintiff' },
        { userId: c.ids.defendant, role: 'party', side: 'defendant' },
      ],
    });
    expect(scheduled.status).toBe(201);
    const hearingId = scheduled.body.id;

    const clerk = await suite.open();
    const judge = await suite.open();
    try {
      // --- The clerk moves the hearing, saying why -------------------------------------------------
      const k = clerk.page;
      await loginUi(k, CLERK_PHONE, DEMO_PASSWORD);
      await k.goto(`/cases/${c.caseId}`);
      const hearings = k.getByTestId('hearings');
      await hearings.getByRole('button', { name: '改期…' }).click();
      const form = hearings.getByTestId('reschedule-form');
      const newTime = beijingLocal(LAWFUL_LEAD_DAYS + 1);
      await form.getByLabel('新的开始时间（北京时间）').fill(newTime);
      await form.getByRole('button', { name: '确认改期' }).click();
      await form.getByText('请填写改期理由。').waitFor();
      await form.getByLabel('改期理由（将告知各参加人）').fill('审判庭另有安排');
      await form.getByRole('button', { name: '确认改期' }).click();
      await form.waitFor({ state: 'detached' });
      const expectedStart = new Date(`${newTime}:00+08:00`).toISOString();
      expect((await c.clerk.get<{ startsAt: string }>(`/api/hearings/${hearingId}`)).body.startsAt).toBe(expectedStart);
      await expect
        .poll(async () => (await c.plaintiff.get<{ notifications: { type: string; bodyZh: string }[] }>('/api/notifications')).body.notifications.find((n) => n.type === 'hearing.rescheduled')?.bodyZh)
        .toContain('改为');
      await expect.poll(async () => (await c.clerk.get<{ timeline: { type: string }[] }>(`/api/cases/${c.caseId}`)).body.timeline.at(-1)?.type).toBe('HEARING_RESCHEDULED');

      // What the live session reports when the judge opens and closes the court: the defendant was served first.
      await serveComplaintCopy(c.clerk, c.caseId, { client: c.defendant, userId: c.ids.defendant });
      await server.services.cases.recordSystemEvent(c.caseId, { type: 'HEARING_STARTED', hearingId });
      await server.services.cases.recordSystemEvent(c.caseId, { type: 'HEARING_ENDED', hearingId });

      // --- The judge files the signed judgment --------------------------------------------------------
      const j = judge.page;
      await loginUi(j, JUDGE_PHONE, DEMO_PASSWORD);
      await j.goto(`/cases/${c.caseId}`);
      const panel = j.getByTestId('decision-panel');
      const submit = panel.getByRole('button', { name: '提交裁判文书' });
      // Nothing goes before the judge confirms, and not without a PDF.
      expect(await submit.isDisabled()).toBe(true);
      await panel.getByLabel('我确认这是本案已签发的裁判文书', { exact: false }).check();
      await submit.click();
      await panel.getByText('请选择一份PDF格式的裁判文书。').waitFor();
      await panel.getByLabel('已签发的裁判文书（PDF）').setInputFiles({ name: '民事判决书.pdf', mimeType: 'application/pdf', buffer: sampleFiles.pdf('judgment') });
      await screenshot(j, 'judge-decision');
      await submit.click();
      await j.locator('.badge', { hasText: '已判决' }).first().waitFor();
      await j.getByText('民事判决书.pdf').first().waitFor();
      expect((await c.plaintiff.get<{ status: string }>(`/api/cases/${c.caseId}`)).body.status).toBe('decided');
    } catch (err) {
      await screenshot(clerk.page, 'failure-decision-clerk').catch(() => undefined);
      await screenshot(judge.page, 'failure-decision-judge').catch(() => undefined);
      throw err;
    }
  });

  it('the defendant finds the case they are sued in and files an answer once the complaint is served', { timeout: 60_000 }, async () => {
    const d2 = await feeSettledCase(server, 92);
    await consentInbox(d2);
    const service = await serve(d2.clerk, d2.caseId, { document: { documentId: d2.complaintId }, recipients: [{ userId: d2.ids.defendant, side: 'defendant' }], channels: ['inbox'] });
    const [item] = (await d2.defendant.get<{ items: { id: string; serviceId: string }[] }>('/api/inbox')).body.items.filter((i) => i.serviceId === service.id);
    await d2.defendant.post(`/api/inbox/${item?.id ?? 'missing'}/acknowledge`);

    const defendant = await suite.open();
    const d = defendant.page;
    try {
      await loginUi(d, '13710000092', PASSWORD);
      await d.goto('/cases');
      const row = d.locator('.case-row', { hasText: d2.caseNumber });
      await row.getByText('您是本案被告').waitFor();
      await row.getByRole('link', { name: d2.caseNumber }).click();
      const panel = d.getByTestId('answer-panel');
      // The filer's panels are not offered to the defendant.
      expect(await d.getByTestId('withdraw-panel').count()).toBe(0);
      await panel.getByRole('button', { name: '提交答辩状' }).click();
      await panel.getByText('请选择答辩状文件。').waitFor();
      await panel.getByLabel('答辩状').setInputFiles({ name: '答辩状.pdf', mimeType: 'application/pdf', buffer: sampleFiles.pdf('answer') });
      await screenshot(d, 'defendant-answer');
      await panel.getByRole('button', { name: '提交答辩状' }).click();
      await panel.waitFor({ state: 'detached' });
      await d.getByText('答辩状.pdf').first().waitFor();
      expect((await d2.plaintiff.get<{ status: string }>(`/api/cases/${d2.caseId}`)).body.status).toBe('answered');
    } catch (err) {
      await screenshot(d, 'failure-answer-defendant').catch(() => undefined);
      throw err;
    }
  });
});
