import { Schema, type Connection, type Model } from 'mongoose';
import type { CaseSnapshotJson, CaseStatus, Finding } from '../../state-machines/case/caseMachine.js';
import type { OnlineCaseType } from '../../state-machines/rules/fees.js';
import type { CaseDocument, FeeReliefView, FiledDocumentKind } from '../../protocol/caseViews.js';

/** A document as the case stores it: what the parties see, plus who uploaded it. */
export interface StoredDocument extends Omit<CaseDocument, 'kind'> {
  kind: FiledDocumentKind;
  uploadedBy: string;
}

export interface StoredDefendant {
  name: string;
  idNumberEnc?: string;
  idNumberHash?: string;
  phoneEnc?: string;
  /** The account the court recognised as this defendant (access code or clerk's confirmation). */
  userId?: string;
  /** One-time access code printed on the court's documents to this defendant, until it is used. */
  accessCodeEnc?: string;
  accessCodeHash?: string;
}

export interface StoredFee {
  amount: string;
  currency: 'CNY';
  exact: string;
  breakdown: { code: string; labelZh: string; labelEn: string; amount: string }[];
}

/** An application for fee relief (缓交、减交、免交) and the court's decision on it (feeRelief.ts). */
export type StoredFeeRelief = FeeReliefView & { applicantId: string; decidedBy?: string };

/**
 * One case. It is a projection of the case log (see caseStore.ts): every field
 * below except _id is rewritten only together with a new log entry.
 */
export interface CaseDoc {
  _id: string;
  version: number;
  courtId: string;
  filerId: string;
  status: CaseStatus;
  snapshot: CaseSnapshotJson;
  caseType: OnlineCaseType;
  typeCode: string;
  claimAmount?: string;
  /** 案由 code (state-machines/rules/data/causesOfAction.ts); absent on cases filed before it existed. */
  causeOfAction?: string;
  divorcePropertyAmount?: string;
  personalityDamagesAmount?: string;
  claims: string[];
  facts: string;
  defendants: StoredDefendant[];
  findings: Finding[];
  caseNumber?: string;
  /** The judge and the clerk the court administrator assigned to the case (account ids). */
  judgeId?: string;
  clerkId?: string;
  fee?: StoredFee;
  /** Applications for fee relief, oldest first; at most one waits at a time. */
  feeRelief?: StoredFeeRelief[];
  documents: StoredDocument[];
  createdAt: string;
  updatedAt: string;
}

/** The fields a log entry may set on the case document. */
export type CaseState = Omit<CaseDoc, '_id' | 'version'>;

const caseSchema = new Schema<CaseDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    courtId: { type: String, required: true },
    filerId: { type: String, required: true },
    status: { type: String, required: true },
    snapshot: { type: Schema.Types.Mixed, required: true },
    caseType: { type: String, required: true },
    typeCode: { type: String, required: true },
    claimAmount: String,
    causeOfAction: String,
    divorcePropertyAmount: String,
    personalityDamagesAmount: String,
    claims: [String],
    facts: String,
    defendants: [Schema.Types.Mixed],
    findings: [Schema.Types.Mixed],
    caseNumber: String,
    judgeId: String,
    clerkId: String,
    fee: Schema.Types.Mixed,
    feeRelief: [Schema.Types.Mixed],
    documents: [Schema.Types.Mixed],
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);
// Uniqueness of case numbers is enforced by the case_numbers registry (caseNumbers.ts), whose
// _id is the rendered number: partial unique indexes are not available on every
// MongoDB-compatible server (FerretDB 1.x), and most cases have no number yet.
caseSchema.index({ caseNumber: 1 });
caseSchema.index({ filerId: 1, createdAt: -1 });
caseSchema.index({ 'defendants.userId': 1 });
caseSchema.index({ 'defendants.accessCodeHash': 1 });
caseSchema.index({ courtId: 1, status: 1, createdAt: 1 });
// The lists' filters (caseList.ts): a court's cases by filing date, by type, by judge, by clerk.
caseSchema.index({ courtId: 1, createdAt: 1 });
caseSchema.index({ courtId: 1, caseType: 1, createdAt: 1 });
caseSchema.index({ courtId: 1, judgeId: 1, createdAt: 1 });
caseSchema.index({ courtId: 1, clerkId: 1, createdAt: 1 });
caseSchema.index({ 'defendants.name': 1 });

export function caseModel(connection: Connection): Model<CaseDoc> {
  return (connection.models.Case as Model<CaseDoc> | undefined) ?? connection.model<CaseDoc>('Case', caseSchema, 'cases');
}
