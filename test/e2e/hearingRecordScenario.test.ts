import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HearingRecordView } from '../../protocol/recordViews.js';
import { browserSuite, screenshot, type RolePage } from '../support/browser.js';
import { scheduledHearing, type HearingFixture } from '../support/hearing.js';
import { loginUi, PASSWORD } from './steps.js';

const DEMO_PASSWORD = 'demo-password-1';
const PLAINTIFF_PHONE = '13500000191';
const DEFENDANT_PHONE = '13510000191';
const OPENING = '审判员：现在开庭。核对当事人身份。';
const CLAIM = '原告：请求判令被告支付拖欠工资一万元。';

/** Joins the hearing from its device check; a non-host waits until the judge admits them. */
async function enterRoom(page: Page, judge: Page, name: string): Promise<void> {
  await page.getByTestId('join-now').click();
  const admitted = page.getByTestId('record-panel').or(page.getByTestId('bench'));
  await page.getByTestId('waiting-room').or(admitted).first().waitFor();
  if (await page.getByTestId('waiting-room').isVisible()) {
    await judge.getByTestId('waiting-list').getByRole('button', { name: `准许${name}入庭` }).click();
  }
  await admitted.first().waitFor();
}

const paragraphTexts = (page: Page) => page.getByTestId('record-text').evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value));

