import { beforeAll, describe, expect, it } from 'vitest';
import { registerParty, sampleFiles, validIdNumber, type ApiClient } from '../support/api.js';
import { browserSuite, screenshot } from '../support/browser.js';
import { seedDemoData, DEMO_PASSWORD } from '../../server/seedData.js';
import { createPersonalDataCipher } from '../../server/privacy/personalData.js';
import type { TestServer } from '../support/server.js';
import { loginUi, PASSWORD } from './steps.js';

const CLERK = { name: '新来的书记员', idNumber: validIdNumber(351), phone: '13912340351' };
const JUDGE = { name: '新来的法官', idNumber: validIdNumber(352), phone: '13912340352' };
const FIRST_PASSWORD = 'first-password-1';

async function file(party: ApiClient, cause: string, defendant: string, seq: number): Promise<string> {
  const res = await party.postForm<{ id: string; status: string }>(
    '/api/cases',
    { court: 'bj-chaoyang', caseType: 'property', causeOfAction: cause, claimAmount: '150000', claims: ['判令被告支付150000元'], facts: '到期未付。', defendants: [{ name: defendant, idNumber: validIdNumber(seq) }] },
    [
      { field: 'complaint', filename: '起诉状.pdf', bytes: sampleFiles.pdf(`complaint ${seq}`) },
      { field: 'idProof', filename: '身份证.png', bytes: sampleFiles.png() },
    ],
  );
  expect(res.body.status).toBe('underReview');
  return res.body.id;
}

describe("the court's daily work, end to end in Chromium", () => {
  const suite = browserSuite();
  let server: TestServer;

  beforeAll(async () => {
    server = suite.server;
    await seedDemoData(server.db.connection, createPersonalDataCipher(server.config.dataEncryptionKey));
  });

  it('an administrator creates a clerk and a judge; the queue tells two filings apart; fee relief is granted and the notices read in English', { timeout: 240_000 }, async () => {
    const admin = await suite.open();
    const clerk = await suite.open();
    const party = await suite.open();
    const a = admin.page;
    const c = clerk.page;
    const p = party.page;
    try {
      // --- 1. The court administrator creates a clerk and a judge -------------------------------
      await loginUi(a, '13800000000', DEMO_PASSWORD);
      await a.goto('/admin/staff');
      for (const [person, role] of [[CLERK, '书记员'], [JUDGE, '法官']] as const) {
        await a.getByLabel('真实姓名').fill(person.name);
        await a.getByLabel('公民身份号码').fill(person.idNumber);
        await a.getByLabel('手机号码').fill(person.phone);
        await a.getByLabel('初始密码（当面告知本人）').fill(FIRST_PASSWORD);
        const roles = a.locator('fieldset', { hasText: '角色' });
        for (const box of ['书记员', '法官', '调解员', '管理员']) {
          const check = roles.getByLabel(box, { exact: true });
          if ((await check.isChecked()) !== (box === role)) await check.click();
        }
        await a.getByRole('button', { name: '创建账号' }).click();
        await a.getByText(`已创建${person.name}的账号。`).waitFor();
      }
      await a.getByRole('cell', { name: JUDGE.name, exact: true }).waitFor();
      await screenshot(a, 'admin-staff');

      // --- 2. Two filings of the same kind, told apart in the new clerk's queue -----------------
      const zhang = await registerParty(server, '13912340353', 353, '张三丰');
      const li = await registerParty(server, '13912340354', 354, '李四光');
      const first = await file(zhang, 'C10.08', '北京甲公司', 355);
      await file(li, 'C17.01.05', '北京乙公司', 356);
      await loginUi(c, CLERK.phone, FIRST_PASSWORD);
      await c.waitForURL('**/queue');
      const items = c.locator('.queue-item');
      await expect.poll(() => items.count()).toBe(2);
      await expect.poll(() => items.nth(0).getByTestId('case-parties').textContent()).toBe('原告 张三丰；被告 北京甲公司');
      await expect.poll(() => items.nth(1).getByTestId('case-parties').textContent()).toBe('原告 李四光；被告 北京乙公司');
      await items.nth(0).getByText(/买卖合同纠纷/).waitFor();
      await items.nth(1).getByText(/追索劳动报酬纠纷/).waitFor();
      await c.getByTestId('list-total').getByText('共 2 件').waitFor();
      // Searching by a party's name leaves the one filing.
      await c.getByTestId('list-search').fill('李四光');
      await c.getByRole('button', { name: '查询' }).click();
      await expect.poll(() => items.count()).toBe(1);
      await c.getByTestId('list-search').fill('');
      await c.getByRole('button', { name: '查询' }).click();
      await expect.poll(() => items.count()).toBe(2);
      await screenshot(c, 'clerk-queue-told-apart');
      await items.nth(0).getByRole('button', { name: '审查' }).click();
      await c.getByRole('button', { name: '受理并编号' }).click();
      await expect.poll(() => items.count()).toBe(1);

      // --- 3. The party, reading English, applies for a deferral; the clerk grants it ------------
      await loginUi(p, '13912340353', PASSWORD);
      await p.getByTestId('lang-switch').click();
      await p.goto(`/cases/${first}`);
      const relief = p.getByTestId('fee-relief-panel');
      await relief.getByText('Relief from the court fee').waitFor();
      await relief.getByLabel('What you ask for').selectOption('deferral');
      await relief.getByLabel('Pay by').fill('2099-03-31');
      await relief.getByLabel('Your reasons').fill('Our home burnt down; we cannot pay now.');
      await relief.getByLabel('Proof').setInputFiles({ name: 'certificate.pdf', mimeType: 'application/pdf', buffer: sampleFiles.pdf('fire certificate') });
      await relief.getByRole('button', { name: 'Apply' }).click();
      await relief.getByText('Your application is with the court.').waitFor();

      await c.goto(`/cases/${first}`);
      const decision = c.getByTestId('fee-relief-decision');
      await decision.getByText('Our home burnt down; we cannot pay now.', { exact: false }).waitFor();
      await decision.getByLabel('决定理由').fill('经核实确有困难，准予缓交');
      await decision.getByRole('button', { name: '批准', exact: true }).click();
      await c.locator('.badge', { hasText: '已缴费' }).waitFor();

      // --- 4. The case moved on, and the notices read correctly in English -----------------------
      await p.goto('/notifications');
      const notice = p.locator('.notification', { hasText: 'Payment of the court fee has been deferred' });
      await notice.waitFor();
      const text = (await notice.textContent()) ?? '';
      expect(text).toContain('deferred until 31 March 2099');
      // English notices carry English dates: no 年/月/日 anywhere on the page.
      const page = (await p.locator('[data-testid="notification-list"]').textContent()) ?? '';
      expect(page).not.toMatch(/[年月日]/);
      await screenshot(p, 'notices-in-english');
      await p.getByTestId('mark-all-read').click();
      await p.getByTestId('notification-counts').getByText('0 unread', { exact: false }).waitFor();
      await p.goto(`/cases/${first}`);
      await p.locator('.badge', { hasText: 'Fee settled' }).waitFor();
    } catch (err) {
      for (const [page, name] of [[a, 'admin'], [c, 'clerk'], [p, 'party']] as const) await screenshot(page, `failure-daily-work-${name}`).catch(() => undefined);
      throw err;
    }
  });
});
