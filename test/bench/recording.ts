/**
 * Recording cost: CPU and memory per recorded participant (audio + video),
 * measured as the difference between recording and not recording the same
 * hearing in one run. Counted: the mediasoup worker and the recorder ffmpeg
 * processes (the platform's side); not the werift participants or their
 * ffmpeg encoders, which stand in for the remote browsers.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { joinToken, scheduledHearing } from '../support/hearing.js';
import { startTestServer } from '../support/server.js';
import { FfmpegRtpSource, WeriftParticipant } from '../support/weriftParticipant.js';
import { progress, round, rssKiB, sleep, type BenchReport } from './common.js';
import { fixtureUsers } from './fixtures.js';

const MEASURE_MS = 10_000;
const SETTLE_MS = 3_000;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * Proportional set size (KiB): shared libraries count once across all the
 * processes that map them, so N ffmpeg recorders are not charged N copies of libav.
 */
function pssKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : (rssKiB(pid) ?? 0);
  } catch {
    return 0;
  }
}

function recorderPids(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Percent of one core used by `pids` over `ms`, and their summed PSS at the end (KiB). */
async function measure(pids: () => number[], ms: number): Promise<{ cpuPercent: number; rssKiB: number }> {
  const before = new Map(pids().map((pid) => [pid, cpuTicks(pid)]));
  await sleep(ms);
  let ticks = 0;
  let rss = 0;
  for (const pid of pids()) {
    ticks += cpuTicks(pid) - (before.get(pid) ?? cpuTicks(pid));
    rss += pssKiB(pid);
  }
  return { cpuPercent: (ticks / TICKS_PER_SECOND / (ms / 1000)) * 100, rssKiB: rss };
}

export async function recordingBench(): Promise<BenchReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-rec-'));
  const server = await startTestServer({ RECORDINGS_DIR: dir, MEDIASOUP_WORKERS: '1' });
  const sources = { audio: await FfmpegRtpSource.start('audio'), video: await FfmpegRtpSource.start('video') };
  const people: WeriftParticipant[] = [];
  try {
    const fx = await scheduledHearing(server, 'hearing', 90);
    const users = fixtureUsers(fx);
    progress(`recording: ${users.length} participants join with audio and video`);
    const judge = await WeriftParticipant.connect({ url: server.url, token: await joinToken(fx.judge, fx.hearingId), sources });
    people.push(judge);
    await judge.join();
    for (const u of users.slice(1)) {
      const p = await WeriftParticipant.connect({ url: server.url, token: await joinToken(u.client, fx.hearingId), sources });
      people.push(p);
      await p.join();
      if (u.role !== 'clerk') await judge.call('host:admit', { userId: u.userId }); // the clerk joins admitted
    }
    for (const p of people) {
      await p.setupMedia();
      await p.produce(['audio', 'video']);
    }
    const workerPids = server.workers.workers().map((w) => w.worker.pid);
    await sleep(SETTLE_MS);

    progress('recording: measuring without recording');
    const idle = await measure(() => workerPids, MEASURE_MS);
    await judge.call('host:recording', { action: 'start' });
    await sleep(SETTLE_MS);
    const pattern = `${dir}/${fx.hearingId}/`;
    const recorders = recorderPids(pattern);
    progress(`recording: measuring while recording (${recorders.length} ffmpeg recorders)`);
    const workerWhile = await measure(() => workerPids, MEASURE_MS);
    // Recorders measured separately over the same length of time (their pids are stable now).
    const ffmpegWhile = await measure(() => recorderPids(pattern), MEASURE_MS);
    await judge.call('host:recording', { action: 'stop' });

    const n = people.length;
    const recordingCpu = workerWhile.cpuPercent - idle.cpuPercent + ffmpegWhile.cpuPercent;
    const perParticipantCpu = recordingCpu / n;
    const perParticipantMiB = (workerWhile.rssKiB - idle.rssKiB + ffmpegWhile.rssKiB) / 1024 / n;
    return {
      name: 'recording',
      data: {
        participants: n,
        recorders: recorders.length,
        workerCpuPercentIdle: round(idle.cpuPercent, 2),
        workerCpuPercentRecording: round(workerWhile.cpuPercent, 2),
        recorderFfmpegCpuPercent: round(ffmpegWhile.cpuPercent, 2),
        cpuPercentOfCorePerParticipant: round(perParticipantCpu, 2),
        memoryMiBPerParticipant: round(perParticipantMiB, 1),
        targetCpuPercentPerParticipant: 1,
      },
      tables: [
        {
          title: `Recording cost (${n} participants, audio + video, ${MEASURE_MS / 1000} s windows)`,
          columns: ['measure', 'not recording', 'recording', 'per recorded participant'],
          rows: [
            ['mediasoup worker CPU (% of a core)', round(idle.cpuPercent, 2) ?? '-', round(workerWhile.cpuPercent, 2) ?? '-', '-'],
            ['recorder ffmpeg CPU (% of a core)', 0, round(ffmpegWhile.cpuPercent, 2) ?? '-', '-'],
            ['total extra CPU (% of a core)', '-', round(recordingCpu, 2) ?? '-', round(perParticipantCpu, 2) ?? '-'],
            ['extra memory, PSS (MiB)', '-', round((workerWhile.rssKiB - idle.rssKiB + ffmpegWhile.rssKiB) / 1024, 1) ?? '-', round(perParticipantMiB, 1) ?? '-'],
          ],
        },
      ],
      notes: ['Target: under 1 % of one core per recorded participant. Worker and recorders share the machine with the werift peers and their encoders.'],
    };
  } finally {
    for (const p of people) await p.close();
    await sources.audio.stop();
    await sources.video.stop();
    await server.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