describe('the hearing record (笔录), end to end in Chromium', () => {
  const suite = browserSuite();
  let fx: HearingFixture;

  beforeAll(async () => {
    fx = await scheduledHearing(suite.server, 'hearing', 191);
  }, 120_000);

  it('the clerk writes during the hearing, the judge sees it live, a closed browser loses nothing, both parties sign, the PDF is filed and verifies', { timeout: 480_000 }, async () => {
    const judge = await suite.open();
    let clerk: RolePage = await suite.open();
    const j = judge.page;
    let c = clerk.page;
    const people: [string, RolePage][] = [['judge', judge], ['clerk', clerk]];
    try {
      // --- The judge opens the hearing; the clerk joins and is admitted --------------------------
      await loginUi(j, '13800000002', DEMO_PASSWORD);
      await j.goto(`/hearings/${fx.hearingId}`);
      await j.getByTestId('join-now').click();
      await j.getByTestId('session-start').click();
      await j.getByTestId('session-state').getByText('庭审进行中').waitFor();
      await loginUi(c, '13800000001', DEMO_PASSWORD);
      await c.goto(`/hearings/${fx.hearingId}`);
      await enterRoom(c, j, '书记员');

      // --- The clerk writes a paragraph; the judge sees it live --------------------------------
      const panel = c.getByTestId('record-panel');
      await panel.getByRole('button', { name: '新增段落' }).click();
      await panel.getByLabel('第1段发言人').selectOption(fx.ids.judge);
      await panel.getByLabel('第1段内容').fill(OPENING);
      await panel.getByText('已保存', { exact: true }).waitFor();
      await expect.poll(() => paragraphTexts(j), { timeout: 10_000 }).toEqual([OPENING]);

      // --- The next paragraph by keyboard, written while the line is down; the browser is closed --
      await clerk.context.setOffline(true);
      await panel.getByLabel('第1段内容').press('Control+Enter');
      await panel.getByLabel('第2段发言人').selectOption(fx.ids.plaintiff);
      await c.keyboard.type(CLAIM);
      await panel.getByText('暂时无法保存，已在本机保留，将自动重试').waitFor();
      await panel.screenshot({ path: screenshotPath('record-panel-unsaved') });
      const profile = await clerk.context.storageState();
      await clerk.context.close();

      // --- Reopened with the same browser profile: the text comes back and reaches the server ----
      const browser = judge.context.browser();
      if (!browser) throw new Error('no browser');
      const reopened = await browser.newContext({ baseURL: suite.server.url, locale: 'zh-CN', viewport: { width: 1280, height: 860 }, permissions: ['camera', 'microphone'], storageState: profile });
      clerk = { context: reopened, page: await reopened.newPage(), errors: [] };
      people[1] = ['clerk', clerk];
      c = clerk.page;
      // What the reopened panel's saves were answered, for a failure message.
      c.on('response', (r) => {
        if (r.request().method() === 'PUT') void r.text().then((body) => clerk.errors.push(`PUT ${r.status()} ${body.slice(0, 300)}`));
      });
      await loginUi(c, '13800000001', DEMO_PASSWORD);
      await c.goto(`/hearings/${fx.hearingId}`);
      await enterRoom(c, j, '书记员');
      const again = c.getByTestId('record-panel');
      await expect.poll(() => paragraphTexts(c), { timeout: 10_000 }).toEqual([OPENING, CLAIM]);
      const stored = async () => (await fx.clerk.get<HearingRecordView>(`/api/hearings/${fx.hearingId}/record`)).body.paragraphs.map((p) => [p.speaker.userId, p.text]);
      await expect.poll(stored, { timeout: 20_000 }).toEqual([
        [fx.ids.judge, OPENING],
        [fx.ids.plaintiff, CLAIM],
      ]);
      await expect.poll(() => paragraphTexts(j), { timeout: 20_000 }).toEqual([OPENING, CLAIM]);
      await again.getByText('已保存', { exact: true }).waitFor({ timeout: 10_000 });
      await again.screenshot({ path: screenshotPath('record-panel') });
      await screenshot(c, 'record-hearing-clerk');

      // --- The judge closes the hearing --------------------------------------------------------
      await j.getByRole('button', { name: '闭庭', exact: true }).click();
      await j.getByRole('button', { name: '确认闭庭' }).click();
      await expect.poll(async () => (await fx.judge.get<{ state: string }>(`/api/hearings/${fx.hearingId}`)).body.state, { timeout: 10_000 }).toBe('closed');

      // --- Both parties read and sign, entering their password again ----------------------------
      for (const [phone, userId] of [[PLAINTIFF_PHONE, fx.ids.plaintiff], [DEFENDANT_PHONE, fx.ids.defendant]] as const) {
        const party = await suite.open();
        people.push([phone, party]);
        const p = party.page;
        await loginUi(p, phone, PASSWORD);
        await p.goto(`/hearings/${fx.hearingId}/record`);
        await p.getByText(CLAIM).waitFor();
        await p.getByLabel('我已阅读全部笔录').check();
        await p.getByLabel('登录密码').fill(PASSWORD);
        await p.getByRole('button', { name: '签名确认' }).click();
        await p.locator(`[data-user-id="${userId}"][data-act="signed"]`).waitFor();
      }

      // --- The clerk files it; the PDF is on the case and verifies ---------------------------------
      await c.goto(`/hearings/${fx.hearingId}/record`);
      await c.getByText('各方当事人均已签名或提出异议，可以归档。').waitFor();
      await c.getByRole('button', { name: '归档笔录' }).click();
      await c.getByTestId('record-filed').waitFor();
      await screenshot(c, 'record-filed');
      await c.getByRole('link', { name: '核验笔录' }).click();
      await c.getByText('真实：此文书由本平台签发或送达。').waitFor();
      const filed = (await fx.clerk.get<HearingRecordView>(`/api/hearings/${fx.hearingId}/record`)).body.filed;
      const verified = await fx.plaintiff.get<{ genuine: boolean; title: string; signature?: { valid: boolean } }>(`/api/verify/${filed?.sha256}`);
      expect(verified.body).toMatchObject({ genuine: true, title: '庭审笔录', signature: { valid: true } });
    } catch (err) {
      console.error('clerk save state:', await c.getByTestId('record-save-state').textContent({ timeout: 2000 }).catch(() => '?'), clerk.errors);
      for (const [name, r] of people) {
        await screenshot(r.page, `failure-record-${name}`).catch(() => undefined);
        if (r.errors.length) console.error(`${name} page errors:`, r.errors.slice(0, 10));
      }
      throw err;
    }
  });
});

function screenshotPath(name: string): string {
  const dir = path.resolve('test-artifacts/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}
