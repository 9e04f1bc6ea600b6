/**
 * The reading review on the screens (issue 19), with real OCR: a party registers and files
 * through the web client a scanned complaint whose amount (12,345.60) is not the one in the form
 * (10000), a synthetic ID card in their own name and two scanned evidence pages. The party's case
 * page shows the review's progress as the pages are read, without a reload; the correction notice
 * that follows quotes the amount read from the complaint; the clerk's review screen shows the
 * complaint's page image beside its text with that passage marked.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seedData.js';
import { seedAndLoginClerk, validIdNumber } from '../support/api.js';
import { browserSuite, screenshot, type RolePage } from '../support/browser.js';
import { complaintLines, idCardPng, imagePdf, rasterize, textPdf } from '../support/reviewDocs.js';
import type { TestServer } from '../support/server.js';
import { fileInput, loginUi, registerUi } from './steps.js';

const PARTY = { name: '张三', idNumber: validIdNumber(191), phone: '13912340191' };
const READ_AMOUNT = '12,345.60';

interface Papers {
  complaint: Buffer;
  idCard: Buffer;
  evidence: Buffer;
}

async function papers(): Promise<Papers> {
  // Scans (image-only PDFs), so every page goes through OCR and the review takes long enough to watch.
  const complaint = await imagePdf(await rasterize(await textPdf([complaintLines({ plaintiff: PARTY.name, defendants: ['李四'], amount: READ_AMOUNT })]), 150));
  const evidence = await imagePdf(
    await rasterize(
      await textPdf([
        ['借条', '今借到张三人民币壹万贰仟叁佰肆拾伍元陆角整，', '于2025年6月1日前归还。', '借款人：李四', '2025年3月1日'],
        ['银行转账凭证', '付款人：张三', '收款人：李四', '金额：12,345.60元', '交易日期：2025年3月1日'],
      ]),
      150,
    ),
  );
  const idCard = await idCardPng({ name: PARTY.name, idNumber: PARTY.idNumber });
  return { complaint, idCard, evidence };
}

describe('the reading review on the screens, end to end in Chromium', () => {
  const suite = browserSuite();
  let server: TestServer;
  let docs: Papers;

  beforeAll(async () => {
    server = suite.server;
    await seedAndLoginClerk(server);
    docs = await papers();
  }, 120_000);

  it('the party files, watches the review, gets a notice quoting the amount read; the clerk sees it marked', { timeout: 300_000 }, async () => {
    const party = await suite.open();
    const clerk = await suite.open();
    const pages: [string, RolePage][] = [['party', party], ['clerk', clerk]];
    try {
      const p = party.page;
      await registerUi(p, PARTY, server);
      await p.getByRole('link', { name: '网上立案' }).first().click();
      await p.getByLabel('诉讼请求金额（元）').fill('10000');
      await p.getByLabel('搜索案由').fill('借款合同');
      await p.getByTestId('cause-picker').selectOption('C10.12');
      await p.getByText('已选择：借款合同纠纷').waitFor();
      await p.getByRole('button', { name: '下一步' }).click();
      await p.getByLabel('被告姓名或名称').fill('李四');
      await p.getByRole('button', { name: '下一步' }).click();
      await p.getByLabel('诉讼请求1').fill('判令被告偿还借款');
      await p.getByLabel('事实与理由').fill('被告借款未还。');
      await p.getByRole('button', { name: '下一步' }).click();
      await fileInput(p, 'complaint').setInputFiles({ name: '起诉状.pdf', mimeType: 'application/pdf', buffer: docs.complaint });
      await fileInput(p, 'idProof').setInputFiles({ name: '身份证.png', mimeType: 'image/png', buffer: docs.idCard });
      await fileInput(p, 'evidence').setInputFiles({ name: '借条与转账凭证.pdf', mimeType: 'application/pdf', buffer: docs.evidence });
      await p.getByRole('button', { name: '下一步' }).click();
      await p.getByText('起诉状：起诉状.pdf').waitFor();
      await p.getByRole('button', { name: '提交立案' }).click();
      await p.waitForURL(/\/cases\/[0-9a-f-]{36}/);
      const caseUrl = new URL(p.url()).pathname;
      // Acknowledged at once: the case page is there, under review, before anything is read.
      await p.locator('.badge', { hasText: '立案审查中' }).waitFor();

      // --- The review's progress, as it is pushed: every text the status line shows is kept ------
      const panel = p.getByTestId('reading-review');
      await panel.waitFor({ timeout: 30_000 });
      await p.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { seenProgress: string[] }).seenProgress = seen;
        const note = () => {
          const text = document.querySelector('[data-testid="reading-review"] [role="status"]')?.textContent ?? '';
          if (text && seen[seen.length - 1] !== text) seen.push(text);
        };
        note();
        new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await expect.poll(() => panel.getAttribute('data-status'), { timeout: 60_000 }).toBe('running');
      await p.getByRole('progressbar').first().waitFor();
      await screenshot(p, 'reading-progress');
      await expect.poll(() => panel.getAttribute('data-status'), { timeout: 240_000, interval: 500 }).toBe('done');
      const seen = await p.evaluate(() => (window as unknown as { seenProgress: string[] }).seenProgress);
      const counts = seen.flatMap((s) => {
        const m = /已读(\d+)页，共(\d+)页/.exec(s);
        return m ? [{ read: Number(m[1]), total: Number(m[2]) }] : [];
      });
      // Pages counted up while the party watched: some read, not yet all, of the four pages filed.
      expect(counts.some((c) => c.read > 0 && c.read < c.total), `progress seen: ${JSON.stringify(seen)}`).toBe(true);
      expect(Math.max(...counts.map((c) => c.total))).toBe(4);

      // --- The correction notice arrives without a reload and quotes what the complaint says ------
      const notice = p.getByTestId('correction-panel');
      await notice.waitFor({ timeout: 30_000 });
      const amountFinding = notice.locator('li[data-code="COMPLAINT_AMOUNT_MISMATCH"]');
      await expect.poll(() => amountFinding.textContent()).toContain(READ_AMOUNT);
      expect(await amountFinding.textContent()).toContain('起诉状.pdf第1页');
      expect(await amountFinding.textContent()).toContain('10000.00元');
      await p.locator('.badge', { hasText: '待补正' }).waitFor();
      // The case log names the review in the party's language, not by the event's internal name.
      await expect.poll(() => p.locator('.timeline').textContent()).toContain('材料自动识别审查完成');
      expect(await p.locator('.timeline').textContent()).not.toContain('READING_REVIEWED');
      // The identity document agrees with the registered identity: no finding about it.
      expect(await notice.locator('li[data-code^="ID_"]').count()).toBe(0);
      // And the notification the party receives says the same, quoting the complaint.
      await p.goto('/notifications');
      const notification = p.locator('li', { hasText: '立案材料需要补正' }).first();
      await notification.waitFor({ timeout: 15_000 });
      expect(await notification.textContent()).toContain(READ_AMOUNT);
      await screenshot(p, 'reading-correction');

      // --- The clerk's review screen: the complaint's page beside its text, the amount marked ------
      const c = clerk.page;
      await loginUi(c, '13800000001', DEMO_PASSWORD);
      await c.goto(caseUrl);
      const complaintPage = c.getByRole('region', { name: '起诉状.pdf第1页', exact: true });
      await complaintPage.waitFor({ timeout: 30_000 });
      expect(await complaintPage.getAttribute('class')).toContain('has-finding');
      await expect.poll(() => complaintPage.locator('mark').allTextContents()).toContainEqual(expect.stringContaining(READ_AMOUNT));
      // The page image is the court's rendering of the stored scan, loaded beside the text.
      const image = complaintPage.getByRole('img', { name: '起诉状.pdf第1页图像' });
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 30_000 }).toBe(true);
      // Only the page behind a finding is marked: the evidence pages carry no mark.
      const evidencePage = c.getByRole('region', { name: '借条与转账凭证.pdf第1页', exact: true });
      expect(await evidencePage.locator('mark').count()).toBe(0);
      expect(await evidencePage.getAttribute('class')).not.toContain('has-finding');
      // Every page of every document has its image beside its text: the ID card as uploaded, the PDF pages rendered.
      for (const name of ['身份证.png第1页图像', '借条与转账凭证.pdf第1页图像', '借条与转账凭证.pdf第2页图像']) {
        const img = c.getByRole('img', { name, exact: true });
        await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 30_000, message: name }).toBe(true);
      }
      await complaintPage.scrollIntoViewIfNeeded();
      await screenshot(c, 'reading-clerk-marked');
    } catch (err) {
      for (const [name, r] of pages) {
        await screenshot(r.page, `failure-reading-${name}`).catch(() => undefined);
        if (r.errors.length) console.error(`${name} page errors:`, r.errors.slice(0, 10));
      }
      throw err;
    }
  });
});
