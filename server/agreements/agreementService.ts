import crypto from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import type { CaseStatus } from '../../state-machines/case/caseMachine.js';
import type { AuthUser } from '../auth/tokens.js';
import { isStaffOfCourt } from '../cases/caseAccess.js';
import type { CaseService } from '../cases/caseService.js';
import { isDuplicateKey } from '../cases/caseStore.js';
import { findCourt } from '../courts/courtModel.js';
import { DocumentStore } from '../documents/documentStore.js';
import { sha256Hex, type PdfSeal } from '../documents/pdf.js';
import type { AgreementVerification } from '../../protocol/agreementViews.js';
import type { PdfSignatureCheck } from '../signing/pdfSignature.js';
import { issueSignedCopy } from './signedCopy.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NotificationService } from '../notifications/notificationService.js';
import { userModel } from '../users/userModel.js';
import { Reauthentication } from '../users/reauthentication.js';
import { AgreementEffects, lastSignedAt } from './agreementEffect.js';
import { agreementModel, signatureId, signatureModel, type AgreementDoc, type SignatureDoc } from './agreementModel.js';
import { renderAgreementPdf } from './agreementPdf.js';
import { checkSignature, deriveSignatureKey, signFields } from './signatures.js';

export interface DraftInput {
  title: string;
  terms: string[];
  signatories: string[];
}

/** What GET /api/agreements/:id/verify answers (protocol/agreementViews.ts). */
export type Verification = AgreementVerification;

export interface AgreementServiceDeps {
  connection: Connection;
  cases: CaseService;
  notifications: NotificationService;
  logger: Logger;
  jwtSecret: string;
  now: () => Date;
  /** The court's digital signature on the PDFs (server/signing). */
  seal?: PdfSeal;
  /** Checks a PDF's digital signature, for verify(). */
  checkPdf?: (pdf: Buffer) => Promise<PdfSignatureCheck>;
}

/** Stages in which a case can no longer be settled by agreement. */
// A signed agreement under the judge's review, or its 调解书 being served, is not drafted over.
const CLOSED: readonly CaseStatus[] = ['rejected', 'withdrawn', 'settled', 'agreementSigned', 'mediationDecisionServing', 'decided', 'closed'];

/**
 * Mediation agreements drafted on the platform and signed by every signatory in
 * their own session. The draft's PDF is rendered once and never re-rendered:
 * its SHA-256 is what each signature binds, so what was signed is exactly what
 * anyone can download and verify later.
 */
export class AgreementService {
  private readonly agreements: Model<AgreementDoc>;
  private readonly signatures: Model<SignatureDoc>;
  private readonly documents: DocumentStore;
  private readonly effects: AgreementEffects;
  private readonly key: Buffer;
  /** Signing is a deliberate act: the signer proves again who they are (server/users/reauthentication.ts). */
  private readonly reauthentication: Reauthentication;

  constructor(private readonly deps: AgreementServiceDeps) {
    this.agreements = agreementModel(deps.connection);
    this.signatures = signatureModel(deps.connection);
    this.documents = new DocumentStore(deps.connection);
    this.effects = new AgreementEffects(deps.connection, deps.cases, deps.notifications, deps.logger, deps.now);
    this.key = deriveSignatureKey(deps.jwtSecret);
    this.reauthentication = new Reauthentication(deps.connection, 'agreement-sign');
  }

