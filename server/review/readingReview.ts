/**
 * The reading review (issue 19): after a filing is acknowledged, a durable job reads its papers
 * in the OCR pool, sets them against the filing, and concludes on the case (reviewConclusion.ts).
 * The filing request only queues the job (one insert). A runner takes queued jobs one per OCR
 * slot; at start it puts jobs a stopped process left running back in the queue and queues
 * recent submissions that have no job (a stop between the filing and its job), so no filing is
 * left unread. One server process per database runs the jobs. Progress goes live to the filer
 * and the court's clerks on the /user channel (`review:progress`).
 */
import type { Connection } from 'mongoose';
import { REVIEW_PROGRESS_EVENT, type ReviewProgress } from '../../protocol/review.js';
import type { CaseDoc } from '../cases/caseModel.js';
import type { CaseService } from '../cases/caseService.js';
import { isDuplicateKey, type CaseStore } from '../cases/caseStore.js';
import type { ReadingReviewQueue } from '../cases/filingReview.js';
import type { DocumentStore } from '../documents/documentStore.js';
import type { Logger } from '../logger.js';
import type { UserPush } from '../notifications/notificationService.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import { userModel } from '../users/userModel.js';
import type { OcrPool } from './ocrPool.js';
import { conclude } from './reviewConclusion.js';
import { jobIdOf, reviewJobModel, type ReviewJobDoc, type ReviewJobModel } from './reviewJobModel.js';
import { findingsOf, readFiling, type Progress } from './reviewWork.js';

export interface ReadingReviewDeps {
  connection: Connection;
  cases: CaseService;
  store: CaseStore;
  documents: DocumentStore;
  cipher: PersonalDataCipher;
  pool: OcrPool;
  push: UserPush;
  logger: Logger;
  now: () => Date;
  maxPages: number;
}

/** A job that failed this often is given up (status failed) and left to the clerk. */
const MAX_ATTEMPTS = 3;
/** Submissions this recent without a job are queued at start. */
const CATCH_UP_DAYS = 14;
/** How often the runner looks for queued jobs when nothing woke it. */
const POLL_MS = 5_000;

export class ReadingReview implements ReadingReviewQueue {
  readonly jobs: ReviewJobModel;
  private running = 0;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly active = new Set<Promise<void>>();
  private clerks = new Map<string, { ids: string[]; at: number }>();

  constructor(private readonly deps: ReadingReviewDeps) {
    this.jobs = reviewJobModel(deps.connection);
  }

  /** Queues the submission the case stands at; called by the filing, after the case is stored. */
  async enqueue(doc: CaseDoc): Promise<void> {
    const submittedAt = doc.snapshot.context.timestamps.submittedAt;
    if (!submittedAt) return;
    const at = this.deps.now().toISOString();
    const job: ReviewJobDoc = {
      _id: jobIdOf(doc._id, submittedAt), caseId: doc._id, courtId: doc.courtId, filerId: doc.filerId, submittedAt,
      status: 'queued', attempts: 0, pagesRead: 0, pagesTotal: 0, documents: [], findings: [], notes: [], evidenceList: [], createdAt: at, updatedAt: at,
    };
    try {
      await this.jobs.create(job);
    } catch (err) {
      // Queued already (a retry, or the start-up catch-up racing the filing): one job per submission.
      if (isDuplicateKey(err)) return;
      // The start-up catch-up queues it; the filing itself stands.
      this.deps.logger.error({ err, caseId: doc._id }, 'could not queue the reading review');
      return;
    }
    this.push(job, { pagesRead: 0, pagesTotal: 0 });
    this.wake();
  }

  /** Resumes what a stop interrupted and starts taking jobs. */
  async start(): Promise<void> {
    this.stopped = false;
    const resumed = await this.jobs.updateMany({ status: 'running' }, { $set: { status: 'queued', updatedAt: this.deps.now().toISOString() } }).exec();
    if (resumed.modifiedCount > 0) this.deps.logger.warn({ resumed: resumed.modifiedCount }, 'reading reviews interrupted by a stop are resumed');
    await this.catchUp();
    this.wake();
  }

