/**
 * Fee relief (司法救助: 缓交、减交、免交, 诉讼费用交纳办法 Arts. 44-51). The party who owes the
 * fee applies with reasons and proof; a clerk or judge of the court grants or refuses it with
 * reasons. Everything is a case command (caseCommands.ts): the application and a refusal are
 * entries of the case log, a grant is the machine's FEE_DEFERRED, FEE_WAIVED or FEE_REDUCED step.
 * While an application waits, and for the days after a refusal, the fee period does not lapse
 * (deadlineSweep.ts).
 */
import crypto from 'node:crypto';
import type { CaseActor } from '../../state-machines/case/caseMachine.js';
import { addPeriod, shanghaiDate } from '../../state-machines/rules/periods.js';
import type { AuthUser } from '../auth/tokens.js';
import type { IncomingFile } from '../documents/documentStore.js';
import { errors } from '../errors.js';
import { actorAs, assertFiler } from './caseAccess.js';
import { checkFiles, documentRef } from './caseFiles.js';
import type { CaseDoc, CaseState, StoredFeeRelief } from './caseModel.js';
import type { CaseParts } from './caseParts.js';

export type ReliefKind = StoredFeeRelief['kind'];

export interface ReliefApplication {
  kind: ReliefKind;
  reasons: string;
  /** Deferral: the date the party asks to pay by. */
  until?: string;
  /** Reduction: the amount the party asks to pay instead. */
  amount?: string;
}

export interface ReliefDecision {
  decision: 'grant' | 'refuse';
  reasons: string;
  /** A deferral granted until this date (defaults to the one asked for). */
  until?: string;
  /** A reduction granted to this amount (defaults to the one asked for). */
  amount?: string;
}

/** Days after a refusal in which the fee may still be paid, whatever the original period said. */
export const DAYS_TO_PAY_AFTER_REFUSAL = 7;

/** The application that waits for the court, if any. */
export function pendingRelief(doc: Pick<CaseDoc, 'feeRelief'>): StoredFeeRelief | undefined {
  return (doc.feeRelief ?? []).find((r) => r.status === 'pending');
}

/**
 * Whether relief holds the fee period open at `at`: an application waits, or a refusal came
 * so recently that the party still has the days to pay it gives (counted on the court calendar).
 */
export function reliefHoldsFeePeriod(doc: Pick<CaseDoc, 'feeRelief'>, at: string, payBy: (refusedAt: string) => string): boolean {
  if (pendingRelief(doc)) return true;
  return (doc.feeRelief ?? []).some((r) => r.status === 'refused' && r.decidedAt !== undefined && shanghaiDate(at) <= payBy(r.decidedAt));
}

type Proof = IncomingFile & { kind: 'other' };

export class FeeRelief {
  constructor(private readonly parts: CaseParts) {}

  /** The last day to pay after a refusal decided at `refusedAt`. */
  payByAfterRefusal = (refusedAt: string): string => addPeriod(shanghaiDate(refusedAt), DAYS_TO_PAY_AFTER_REFUSAL, 'day', this.parts.calendar);

