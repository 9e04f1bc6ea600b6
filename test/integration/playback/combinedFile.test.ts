import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CombinedFileJobView } from '../../../protocol/playbackViews.js';
import { ApiClient } from '../../support/api.js';
import { joinToken, scheduledHearing, type HearingFixture } from '../../support/hearing.js';
import { restartTestServer, startTestServer, type TestServer } from '../../support/server.js';
import { FfmpegRtpSource, WeriftParticipant, type RtpSource } from '../../support/weriftParticipant.js';

/**
 * The combined file of a hearing (issue 18, "one playback") through the real server, the real
 * mediasoup worker and real ffmpeg: two participants recorded, the second joining later; the
 * file places each by its start time, has one video and one audio stream as long as the
 * session, and verifies by its SHA-256; the originals are untouched.
 */
interface Rec { id: string; participantId: string; startedAt: string; endedAt: string; sha256: string; durationSeconds: number }
type ErrorReply = { error: { code: string } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long the second participant is recorded; COMBINED_SECONDS=60 measures the CPU time per recorded minute. */
const RECORDED_SECONDS = Number(process.env.COMBINED_SECONDS ?? 5);

function probe(file: string) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]).toString();
  const info = JSON.parse(out) as { format: { duration: string }; streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] };
  return { duration: Number(info.format.duration), streams: info.streams };
}


