/**
 * Mediation agreements (调解协议) and their signatures. Each signature is its
 * own document whose _id is `${agreementId}:${userId}`: the database's unique
 * _id is what stops a double signature, even from two requests at once, and
 * a signature can never be lost by a concurrent update of the agreement.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export type AgreementStatus = 'draft' | 'effective';

export interface Signatory {
  userId: string;
  /** The name printed in the document, as registered when it was drafted. */
  name: string;
}

export interface AgreementDoc {
  _id: string;
  caseId: string;
  courtId: string;
  caseNumber?: string;
  title: string;
  terms: string[];
  signatories: Signatory[];
  /** The mediator or clerk who drafted it; they also report the settlement to the case. */
  drafter: { userId: string; name: string; role: 'mediator' | 'clerk'; courtId: string };
  /** The rendered PDF (GridFS, documents bucket) and its SHA-256 and size. */
  pdfId: string;
  documentSha256: string;
  size: number;
  status: AgreementStatus;
  /** The time of the last signature. */
  effectiveAt?: string;
  createdAt: string;
  /** The signed copy issued when it took effect: every signature with its time, under the court's digital signature. */
  signedPdfId?: string;
  signedSha256?: string;
}

export interface SignatureDoc {
  /** `${agreementId}:${userId}` */
  _id: string;
  agreementId: string;
  userId: string;
  signedAt: string;
  documentSha256: string;
  /** HMAC-SHA256 (hex) over `agreementId|userId|signedAt|documentSha256`, see signatures.ts. */
  signature: string;
  /** Where the signing session came from: evidence that the signer acted themselves. */
  session: { ip?: string; userAgent?: string };
  /** The signer's name as printed, and how they proved again who they are just before signing. */
  signerName?: string;
  reauthenticatedBy?: 'password';
}

/**
 * Written once, by whichever request saw the last signature first: the unique
 * _id (the agreement id) makes "takes effect" happen exactly once even when the
 * last two parties sign at the same moment. `completedAt` is set when its side
 * effects (case log, settlement, notifications) are done.
 */
export interface AgreementEffectDoc {
  _id: string;
  effectiveAt: string;
  createdAt: string;
  completedAt?: string;
}

export const signatureId = (agreementId: string, userId: string) => `${agreementId}:${userId}`;

const agreementSchema = new Schema<AgreementDoc>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true, index: true },
    courtId: { type: String, required: true },
    caseNumber: String,
    title: { type: String, required: true },
    terms: { type: [String], required: true },
    signatories: [Schema.Types.Mixed],
    drafter: { type: Schema.Types.Mixed, required: true },
    pdfId: { type: String, required: true },
    documentSha256: { type: String, required: true },
    size: { type: Number, required: true },
    status: { type: String, required: true, enum: ['draft', 'effective'] },
    effectiveAt: String,
    createdAt: { type: String, required: true },
    signedPdfId: String,
    signedSha256: String,
  },
  { collection: 'agreements', versionKey: false, minimize: false },
);

const signatureSchema = new Schema<SignatureDoc>(
  {
    _id: { type: String, required: true },
    agreementId: { type: String, required: true, index: true },
    userId: { type: String, required: true },
    signedAt: { type: String, required: true },
    documentSha256: { type: String, required: true },
    signature: { type: String, required: true },
    session: { type: Schema.Types.Mixed, required: true },
    signerName: String,
    reauthenticatedBy: String,
  },
  { collection: 'agreement_signatures', versionKey: false, minimize: false },
);

const effectSchema = new Schema<AgreementEffectDoc>(
  {
    _id: { type: String, required: true },
    effectiveAt: { type: String, required: true },
    createdAt: { type: String, required: true },
    completedAt: String,
  },
  { collection: 'agreement_effects', versionKey: false },
);

export function agreementModel(c: Connection): Model<AgreementDoc> {
  return (c.models.Agreement as Model<AgreementDoc> | undefined) ?? c.model<AgreementDoc>('Agreement', agreementSchema);
}

export function signatureModel(c: Connection): Model<SignatureDoc> {
  return (c.models.AgreementSignature as Model<SignatureDoc> | undefined) ?? c.model<SignatureDoc>('AgreementSignature', signatureSchema);
}

export function agreementEffectModel(c: Connection): Model<AgreementEffectDoc> {
  return (c.models.AgreementEffect as Model<AgreementEffectDoc> | undefined) ?? c.model<AgreementEffectDoc>('AgreementEffect', effectSchema);
}