  async apply(user: AuthUser, caseId: string, input: ReliefApplication, files: Proof[]): Promise<CaseDoc> {
    const doc = await this.parts.access.get(user, caseId);
    assertFiler(user, doc, 'Only the party who owes the fee may apply for relief from it.');
    this.assertFeeDue(doc);
    if (pendingRelief(doc)) throw errors.conflict('An application for fee relief already waits for the court.', 'FEE_RELIEF_PENDING');
    if (files.length === 0) throw errors.validation('Attach the proof of your circumstances (for example a 低保 certificate).', undefined, 'PROOF_REQUIRED');
    const checked = checkFiles(files);
    const at = this.parts.now().toISOString();
    return this.parts.files.storeThen(caseId, user, checked, at, (stored) =>
      this.parts.commands.apply(doc, (current, now) => {
        this.assertFeeDue(current);
        if (pendingRelief(current)) throw errors.conflict('An application for fee relief already waits for the court.', 'FEE_RELIEF_PENDING');
        const application: StoredFeeRelief = {
          id: crypto.randomUUID(),
          kind: input.kind,
          reasons: input.reasons,
          ...(input.until ? { until: input.until } : {}),
          ...(input.amount ? { amount: input.amount } : {}),
          proofIds: stored.map((d) => d.id),
          status: 'pending',
          appliedAt: now,
          applicantId: user.id,
        };
        return {
          entry: { type: 'FEE_RELIEF_APPLIED', actor: { userId: user.id, role: 'party' }, data: { application: { ...application }, documents: stored.map(documentRef) } },
          fields: { documents: [...current.documents, ...stored], feeRelief: [...(current.feeRelief ?? []), application] },
        };
      }),
    );
  }

  async decide(user: AuthUser, caseId: string, applicationId: string, input: ReliefDecision): Promise<CaseDoc> {
    const doc = await this.parts.access.get(user, caseId);
    // The clerk or the judge of the case's court decides (the machine checks the court).
    const actor: CaseActor = actorAs(user, user.roles.includes('clerk') ? 'clerk' : 'judge');
    return this.parts.commands.apply(doc, (current, at) => {
      const application = (current.feeRelief ?? []).find((r) => r.id === applicationId);
      if (!application) throw errors.notFound('The application for fee relief', 'FEE_RELIEF_NOT_FOUND');
      if (application.status !== 'pending') throw errors.conflict('This application has already been decided.', 'FEE_RELIEF_DECIDED');
      const decided = (status: StoredFeeRelief['status'], granted?: Pick<StoredFeeRelief, 'grantedUntil' | 'grantedAmount'>): Partial<CaseState> => ({
        feeRelief: (current.feeRelief ?? []).map((r) => (r.id === applicationId ? { ...r, ...granted, status, decidedAt: at, decidedBy: user.id, decisionReasons: input.reasons } : r)),
      });
      if (input.decision === 'refuse') {
        return {
          entry: { type: 'FEE_RELIEF_REFUSED', actor: { userId: actor.userId, role: actor.role }, data: { applicationId, kind: application.kind, reasons: input.reasons, payBy: this.payByAfterRefusal(at) } },
          fields: decided('refused'),
        };
      }
      const data = { applicationId, kind: application.kind };
      if (application.kind === 'waiver') {
        return { event: { type: 'FEE_WAIVED', reason: input.reasons, actor, at }, data, fields: decided('granted') };
      }
      if (application.kind === 'deferral') {
        const until = input.until ?? application.until;
        if (!until) throw errors.validation('Give the date until which payment is deferred.', undefined, 'DEFERRAL_DATE_REQUIRED');
        return { event: { type: 'FEE_DEFERRED', reason: input.reasons, until, actor, at }, data, fields: decided('granted', { grantedUntil: until }) };
      }
      const amount = input.amount ?? application.amount;
      if (!amount) throw errors.validation('Give the reduced amount of the fee.', undefined, 'REDUCED_AMOUNT_REQUIRED');
      const fee = current.fee ? { ...current.fee, amount } : undefined;
      return { event: { type: 'FEE_REDUCED', reason: input.reasons, amount, actor, at }, data, fields: { ...decided('granted', { grantedAmount: amount }), ...(fee ? { fee } : {}) } };
    });
  }

  /** Relief is from a fee that is due: docketed, fee fixed, not yet settled. Anything else is refused and nothing changes. */
  private assertFeeDue(doc: CaseDoc): void {
    if (doc.status !== 'docketed' || !doc.fee || doc.snapshot.context.feeSettlement) {
      throw errors.invalidState('There is no fee due on this case now, so there is nothing to relieve.', 'NO_FEE_DUE');
    }
  }
}
