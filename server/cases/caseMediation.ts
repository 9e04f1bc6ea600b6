/**
 * Mediation on the case: the officer's steps (offer, accepted, declined, failed), a signed
 * agreement settling the case, and the court's review of it with the receipts of its 调解书.
 */
import type { CaseActor, CaseEvent, CaseEventOf } from '../../state-machines/case/caseMachine.js';
import type { AuthUser } from '../auth/tokens.js';
import { actorAs } from './caseAccess.js';
import type { CaseDoc } from './caseModel.js';
import type { CaseParts } from './caseParts.js';

type SettlementStepType = 'APPROVE_MEDIATION_AGREEMENT' | 'RECORD_AGREEMENT_IN_TRANSCRIPT' | 'REJECT_MEDIATION_AGREEMENT' | 'MEDIATION_DECISION_RECEIVED' | 'MEDIATION_DECISION_REFUSED';
export type SettlementStep = { [T in SettlementStepType]: Omit<CaseEventOf<T>, 'actor' | 'at'> }[SettlementStepType];

export type MediationStep = { type: 'OFFER_MEDIATION' | 'MEDIATION_ACCEPTED' } | { type: 'MEDIATION_DECLINED'; reason?: string } | { type: 'MEDIATION_FAILED'; reason: string };

export class CaseMediation {
  constructor(private readonly parts: CaseParts) {}

  /** A mediation officer moves the case through mediation; the machine checks the stage and that they belong to the court. */
  async step(user: AuthUser, caseId: string, step: MediationStep): Promise<CaseDoc> {
    const doc = await this.parts.access.get(user, caseId);
    const actor = actorAs(user, user.roles.includes('mediator') ? 'mediator' : 'clerk');
    return this.parts.commands.apply(doc, (_d, at) => ({ event: { ...step, actor, at } as CaseEvent }));
  }

  /**
   * The court's review of a signed mediation agreement and the receipts of its 调解书
   * (agreements/courtSettlement.ts, which checks the actor); `details` go into the log entry.
   */
  settlementStep(caseId: string, step: SettlementStep, actor: CaseActor, details: Record<string, unknown> = {}): Promise<CaseDoc> {
    return this.parts.commands.apply(caseId, (_d, at) => ({ event: { ...step, actor, at } as CaseEvent, data: details }));
  }

  /**
   * A signed agreement took effect: the case awaits the judge (agreementSigned). The machine lets only a
   * mediation officer of the court send MEDIATION_SETTLED (not 'system'), so the
   * officer who drafted the agreement is the actor. Returns null when the case is
   * not in mediation (already settled, or it moved on): nothing to settle then.
   */
  settleByAgreement(caseId: string, agreementId: string, officer: { userId: string; role: 'mediator' | 'clerk'; courtId: string }): Promise<CaseDoc | null> {
    return this.parts.commands.run(caseId, (doc, at) => (doc.status === 'inMediation' ? { event: { type: 'MEDIATION_SETTLED', agreementId, actor: officer, at } } : null));
  }
}
