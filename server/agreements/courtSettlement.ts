/**
 * Settlement ends through the court (CPL 2023 Arts. 100-102). A signed mediation agreement
 * waits for the judge, who:
 *   - approves it and issues the 民事调解书, served on every party through electronic service
 *     (delivery log, receipts); it takes effect when the last party signs for receipt (the
 *     inbox acknowledgement, or a clerk's record of a paper receipt), and the case is settled;
 *   - or records it in the hearing record in an Art. 101 case, naming the ground;
 *   - or rejects it, back to mediation or to litigation.
 * A party who refuses to sign for receipt (recorded by a clerk) stops it taking effect (Art. 102).
 */
import type { Connection } from 'mongoose';
import { SYSTEM_ACTOR, type TranscriptGround } from '../../state-machines/case/caseMachine.js';
import { causeOfAction } from '../../state-machines/rules/data/causesOfAction.js';
import type { AuthUser } from '../auth/tokens.js';
import { partySideOf } from '../cases/caseAccess.js';
import type { CaseDoc } from '../cases/caseModel.js';
import type { CaseService } from '../cases/caseService.js';
import type { CaseStore } from '../cases/caseStore.js';
import { outOfOrder } from '../cases/outOfOrder.js';
import { generateMediationDecision, MEDIATION_DECISION_TITLE } from '../documents/mediationDecisionPdf.js';
import type { PdfSeal } from '../documents/pdf.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ElectronicService } from '../service/electronicService.js';
import type { ServiceDoc } from '../service/serviceModels.js';
import { userModel } from '../users/userModel.js';
import { agreementModel, type AgreementDoc } from './agreementModel.js';

export const MEDIATION_DECISION_KIND = 'mediationDecision';

export type MediationDecisionInput =
  | { action: 'approve' }
  | { action: 'recordInTranscript'; ground: TranscriptGround; note?: string }
  | { action: 'reject'; reasons: string[]; returnTo?: 'mediation' | 'litigation' };

export type ReceiptInput = { recipientId: string; outcome: 'received'; receivedAt?: string } | { recipientId: string; outcome: 'refused'; reason: string };

export interface CourtSettlementDeps {
  connection: Connection;
  cases: CaseService;
  caseStore: CaseStore;
  service: ElectronicService;
  logger: Logger;
  now: () => Date;
  publicUrl: () => string;
  seal?: PdfSeal;
}

export class CourtSettlement {
  constructor(private readonly deps: CourtSettlementDeps) {
    deps.service.acknowledgementListeners.push((service, recipientId, at) => this.onAcknowledged(service, recipientId, at));
  }

  /** The judge's decision on a signed agreement. */
  async decide(user: AuthUser, caseId: string, input: MediationDecisionInput): Promise<CaseDoc> {
    const doc = await this.deps.cases.get(user, caseId);
    if (!user.roles.includes('judge') || user.courtId !== doc.courtId) {
      throw errors.forbidden("Only a judge of the case's court can approve, record or reject a mediation agreement.", 'NOT_JUDGE_OF_COURT');
    }
    const type = { approve: 'APPROVE_MEDIATION_AGREEMENT', recordInTranscript: 'RECORD_AGREEMENT_IN_TRANSCRIPT', reject: 'REJECT_MEDIATION_AGREEMENT' } as const;
    if (doc.status !== 'agreementSigned') {
      const why = outOfOrder(type[input.action], doc.status);
      throw errors.invalidState(why.message, why.code);
    }
    const judge = { userId: user.id, role: 'judge' as const, courtId: doc.courtId };
    switch (input.action) {
      case 'recordInTranscript':
        // Effective when recorded (the parties, judge and clerk sign the record at the session).
        return this.deps.cases.settlementStep(caseId, { type: 'RECORD_AGREEMENT_IN_TRANSCRIPT', ground: input.ground }, judge, {
          agreementId: agreementIdOf(doc),
          ...(input.note ? { note: input.note } : {}),
        });
      case 'reject':
        return this.deps.cases.settlementStep(caseId, { type: 'REJECT_MEDIATION_AGREEMENT', reasons: input.reasons, returnTo: input.returnTo ?? 'litigation' }, judge, {
          agreementId: agreementIdOf(doc),
        });
      case 'approve':
        return this.approve(user, doc);
    }
  }

