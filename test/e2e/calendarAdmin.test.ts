import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seedData.js';
import { statutoryHolidays } from '../../state-machines/calendar/statutoryHolidays.js';
import { seedAndLoginClerk } from '../support/api.js';
import { browserSuite, type RolePage } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { loginUi } from './steps.js';

describe('the administrator enters a year of holidays in Chromium, by keyboard', () => {
  const suite = browserSuite();
  let server: TestServer;
  let admin: RolePage;

  beforeAll(async () => {
    server = suite.server;
    await seedAndLoginClerk(server);
    admin = await suite.open();
  });

  it('shows 2028 as provisional, takes the notice typed in, and logs the change', async () => {
    const page = admin.page;
    await loginUi(page, '13800000000', DEMO_PASSWORD);
    await page.getByRole('link', { name: '节假日安排' }).click();
    await page.getByRole('heading', { name: '节假日安排' }).waitFor();

    const year = page.getByLabel('年度');
    await year.fill('2028');
    await year.press('Enter');
    await expect.poll(() => page.getByTestId('calendar-status').textContent()).toBe('2028年：暂定——尚未录入安排');

    // The form starts from the statutory days; the administrator adds a bridging day and a worked Saturday.
    const rest = page.getByLabel('休息日（节假日及调休放假日）');
    // 2028: Mid-Autumn falls on 10-03, a National Day holiday, so the date is listed once.
    expect((await rest.inputValue()).split('\n')).toEqual([...new Set(statutoryHolidays(2028).map((h) => h.date))]);
    await rest.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n2028-10-04');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2028-10-07');
    await page.getByLabel('依据（国务院办公厅通知文号）').fill('国办发明电〔2027〕测试号');
    await page.getByRole('button', { name: '保存安排' }).press('Enter');
    await page.getByText('2028年安排已保存。').waitFor();
    await expect.poll(() => page.getByTestId('calendar-status').textContent()).toBe('2028年：管理员已录入安排');
    await expect.poll(() => page.getByTestId('calendar-chain').textContent()).toBe('全部1条记录校验通过（哈希链完整）。');

    // A weekday cannot be made a working day: the reason is shown and nothing changes.
    await page.getByLabel('调休上班日（周末上班）').fill('2028-10-09');
    await page.getByRole('button', { name: '保存安排' }).click();
    await page.getByText('只有周末才能调为上班日。').waitFor();
    await expect.poll(() => page.getByTestId('calendar-chain').textContent()).toBe('全部1条记录校验通过（哈希链完整）。');
  });
});
