import { beforeAll, describe, expect, it } from 'vitest';
import { login, registerParty, sampleFiles, seedAndLoginClerk, validIdNumber, type ApiClient } from '../support/api.js';
import { serveComplaintCopy, serveSummons } from '../support/procedure.js';
import { browserSuite, screenshot } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { expectRemoteVideoPlaying, fileInput, files, loginUi, PASSWORD, registerUi } from './steps.js';

const DEMO_PASSWORD = 'demo-password-1';
const PARTY = { name: '王小明', idNumber: validIdNumber(301), phone: '13912340301' };
const meOf = async (client: ApiClient) => (await client.get<{ user: { id: string } }>('/api/auth/me')).body.user.id;
const CASE_NUMBER = /（\d{4}）京0105民初\d+号/;

/** A real PDF of ~400 KB, so the upload takes long enough on a throttled line to watch its progress. */
const bigEvidence = {
  name: '银行流水.pdf',
  mimeType: 'application/pdf',
  buffer: Buffer.concat([Buffer.from('%PDF-1.4\n% bank statement\n'), Buffer.alloc(400_000, 0x20), Buffer.from('\ntrailer << >>\n%%EOF\n')]),
};

describe('the web client, end to end in Chromium', () => {
  const suite = browserSuite();
  const open = () => suite.open();
  let server: TestServer;

  beforeAll(async () => {
    server = suite.server;
    await seedAndLoginClerk(server);
  });

  it('filing, correction, docketing, a video hearing with recording, and playback', { timeout: 240_000 }, async () => {
    const party = await open();
    const clerk = await open();
    const judge = await open();
    const p = party.page;
    const c = clerk.page;
    const j = judge.page;
    try {
      // --- A party registers and files a case with uploads -----------------------------------
      await registerUi(p, PARTY, server);
      await p.getByRole('link', { name: '网上立案' }).first().click();
      await p.getByLabel('诉讼请求金额（元）').fill('150000');
      await expect.poll(() => p.getByTestId('fee-amount').textContent()).toBe('¥3300.00');
      // The cause of action is picked from the list (民事案件案由规定), searched by name.
      await p.getByLabel('搜索案由').fill('买卖合同');
      await p.getByTestId('cause-picker').selectOption('C10.08');
      await p.getByText('已选择：买卖合同纠纷').waitFor();
      await p.getByRole('button', { name: '下一步' }).click();
      await p.getByLabel('被告姓名或名称').fill('北京某某科技有限公司');
      await p.getByRole('button', { name: '下一步' }).click();
      await p.getByLabel('诉讼请求1').fill('判令被告支付货款150000元');
      await p.getByLabel('事实与理由').fill('原告向被告供货，被告至今未付货款。');
      await p.getByRole('button', { name: '下一步' }).click();
      // A text file is refused before anything is sent.
      await fileInput(p, 'complaint').setInputFiles(files.notADocument);
      await p.getByText('“notes.txt”不是 PDF、OFD、JPG 或 PNG 文件').waitFor();
      await fileInput(p, 'complaint').setInputFiles(files.complaint);
      await fileInput(p, 'idProof').setInputFiles(files.idProof);
      await screenshot(p, 'filing-materials');
      await p.getByRole('button', { name: '下一步' }).click();
      await p.getByText('起诉状：起诉状.pdf').waitFor();
      await p.getByRole('button', { name: '提交立案' }).click();
      await p.waitForURL(/\/cases\/[0-9a-f-]{36}/);
      const caseUrl = new URL(p.url()).pathname;
      await p.locator('.badge', { hasText: '立案审查中' }).waitFor();
      await expect.poll(() => p.getByTestId('case-cause').textContent()).toBe('买卖合同纠纷');

      // --- The clerk asks for a correction ------------------------------------------------------
      await loginUi(c, '13800000001', DEMO_PASSWORD);
      await c.waitForURL('**/queue');
      const item = c.locator('.queue-item').first();
      await item.getByText('材料齐全，未发现问题。').waitFor();
      await screenshot(c, 'clerk-queue');
      await item.getByRole('button', { name: '审查' }).click();
      await item.getByLabel('通知补正').check();
      await item.getByLabel('理由（每行一条）').fill('请补充银行流水等付款证据');
      await screenshot(c, 'clerk-review');
      await item.getByRole('button', { name: '发出补正通知' }).click();
      await c.getByText('没有待审查的起诉。').waitFor();

      // --- The party fixes it, watching the upload progress on a slow line -----------------------
      await p.reload();
      const notice = p.getByTestId('correction-panel');
      await notice.getByText('请补充银行流水等付款证据').waitFor();
      await screenshot(p, 'party-correction');
      const cdp = await party.context.newCDPSession(p);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 200 * 1024 });
      await fileInput(p, 'evidence').setInputFiles(bigEvidence);
      await notice.getByRole('button', { name: '重新提交' }).click();
      await p.locator('.upload-bars progress').first().waitFor({ state: 'visible' });
      await p.locator('.badge', { hasText: '立案审查中' }).waitFor({ timeout: 20_000 });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

      // --- The clerk accepts; the case number appears for the party -----------------------------
      await c.getByRole('button', { name: '刷新' }).click();
      await c.locator('.queue-item').first().getByRole('button', { name: '审查' }).click();
      await c.getByRole('button', { name: '受理并编号' }).click();
      await c.getByText('没有待审查的起诉。').waitFor();
      await p.reload();
      await expect.poll(() => p.getByTestId('case-number').textContent()).toMatch(CASE_NUMBER);
      const caseNumber = (await p.getByTestId('case-number').textContent()) ?? '';

      // --- The fee: the party pays, the clerk confirms -----------------------------------------
      await p.getByRole('button', { name: '缴费' }).click();
      await p.getByText(/请到法院收费窗口/).waitFor();
      await c.goto(caseUrl);
      await c.getByRole('button', { name: '确认到账' }).click();
      await c.locator('.badge', { hasText: '已缴费' }).waitFor();

      // --- Lawful order (issue 12): the complaint copy is served on the defendant ----------------
      const caseId = caseUrl.split('/').pop() ?? '';
      const clerkApi = await login(server, '13800000001', DEMO_PASSWORD);
      const defendantApi = await registerParty(server, '13912340302', 302, '被告代表');
      await serveComplaintCopy(clerkApi, caseId, { client: defendantApi, userId: await meOf(defendantApi) });
      // The answer deadline shows on the case, with the service behind it.
      await p.reload();
      await p.getByTestId('defendant-service').getByText(/答辩期限至/).waitFor();
      await p.getByTestId('defendant-service').getByText('答辩期进行中').waitFor();

      // --- The judge schedules the hearing from the docket: too early is refused, with the earliest lawful start
      await loginUi(j, '13800000002', DEMO_PASSWORD);
      await j.waitForURL('**/docket');
      await j.getByRole('link', { name: caseNumber }).click();
      const schedule = j.getByTestId('schedule-panel');
      // The judge (from the session), the party (from the fee payment) and the defendant the court
      // confirmed before serving the complaint copy are filled in.
      await expect.poll(() => schedule.locator('.participant-row').count()).toBe(3);
      await schedule.getByRole('button', { name: '排期' }).click();
      await schedule.getByText(/开庭时间过早.*最早可定于/).waitFor();
      // The form now holds the earliest lawful start: scheduling it succeeds.
      await schedule.getByRole('button', { name: '排期' }).click();
      await j.getByRole('link', { name: '进入审判席' }).waitFor();

      // --- The summons for that date is served on the party; the defendant's paper answer is entered
      const hearingId = (await clerkApi.get<{ hearings: { id: string }[] }>(`/api/cases/${caseId}/hearings`)).body.hearings[0]?.id ?? '';
      const partyApi = await login(server, PARTY.phone, PASSWORD);
      await serveSummons(clerkApi, caseId, hearingId, [
        { client: partyApi, userId: await meOf(partyApi), side: 'plaintiff' },
        { client: defendantApi, userId: await meOf(defendantApi), side: 'defendant' },
      ]);
      const answered = await clerkApi.postForm(`/api/cases/${caseId}/answer`, undefined, [{ field: 'answer', filename: '答辩状.pdf', bytes: sampleFiles.pdf('answer') }]);
      expect(answered.status).toBe(201);
      await p.reload();
      await p.getByTestId('defendant-service').getByText('已答辩').waitFor();

      // --- The party joins and waits; the judge admits them ------------------------------------
      await p.reload();
      await p.getByRole('link', { name: '进入庭审' }).waitFor();
      await screenshot(p, 'party-case');
      await p.getByRole('link', { name: '进入庭审' }).click();
      await p.getByTestId('join-now').click();
      await p.getByTestId('waiting-room').waitFor();

      await j.getByRole('link', { name: '进入审判席' }).click();
      await j.getByTestId('join-now').click();
      await j.getByTestId('waiting-list').getByRole('button', { name: `准许${PARTY.name}入庭` }).click();
      await p.getByTestId('waiting-room').waitFor({ state: 'detached' });
      // The room names the case; the bench lists everyone summoned, the defendant who has not come included.
      for (const page of [j, p]) await page.getByTestId('case-header').getByText(caseNumber).waitFor();
      const summoned = j.getByTestId('summoned-list');
      await summoned.locator('li[data-presence="absent"]').getByText('被告代表').waitFor();
      await summoned.locator('li[data-presence="absent"]').getByText('未到').waitFor();
      await summoned.locator('li[data-presence="admitted"]').getByText(PARTY.name).waitFor();

      // --- Each sees the other's video playing --------------------------------------------------
      for (const page of [j, p]) await expectRemoteVideoPlaying(page);

      // --- A raised hand; mute and lock, unlock, unmute ----------------------------------------
      await j.getByTestId('session-start').click();
      await p.getByTestId('session-state').getByText('庭审进行中').waitFor();
      await p.getByTestId('raise-hand').click();
      await j.getByRole('heading', { name: '举手（1人）' }).waitFor();
      await j.getByRole('button', { name: '全部放下' }).click();
      await p.getByRole('button', { name: '举手' }).waitFor();
      await j.getByRole('button', { name: `将${PARTY.name}静音并锁定` }).click();
      await p.getByText('审判员已将您静音，在其允许前无法取消静音。').waitFor();
      expect(await p.getByTestId('toggle-mic').isDisabled()).toBe(true);
      await j.getByRole('button', { name: `解除${PARTY.name}的静音锁定` }).click();
      await expect.poll(() => p.getByTestId('toggle-mic').isEnabled()).toBe(true);
      await p.getByTestId('toggle-mic').click();
      await p.getByTestId('toggle-mic').getByText('静音', { exact: true }).waitFor();

      // --- Audio only: the judge no longer sees the party's picture, then sees it again ---------
      const judgeSeesParty = () => j.locator('.tile:not(.local) video[data-remote]').first().isVisible();
      await p.getByTestId('audio-only').click();
      await expect.poll(judgeSeesParty).toBe(false);
      await p.getByTestId('audio-only').click();
      await expect.poll(judgeSeesParty).toBe(true);

      // --- The party's network drops; the client reconnects and the media comes back -----------
      await party.context.setOffline(true);
      await p.getByText('网络连接中断，正在重新连接…').waitFor();
      await party.context.setOffline(false);
      await p.getByText('网络连接中断，正在重新连接…').waitFor({ state: 'detached', timeout: 20_000 });
      for (const page of [j, p]) await expectRemoteVideoPlaying(page);

      // --- The judge records a few seconds ------------------------------------------------------
      await j.getByTestId('recording-start').click();
      await p.getByTestId('recording-indicator').waitFor();
      await j.waitForTimeout(4000);
      await screenshot(j, 'hearing-in-progress');
      await screenshot(p, 'hearing-party');
      await j.getByTestId('recording-stop').click();
      await j.getByTestId('recording-start').waitFor();
      await p.getByTestId('recording-indicator').waitFor({ state: 'detached' });

      // --- The recording is in the case and plays ---------------------------------------------
      await p.getByRole('button', { name: '离开' }).click();
      await p.waitForURL(`**${caseUrl}`);
      const recordings = p.getByTestId('recordings');
      await expect.poll(async () => recordings.locator('li').count(), { timeout: 20_000, interval: 1000 }).toBe(2);
      await recordings.getByRole('button', { name: '播放' }).first().click();
      const player = p.getByTestId('recording-player');
      await player.waitFor();
      await expect
        .poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 })
        .toBeGreaterThan(1);
      await screenshot(p, 'recording-playback');
    } catch (err) {
      // What each person saw when it failed.
      for (const [name, r] of [['party', party], ['clerk', clerk], ['judge', judge]] as const) {
        await screenshot(r.page, `failure-${name}`).catch(() => undefined);
        if (r.errors.length) console.error(`${name} page errors:`, r.errors.slice(0, 10));
      }
      throw err;
    }
  });
});
