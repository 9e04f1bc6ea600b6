import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegRtpSource, WeriftParticipant, type RtpSource } from '../../support/weriftParticipant.js';
import { joinToken, scheduledHearing, type HearingFixture } from '../../support/hearing.js';
import { ApiClient } from '../../support/api.js';
import { signStreamToken } from '../../../server/recordings/streamTokens.js';
import { restartTestServer, startTestServer, type TestServer } from '../../support/server.js';

interface Rec {
  id: string;
  participantId: string;
  segment: number;
  status: string;
  startedAt: string;
  endedAt: string;
  sha256: string;
  size: number;
  durationSeconds: number;
  codecs: string[];
  clean: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function probe(file: string): { codecs: string[]; duration: number } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]).toString();
  const info = JSON.parse(out) as { format: { duration: string }; streams: { codec_name: string }[] };
  return { codecs: info.streams.map((s) => s.codec_name).sort(), duration: Number(info.format.duration) };
}

describe('recording hearings', () => {
  let server: TestServer;
  let dir: string;
  let sources: Record<'audio' | 'video', RtpSource>;
  const people: WeriftParticipant[] = [];

  const enter = async (client: ApiClient, hearingId: string, admit?: { host: WeriftParticipant; userId: string }) => {
    const p = await WeriftParticipant.connect({ url: server.url, token: await joinToken(client, hearingId), sources });
    people.push(p);
    const joined = await p.join();
    if (admit) {
      const mark = p.mark();
      await admit.host.request('host:admit', { userId: admit.userId });
      await p.waitForEvent('hearing:me', (e) => (e as { me: { status: string } }).me.status === 'admitted', 10_000, mark);
    }
    return { p, joined };
  };
  const recordingsOf = async (client: ApiClient, caseId: string) => (await client.get<{ recordings: Rec[] }>(`/api/cases/${caseId}/recordings`)).body.recordings;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-recordings-'));
    server = await startTestServer({ RECORDINGS_DIR: dir });
    sources = { audio: await FfmpegRtpSource.start('audio'), video: await FfmpegRtpSource.start('video') };
  });
  afterAll(async () => {
    for (const p of people) await p.close();
    await sources?.audio.stop();
    await sources?.video.stop();
    await server?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('a hearing recorded by the judge', () => {
    let fx: HearingFixture;
    let judge: WeriftParticipant;
    let party: WeriftParticipant;
    let recs: Rec[];

    beforeAll(async () => {
      fx = await scheduledHearing(server, 'hearing', 41);
      judge = (await enter(fx.judge, fx.hearingId)).p;
      await judge.setupMedia();
      await judge.produce(['audio', 'video']);
    });

    it('records every participant for about 5 s into verified WebM files with Opus and VP8, logged in the case', async () => {
      const started = await judge.request('host:recording', { action: 'start' });
      expect(started.ok && started.data.active).toBe(true);
      // A participant joining now is told before its media enters the room.
      const { p, joined } = await enter(fx.plaintiff, fx.hearingId, { host: judge, userId: fx.ids.plaintiff });
      party = p;
      expect(joined.recording.active).toBe(true);
      await party.setupMedia();
      await party.produce(['audio', 'video']);
      const t0 = Date.now();
      await sleep(5000);
      expect(await party.request('host:recording', { action: 'stop' })).toMatchObject({ ok: false, error: { code: 'NOT_HOST' } });
      // The recording runs until the judge's stop arrives; the time its acknowledgement takes
      // (finalising, hashing and logging every file) is not recording time.
      const wall = (Date.now() - t0) / 1000;
      const stopped = await judge.request('host:recording', { action: 'stop' });
      expect(stopped.ok && stopped.data.active).toBe(false);

      recs = await recordingsOf(fx.judge, fx.caseId);
      expect(recs.map((r) => r.participantId).sort()).toEqual([fx.ids.judge, fx.ids.plaintiff].sort());
      for (const r of recs) {
        expect(r.status).toBe('finalised');
        const file = path.join(dir, fx.hearingId, `${r.participantId}-${r.segment}.webm`);
        expect(fs.existsSync(file)).toBe(true);
        const facts = probe(file);
        expect(facts.codecs).toEqual(['opus', 'vp8']);
        expect(r.codecs.sort()).toEqual(['opus', 'vp8']);
        const recorded = (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000;
        expect(Math.abs(facts.duration - recorded)).toBeLessThanOrEqual(1);
        expect(r.durationSeconds).toBeCloseTo(facts.duration, 1);
        const verify = await fx.judge.get<{ valid: boolean; sha256: string }>(`/api/recordings/${r.id}/verify`);
        expect(verify.body).toMatchObject({ valid: true, sha256: r.sha256 });
      }
      const party0 = recs.find((r) => r.participantId === fx.ids.plaintiff)!;
      // Started within a couple of seconds of the party's media (settling, key frame), ran to the stop.
      expect(party0.durationSeconds).toBeGreaterThan(wall - 3);

      const caseView = await fx.plaintiff.get<{ timeline: { type: string; details: { recordingId?: string; sha256?: string } }[] }>(`/api/cases/${fx.caseId}`);
      const logged = caseView.body.timeline.filter((t) => t.type === 'RECORDING_FINALISED');
      expect(logged.map((t) => t.details.recordingId).sort()).toEqual(recs.map((r) => r.id).sort());
      expect(logged.map((t) => t.details.sha256).sort()).toEqual(recs.map((r) => r.sha256).sort());
    });

    it('plays with HTTP Range for the judge and the parties; 404 for anyone else', async () => {
      const rec = recs[0]!;
      const res = await fetch(`${server.url}/api/recordings/${rec.id}/media`, { headers: { authorization: `Bearer ${fx.plaintiff.token}`, range: 'bytes=0-99' } });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes 0-99/${rec.size}`);
      expect((await res.arrayBuffer()).byteLength).toBe(100);
      // A range past the end is 416 with the size, not 404 (issue 14).
      const beyond = await fetch(`${server.url}/api/recordings/${rec.id}/media`, { headers: { authorization: `Bearer ${fx.plaintiff.token}`, range: `bytes=${rec.size + 10}-${rec.size + 20}` } });
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${rec.size}`);
      expect(((await beyond.json()) as { error: { code: string } }).error.code).toBe('RANGE_NOT_SATISFIABLE');
      const full = await fetch(`${server.url}/api/recordings/${rec.id}/media`, { headers: { authorization: `Bearer ${fx.judge.token}` } });
      expect(full.status).toBe(200);
      expect(full.headers.get('content-type')).toContain('video/webm');
      expect((await full.arrayBuffer()).byteLength).toBe(rec.size);
      expect((await fx.mediator.get(`/api/recordings/${rec.id}`)).status).toBe(404);
      expect((await fx.mediator.raw(`/api/recordings/${rec.id}/media`)).status).toBe(404);
    });

    it('a <video> plays from a playback URL that opens this recording only and expires', async () => {
      const [rec, other] = [recs[0]!, recs[1]!];
      expect((await fx.mediator.post(`/api/recordings/${rec.id}/stream-url`)).status).toBe(404);
      const issued = await fx.plaintiff.post<{ url: string; expiresIn: number }>(`/api/recordings/${rec.id}/stream-url`);
      expect(issued.status).toBe(200);
      expect(issued.body.expiresIn).toBe(300);
      // No Authorization header: the URL is the credential.
      const ranged = await fetch(`${server.url}${issued.body.url}`, { headers: { range: 'bytes=100-199' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('cache-control')).toBe('private, no-store');
      expect((await ranged.arrayBuffer()).byteLength).toBe(100);
      const access = new URL(issued.body.url, server.url).searchParams.get('access') ?? '';
      const elsewhere = await fetch(`${server.url}/api/recordings/${other.id}/media?access=${access}`);
      expect(elsewhere.status).toBe(401);
      expect(((await elsewhere.json()) as { error: { code: string } }).error.code).toBe('STREAM_TOKEN_INVALID');
      // Nor does it work as a login token for the rest of the API.
      expect((await new ApiClient(server.url, access).get(`/api/recordings/${rec.id}`)).status).toBe(401);
      const expired = signStreamToken(fx.ids.plaintiff, rec.id, server.config.jwtSecret, -10);
      const late = await fetch(`${server.url}/api/recordings/${rec.id}/media?access=${expired}`);
      expect(((await late.json()) as { error: { code: string } }).error.code).toBe('STREAM_TOKEN_EXPIRED');
    });

    it('when ffmpeg dies mid-recording the judge is alerted, a new segment starts, and the first still plays and verifies', async () => {
      const mark = judge.mark();
      expect((await judge.request('host:recording', { action: 'start' })).ok).toBe(true);
      // Kill it in the middle: once the segment is being written.
      const segmentFile = path.join(dir, fx.hearingId, `${fx.ids.plaintiff}-2.webm`);
      await expect.poll(() => (fs.existsSync(segmentFile) ? fs.statSync(segmentFile).size : 0), { timeout: 15_000 }).toBeGreaterThan(20_000);
      const pattern = `${fx.hearingId}/${fx.ids.plaintiff}-`;
      const pids = execFileSync('pgrep', ['-f', pattern]).toString().trim().split('\n').map(Number);
      expect(pids.length).toBeGreaterThan(0);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      await judge.waitForEvent('recording:alert', (e) => (e as { participantId: string }).participantId === fx.ids.plaintiff, 15_000, mark);
      await expect
        .poll(async () => (await recordingsOf(fx.judge, fx.caseId)).filter((r) => r.participantId === fx.ids.plaintiff && r.status === 'recording').length, { timeout: 10_000 })
        .toBe(1);
      const restartedFile = path.join(dir, fx.hearingId, `${fx.ids.plaintiff}-3.webm`);
      await expect.poll(() => (fs.existsSync(restartedFile) ? fs.statSync(restartedFile).size : 0), { timeout: 15_000 }).toBeGreaterThan(20_000);
      expect((await judge.request('host:recording', { action: 'stop' })).ok).toBe(true);

      const mine = (await recordingsOf(fx.judge, fx.caseId)).filter((r) => r.participantId === fx.ids.plaintiff).sort((a, b) => a.segment - b.segment);
      expect(mine.map((r) => r.segment)).toEqual([1, 2, 3]);
      const crashed = mine[1]!;
      expect(crashed.clean).toBe(false);
      const crashedFile = path.join(dir, fx.hearingId, `${crashed.participantId}-${crashed.segment}.webm`);
      expect(probe(crashedFile).codecs.length).toBeGreaterThan(0);
      expect((await fx.judge.get<{ valid: boolean }>(`/api/recordings/${crashed.id}/verify`)).body.valid).toBe(true);
      expect(mine[2]!.clean).toBe(true);
    });

    it('changing one byte of a file makes verification fail', async () => {
      const rec = recs[0]!;
      const file = path.join(dir, fx.hearingId, `${rec.participantId}-${rec.segment}.webm`);
      const bytes = fs.readFileSync(file);
      const middle = Math.floor(bytes.length / 2);
      bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
      fs.writeFileSync(file, bytes);
      expect((await fx.judge.get<{ valid: boolean }>(`/api/recordings/${rec.id}/verify`)).body.valid).toBe(false);
    });
  });

  describe('a short segment', () => {
    it('a recording stopped a second and a half after it started still holds that media, cleanly finished', async () => {
      // ffmpeg writes nothing until it has probed its input; a probe that also waited for a frame
      // rate (20 frames) left segments this short empty.
      const fx = await scheduledHearing(server, 'hearing', 44);
      const judge = (await enter(fx.judge, fx.hearingId)).p;
      await judge.setupMedia();
      await judge.produce(['audio', 'video']);
      expect((await judge.request('host:recording', { action: 'start' })).ok).toBe(true);
      await sleep(1500);
      expect((await judge.request('host:recording', { action: 'stop' })).ok).toBe(true);
      const [rec, ...more] = await recordingsOf(fx.judge, fx.caseId);
      expect(more).toHaveLength(0);
      expect(rec).toMatchObject({ status: 'finalised', clean: true });
      expect(rec!.durationSeconds).toBeGreaterThan(0.5);
      expect(probe(path.join(dir, fx.hearingId, `${rec!.participantId}-${rec!.segment}.webm`)).codecs).toEqual(['opus', 'vp8']);
    });
  });

  describe('a mediation', () => {
    it('is recorded only with every party\'s consent, and caucus media is never recorded', async () => {
      const fx = await scheduledHearing(server, 'mediation', 42);
      const mediator = (await enter(fx.mediator, fx.hearingId)).p;
      await mediator.setupMedia();
      await mediator.produce(['audio', 'video']);
      const plaintiff = (await enter(fx.plaintiff, fx.hearingId, { host: mediator, userId: fx.ids.plaintiff })).p;
      const defendant = (await enter(fx.defendant, fx.hearingId, { host: mediator, userId: fx.ids.defendant })).p;
      for (const p of [plaintiff, defendant]) {
        await p.setupMedia();
        await p.produce(['audio', 'video']);
      }
      expect(await mediator.request('host:recording', { action: 'start' })).toMatchObject({ ok: false, error: { code: 'CONSENT_MISSING' } });
      expect((await plaintiff.request('recording:consent', { consent: true })).ok).toBe(true);
      expect(await mediator.request('host:recording', { action: 'start' })).toMatchObject({ ok: false, error: { code: 'CONSENT_MISSING' } });
      expect((await defendant.request('recording:consent', { consent: true })).ok).toBe(true);
      expect((await mediator.request('host:recording', { action: 'start' })).ok).toBe(true);
      await sleep(2000);

      // Into the plaintiff's caucus: from now on neither of them may be recorded.
      expect((await mediator.request('host:move', { userId: fx.ids.plaintiff, room: 'caucus:plaintiff' })).ok).toBe(true);
      expect((await mediator.request('host:move', { userId: fx.ids.mediator, room: 'caucus:plaintiff' })).ok).toBe(true);
      await plaintiff.mediaIdle();
      await mediator.mediaIdle();
      await plaintiff.waitForPackets(() => plaintiff.packetsFromUser(fx.ids.mediator, 'audio') > 0 || true, 1000);
      const movedAt = Date.now();
      await sleep(3000);
      expect((await mediator.request('host:recording', { action: 'stop' })).ok).toBe(true);

      const recs = await recordingsOf(fx.mediator, fx.caseId);
      const caucusPeople = [fx.ids.plaintiff, fx.ids.mediator];
      for (const r of recs.filter((x) => caucusPeople.includes(x.participantId))) {
        // Every segment of a caucus participant ended when they left the joint room.
        expect(Date.parse(r.endedAt)).toBeLessThan(movedAt + 500);
      }
      // The defendant, alone in the joint room, went on being recorded.
      const defendantRecs = recs.filter((x) => x.participantId === fx.ids.defendant);
      expect(defendantRecs.some((r) => Date.parse(r.endedAt) > movedAt + 2000)).toBe(true);
    });
  });

  describe('server shutdown', () => {
    // The hearing fixture now serves the complaint copy and summons first (lawful order): more time.
    it('finalises a running recording: hashed, logged, and playable after the restart', { timeout: 90_000 }, async () => {
      const fx = await scheduledHearing(server, 'hearing', 43);
      const judge = (await enter(fx.judge, fx.hearingId)).p;
      await judge.setupMedia();
      await judge.produce(['audio', 'video']);
      expect((await judge.request('host:recording', { action: 'start' })).ok).toBe(true);
      await sleep(3000);
      server = await restartTestServer(server);
      const client = new ApiClient(server.url, fx.judge.token);
      const recs = await recordingsOf(client, fx.caseId);
      expect(recs).toHaveLength(1);
      expect(recs[0]).toMatchObject({ status: 'finalised', clean: true });
      expect(recs[0]!.durationSeconds).toBeGreaterThan(1);
      expect((await client.get<{ valid: boolean }>(`/api/recordings/${recs[0]!.id}/verify`)).body.valid).toBe(true);
      const timeline = (await client.get<{ timeline: { type: string }[] }>(`/api/cases/${fx.caseId}`)).body.timeline;
      expect(timeline.some((t) => t.type === 'RECORDING_FINALISED')).toBe(true);
    });
  });
});
