/**
 * Mediation agreements as the REST API renders them (server/agreements):
 * agreementView() and AgreementService.verify() declare these as their return types.
 */
import type { PdfSignatureCheck } from './signatureViews.js';

export interface AgreementSignatory {
  userId: string;
  name: string;
  /** Once this signatory has signed. */
  signedAt?: string;
}

export interface AgreementView {
  id: string;
  caseId: string;
  courtId: string;
  caseNumber?: string;
  title: string;
  terms: string[];
  signatories: AgreementSignatory[];
  drafter: { userId: string; name: string; role: 'mediator' | 'clerk' };
  documentSha256: string;
  size: number;
  status: 'draft' | 'effective';
  effectiveAt?: string;
  createdAt: string;
  /** Path of the draft PDF. */
  pdf: string;
  /** The signed copy (every signature with its time, under the court's digital signature), once in effect. */
  signedPdf?: string;
  signedSha256?: string;
}

export interface AgreementVerification {
  /** The document is unaltered and every stored signature verifies. */
  valid: boolean;
  /** SHA-256 of the stored PDF, computed now. */
  documentSha256: string;
  /** The recomputed hash equals the one recorded when the agreement was drafted. */
  documentValid: boolean;
  signatures: { userId: string; signedAt: string; valid: boolean }[];
  /** Signatories without a valid signature. */
  pending: string[];
  /** The last valid signature's time, when every signatory has signed validly. */
  effectiveAt?: string;
  /** The court's digital signature on the signed copy (or, before it exists, on the draft). */
  signature?: PdfSignatureCheck;
}
