import { beforeAll, describe, expect, it } from 'vitest';
import { registerParty, seedAndLoginClerk } from '../support/api.js';
import { browserSuite, type RolePage } from '../support/browser.js';
import { scheduledHearing } from '../support/hearing.js';
import type { TestServer } from '../support/server.js';
import { loginUi, PASSWORD, visibleTexts } from './steps.js';

const PHONE = '13712340501';

describe('language, keyboard and reading aids in Chromium', () => {
  const suite = browserSuite();
  let server: TestServer;
  let party: RolePage;

  beforeAll(async () => {
    server = suite.server;
    // The demo court: the fee preview asks for its fee schedule.
    await seedAndLoginClerk(server);
    await registerParty(server, PHONE, 501, '李四');
    party = await suite.open();
  });

  it('a keyboard-only user completes the login form with Tab and Enter', async () => {
    const page = party.page;
    await page.goto('/login');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    const focusedName = () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? '');
    let tabs = 0;
    while ((await focusedName()) !== 'phone') {
      await page.keyboard.press('Tab');
      if (++tabs > 12) throw new Error('Tab never reached the phone field');
    }
    await page.keyboard.type(PHONE);
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/cases');
    await page.getByRole('heading', { name: '我的案件' }).waitFor();
  });

  it('switching to English changes every visible string of the filing page', async () => {
    const page = party.page;
    await page.goto('/cases/new');
    await page.getByLabel('诉讼请求金额（元）').fill('150000');
    await expect.poll(() => page.getByTestId('fee-amount').textContent()).toBe('¥3300.00');
    const zh = await visibleTexts(page);

    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: 'File a case online' }).waitFor();
    await expect.poll(() => page.getByTestId('fee-amount').textContent()).toBe('CNY 3300.00');
    const en = await visibleTexts(page);

    expect(zh.length).toBeGreaterThan(15);
    expect(en.length).toBeGreaterThan(15);
    expect(zh.filter((s) => en.includes(s))).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    // And back: the choice is the reader's, not a one-way door.
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: '网上立案' }).waitFor();
    expect(await visibleTexts(page)).toEqual(expect.arrayContaining(zh));
  });

  it('checks the ID number as it is typed, in the reader\'s language', async () => {
    const page = party.page;
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.goto('/register');
    const id = page.getByLabel('公民身份号码');
    await id.fill('11010519850505001');
    await page.getByText('公民身份号码应为18位，当前为17位。').waitFor();
    await id.fill('110105198505050012');
    await page.getByText('身份证号码校验位不正确，请逐位核对。').waitFor();
    expect(await id.getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('lang-switch').click();
    await page.getByText('The ID number is not valid: its last character does not match. Please check each digit.').waitFor();
    await page.getByLabel('Resident ID number').fill('110105198505050011');
    await page.getByText('This ID number is valid').waitFor();
    await page.getByTestId('lang-switch').click();
  });

  it('the larger-text mode scales the page, and the layout fits a phone', async () => {
    const page = party.page;
    const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    const before = await size();
    await page.getByRole('button', { name: '大字模式' }).click();
    expect(await page.getByRole('button', { name: '大字模式' }).getAttribute('aria-pressed')).toBe('true');
    expect(await size()).toBeGreaterThan(before * 1.2);
    await page.getByRole('button', { name: '大字模式' }).click();

    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto('/register');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  // The hearing fixture now serves the complaint copy and the summons first (lawful order): more time.
  it('explains a blocked camera and microphone before joining, and still lets the person join', { timeout: 90_000 }, async () => {
    const fx = await scheduledHearing(server, 'hearing', 52);
    const blocked = await suite.open();
    try {
      // As if the person had clicked "Block" on the browser's permission prompt.
      await blocked.page.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
      });
      await loginUi(blocked.page, '13500000052', PASSWORD);
      await blocked.page.goto(`/hearings/${fx.hearingId}`);
      await blocked.page.getByText(/^摄像头不可用：浏览器禁止了访问。/).waitFor();
      await blocked.page.getByText(/^麦克风不可用：浏览器禁止了访问。/).waitFor();
      await blocked.page.getByRole('button', { name: '不使用摄像头和麦克风进入' }).click();
      await blocked.page.getByTestId('waiting-room').waitFor();
    } finally {
      await blocked.context.close();
    }
  });
});