/** The mean brightness (0-255) of one 480x270 tile of the grid at an instant of the file. */
function tileBrightness(file: string, at: number, tile: number): number {
  const pixel = execFileSync('ffmpeg', ['-v', 'error', '-ss', at.toFixed(2), '-i', file, '-frames:v', '1', '-vf', `crop=480:270:${tile * 480}:0,scale=1:1`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
  return pixel[0] ?? 0;
}

describe('the combined file of a hearing', () => {
  let server: TestServer;
  let dir: string;
  let fx: HearingFixture;
  let sources: Record<'audio' | 'video', RtpSource>;
  const people: WeriftParticipant[] = [];
  let recs: Rec[];
  let job: CombinedFileJobView;
  const base = () => `/api/hearings/${fx.hearingId}/recordings/combined`;
  const judgeClient = () => new ApiClient(server.url, fx.judge.token);
  const jobNow = async (id: string) => (await judgeClient().get<CombinedFileJobView>(`${base()}/${id}`)).body;

  const enter = async (client: ApiClient, admitBy?: { host: WeriftParticipant; userId: string }) => {
    const p = await WeriftParticipant.connect({ url: server.url, token: await joinToken(client, fx.hearingId), sources });
    people.push(p);
    await p.join();
    if (admitBy) {
      const mark = p.mark();
      await admitBy.host.request('host:admit', { userId: admitBy.userId });
      await p.waitForEvent('hearing:me', (e) => (e as { me: { status: string } }).me.status === 'admitted', 10_000, mark);
    }
    await p.setupMedia();
    await p.produce(['audio', 'video']);
    return p;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-combined-'));
    server = await startTestServer({ RECORDINGS_DIR: dir });
    sources = { audio: await FfmpegRtpSource.start('audio'), video: await FfmpegRtpSource.start('video') };
    fx = await scheduledHearing(server, 'hearing', 61);
  }, 120_000);
  afterAll(async () => {
    for (const p of people) await p.close();
    await sources?.audio.stop();
    await sources?.video.stop();
    await server?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is refused while there is nothing to combine, and hidden from people outside the hearing', async () => {
    const none = await fx.judge.post<ErrorReply>(base());
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('NO_RECORDINGS');
    const outsider = await fx.mediator.post<ErrorReply>(base());
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe('HEARING_NOT_FOUND');
    expect((await fx.judge.post<ErrorReply>(`/api/hearings/${'x'.repeat(200)}/recordings/combined`)).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('two participants recorded, the second from a later start', { timeout: 120_000 }, async () => {
    const judge = await enter(fx.judge);
    expect((await judge.request('host:recording', { action: 'start' })).ok).toBe(true);
    await sleep(2500);
    await enter(fx.plaintiff, { host: judge, userId: fx.ids.plaintiff });
    await sleep(RECORDED_SECONDS * 1000);
    expect((await fx.judge.post<ErrorReply>(base())).body.error.code).toBe('RECORDING_IN_PROGRESS');
    expect((await judge.request('host:recording', { action: 'stop' })).ok).toBe(true);
    recs = (await fx.judge.get<{ recordings: Rec[] }>(`/api/cases/${fx.caseId}/recordings`)).body.recordings;
    expect(recs.map((r) => r.participantId).sort()).toEqual([fx.ids.judge, fx.ids.plaintiff].sort());
  });

  it('is built in the background with progress: one grid video and one audio stream, as long as the session, placed by start times, verifiable', { timeout: 180_000 }, async () => {
    const asked = await fx.plaintiff.post<CombinedFileJobView>(base());
    expect(asked.status).toBe(202);
    job = asked.body;
    expect(['queued', 'running']).toContain(job.status);
    expect(job.sourceIds.sort()).toEqual(recs.map((r) => r.id).sort());
    // Asked again (a double click, another person): the same job, not a second build.
    expect((await fx.judge.post<CombinedFileJobView>(base())).body.id).toBe(job.id);
    const notYet = await fx.judge.get<ErrorReply>(`${base()}/${job.id}/verify`);
    if (notYet.status !== 200) expect(notYet.body.error.code).toBe('COMBINED_FILE_NOT_READY');

    await expect.poll(async () => (await jobNow(job.id)).status, { timeout: 150_000, interval: 500 }).toBe('done');
    job = await jobNow(job.id);
    expect(job.progress).toBe(1);

    // The session runs from the judge's start to the last stop; the plaintiff sits at its own offset.
    const t0 = Math.min(...recs.map((r) => Date.parse(r.startedAt)));
    const end = Math.max(...recs.map((r) => Date.parse(r.startedAt) + r.durationSeconds * 1000));
    expect(job.timelineSeconds).toBeCloseTo((end - t0) / 1000, 0);
    const file = path.join(dir, fx.hearingId, `combined-${job.id}.webm`);
    const facts = probe(file);
    expect(facts.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:opus', 'video:vp8']);
    // Two tiles side by side.
    expect(facts.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 960, height: 270 });
    expect(Math.abs(facts.duration - job.timelineSeconds)).toBeLessThan(0.5);
    // Placed by start times: before the plaintiff's first segment their tile (the second) is the black
    // canvas while the judge's shows the picture; near the end both show it.
    const [judgeRec, plaintiffRec] = [fx.ids.judge, fx.ids.plaintiff].map((id) => recs.find((r) => r.participantId === id)!);
    const plaintiffOffset = (Date.parse(plaintiffRec!.startedAt) - Date.parse(judgeRec!.startedAt)) / 1000;
    expect(plaintiffOffset).toBeGreaterThan(2);
    const before = plaintiffOffset / 2;
    expect(tileBrightness(file, before, 0)).toBeGreaterThan(30);
    expect(tileBrightness(file, before, 1)).toBeLessThan(5);
    expect(tileBrightness(file, job.timelineSeconds - 1.5, 1)).toBeGreaterThan(30);
    const sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(job.file).toMatchObject({ sha256, size: fs.statSync(file).size, codecs: expect.arrayContaining(['vp8', 'opus']) as unknown });
    expect((await fx.plaintiff.get(`${base()}/${job.id}/verify`)).body).toMatchObject({ valid: true, sha256 });
    expect(job.cpuSeconds).toBeGreaterThan(0);
    console.log(`combined file: ${job.timelineSeconds.toFixed(1)} s of session, ffmpeg CPU ${job.cpuSeconds?.toFixed(2)} s = ${((job.cpuSeconds! / job.timelineSeconds) * 60).toFixed(1)} CPU s per recorded minute (load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);

    // The originals are untouched.
    for (const r of recs) expect((await fx.judge.get(`/api/recordings/${r.id}/verify`)).body).toMatchObject({ valid: true, sha256: r.sha256 });

    // It plays from a short-lived URL with HTTP Range, like every recording; not for outsiders.
    const url = (await fx.plaintiff.post<{ url: string }>(`${base()}/${job.id}/stream-url`)).body.url;
    const ranged = await fetch(`${server.url}${url}`, { headers: { range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect((await fx.mediator.get<ErrorReply>(`${base()}/${job.id}`)).body.error.code).toBe('HEARING_NOT_FOUND');
    expect((await fx.judge.get<ErrorReply>(`${base()}/no-such-job`)).body.error.code).toBe('COMBINED_FILE_NOT_FOUND');
    const listed = (await fx.judge.get<{ jobs: CombinedFileJobView[] }>(base())).body.jobs;
    expect(listed.map((j) => j.id)).toEqual([job.id]);
  });

  it('a build a crash left unfinished is built again after a restart', { timeout: 180_000 }, async () => {
    // As a process that died mid-build leaves it: a running row and a partial file.
    const jobs = server.db.connection.collection('combinedRecordingJobs');
    const id = crypto.randomUUID();
    const at = new Date().toISOString();
    await jobs.insertOne({ _id: id as never, hearingId: fx.hearingId, caseId: fx.caseId, requestedBy: fx.ids.judge, status: 'running', attempts: 1, progress: 0.4, sourceIds: job.sourceIds, timelineSeconds: job.timelineSeconds, requestedAt: at, startedAt: at, updatedAt: at });
    const partial = path.join(dir, fx.hearingId, `combined-${id}.webm.part`);
    fs.writeFileSync(partial, 'half a file');
    server = await restartTestServer(server);
    await expect.poll(async () => (await jobNow(id)).status, { timeout: 150_000, interval: 500 }).toBe('done');
    const rebuilt = await jobNow(id);
    expect(fs.existsSync(partial)).toBe(false);
    expect((await judgeClient().get(`${base()}/${id}/verify`)).body).toMatchObject({ valid: true, sha256: rebuilt.file?.sha256 });
  });
});
