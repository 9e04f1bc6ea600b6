/**
 * The signed copy of an agreement: the agreed text with every signature printed (who, when,
 * how they re-authenticated, the hash of the text they signed), issued under the court's
 * digital signature once the agreement takes effect. Issued once: the first writer's copy
 * stays, a concurrent second one is discarded.
 */
import type { Model } from 'mongoose';
import { findCourt } from '../courts/courtModel.js';
import { DocumentStore } from '../documents/documentStore.js';
import type { PdfSeal } from '../documents/pdf.js';
import type { Connection } from 'mongoose';
import type { AgreementDoc, SignatureDoc } from './agreementModel.js';
import { renderAgreementPdf } from './agreementPdf.js';

export async function issueSignedCopy(
  deps: { connection: Connection; agreements: Model<AgreementDoc>; documents: DocumentStore; seal?: PdfSeal; now: () => Date },
  agreement: AgreementDoc,
  signatures: readonly SignatureDoc[],
): Promise<AgreementDoc> {
  if (agreement.signedPdfId) return agreement;
  const bySigner = new Map(signatures.map((s) => [s.userId, s]));
  const court = await findCourt(deps.connection, agreement.courtId);
  const bytes = await renderAgreementPdf({
    agreementId: agreement._id,
    courtNameZh: court?.nameZh ?? agreement.courtId,
    ...(agreement.caseNumber ? { caseNumber: agreement.caseNumber } : {}),
    title: agreement.title,
    terms: agreement.terms,
    signatories: agreement.signatories,
    drafterName: agreement.drafter.name,
    createdAt: agreement.createdAt,
    issuedAt: deps.now().toISOString(),
    signatures: agreement.signatories.flatMap((p) => {
      const s = bySigner.get(p.userId);
      return s ? [{ name: s.signerName ?? p.name, signedAt: s.signedAt, documentSha256: s.documentSha256, method: s.reauthenticatedBy === 'password' ? '签署前再次验证密码 password re-entered' : '登录会话 session' }] : [];
    }),
    ...(deps.seal ? { seal: deps.seal } : {}),
  });
  const stored = await deps.documents.put(DocumentStore.check({ field: 'agreement', filename: `agreement-${agreement._id}-signed.pdf`, bytes }), {
    caseId: agreement.caseId,
    kind: 'agreementSigned',
    agreementId: agreement._id,
  });
  const updated = await deps.agreements
    .findOneAndUpdate({ _id: agreement._id, signedPdfId: { $exists: false } }, { $set: { signedPdfId: stored.id, signedSha256: stored.sha256 } }, { returnDocument: 'after' })
    .lean<AgreementDoc>()
    .exec();
  if (!updated) {
    await deps.documents.remove([stored.id]);
    return (await deps.agreements.findById(agreement._id).lean<AgreementDoc>().exec()) ?? agreement;
  }
  return updated;
}
