import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import type { CombinedFileJobView } from '../../protocol/playbackViews.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import { combinedFileArgs, layoutSession } from './combinedLayout.js';
import { combinedJobModel, type CombinedJobDoc } from './combinedJobModel.js';
import { fileFacts } from './probe.js';
import { recordingModel, type RecordingDoc } from './recordingModel.js';

export interface CombinedFilesDeps {
  connection: Connection;
  logger: Logger;
  /** RECORDINGS_DIR: the combined file is written beside the originals of its hearing. */
  dir: string;
  now: () => Date;
  /** Progress to the person who asked, on /user; a lost push loses nothing (the job row holds it). */
  push?: (userId: string, job: CombinedFileJobView) => void;
  ffmpegPath?: string;
  /** Added to ffmpeg's nice value: the hearings running now come first. */
  niceness?: number;
}

const MAX_ATTEMPTS = 2;
const POLL_MS = 5_000;
const PROGRESS_WRITE_MS = 1_000;
/** A build that takes longer than this is stuck (a niced single thread needs about 1 s per session second under heavy load). */
const timeoutMs = (seconds: number) => 600_000 + seconds * 10_000;

export function combinedJobView(job: CombinedJobDoc): CombinedFileJobView {
  return {
    id: job._id,
    hearingId: job.hearingId,
    caseId: job.caseId,
    status: job.status,
    progress: job.progress,
    sourceIds: job.sourceIds,
    timelineSeconds: job.timelineSeconds,
    requestedAt: job.requestedAt,
    ...(job.startedAt ? { startedAt: job.startedAt } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.status === 'done' && job.sha256 && job.size !== undefined
      ? { file: { sha256: job.sha256, size: job.size, codecs: job.codecs ?? [], ...(job.durationSeconds !== undefined ? { durationSeconds: job.durationSeconds } : {}) } }
      : {}),
    ...(job.cpuSeconds !== undefined ? { cpuSeconds: job.cpuSeconds } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}

/**
 * Builds combined files of hearings in the background, one at a time and with one ffmpeg
 * thread at a lowered priority, so the job never takes more than one core from the hearings.
 * Jobs live in MongoDB: a stop leaves the running job 'running' and the next start queues it
 * again; the partial file is thrown away and the file is built from the start.
 */
export class CombinedFiles {
  readonly jobs;
  private stopped = true;
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private child: ChildProcess | undefined;
  private current: Promise<void> | undefined;

  constructor(private readonly deps: CombinedFilesDeps) {
    this.jobs = combinedJobModel(deps.connection);
  }

  /**
   * Queues a combined file of the hearing's finalised recordings. The same recordings asked
   * again give the same job (queued, running or done), so a double click builds one file.
   */
  async request(hearingId: string, caseId: string, userId: string): Promise<CombinedJobDoc> {
    const recordings = await recordingModel(this.deps.connection).find({ hearingId }).lean<RecordingDoc[]>().exec();
    if (recordings.some((r) => r.status !== 'finalised')) throw errors.invalidState('The hearing is still being recorded; ask for the combined file once the recording has stopped.', 'RECORDING_IN_PROGRESS');
    const layout = layoutSession(recordings);
    if (!layout) throw errors.invalidState('This hearing has no finished recording to combine.', 'NO_RECORDINGS');
    const sourceIds = layout.segments.map((s) => s.id).sort();
    const same = await this.jobs
      .findOne({ hearingId, sourceIds: { $size: sourceIds.length, $all: sourceIds }, status: { $in: ['queued', 'running', 'done'] } })
      .sort({ requestedAt: -1 })
      .lean<CombinedJobDoc>()
      .exec();
    if (same) return same;
    const at = this.deps.now().toISOString();
    const job: CombinedJobDoc = { _id: crypto.randomUUID(), hearingId, caseId, requestedBy: userId, status: 'queued', attempts: 0, progress: 0, sourceIds, timelineSeconds: layout.timelineSeconds, requestedAt: at, updatedAt: at };
    await this.jobs.create(job);
    this.notify(job);
    this.wake();
    return job;
  }

  async start(): Promise<void> {
    this.stopped = false;
    const resumed = await this.jobs.updateMany({ status: 'running' }, { $set: { status: 'queued', progress: 0, updatedAt: this.deps.now().toISOString() } }).exec();
    if (resumed.modifiedCount > 0) this.deps.logger.warn({ resumed: resumed.modifiedCount }, 'combined recordings interrupted by a stop are built again');
    this.wake();
  }

  /** Stops taking jobs and kills the build in progress; it stays 'running' and is rebuilt at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.child?.kill('SIGKILL');
    await this.current?.catch(() => undefined);
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.fill();
  }

  private async fill(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.stopped) {
        const at = this.deps.now().toISOString();
        const job = await this.jobs
          .findOneAndUpdate({ status: 'queued' }, { $set: { status: 'running', startedAt: at, updatedAt: at, progress: 0 }, $inc: { attempts: 1 } }, { sort: { requestedAt: 1 }, returnDocument: 'after' })
          .lean<CombinedJobDoc>()
          .exec();
        if (!job) break;
        this.current = this.process(job);
        await this.current;
      }
    } catch (err) {
      this.deps.logger.error({ err }, 'could not take a combined recording job');
    } finally {
      this.busy = false;
      this.current = undefined;
    }
    if (!this.stopped && !this.timer) {
      this.timer = setTimeout(() => this.wake(), POLL_MS);
      this.timer.unref();
    }
  }

  private async process(job: CombinedJobDoc): Promise<void> {
    this.notify(job);
    const relative = path.join(job.hearingId, `combined-${job._id}.webm`);
    const output = path.join(this.deps.dir, relative);
    const partial = `${output}.part`;
    try {
      const recordings = await recordingModel(this.deps.connection).find({ _id: { $in: job.sourceIds } }).lean<RecordingDoc[]>().exec();
      const layout = layoutSession(recordings);
      if (!layout || recordings.length !== job.sourceIds.length) throw new Error('a recording this file combines is gone');
      for (const s of layout.segments) await fs.access(path.join(this.deps.dir, s.file));
      const { cpuSeconds } = await this.runFfmpeg(combinedFileArgs(layout, this.deps.dir, partial), layout.timelineSeconds, job);
      if (this.stopped) return;
      await fs.rename(partial, output);
      const facts = await fileFacts(output);
      await this.finish(job, {
        status: 'done', progress: 1, file: relative, sha256: facts.sha256, size: facts.size, codecs: facts.codecs, cpuSeconds,
        ...(facts.durationSeconds !== undefined ? { durationSeconds: facts.durationSeconds } : {}),
      });
    } catch (err) {
      await fs.rm(partial, { force: true }).catch(() => undefined);
      if (this.stopped) return;
      const failed = job.attempts >= MAX_ATTEMPTS;
      this.deps.logger.error({ err, jobId: job._id, attempt: job.attempts }, failed ? 'combined recording failed' : 'combined recording failed; it is tried again');
      await this.finish(job, { status: failed ? 'failed' : 'queued', progress: 0, error: (err as Error).message.slice(0, 500) }).catch(() => undefined);
    }
  }

  /** Runs ffmpeg at a lowered priority; resolves with the CPU time it reported (-benchmark). */
  private runFfmpeg(args: string[], seconds: number, job: CombinedJobDoc): Promise<{ cpuSeconds?: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.deps.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      const niceness = Math.min(19, Math.max(0, this.deps.niceness ?? 10));
      if (niceness > 0 && child.pid !== undefined) {
        try {
          os.setPriority(child.pid, Math.min(19, os.getPriority() + niceness));
        } catch {
          // Gone already or not allowed: it still uses one thread, only at the server's priority.
        }
      }
      let stderr = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs(seconds));
      let lastWrite = 0;
      let pending = '';
      child.stdout.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const written = /^out_time_us=(\d+)/.exec(line);
          if (!written || Date.now() - lastWrite < PROGRESS_WRITE_MS) continue;
          lastWrite = Date.now();
          const progress = Math.min(0.99, Number(written[1]) / 1e6 / Math.max(seconds, 0.001));
          void this.jobs.updateOne({ _id: job._id }, { $set: { progress, updatedAt: this.deps.now().toISOString() } }).exec().catch(() => undefined);
          this.notify({ ...job, status: 'running', progress });
        }
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      });
      child.on('error', (err) => reject(err));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.child = undefined;
        if (timedOut) {
          reject(new Error(`ffmpeg took longer than ${Math.round(timeoutMs(seconds) / 1000)} s`));
          return;
        }
        if (code !== 0) {
          reject(new Error(`ffmpeg ${signal ? `was killed by ${signal}` : `exited with ${String(code)}`}: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
          return;
        }
        const bench = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
        resolve(bench ? { cpuSeconds: Math.round((Number(bench[1]) + Number(bench[2])) * 1000) / 1000 } : {});
      });
    });
  }

  private async finish(job: CombinedJobDoc, set: Partial<CombinedJobDoc>): Promise<void> {
    const at = this.deps.now().toISOString();
    const ended = set.status === 'done' || set.status === 'failed';
    await this.jobs.updateOne({ _id: job._id }, { $set: { ...set, updatedAt: at, ...(ended ? { finishedAt: at } : {}) } }).exec();
    this.notify({ ...job, ...set, ...(ended ? { finishedAt: at } : {}) });
  }

  private notify(job: CombinedJobDoc): void {
    try {
      this.deps.push?.(job.requestedBy, combinedJobView(job));
    } catch (err) {
      this.deps.logger.warn({ err, jobId: job._id }, 'combined recording progress push failed');
    }
  }
}