  private async approve(user: AuthUser, doc: CaseDoc): Promise<CaseDoc> {
    const agreement = await agreementModel(this.deps.connection).findById(agreementIdOf(doc)).lean<AgreementDoc>().exec();
    if (!agreement || agreement.status !== 'effective' || !agreement.effectiveAt) {
      throw errors.invalidState('The signed mediation agreement of this case was not found.', 'NO_SIGNED_AGREEMENT');
    }
    const issuedAt = this.deps.now().toISOString();
    const filing = this.deps.service.filing;
    const filer = await userModel(this.deps.connection).findById(doc.filerId).lean().exec().catch(() => null);
    const pdf = await generateMediationDecision({
      courtNameZh: await filing.courtName(doc.courtId),
      caseNumber: doc.caseNumber ?? '',
      causeZh: (doc.causeOfAction ? causeOfAction(doc.causeOfAction)?.zh : undefined) ?? '民事纠纷',
      plaintiffs: [filer?.name ?? '原告'],
      defendants: doc.defendants.map((d) => d.name),
      terms: agreement.terms,
      agreementTitle: agreement.title,
      agreementSignedAt: agreement.effectiveAt,
      judgeName: user.name,
      clerkName: await this.clerkName(doc, agreement),
      issuedAt,
      verifyBaseUrl: this.deps.publicUrl(),
      ...(this.deps.seal ? { seal: this.deps.seal } : {}),
    });
    const judgeActor = { userId: user.id, role: 'judge' };
    const filed = await filing.file(
      doc._id,
      { filename: pdf.filename, bytes: pdf.bytes, title: MEDIATION_DECISION_TITLE, documentType: MEDIATION_DECISION_KIND, contentHash: pdf.contentHash },
      { type: 'COURT_DOCUMENT_ISSUED', actor: judgeActor, data: { documentType: MEDIATION_DECISION_KIND, title: MEDIATION_DECISION_TITLE, contentHash: pdf.contentHash, agreementId: agreement._id } },
    );
    const recipients = agreement.signatories.map((s) => ({ userId: s.userId, side: sideOf(doc, s.userId) }));
    const approved = await this.deps.cases.settlementStep(
      doc._id,
      { type: 'APPROVE_MEDIATION_AGREEMENT', decisionId: filed.stored.id, recipientIds: recipients.map((r) => r.userId) },
      { userId: user.id, role: 'judge', courtId: doc.courtId },
      { agreementId: agreement._id },
    );
    // Served after the case awaits receipts, so an acknowledgement always finds it waiting.
    await this.deps.service.serveOn(user, approved, { document: { documentId: filed.stored.id }, recipients, channels: ['inbox'] });
    return (await this.deps.caseStore.get(doc._id)) ?? approved;
  }

  view(user: AuthUser, caseId: string) {
    return this.deps.cases.view(user, caseId);
  }

  /** A clerk records a receipt signed on paper, or a party's refusal to sign for it. */
  async recordReceipt(user: AuthUser, caseId: string, input: ReceiptInput): Promise<CaseDoc> {
    const doc = await this.deps.cases.get(user, caseId);
    if (!user.roles.includes('clerk') || user.courtId !== doc.courtId) {
      throw errors.forbidden("Only a clerk of the case's court can record a receipt or a refusal.", 'NOT_CLERK_OF_COURT');
    }
    const clerk = { userId: user.id, role: 'clerk' as const, courtId: doc.courtId };
    if (input.outcome === 'refused') {
      return this.deps.cases.settlementStep(caseId, { type: 'MEDIATION_DECISION_REFUSED', recipientId: input.recipientId, reason: input.reason }, clerk);
    }
    const receivedAt = input.receivedAt ?? this.deps.now().toISOString();
    return this.deps.cases.settlementStep(caseId, { type: 'MEDIATION_DECISION_RECEIVED', recipientId: input.recipientId, receivedAt }, clerk, { channel: 'paper' });
  }

  /** Signing for the 调解书 in the inbox is the receipt CPL Art. 100 speaks of. */
  private async onAcknowledged(service: ServiceDoc, recipientId: string, acknowledgedAt: string): Promise<void> {
    if (service.document.kind !== MEDIATION_DECISION_KIND) return;
    const doc = await this.deps.caseStore.get(service.caseId);
    const decision = doc?.snapshot.context.mediation?.decision;
    if (!doc || doc.status !== 'mediationDecisionServing' || decision?.decisionId !== service.document.documentId) return;
    if (decision.receipts.some((r) => r.recipientId === recipientId) || !decision.recipientIds.includes(recipientId)) return;
    try {
      await this.deps.cases.settlementStep(service.caseId, { type: 'MEDIATION_DECISION_RECEIVED', recipientId, receivedAt: acknowledgedAt }, SYSTEM_ACTOR, { serviceId: service._id, channel: 'inbox' });
    } catch (err) {
      // The acknowledgement is in the service log either way; a clerk can record the receipt.
      this.deps.logger.error({ err, caseId: service.caseId, recipientId }, 'receipt of the mediation decision could not be recorded on the case');
    }
  }

  private async clerkName(doc: CaseDoc, agreement: AgreementDoc): Promise<string> {
    if (agreement.drafter.role === 'clerk') return agreement.drafter.name;
    const clerk = await userModel(this.deps.connection).findOne({ courtId: doc.courtId, roles: 'clerk' }, { name: 1 }).lean<{ name: string }>().exec();
    return clerk?.name ?? '（书记员）';
  }
}

function agreementIdOf(doc: CaseDoc): string {
  const id = doc.snapshot.context.mediation?.agreementId;
  if (!id) throw errors.invalidState('The case has no signed mediation agreement.', 'NO_SIGNED_AGREEMENT');
  return id;
}

function sideOf(doc: CaseDoc, userId: string): 'plaintiff' | 'defendant' | 'other' {
  return partySideOf(doc, userId) ?? 'other';
}
