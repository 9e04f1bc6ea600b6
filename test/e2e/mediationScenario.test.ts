import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerParty, sampleFiles } from '../support/api.js';
import { browserSuite, screenshot, type RolePage } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { consentInbox, feeSettledCase, serve, type ServiceCase } from '../integration/service/fixture.js';
import { controlsOverlap, courtWordsShown, expectRemoteVideoPlaying, loginUi, PASSWORD, visibleTexts } from './steps.js';

const DEMO_PASSWORD = 'demo-password-1';
const MEDIATOR_PHONE = '13800000003';
// feeSettledCase(server, 71): the parties' phones, and names 原告甲 / 被告乙.
const PLAINTIFF_PHONE = '13700000071';
const DEFENDANT_PHONE = '13710000071';

/**
 * Every string of the page changes with the language, except what people wrote
 * (titles, terms, case numbers) and fingerprints, which are the same in both.
 */
async function expectEveryStringTranslated(page: Page, userContent: string[]): Promise<void> {
  const isData = (s: string) => /^[0-9a-f]{64}$/.test(s) || userContent.some((u) => s.includes(u));
  const zh = await visibleTexts(page);
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  const en = await visibleTexts(page);
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  expect(zh.length).toBeGreaterThan(5);
  expect(zh.filter((s) => en.includes(s) && !isData(s))).toEqual([]);
}

/** The session the mediator's page is in, from its address. */
async function hearingIdFrom(page: Page): Promise<string> {
  await page.waitForURL(/\/hearings\/[0-9a-f-]{36}/);
  return new URL(page.url()).pathname.split('/')[2] ?? '';
}

