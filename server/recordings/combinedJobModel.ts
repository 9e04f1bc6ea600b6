/**
 * Combined-file jobs: one row per request for a hearing's combined file, durable, so a restart
 * takes up again what was queued or half-built (the half-built file is discarded and rebuilt).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { CombinedFileStatus } from '../../protocol/playbackViews.js';

export interface CombinedJobDoc {
  _id: string;
  hearingId: string;
  caseId: string;
  requestedBy: string;
  status: CombinedFileStatus;
  attempts: number;
  progress: number;
  sourceIds: string[];
  timelineSeconds: number;
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  updatedAt: string;
  /** Relative to RECORDINGS_DIR, set when done. */
  file?: string;
  sha256?: string;
  size?: number;
  durationSeconds?: number;
  codecs?: string[];
  cpuSeconds?: number;
  error?: string;
}

const combinedJobSchema = new Schema<CombinedJobDoc>(
  {
    _id: String,
    hearingId: { type: String, required: true, index: true },
    caseId: { type: String, required: true },
    requestedBy: { type: String, required: true },
    status: { type: String, required: true, index: true },
    attempts: { type: Number, required: true },
    progress: { type: Number, required: true },
    sourceIds: [String],
    timelineSeconds: { type: Number, required: true },
    requestedAt: { type: String, required: true },
    startedAt: String,
    finishedAt: String,
    updatedAt: { type: String, required: true },
    file: String,
    sha256: String,
    size: Number,
    durationSeconds: Number,
    codecs: [String],
    cpuSeconds: Number,
    error: String,
  },
  { versionKey: false },
);

export function combinedJobModel(connection: Connection): Model<CombinedJobDoc> {
  return (connection.models.CombinedJob as Model<CombinedJobDoc> | undefined) ?? connection.model<CombinedJobDoc>('CombinedJob', combinedJobSchema, 'combinedRecordingJobs');
}
