/**
 * What people do in the web client, as Playwright steps shared by the e2e
 * tests. Everything goes through visible labels and buttons, the way a
 * person (or a screen reader) finds them; test ids only mark things that
 * have no text, such as a video.
 */
import type { Page } from 'playwright-core';
import { lastSmsCode, sampleFiles } from '../support/api.js';
import type { TestServer } from '../support/server.js';

export const PASSWORD = 'a-good-password';

export async function loginUi(page: Page, phone: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('手机号码').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Registers through the page; the SMS code is read where the built-in SMS provider records it, as from the handset. */
export async function registerUi(page: Page, p: { name: string; idNumber: string; phone: string }, server: TestServer): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('真实姓名').fill(p.name);
  await page.getByLabel('公民身份号码').fill(p.idNumber);
  await page.getByLabel('手机号码').fill(p.phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByText('验证码已发送').waitFor();
  await page.getByLabel('短信验证码').fill((await lastSmsCode(server, p.phone)) ?? 'no code was sent');
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByLabel('再次输入密码').fill(PASSWORD);
  await page.getByRole('button', { name: '注册' }).click();
  await page.waitForURL('**/cases');
}

export const files = {
  complaint: { name: '起诉状.pdf', mimeType: 'application/pdf', buffer: sampleFiles.pdf('complaint') },
  idProof: { name: '身份证.png', mimeType: 'image/png', buffer: sampleFiles.png() },
  evidence: { name: '欠条.pdf', mimeType: 'application/pdf', buffer: sampleFiles.pdf('IOU') },
  notADocument: { name: 'notes.txt', mimeType: 'text/plain', buffer: sampleFiles.text() },
};

export function fileInput(page: Page, kind: 'complaint' | 'idProof' | 'evidence') {
  return page.locator(`input[type=file][data-kind="${kind}"]`);
}

/** Frames painted and playback time gained by the first remote <video> of the page over 1.5 s. */
export async function remoteVideoAdvances(page: Page): Promise<{ frames: number; advancedBy: number }> {
  const selector = '.tile:not(.local) video[data-remote]';
  await page.waitForFunction(
    (sel) => {
      const v = document.querySelector<HTMLVideoElement>(sel);
      return !!v && !v.hidden && v.readyState >= 2 && v.videoWidth > 0;
    },
    selector,
    { timeout: 30_000 },
  );
  return page.evaluate(
    (sel) =>
      new Promise<{ frames: number; advancedBy: number }>((resolve) => {
        const v = document.querySelector<HTMLVideoElement>(sel)!;
        const start = v.currentTime;
        let frames = 0;
        const onFrame = () => {
          frames++;
          v.requestVideoFrameCallback(onFrame);
        };
        v.requestVideoFrameCallback(onFrame);
        setTimeout(() => resolve({ frames, advancedBy: v.currentTime - start }), 1500);
      }),
    selector,
  );
}

/**
 * The visible text of the page, one entry per text node (the selected option
 * for selects), leaving out what is not language: people's names, numbers,
 * symbols.
 */
export function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const text = (node.textContent ?? '').trim();
      const el = node.parentElement;
      if (!text || !el || el.closest('option, script, style, [data-name], [data-testid="user-name"]')) continue;
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      out.push(text);
    }
    for (const select of document.querySelectorAll('select')) {
      if (select.checkVisibility()) out.push(select.selectedOptions[0]?.text ?? '');
    }
    // Strings without a letter of any script (amounts, dates in digits, ⚖) are the same in every language.
    return out.filter((s) => /\p{L}/u.test(s));
  });
}

/**
 * Resolves once the remote video plays: more than 5 new frames and half a
 * second of playback within 1.5 s. It tries again for a while, because a
 * loaded two-core machine can stall a picture briefly while the SFU switches
 * simulcast layers and waits for a key frame.
 */
export async function expectRemoteVideoPlaying(page: Page, timeoutMs = 20_000): Promise<{ frames: number; advancedBy: number }> {
  const deadline = Date.now() + timeoutMs;
  let last = { frames: 0, advancedBy: 0 };
  while (Date.now() < deadline) {
    last = await remoteVideoAdvances(page);
    if (last.frames > 5 && last.advancedBy > 0.5) return last;
  }
  throw new Error(`the remote video did not play: last 1.5 s showed ${last.frames} frames, ${last.advancedBy.toFixed(2)} s`);
}

/**
 * Every visible interactive element of the page (buttons, links, fields) whose box
 * meets the box of the hearing room's control bar, described for the failure
 * message. Checked at the top of the page and scrolled to the bottom: a bar that
 * floats over the page would meet something in one of the two.
 */
export async function controlsOverlap(page: Page): Promise<string[]> {
  const check = () =>
    page.evaluate(() => {
      const bar = document.querySelector('[data-testid="room-controls"]');
      if (!bar) return ['no control bar on the page'];
      const b = bar.getBoundingClientRect();
      const hits: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')) {
        if (bar.contains(el) || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const overlapX = Math.min(r.right, b.right) - Math.max(r.left, b.left);
        const overlapY = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
        if (overlapX > 0 && overlapY > 0) hits.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 40)}"`);
      }
      return hits;
    });
  await page.evaluate(() => window.scrollTo(0, 0));
  const atTop = await check();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const atBottom = await check();
  await page.evaluate(() => window.scrollTo(0, 0));
  return [...new Set([...atTop, ...atBottom])];
}

/** The words of a trial that a mediation must never show (issue #18). */
export const COURT_WORDS = ['开庭', '闭庭', '候庭室', '庭内人员', '候庭中'];

/** The court words found in the page's visible text. */
export async function courtWordsShown(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return COURT_WORDS.filter((word) => text.includes(word));
}
