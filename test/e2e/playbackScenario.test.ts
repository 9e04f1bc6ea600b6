import crypto from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seedData.js';
import { browserSuite, screenshot } from '../support/browser.js';
import { joinToken, scheduledHearing, type HearingFixture } from '../support/hearing.js';
import { FfmpegRtpSource, WeriftParticipant, type RtpSource } from '../support/weriftParticipant.js';
import { loginUi } from './steps.js';

const OPENING = '审判员：现在开庭。';
const CLAIM = '原告：请求判令被告支付拖欠工资一万元。';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each video of the player: which segment, whether it shows, plays, and where it is. */
const videosOf = (page: Page) =>
  page.getByTestId('playback-video').evaluateAll((els) =>
    els.map((e) => {
      const v = e as HTMLVideoElement;
      return { segment: v.dataset.segmentId ?? '', shown: !v.hidden, paused: v.paused, time: v.currentTime };
    }),
  );

/**
 * One synchronized playback (issue 18) in Chromium. The hearing is recorded through the real
 * server and mediasoup worker by two participants (signalling and RTP from the test process),
 * the plaintiff joining seconds after the judge; the clerk writes a paragraph before and one
 * after. The judge opens the player from the case's recordings: both participants play
 * together on one clock, and clicking a paragraph seeks there.
 */
