/**
 * Electronic service on the screens (issue 15): the defendant consents on their case page; the
 * clerk issues a summons, previews it, serves it where the defendant consented and watches the
 * delivery log; the defendant opens it in the inbox (inline PDF, hearing time) and acknowledges;
 * the clerk's screen shows the effective time; the public verify page, without login, says genuine.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seedData.js';
import { login } from '../support/api.js';
import { browserSuite, screenshot, type RolePage } from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { feeSettledCase, me, type ServiceCase } from '../integration/service/fixture.js';
import { lawfulStart } from '../support/procedure.js';
import { pdfsig } from '../support/pdfsig.js';
import { loginUi, PASSWORD } from './steps.js';

// feeSettledCase(server, 81): the parties' phones.
const DEFENDANT_PHONE = '13710000081';
const CLERK_PHONE = '13800000001';

describe('serving a summons on the screens, end to end in Chromium', () => {
  const suite = browserSuite();
  let server: TestServer;
  let c: ServiceCase;
  let hearingId = '';

  beforeAll(async () => {
    server = suite.server;
    c = await feeSettledCase(server, 81);
    const judge = await login(server, '13800000002', DEMO_PASSWORD);
    const scheduled = await judge.post<{ id: string }>(`/api/cases/${c.caseId}/hearings`, {
      kind: 'hearing',
      // Lawful order (issue 12): the hearing falls after the answer period.
      startsAt: lawfulStart(),
      participants: [
        { userId: await me(judge), role: 'judge' },
        { userId: c.ids.plaintiff, role: 'party' },
        { userId: c.ids.defendant, role: 'party' },
      ],
    });
    if (scheduled.status !== 201) throw new Error(`scheduling refused: ${scheduled.status} ${JSON.stringify(scheduled.body)}`);
    hearingId = scheduled.body.id;
  });

  it('consent, issue and serve, open and acknowledge, effective time, public verification', { timeout: 120_000 }, async () => {
    const defendant = await suite.open();
    const clerk = await suite.open();
    const pages: [string, RolePage][] = [['defendant', defendant], ['clerk', clerk]];
    try {
      const d = defendant.page;
      await loginUi(d, DEFENDANT_PHONE, PASSWORD);
      await d.goto(`/cases/${c.caseId}`);
      const consent = d.getByTestId('consent-panel');
      await expect.poll(() => consent.getByTestId('consent-status').textContent()).toContain('尚未同意');
      await consent.getByRole('button', { name: '同意电子送达' }).click();
      await expect.poll(() => consent.getByTestId('consent-status').textContent()).toContain('已同意电子送达');

      const k = clerk.page;
      await loginUi(k, CLERK_PHONE, DEMO_PASSWORD);
      await k.goto(`/cases/${c.caseId}`);
      const panel = k.getByTestId('service-panel');
      await panel.getByLabel('庭审', { exact: true }).selectOption(hearingId);
      await panel.getByRole('button', { name: '生成文书并预览' }).click();
      await panel.locator('iframe').waitFor();
      // Only the channel the defendant consented to can be chosen; email says why not.
      const row = panel.locator(`[data-recipient="${c.ids.defendant}"]`);
      await expect.poll(() => row.locator('input[type=checkbox]:not([disabled])').count()).toBe(1);
      await row.locator(`input[name="${c.ids.defendant}-inbox"]`).check();
      await panel.getByRole('button', { name: '送达', exact: true }).click();
      const log = panel.getByTestId('delivery-log');
      await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain('传票');

      await d.goto('/inbox');
      await d.getByRole('link', { name: '传票' }).first().click();
      await d.getByTestId('pdf-preview').waitFor();
      await expect.poll(() => d.getByTestId('summons-hearing').textContent()).toContain('进入庭审');
      await d.getByRole('button', { name: '确认收悉' }).click();
      await d.getByRole('status').filter({ hasText: '' }).first().waitFor();

      // The clerk's log follows without a reload: acknowledged, and the effective time.
      await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain('已确认收悉');
      await expect.poll(() => log.getByTestId('effective-at').first().textContent()).toContain('送达生效');

      const services = await c.clerk.get<{ services: { document: { sha256: string; kind: string; id: string } }[] }>(`/api/cases/${c.caseId}/service`);
      const summons = services.body.services.find((s) => s.document.kind === 'summons')!;
      // The served PDF carries the court's signature, which Debian's pdfsig (not our code) validates.
      const served = await c.clerk.raw(`/api/cases/${c.caseId}/documents/${summons.document.id}`);
      expect(served.status).toBe(200);
      expect(await pdfsig(Buffer.from(await served.arrayBuffer()))).toContain('Signature Validation: Signature is Valid.');
      const anonymous = await suite.open();
      pages.push(['anonymous', anonymous]);
      await anonymous.page.goto(`/verify/${summons.document.sha256}`);
      await expect.poll(() => anonymous.page.getByTestId('verify-result').textContent()).toContain('真实');
      // The page checks the signature and its timestamp, not only the hash.
      await expect.poll(() => anonymous.page.getByTestId('verify-signature').textContent()).toContain('电子签名有效');
      await expect.poll(() => anonymous.page.getByTestId('verify-signature').textContent()).toContain('时间戳有效');
      expect(anonymous.page.url()).toContain('/verify/');
      await anonymous.page.goto(`/verify/${'0'.repeat(64)}`);
      await expect.poll(() => anonymous.page.getByTestId('verify-result').textContent()).toContain('未找到');
    } catch (err) {
      for (const [name, r] of pages) {
        await screenshot(r.page, `failure-service-${name}`).catch(() => undefined);
        if (r.errors.length) console.error(`${name} page errors:`, r.errors.slice(0, 10));
      }
      throw err;
    }
  });
});
