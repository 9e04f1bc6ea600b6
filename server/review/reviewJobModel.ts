/**
 * Review jobs: one per submission of a filing (the first filing and each resubmission), durable,
 * so a restart resumes what was being read. The `_id` is the case and the submission instant, so
 * queuing the same submission twice (a retry, the start-up catch-up) makes one job.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { EvidenceItem, ReadingFinding, ReviewDocumentView, ReviewOutcome, ReviewStatus } from '../../protocol/review.js';

export interface ReviewJobDoc {
  _id: string;
  caseId: string;
  courtId: string;
  filerId: string;
  /** The submission this job reads (the case's submittedAt when it was queued). */
  submittedAt: string;
  status: ReviewStatus;
  attempts: number;
  pagesRead: number;
  pagesTotal: number;
  documents: ReviewDocumentView[];
  findings: ReadingFinding[];
  notes: ReadingFinding[];
  evidenceList: EvidenceItem[];
  evidenceListEditedAt?: string;
  outcome?: ReviewOutcome;
  error?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  updatedAt: string;
}

const jobSchema = new Schema<ReviewJobDoc>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    courtId: { type: String, required: true },
    filerId: { type: String, required: true },
    submittedAt: { type: String, required: true },
    status: { type: String, required: true },
    attempts: { type: Number, required: true },
    pagesRead: { type: Number, required: true },
    pagesTotal: { type: Number, required: true },
    documents: [Schema.Types.Mixed],
    findings: [Schema.Types.Mixed],
    notes: [Schema.Types.Mixed],
    evidenceList: [Schema.Types.Mixed],
    evidenceListEditedAt: String,
    outcome: Schema.Types.Mixed,
    error: String,
    createdAt: { type: String, required: true },
    startedAt: String,
    finishedAt: String,
    updatedAt: { type: String, required: true },
  },
  { collection: 'review_jobs', versionKey: false, minimize: false },
);
jobSchema.index({ status: 1, createdAt: 1 });
jobSchema.index({ caseId: 1, createdAt: -1 });

export type ReviewJobModel = Model<ReviewJobDoc>;

export function reviewJobModel(connection: Connection): ReviewJobModel {
  return (connection.models.ReviewJob as ReviewJobModel | undefined) ?? connection.model<ReviewJobDoc>('ReviewJob', jobSchema);
}

export const jobIdOf = (caseId: string, submittedAt: string) => `${caseId}:${submittedAt}`;