async function expectFitsPhone(page: Page): Promise<void> {
  await page.setViewportSize({ width: 375, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize({ width: 1280, height: 860 });
  expect(overflow).toBeLessThanOrEqual(0);
}

describe('mediation, served documents and notifications, end to end in Chromium', () => {
  const suite = browserSuite();
  const open = () => suite.open();
  let server: TestServer;
  let c: ServiceCase;
  /** The defendant's browser of the first test, where they stay logged in for the mediation. */
  let defendantBrowser: RolePage | undefined;
  const failureShots = async (pages: [string, RolePage][]) => {
    for (const [name, r] of pages) {
      await screenshot(r.page, `failure-mediation-${name}`).catch(() => undefined);
      if (r.errors.length) console.error(`${name} page errors:`, r.errors.slice(0, 10));
    }
  };

  beforeAll(async () => {
    server = suite.server;
    // Filed, docketed and paid through the API; the complaint names the defendant by the ID number they registered with.
    c = await feeSettledCase(server, 71);
  });

  it('a served document opened from the inbox shows as read and is acknowledged; its notification is marked read; notification settings are kept', { timeout: 60_000 }, async () => {
    const defendant = await open();
    defendantBrowser = defendant;
    const d = defendant.page;
    try {
      await loginUi(d, DEFENDANT_PHONE, PASSWORD);
      await d.getByRole('link', { name: '通知（0条未读）' }).waitFor();
      // Served while the defendant is signed in: the bell counts it without a reload.
      await consentInbox(c);
      await serve(c.clerk, c.caseId, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.defendant }], channels: ['inbox'] });
      await d.getByRole('link', { name: '通知（1条未读）' }).waitFor();

      await d.getByRole('link', { name: '送达文书' }).click();
      const item = d.getByTestId('inbox-list').locator('li').first();
      await item.getByText('未阅读').waitFor();
      await screenshot(d, 'inbox-list');
      await item.getByRole('link', { name: '举证通知书' }).click();
      await d.getByRole('heading', { name: '举证通知书' }).waitFor();
      await d.getByTestId('read-state').getByText('已阅读').waitFor();
      await d.getByRole('button', { name: '确认收悉' }).click();
      await d.getByText('您已确认收悉，法院已记录。').waitFor();
      await screenshot(d, 'inbox-item');
      await expectEveryStringTranslated(d, ['举证通知书', c.caseNumber]);

      await d.getByRole('link', { name: '返回送达文书列表' }).click();
      await item.getByText('已阅读').waitFor();
      await item.getByText('已确认收悉').waitFor();

      // --- The notification of it, marked read; the settings for the next ones ----------------
      await d.getByRole('link', { name: '通知（1条未读）' }).click();
      const note = d.locator('[data-notification-type="service.delivered"]');
      await expect.poll(() => note.getAttribute('data-read')).toBe('no');
      await note.getByRole('button', { name: /^将“.+”标为已读$/ }).click();
      await expect.poll(() => note.getAttribute('data-read')).toBe('yes');
      await d.getByRole('link', { name: '通知（0条未读）' }).waitFor();
      const email = d.getByLabel('电子邮箱（选填）');
      await email.fill('not-an-email');
      await d.getByRole('button', { name: '保存设置' }).click();
      await d.getByText('请填写有效的电子邮箱地址').waitFor();
      await email.fill('beigao@example.com');
      await d.getByLabel('通知语言').selectOption('en');
      await d.getByRole('button', { name: '保存设置' }).click();
      await d.getByText('已保存。').waitFor();
      await screenshot(d, 'notifications');
      await d.reload();
      await expect.poll(() => d.getByLabel('电子邮箱（选填）').inputValue()).toBe('beigao@example.com');
      expect(await d.getByLabel('通知语言').inputValue()).toBe('en');

      // Language names are written in their own language whichever the page's is.
      await expectEveryStringTranslated(d, ['English', '中文']);

      // --- On a phone the served document still fits the screen --------------------------------
      await d.goto('/inbox');
      await item.getByRole('link', { name: '举证通知书' }).click();
      await d.getByRole('heading', { name: '举证通知书' }).waitFor();
      await expectFitsPhone(d);
    } catch (err) {
      await failureShots([['defendant', defendant]]);
      throw err;
    }
  });

  it('the mediator schedules a mediation, records only with both parties\' consent, moves a party into caucus and back, and the agreement is signed by both parties', { timeout: 150_000 }, async () => {
    const mediator = await open();
    const plaintiff = await open();
    const defendant = defendantBrowser ?? (await open());
    const m = mediator.page;
    const p = plaintiff.page;
    const d = defendant.page;
    try {
      // --- The mediator brings the case into mediation and schedules a session -------------------
      await loginUi(m, MEDIATOR_PHONE, DEMO_PASSWORD);
      await m.waitForURL('**/mediations');
      await m.getByRole('heading', { name: '我的调解' }).waitFor();
      await m.goto(`/cases/${c.caseId}`);
      const steps = m.getByTestId('mediation-steps');
      await steps.getByRole('button', { name: '建议调解' }).click();
      await steps.getByRole('button', { name: '当事人同意调解' }).click();
      await m.locator('.badge', { hasText: '调解中' }).waitFor();

      const schedule = m.getByTestId('schedule-panel');
      // The mediator (the session) and both parties of the case (found by the case) are filled in.
      await expect.poll(() => schedule.locator('.participant-row').count()).toBe(3);
      // Anyone else is found by name: take the defendant out and find them again.
      await schedule.getByRole('button', { name: '移除被告乙' }).click();
      await schedule.getByLabel('查找参加人员').fill('被告');
      await schedule.getByRole('button', { name: '添加被告乙' }).click();
      await expect.poll(() => schedule.getByLabel('被告乙所属一方').inputValue()).toBe('defendant');
      await screenshot(m, 'mediator-schedule');
      await schedule.getByRole('button', { name: '排期' }).click();
      await m.getByTestId('hearings').getByRole('link', { name: '进入调解室' }).waitFor();

      // --- The session is on the mediator's page -----------------------------------------------
      await m.getByRole('link', { name: '调解', exact: true }).click();
      const session = m.getByTestId('mediation-sessions').locator('li').first();
      await session.waitFor();
      await screenshot(m, 'mediator-sessions');
      await expectEveryStringTranslated(m, [c.caseNumber]);
      await session.getByRole('link', { name: '进入调解室' }).click();
      await m.getByTestId('join-now').click();

      // --- The room names the case and everyone summoned, arrived or not -----------------------
      const header = m.getByTestId('case-header');
      await header.getByText(c.caseNumber).waitFor();
      await header.locator('li[data-side="plaintiff"]').getByText('原告甲').waitFor();
      await header.locator('li[data-side="defendant"]').getByText('被告乙').waitFor();
      const summoned = (userId: string) => m.getByTestId('summoned-list').locator(`li[data-user-id="${userId}"]`);
      for (const id of [c.ids.plaintiff, c.ids.defendant]) {
        await expect.poll(() => summoned(id).getAttribute('data-presence')).toBe('absent');
        await summoned(id).getByText('未到').waitFor();
      }
      await m.getByTestId('alone-message').getByText('其他参加人员尚未进入。').waitFor();
      // Mediation words from the first moment: the status badge is no longer 候庭中.
      await m.getByTestId('session-state').getByText('调解室已开放，待开始').waitFor();
      expect(await courtWordsShown(m)).toEqual([]);

      // --- Both parties join and are admitted; recording waits for every party's consent ------
      await loginUi(p, PLAINTIFF_PHONE, PASSWORD);
      await p.goto(`/cases/${c.caseId}`);
      await p.getByRole('link', { name: '进入调解' }).click();
      // The defendant did not file the case: the session is among their own on the cases page,
      // and they were told of it; following the notice opens the session (and marks it read).
      const hearingPath = `/hearings/${await hearingIdFrom(m)}`;
      await d.goto('/cases');
      await d.getByTestId('my-hearings').getByRole('link', { name: '进入调解' }).waitFor();
      await d.getByRole('link', { name: '通知（1条未读）' }).click();
      await d.locator('[data-notification-type="hearing.scheduled"]').getByRole('link', { name: '查看' }).click();
      await d.waitForURL(`**${hearingPath}`);
      for (const page of [p, d]) {
        await page.getByTestId('join-now').click();
        await page.getByTestId('waiting-room').getByText('请稍候，调解员准许后您将进入调解室。').waitFor();
        await page.getByTestId('waiting-room').getByRole('heading', { name: '等候进入调解室' }).waitFor();
        // Waiting alone, one's own picture is a small self-view, not the whole screen under the controls.
        const own = await page.locator('.tile.local').boundingBox();
        expect(own?.width ?? 0).toBeLessThanOrEqual(300);
        expect(await courtWordsShown(page)).toEqual([]);
      }
      await expect.poll(() => summoned(c.ids.plaintiff).getAttribute('data-presence')).toBe('waiting');
      await m.getByTestId('waiting-list').getByRole('button', { name: '准许原告甲进入调解室' }).click();
      await m.getByTestId('waiting-list').getByRole('button', { name: '准许被告乙进入调解室' }).click();
      for (const page of [p, d]) await page.getByTestId('my-room').getByText('联合调解室').waitFor();
      await expect.poll(() => summoned(c.ids.defendant).getAttribute('data-presence')).toBe('admitted');
      await summoned(c.ids.defendant).getByText('在调解室').waitFor();
      await p.getByTestId('case-header').getByText(c.caseNumber).waitFor();
      for (const page of [m, p, d]) expect(await courtWordsShown(page)).toEqual([]);
      await expectRemoteVideoPlaying(m);
      await d.getByTestId('recording-consent').getByRole('button', { name: '同意录制' }).click();
      await d.getByText('您已同意录制。').waitFor();
      await m.getByTestId('recording-start').click();
      await m.getByText('尚有当事人未同意录像。').waitFor();
      await p.getByTestId('recording-consent').getByRole('button', { name: '同意录制' }).click();
      await p.getByText('您已同意录制。').waitFor();
      await m.getByTestId('recording-start').click();
      for (const page of [p, d]) {
        await page.getByTestId('recording-indicator').waitFor();
        // Once recording runs the question is answered; the prompt goes.
        await page.getByTestId('recording-consent').waitFor({ state: 'detached' });
      }

      // --- Into the plaintiff's caucus while the joint room is recorded ------------------------
      const caucus = m.getByTestId('caucus-panel');
      const plaintiffRow = caucus.locator(`li[data-user-id="${c.ids.plaintiff}"]`);
      await caucus.getByRole('button', { name: '将原告甲移入原告方单独会谈室' }).click();
      await p.getByTestId('my-room').getByText('原告方单独会谈室').waitFor();
      await expect.poll(() => plaintiffRow.getAttribute('data-room')).toBe('caucus:plaintiff');
      // The caucus is never recorded (the server records the joint room only), and the room says so.
      await p.getByTestId('not-recorded').getByText('本室不录音录像').waitFor();
      await p.getByTestId('caucus-not-recorded').waitFor();
      await p.getByTestId('recording-indicator').waitFor({ state: 'detached' });
      const plaintiffText = await p.locator('body').innerText();
      expect(plaintiffText).not.toContain('正在录像');
      expect(plaintiffText).not.toContain('同步录音录像');
      await d.getByTestId('recording-indicator').waitFor();
      // And in English.
      await p.getByTestId('lang-switch').click();
      await p.getByTestId('not-recorded').getByText('This room is not recorded').waitFor();
      await p.getByTestId('session-state').getByText('Mediation room open, not started').waitFor();
      await p.getByTestId('lang-switch').click();
      await p.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      await expect.poll(() => summoned(c.ids.plaintiff).getAttribute('data-presence')).toBe('inCaucus');
      // Alone in the caucus, the plaintiff is told the mediator will come.
      await p.getByTestId('alone-message').getByText(/调解员稍后会来这里与您单独会谈/).waitFor();
      await m.getByTestId('recording-stop').click();
      await d.getByTestId('recording-indicator').waitFor({ state: 'detached' });
      // Apart: in the joint room the mediator and the defendant no longer see the plaintiff.
      const plaintiffTile = (page: Page) => page.locator(`.tile[data-user-id="${c.ids.plaintiff}"]`).count();
      await expect.poll(() => plaintiffTile(m)).toBe(0);
      await expect.poll(() => plaintiffTile(d)).toBe(0);
      // The mediator visits the caucus: the two see each other there, and the defendant sees nobody.
      await caucus.getByRole('button', { name: '我进入原告方单独会谈室' }).click();
      await m.getByTestId('my-room').getByText('原告方单独会谈室').waitFor();
      await expectRemoteVideoPlaying(p);
      await expect.poll(() => d.locator('.tile:not(.local)').count()).toBe(0);
      // The defendant, left alone in the joint room, is told what is happening.
      await d.getByTestId('alone-message').getByText(/调解员正在与对方单独会谈/).waitFor();
      const defendantTile = await d.locator('.tile.local').boundingBox();
      expect(defendantTile?.width ?? 0).toBeLessThanOrEqual(300);
      await p.getByTestId('alone-message').waitFor({ state: 'detached' });
      await screenshot(m, 'mediator-caucus');
      await screenshot(p, 'mediation-caucus-room');
      for (const page of [m, p, d]) expect(await courtWordsShown(page)).toEqual([]);

      // --- The control bar covers nothing: not the caucus list, not any other control ----------
      for (const [name, page] of [['mediator', m], ['plaintiff', p]] as const) {
        for (const width of [1280, 1024, 768]) {
          for (const fontSize of ['', '200%']) {
            await page.setViewportSize({ width, height: 860 });
            await page.evaluate((size) => (document.documentElement.style.fontSize = size), fontSize);
            expect(await controlsOverlap(page), `${name} at ${width}px, root font-size ${fontSize || '100%'}`).toEqual([]);
          }
        }
        await page.evaluate(() => (document.documentElement.style.fontSize = ''));
        await page.setViewportSize({ width: 1280, height: 860 });
      }
      await caucus.getByRole('button', { name: '请原告甲回到联合调解室' }).click();
      await caucus.getByRole('button', { name: '我回到联合调解室' }).click();
      await p.getByTestId('my-room').getByText('联合调解室').waitFor();
      await expect.poll(() => plaintiffRow.getAttribute('data-room')).toBe('joint');
      await expectRemoteVideoPlaying(m);

      // --- The mediator drafts the agreement ---------------------------------------------------
      for (const page of [p, d, m]) await page.getByRole('button', { name: '离开' }).click();
      await m.waitForURL(`**/cases/${c.caseId}`);
      const draft = m.getByTestId('draft-agreement');
      await draft.getByLabel('协议名称').fill('劳动争议调解协议');
      await draft.getByLabel('协议条款').fill('被告于2027年1月31日前支付原告工资30000元\n原告放弃其他诉讼请求');
      await draft.getByRole('button', { name: '生成协议并送签' }).click();
      await m.waitForURL(/\/agreements\/[0-9a-f-]{36}/);
      const agreementUrl = new URL(m.url()).pathname;
      await m.getByTestId('agreement-status').getByText('待签署').waitFor();
      const signed = (page: Page, userId: string) => page.getByTestId('signatories').locator(`li[data-user-id="${userId}"]`).getAttribute('data-signed');

      // --- The defendant is told live and signs in their own browser ---------------------------
      await d.getByRole('link', { name: '通知（1条未读）' }).click();
      await d.locator('[data-notification-type="agreement.toSign"]').getByRole('link', { name: '查看' }).click();
      await d.waitForURL(`**${agreementUrl}`);
      await d.getByLabel('我已完整阅读本协议，同意受其约束').check();
      // Signing asks for the password again (re-authentication).
      await d.getByLabel('登录密码').fill(PASSWORD);
      await d.getByRole('button', { name: '签名', exact: true }).click();
      await expect.poll(() => signed(d, c.ids.defendant)).toBe('yes');
      // Opening the notification's link marked it read.
      await d.getByRole('link', { name: '通知（0条未读）' }).waitFor();
      // The mediator's page shows it arrive, without a reload.
      await expect.poll(() => signed(m, c.ids.defendant), { timeout: 10_000 }).toBe('yes');
      expect(await signed(m, c.ids.plaintiff)).toBe('no');

      // --- The plaintiff signs from the case page ----------------------------------------------
      await p.waitForURL(`**/cases/${c.caseId}`);
      await p.getByTestId('case-agreements').getByRole('link', { name: '劳动争议调解协议' }).click();
      await p.getByLabel('我已完整阅读本协议，同意受其约束').check();
      await p.getByLabel('登录密码').fill(PASSWORD);
      await p.getByRole('button', { name: '签名', exact: true }).click();
      await p.getByTestId('agreement-status').getByText('已生效').waitFor();
      await expectEveryStringTranslated(p, ['劳动争议调解协议', '被告于2027年1月31日前支付原告工资30000元', '原告放弃其他诉讼请求', c.caseNumber]);
      await expectFitsPhone(p);

      // --- The mediator sees both signatures and the agreement in effect; the case is settled ---
      await m.getByTestId('agreement-status').getByText('已生效', { exact: true }).waitFor({ timeout: 10_000 });
      expect(await signed(m, c.ids.plaintiff)).toBe('yes');
      await m.getByRole('button', { name: '核验文本和签名' }).click();
      await m.getByTestId('verify-result').getByText('有效签名：2/2').waitFor();
      await m.getByTestId('court-signature').getByText(/法院电子签章有效/).waitFor();
      await screenshot(m, 'agreement-effective');
      await m.getByRole('link', { name: '返回案件' }).click();
      // Issue 12: signing no longer settles the case (it used to show 调解结案 here); it awaits the judge.
      await m.locator('.badge', { hasText: '协议已签署，待法官审查' }).waitFor();
      expect(await m.getByTestId('mediation-decision-panel').count()).toBe(0);
    } catch (err) {
      await failureShots([
        ['mediator', mediator],
        ['plaintiff', plaintiff],
        ['defendant', defendant],
      ]);
      throw err;
    }
  });

  it('a party withdraws a case after confirming', { timeout: 60_000 }, async () => {
    const filer = await registerParty(server, '13720000071', 571, '撤诉人');
    const filed = await filer.postForm<{ id: string }>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '某公司' }] },
      [
        { field: 'complaint', filename: 'c.pdf', bytes: sampleFiles.pdf('withdraw') },
        { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
      ],
    );
    const party = await open();
    const w = party.page;
    try {
      await loginUi(w, '13720000071', PASSWORD);
      await w.goto(`/cases/${filed.body.id}`);
      const panel = w.getByTestId('withdraw-panel');
      await panel.getByRole('button', { name: '申请撤诉…' }).click();
      await panel.getByText('撤诉后案件即告终结，无法恢复。').waitFor();
      // Cancelling changes nothing.
      await panel.getByRole('button', { name: '取消' }).click();
      await panel.getByRole('button', { name: '申请撤诉…' }).click();
      await panel.getByLabel('撤诉理由（选填）').fill('双方已自行和解');
      await screenshot(w, 'withdraw-confirm');
      await panel.getByRole('button', { name: '确认撤诉' }).click();
      await w.locator('.badge', { hasText: '已撤诉' }).waitFor();
      await w.getByTestId('withdraw-panel').waitFor({ state: 'detached' });
    } catch (err) {
      await failureShots([['party', party]]);
      throw err;
    }
  });
  it('the judge approves the signed agreement by keyboard; the 调解书 is served, and the case is settled when both parties have signed for it', { timeout: 90_000 }, async () => {
    const judge = await open();
    const defendant = defendantBrowser ?? (await open());
    const j = judge.page;
    const d = defendant.page;
    try {
      await loginUi(j, '13800000002', DEMO_PASSWORD);
      await j.goto(`/cases/${c.caseId}`);
      const panel = j.getByTestId('mediation-decision-panel');
      await panel.getByRole('heading', { name: '审查调解协议' }).waitFor();
      // Keyboard only: the arrow keys move between the choices (the Art. 101 ground appears), the button submits.
      await panel.getByLabel(/确认协议并出具调解书/).focus();
      await j.keyboard.press('ArrowDown');
      await panel.getByLabel('第一百零一条所列情形').waitFor();
      await j.keyboard.press('ArrowUp');
      await panel.getByLabel('第一百零一条所列情形').waitFor({ state: 'detached' });
      // The panel reads in English too (the whole page carries much user content, so only the panel is compared).
      await j.getByTestId('lang-switch').click();
      await j.waitForFunction(() => document.documentElement.lang === 'en');
      const english = await panel.innerText();
      expect(english).toContain('Review of the signed mediation agreement');
      expect(english).toContain('Approve and issue');
      expect(english.replace(/调解书/g, '')).not.toMatch(/[\u4e00-\u9fff]/u);
      await j.getByTestId('lang-switch').click();
      await j.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      await panel.getByRole('button', { name: '确认并出具调解书' }).focus();
      await j.keyboard.press('Enter');
      await j.locator('.badge', { hasText: '调解书送达中' }).waitFor();
      await j.getByTestId('mediation-decision-receipts').getByText('尚未签收').first().waitFor();
      await screenshot(j, 'mediation-decision-serving');

      // The defendant signs for the 调解书 in the inbox; the plaintiff through the API.
      await d.goto('/inbox');
      await d.getByTestId('inbox-list').getByRole('link', { name: '民事调解书' }).click();
      await d.getByRole('heading', { name: '民事调解书' }).waitFor();
      await d.getByRole('button', { name: '确认收悉' }).click();
      await d.getByText('您已确认收悉，法院已记录。').waitFor();
      const inbox = await c.plaintiff.get<{ items: { id: string; document: { kind: string } }[] }>('/api/inbox');
      const item = inbox.body.items.find((i) => i.document.kind === 'mediationDecision');
      expect(item).toBeDefined();
      expect((await c.plaintiff.post(`/api/inbox/${item?.id ?? ''}/acknowledge`, {})).status).toBe(200);

      await j.reload();
      await j.locator('.badge', { hasText: '调解结案' }).waitFor();
    } catch (err) {
      await failureShots([
        ['judge', judge],
        ['defendant', defendant],
      ]);
      throw err;
    }
  });
});