  async draft(user: AuthUser, caseId: string, input: DraftInput): Promise<AgreementDoc> {
    const caseDoc = await this.deps.cases.get(user, caseId);
    const role = user.roles.includes('mediator') ? 'mediator' : user.roles.includes('clerk') ? 'clerk' : undefined;
    if (!role || user.courtId !== caseDoc.courtId) {
      throw errors.forbidden("Only the mediator or the clerk of the case's court can draft a mediation agreement.", 'NOT_MEDIATION_OFFICER');
    }
    if (CLOSED.includes(caseDoc.status)) {
      throw errors.invalidState(`The case is ${caseDoc.status}; it can no longer be settled by agreement.`, 'CASE_NOT_OPEN');
    }
    if (!input.signatories.includes(caseDoc.filerId)) {
      // The agreement settles the filer's claims; it cannot take effect without them.
      throw errors.validation('The party who filed the case must be one of the signatories.', undefined, 'FILER_MUST_SIGN');
    }
    const users = await userModel(this.deps.connection)
      .find({ _id: { $in: input.signatories } }, { name: 1 })
      .lean<{ _id: { toString(): string }; name: string }[]>()
      .exec();
    const names = new Map(users.map((u) => [u._id.toString(), u.name]));
    const unknown = input.signatories.filter((id) => !names.has(id));
    if (unknown.length > 0) throw errors.validation('Some signatories are not users of the platform.', { unknown }, 'UNKNOWN_SIGNATORY');
    const court = await findCourt(this.deps.connection, caseDoc.courtId);

    const id = crypto.randomUUID();
    const createdAt = this.deps.now().toISOString();
    const signatories = input.signatories.map((userId) => ({ userId, name: names.get(userId) ?? '' }));
    const bytes = await renderAgreementPdf({
      agreementId: id,
      courtNameZh: court?.nameZh ?? caseDoc.courtId,
      ...(caseDoc.caseNumber ? { caseNumber: caseDoc.caseNumber } : {}),
      title: input.title,
      terms: input.terms,
      signatories,
      drafterName: user.name,
      createdAt,
      ...(this.deps.seal ? { seal: this.deps.seal } : {}),
    });
    const stored = await this.documents.put(DocumentStore.check({ field: 'agreement', filename: `agreement-${id}.pdf`, bytes }), {
      caseId,
      kind: 'agreement',
      agreementId: id,
      uploadedBy: user.id,
    });
    const doc: AgreementDoc = {
      _id: id,
      caseId,
      courtId: caseDoc.courtId,
      ...(caseDoc.caseNumber ? { caseNumber: caseDoc.caseNumber } : {}),
      title: input.title,
      terms: input.terms,
      signatories,
      drafter: { userId: user.id, name: user.name, role, courtId: caseDoc.courtId },
      pdfId: stored.id,
      documentSha256: stored.sha256,
      size: stored.size,
      status: 'draft',
      createdAt,
    };
    try {
      await this.agreements.create(doc);
      await this.deps.cases.recordNote(caseId, 'AGREEMENT_DRAFTED', { userId: user.id, role }, { agreementId: id, title: input.title, documentSha256: stored.sha256, signatories: input.signatories });
    } catch (err) {
      // No agreement may exist that the case record does not mention.
      await this.agreements.deleteOne({ _id: id }).exec().catch(() => undefined);
      await this.documents.remove([stored.id]);
      throw err;
    }
    this.deps.notifications.notifyInBackground(input.signatories, {
      type: 'agreement.toSign',
      caseId,
      titleZh: `请签署调解协议：${input.title}`,
      titleEn: `Please sign the mediation agreement: ${input.title}`,
      bodyZh: '调解员已起草调解协议。请登录平台阅读协议全文，确认无误后在线签名。全体当事人签名后协议生效。',
      bodyEn: 'The mediator has drafted the agreement. Please log in, read it in full and sign it online if you agree. It takes effect once every party has signed.',
      link: `/agreements/${id}`,
    });
    return doc;
  }

  /** The agreement and its signatures; 404 for anyone but its signatories and the court's staff. */
  async get(user: AuthUser, agreementId: string): Promise<{ agreement: AgreementDoc; signatures: SignatureDoc[] }> {
    const agreement = await this.visible(user, agreementId);
    const signatures = await this.signaturesOf(agreementId);
    if (agreement.status === 'draft') {
      // Normally a no-op; repairs an agreement whose last signer's request stopped before it took effect.
      const effectiveAt = await this.effects.takeEffectIfComplete(agreement, signatures);
      if (effectiveAt) return { agreement: { ...agreement, status: 'effective', effectiveAt }, signatures };
    }
    return { agreement, signatures };
  }

  async pdf(user: AuthUser, agreementId: string): Promise<{ agreement: AgreementDoc; bytes: Buffer }> {
    const agreement = await this.visible(user, agreementId);
    return { agreement, bytes: await this.documents.read(agreement.pdfId) };
  }

  /** The signed copy (every signature with its time); issued now if the request that completed it stopped short. */
  async signedPdf(user: AuthUser, agreementId: string): Promise<{ agreement: AgreementDoc; bytes: Buffer }> {
    const found = await this.get(user, agreementId);
    const signatures = found.signatures;
    let agreement = found.agreement;
    if (agreement.status !== 'effective') throw errors.conflict('The agreement has not been signed by everyone yet.', 'AGREEMENT_NOT_EFFECTIVE');
    if (!agreement.signedPdfId) agreement = await this.issueSignedCopy(agreement, signatures);
    if (!agreement.signedPdfId) throw errors.unavailable('The signed copy could not be issued; try again shortly.', 'SIGNED_COPY_UNAVAILABLE');
    return { agreement, bytes: await this.documents.read(agreement.signedPdfId) };
  }

  private issueSignedCopy(agreement: AgreementDoc, signatures: readonly SignatureDoc[]): Promise<AgreementDoc> {
    return issueSignedCopy(
      { connection: this.deps.connection, agreements: this.agreements, documents: this.documents, now: this.deps.now, ...(this.deps.seal ? { seal: this.deps.seal } : {}) },
      agreement,
      signatures,
    );
  }