  /** Stops taking jobs and kills the reading in progress; the jobs stay running and resume at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.deps.pool.close();
    await Promise.allSettled([...this.active]);
  }

  /** Resolves when no job is queued or running (tests and the benchmark wait on it). */
  async idle(timeoutMs = 120_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const open = await this.jobs.countDocuments({ status: { $in: ['queued', 'running'] } }).exec();
      if (open === 0 && this.running === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the reading reviews did not finish in time');
  }

  private async catchUp(): Promise<void> {
    const since = new Date(this.deps.now().getTime() - CATCH_UP_DAYS * 86_400_000).toISOString();
    const open = await this.deps.store.model.find({ status: { $in: ['underReview', 'correctionRequested'] }, updatedAt: { $gte: since } }).lean<CaseDoc[]>().exec();
    for (const doc of open) {
      const submittedAt = doc.snapshot.context.timestamps.submittedAt;
      if (!submittedAt || (await this.jobs.exists({ _id: jobIdOf(doc._id, submittedAt) }).exec())) continue;
      await this.enqueue(doc);
    }
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.fill();
  }

  private async fill(): Promise<void> {
    while (!this.stopped && this.running < this.deps.pool.concurrency) {
      const job = await this.claim().catch((err: unknown) => {
        this.deps.logger.error({ err }, 'could not take a reading review job');
        return null;
      });
      if (!job) break;
      this.running++;
      const work = this.process(job).finally(() => {
        this.running--;
        this.active.delete(work);
        this.wake();
      });
      this.active.add(work);
    }
    if (!this.stopped && !this.timer) this.timer = setTimeout(() => this.wake(), POLL_MS);
  }

  private async claim(): Promise<ReviewJobDoc | null> {
    const at = this.deps.now().toISOString();
    return this.jobs
      .findOneAndUpdate({ status: 'queued' }, { $set: { status: 'running', startedAt: at, updatedAt: at }, $inc: { attempts: 1 } }, { sort: { createdAt: 1 }, returnDocument: 'after' })
      .lean<ReviewJobDoc>()
      .exec();
  }

  private async process(job: ReviewJobDoc): Promise<void> {
    try {
      const doc = await this.deps.store.get(job.caseId);
      if (!doc || doc.snapshot.context.timestamps.submittedAt !== job.submittedAt) {
        await this.finish(job, { status: 'superseded' });
        return;
      }
      const progress = async (p: Progress) => {
        await this.jobs.updateOne({ _id: job._id }, { $set: { pagesRead: p.pagesRead, pagesTotal: p.pagesTotal, updatedAt: this.deps.now().toISOString() } }).exec();
        this.push({ ...job, status: 'running' }, p);
      };
      const work = { ...this.deps, jobs: this.jobs };
      const { documents, pagesSkipped } = await readFiling(work, job, doc, progress);
      if (this.stopped) return;
      const outcome = await findingsOf(work, doc, documents, pagesSkipped);
      await this.jobs.updateOne({ _id: job._id }, { $set: { documents, findings: outcome.findings, notes: outcome.notes, evidenceList: outcome.evidenceList } }).exec();
      const result = await conclude({ connection: this.deps.connection, cases: this.deps.cases, load: (id) => this.deps.store.get(id) }, job, outcome);
      const pages = documents.reduce((n, d) => n + d.pages.length, 0);
      await this.finish(job, result === 'superseded' ? { status: 'superseded' } : { status: 'done', outcome: result, pagesRead: pages, pagesTotal: pages }, { findings: outcome.findings.length, notes: outcome.notes.length });
    } catch (err) {
      if (this.stopped) return;
      const failed = job.attempts >= MAX_ATTEMPTS;
      this.deps.logger.error({ err, caseId: job.caseId, attempt: job.attempts }, failed ? 'reading review failed; left to the clerk' : 'reading review failed; it is tried again');
      await this.finish(job, { status: failed ? 'failed' : 'queued', error: `${(err as Error).message} ${(err as Error).stack ?? ""}`.slice(0, 600) }).catch(() => undefined);
    }
  }

  private async finish(job: ReviewJobDoc, set: Partial<ReviewJobDoc>, counts: { findings?: number; notes?: number } = {}): Promise<void> {
    const at = this.deps.now().toISOString();
    const done = set.status === 'done' || set.status === 'failed' || set.status === 'superseded';
    await this.jobs.updateOne({ _id: job._id }, { $set: { ...set, updatedAt: at, ...(done ? { finishedAt: at } : {}) } }).exec();
    const after = { ...job, ...set };
    this.push(after, { pagesRead: after.pagesRead, pagesTotal: after.pagesTotal }, counts);
  }

  /** Progress to the filer and the court's clerks; a push that fails loses nothing (the job holds the state). */
  private push(job: Pick<ReviewJobDoc, '_id' | 'caseId' | 'courtId' | 'filerId' | 'status'>, p: Progress, counts: { findings?: number; notes?: number } = {}): void {
    const payload: ReviewProgress = { caseId: job.caseId, jobId: job._id, status: job.status, pagesRead: p.pagesRead, pagesTotal: p.pagesTotal, ...(p.current ? { current: p.current } : {}), ...counts };
    void this.clerksOf(job.courtId).then((clerks) => {
      for (const userId of new Set([job.filerId, ...clerks])) {
        try {
          this.deps.push(userId, REVIEW_PROGRESS_EVENT, payload);
        } catch (err) {
          this.deps.logger.warn({ err, userId }, 'review progress push failed');
        }
      }
    });
  }

  private async clerksOf(courtId: string): Promise<string[]> {
    const cached = this.clerks.get(courtId);
    if (cached && Date.now() - cached.at < 60_000) return cached.ids;
    const users = await userModel(this.deps.connection).find({ courtId, roles: 'clerk' }, { _id: 1 }).lean().exec().catch(() => []);
    const ids = users.map((u) => String(u._id));
    this.clerks = new Map(this.clerks).set(courtId, { ids, at: Date.now() });
    return ids;
  }
}
