/**
 * The hearing record (庭审笔录): one record per hearing (its _id is the hearing's), its
 * paragraphs each in their own document with their own version (two staff writing at once
 * touch different documents, and a stale write of the same paragraph is refused by the
 * version in its update filter), and the parties' signatures or objections, each a document
 * whose _id is `${hearingId}:${userId}` so a party acts once even with two requests at once.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { HearingKind } from '../../protocol/hearing.js';
import type { RecordActView, RecordParagraphView } from '../../protocol/recordViews.js';

export interface RecordDoc {
  /** The hearing's id. */
  _id: string;
  caseId: string;
  courtId: string;
  kind: HearingKind;
  createdAt: string;
  /** Set by the first signature or objection: the text every later act must bind; no paragraph changes after it. */
  frozenSha256?: string;
  /** 'filing' while the clerk's close is drawing and filing the PDF (one close at a time). */
  state: 'open' | 'filing' | 'filed';
  filed?: { documentId: string; sha256: string; filedAt: string; by: string };
}

/** The paragraph as the API renders it, stored under its id with its case and a bare offset. */
export interface ParagraphDoc extends Omit<RecordParagraphView, 'id' | 'recording'> {
  _id: string;
  caseId: string;
  recordingOffsetSeconds?: number;
}

/** The act as the API renders it, stored with what proves it. */
export interface RecordActDoc extends RecordActView {
  /** `${hearingId}:${userId}` */
  _id: string;
  hearingId: string;
  /** HMAC (agreements/signatures.ts) over the record, the signer, the time and the bound hash. */
  signature: string;
  /** The hash the HMAC binds: the text's for a signature, the text's and the objection's for an objection. */
  boundSha256: string;
  session: { ip?: string; userAgent?: string };
}

export const actId = (hearingId: string, userId: string) => `${hearingId}:${userId}`;

const loose = { versionKey: false, minimize: false } as const;

const recordSchema = new Schema<RecordDoc>(
  {
    _id: String,
    caseId: { type: String, required: true, index: true },
    courtId: { type: String, required: true },
    kind: { type: String, required: true },
    createdAt: { type: String, required: true },
    frozenSha256: String,
    state: { type: String, required: true },
    filed: Schema.Types.Mixed,
  },
  { ...loose, collection: 'hearing_records' },
);

const paragraphSchema = new Schema<ParagraphDoc>(
  {
    _id: String,
    hearingId: { type: String, required: true, index: true },
    caseId: { type: String, required: true, index: true },
    version: { type: Number, required: true },
    at: { type: String, required: true },
    speaker: { type: Schema.Types.Mixed, required: true },
    text: { type: String, default: '' },
    recordingOffsetSeconds: Number,
    updatedAt: { type: String, required: true },
    updatedBy: { type: Schema.Types.Mixed, required: true },
  },
  { ...loose, collection: 'record_paragraphs' },
);

const actSchema = new Schema<RecordActDoc>(
  {
    _id: String,
    hearingId: { type: String, required: true, index: true },
    userId: { type: String, required: true },
    name: String,
    kind: { type: String, required: true },
    at: { type: String, required: true },
    textSha256: { type: String, required: true },
    objection: String,
    signature: { type: String, required: true },
    boundSha256: { type: String, required: true },
    session: Schema.Types.Mixed,
    reauthenticatedBy: String,
  },
  { ...loose, collection: 'record_acts' },
);

export function recordModels(connection: Connection): { records: Model<RecordDoc>; paragraphs: Model<ParagraphDoc>; acts: Model<RecordActDoc> } {
  return {
    records: (connection.models.HearingRecord as Model<RecordDoc> | undefined) ?? connection.model<RecordDoc>('HearingRecord', recordSchema),
    paragraphs: (connection.models.RecordParagraph as Model<ParagraphDoc> | undefined) ?? connection.model<ParagraphDoc>('RecordParagraph', paragraphSchema),
    acts: (connection.models.RecordAct as Model<RecordActDoc> | undefined) ?? connection.model<RecordActDoc>('RecordAct', actSchema),
  };
}