  /**
   * The signed-in user signs the document whose hash they were shown. Refused
   * when the hash is not the document's, when they signed already (the unique
   * signature _id), or when the agreement is already in effect.
   */
  async sign(
    user: AuthUser,
    agreementId: string,
    documentSha256: string,
    session: SignatureDoc['session'],
    password?: string,
  ): Promise<{ agreement: AgreementDoc; signature: SignatureDoc; signatures: SignatureDoc[] }> {
    const agreement = await this.visible(user, agreementId);
    if (!agreement.signatories.some((s) => s.userId === user.id)) {
      throw errors.forbidden('You are not a signatory of this agreement.', 'NOT_A_SIGNATORY');
    }
    if (agreement.status === 'effective') {
      throw errors.conflict('The agreement is already in effect; it can no longer be signed.', 'AGREEMENT_EFFECTIVE');
    }
    await this.reauthentication.confirm(user, password, session.ip ?? 'unknown', 'the agreement');
    // The hash of the bytes as stored now, not as recorded: a signature must bind what a reader gets.
    const current = sha256Hex(await this.documents.read(agreement.pdfId));
    if (documentSha256 !== current || current !== agreement.documentSha256) {
      throw errors.conflict('The document you are signing is not the current text of the agreement. Download it again and re-read it.', 'DOCUMENT_CHANGED');
    }
    const signedAt = this.deps.now().toISOString();
    const fields = { agreementId, userId: user.id, signedAt, documentSha256: current };
    const signature: SignatureDoc = {
      _id: signatureId(agreementId, user.id),
      ...fields,
      signature: signFields(this.key, fields),
      session,
      signerName: agreement.signatories.find((s) => s.userId === user.id)?.name ?? user.name,
      reauthenticatedBy: 'password',
    };
    try {
      await this.signatures.create(signature);
    } catch (err) {
      if (isDuplicateKey(err)) throw errors.conflict('You have already signed this agreement.', 'ALREADY_SIGNED');
      throw err;
    }
    await this.deps.cases
      .recordNote(agreement.caseId, 'AGREEMENT_SIGNED', { userId: user.id, role: signerRole(user) }, {
        agreementId,
        signedAt,
        documentSha256: current,
        signature: signature.signature,
        reauthenticatedBy: 'password',
      })
      .catch((err: unknown) => {
        // The signature itself is stored and verifiable; a missing log line must not make the signer sign again.
        this.deps.logger.error({ err, agreementId, userId: user.id }, 'signature could not be noted in the case log');
      });
    const signatures = await this.signaturesOf(agreementId);
    const effectiveAt = await this.effects.takeEffectIfComplete(agreement, signatures);
    if (!effectiveAt) return { agreement, signature, signatures };
    let effective: AgreementDoc = { ...agreement, status: 'effective', effectiveAt };
    try {
      effective = await this.issueSignedCopy(effective, signatures);
    } catch (err) {
      // The agreement is in effect regardless; GET signed-pdf issues the copy later.
      this.deps.logger.error({ err, agreementId }, 'the signed copy of the agreement could not be issued');
    }
    return { agreement: effective, signature, signatures };
  }

  /** Recompute the document hash and every signature from what is stored now. */
  async verify(user: AuthUser, agreementId: string): Promise<Verification> {
    const agreement = await this.visible(user, agreementId);
    const [bytes, signatures, signedCopy] = await Promise.all([
      this.documents.read(agreement.pdfId),
      this.signaturesOf(agreementId),
      agreement.signedPdfId ? this.documents.read(agreement.signedPdfId) : Promise.resolve(undefined),
    ]);
    const signature = this.deps.checkPdf ? await this.deps.checkPdf(signedCopy ?? bytes) : undefined;
    const documentSha256 = sha256Hex(bytes);
    const documentValid = documentSha256 === agreement.documentSha256;
    const signatories = new Set(agreement.signatories.map((s) => s.userId));
    const checked = signatures.map((s) => ({
      userId: s.userId,
      signedAt: s.signedAt,
      valid:
        signatories.has(s.userId) &&
        s._id === signatureId(agreementId, s.userId) &&
        s.documentSha256 === documentSha256 &&
        checkSignature(this.key, { agreementId, userId: s.userId, signedAt: s.signedAt, documentSha256: s.documentSha256 }, s.signature),
    }));
    const validSigners = new Set(checked.filter((c) => c.valid).map((c) => c.userId));
    const pending = [...signatories].filter((id) => !validSigners.has(id));
    const effectiveAt = pending.length === 0 ? lastSignedAt(checked.filter((c) => c.valid)) : undefined;
    return {
      valid: documentValid && checked.every((c) => c.valid),
      documentSha256,
      documentValid,
      signatures: checked,
      pending,
      ...(effectiveAt ? { effectiveAt } : {}),
      ...(signature ? { signature } : {}),
    };
  }

  private async visible(user: AuthUser, agreementId: string): Promise<AgreementDoc> {
    const agreement = await this.agreements.findById(agreementId).lean<AgreementDoc>().exec();
    const allowed =
      agreement &&
      (agreement.signatories.some((s) => s.userId === user.id) || isStaffOfCourt(user, agreement.courtId));
    // Whether an agreement exists is itself not disclosed to others.
    if (!allowed) throw errors.notFound('The agreement', 'AGREEMENT_NOT_FOUND');
    return agreement;
  }

  private signaturesOf(agreementId: string): Promise<SignatureDoc[]> {
    return this.signatures.find({ agreementId }).sort({ signedAt: 1, _id: 1 }).lean<SignatureDoc[]>().exec();
  }
}

function signerRole(user: AuthUser): string {
  return user.roles.includes('party') ? 'party' : (user.roles[0] ?? 'party');
}