describe('the synchronized player, end to end in Chromium', () => {
  const suite = browserSuite();
  let fx: HearingFixture;
  let sources: Record<'audio' | 'video', RtpSource>;
  const people: WeriftParticipant[] = [];

  beforeAll(async () => {
    fx = await scheduledHearing(suite.server, 'hearing', 193);
    sources = { audio: await FfmpegRtpSource.start('audio'), video: await FfmpegRtpSource.start('video') };
  }, 120_000);
  afterAll(async () => {
    for (const p of people) await p.close();
    await sources?.audio.stop();
    await sources?.video.stop();
  });

  it('plays two participants together and seeks when a paragraph is clicked', { timeout: 240_000 }, async () => {
    // --- A hearing recorded: the judge from the start, the plaintiff from a few seconds later ---
    const connect = async (token: string) => {
      const p = await WeriftParticipant.connect({ url: suite.server.url, token, sources });
      people.push(p);
      await p.join();
      return p;
    };
    const judge = await connect(await joinToken(fx.judge, fx.hearingId));
    expect((await judge.request('host:session', { action: 'start' })).ok).toBe(true);
    await judge.setupMedia();
    await judge.produce(['audio', 'video']);
    expect((await judge.request('host:recording', { action: 'start' })).ok).toBe(true);
    await sleep(1500);
    const write = (text: string, speakerId: string) => fx.clerk.put(`/api/hearings/${fx.hearingId}/record/paragraphs/${crypto.randomUUID()}`, { baseVersion: 0, text, speakerId });
    expect((await write(OPENING, fx.ids.judge)).status).toBe(200);
    await sleep(1500);
    const plaintiff = await connect(await joinToken(fx.plaintiff, fx.hearingId));
    const mark = plaintiff.mark();
    await judge.request('host:admit', { userId: fx.ids.plaintiff });
    await plaintiff.waitForEvent('hearing:me', (e) => (e as { me: { status: string } }).me.status === 'admitted', 10_000, mark);
    await plaintiff.setupMedia();
    await plaintiff.produce(['audio', 'video']);
    await sleep(4000);
    expect((await write(CLAIM, fx.ids.plaintiff)).status).toBe(200);
    await sleep(5000);
    expect((await judge.request('host:recording', { action: 'stop' })).ok).toBe(true);

    // --- The judge opens the player from the case's recordings -----------------------------------
    const { page: j, errors } = await suite.open();
    try {
      await loginUi(j, '13800000002', DEMO_PASSWORD);
      await j.goto(`/cases/${fx.caseId}`);
      await j.getByTestId('playback-link').click();
      await j.getByRole('heading', { name: '庭审录像同步播放' }).waitFor();
      const tiles = j.getByTestId('playback-tile');
      await expect.poll(() => tiles.count(), { timeout: 15_000 }).toBe(2);
      const paragraphs = j.getByTestId('playback-paragraph');
      await expect.poll(() => paragraphs.count()).toBe(2);
      // At the start only the judge was recorded: the plaintiff's tile says so.
      await j.locator(`[data-testid="playback-tile"][data-participant-id="${fx.ids.plaintiff}"]`).getByText('此时没有录像').waitFor();

      // --- Clicking the plaintiff's paragraph seeks there; both play together --------------------
      const claim = paragraphs.filter({ hasText: CLAIM });
      const offset = Number(await claim.getAttribute('data-offset'));
      expect(offset).toBeGreaterThan(4);
      await claim.click();
      const position = async () => Number(await j.getByTestId('playback-player').getAttribute('data-position'));
      await expect.poll(position, { timeout: 5000 }).toBeCloseTo(offset, 0);
      await expect.poll(async () => (await videosOf(j)).filter((v) => v.shown).length, { timeout: 10_000 }).toBe(2);
      await j.getByRole('button', { name: '播放', exact: true }).click();
      await expect.poll(async () => (await videosOf(j)).filter((v) => v.shown && !v.paused).length, { timeout: 15_000 }).toBe(2);
      const before = await videosOf(j);
      await sleep(2000);
      const after = await videosOf(j);
      for (const v of after.filter((x) => x.shown)) {
        const was = before.find((b) => b.segment === v.segment);
        // Each advanced with the session clock.
        expect(v.time - (was?.time ?? 0)).toBeGreaterThan(1);
      }
      // Both are where the clock says: the plaintiff's video lags the judge's by the plaintiff's later start.
      const shown = after.filter((x) => x.shown).map((x) => x.time).sort((a, b) => a - b);
      const recs = (await fx.judge.get<{ recordings: { id: string; participantId: string; startedAt: string }[] }>(`/api/cases/${fx.caseId}/recordings`)).body.recordings;
      const start = (id: string) => Date.parse(recs.find((r) => r.participantId === id)!.startedAt);
      expect(shown[1]! - shown[0]!).toBeCloseTo((start(fx.ids.plaintiff) - start(fx.ids.judge)) / 1000, 0);
      // The paragraph being played is marked.
      await expect.poll(() => claim.getAttribute('aria-current')).toBe('true');
      // Somebody is heard: the active speaker is highlighted from the audio level.
      await j.locator('[data-testid="playback-tile"][data-speaking="true"]').first().waitFor({ timeout: 10_000 });
      await screenshot(j, 'playback');

      // --- Pause stops both; seek back to the opening paragraph, by keyboard ----------------------
      await j.getByRole('button', { name: '暂停', exact: true }).click();
      await expect.poll(async () => (await videosOf(j)).filter((v) => !v.paused).length).toBe(0);
      await paragraphs.filter({ hasText: OPENING }).focus();
      await j.keyboard.press('Enter');
      const opening = Number(await paragraphs.filter({ hasText: OPENING }).getAttribute('data-offset'));
      await expect.poll(position, { timeout: 5000 }).toBeCloseTo(opening, 0);
      await expect.poll(async () => (await videosOf(j)).filter((v) => v.shown).length).toBe(1);

      // --- The combined file, asked for on the page, is built in the background ---------------------
      await j.getByRole('button', { name: '生成合成文件' }).click();
      await j.locator('[data-testid="combined-status"][data-status="done"]').waitFor({ timeout: 150_000 });
      const jobs = (await fx.judge.get<{ jobs: { id: string; file?: { sha256: string } }[] }>(`/api/hearings/${fx.hearingId}/recordings/combined`)).body.jobs;
      expect(await j.getByTestId('combined-sha256').textContent()).toBe(jobs[0]?.file?.sha256);
    } catch (err) {
      await screenshot(j, 'failure-playback').catch(() => undefined);
      if (errors.length) console.error('page errors:', errors.slice(0, 10));
      throw err;
    }
  });
});
