/**
 * A mediated case ends through the court (民事诉讼法 2023, Arts. 100-102): the signed
 * agreement is reviewed by the judge, who either issues a 调解书 — effective only once every
 * party has signed for receipt — or, in the cases Art. 101 lists, records the agreement in the
 * hearing record; or rejects it. Pure: the data checks and context updates of those steps.
 */
import type { CaseContext, CaseEvent, CaseEventOf, CaseMachineEvent, TranscriptGround } from './caseTypes.js';

/** CPL Art. 101 para. 1: cases where no 调解书 need be made. */
export const TRANSCRIPT_GROUNDS = ['divorceReconciled', 'adoptionMaintained', 'performedImmediately', 'otherNoDecisionNeeded'] as const satisfies readonly TranscriptGround[];

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

export type SettlementEvent = CaseEventOf<
  'APPROVE_MEDIATION_AGREEMENT' | 'RECORD_AGREEMENT_IN_TRANSCRIPT' | 'REJECT_MEDIATION_AGREEMENT' | 'MEDIATION_DECISION_RECEIVED' | 'MEDIATION_DECISION_REFUSED'
>;

function awaited(context: CaseContext, recipientId: unknown): string | null {
  const decision = context.mediation?.decision;
  if (!decision) return 'no mediation decision has been issued';
  if (!isText(recipientId)) return 'recipientId is required';
  if (!decision.recipientIds.includes(recipientId)) return `${recipientId} is not a party the mediation decision is served on`;
  return decision.receipts.some((r) => r.recipientId === recipientId) ? `${recipientId} has already signed for receipt` : null;
}

/** Why the data of a settlement step is unacceptable, or null. */
export function settlementDataFailure(context: CaseContext, event: SettlementEvent): string | null {
  switch (event.type) {
    case 'APPROVE_MEDIATION_AGREEMENT': {
      if (!isText(event.decisionId)) return 'decisionId (the 调解书 document) is required';
      const ids = event.recipientIds as unknown;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every(isText)) return 'recipientIds must list every party to serve';
      return new Set(ids).size === ids.length ? null : 'each recipient may be listed once';
    }
    case 'RECORD_AGREEMENT_IN_TRANSCRIPT':
      return (TRANSCRIPT_GROUNDS as readonly unknown[]).includes(event.ground) ? null : `ground must be one of ${TRANSCRIPT_GROUNDS.join(', ')} (CPL Art. 101)`;
    case 'REJECT_MEDIATION_AGREEMENT':
      if (!Array.isArray(event.reasons) || event.reasons.length === 0 || !event.reasons.every(isText)) return 'at least one reason is required';
      return event.returnTo === 'mediation' || event.returnTo === 'litigation' ? null : 'returnTo must be mediation or litigation';
    case 'MEDIATION_DECISION_RECEIVED': {
      const problem = awaited(context, event.recipientId);
      if (problem) return problem;
      if (typeof event.receivedAt !== 'string' || Number.isNaN(Date.parse(event.receivedAt))) return 'receivedAt must be an ISO instant';
      if (Date.parse(event.receivedAt) > Date.parse(event.at)) return 'receivedAt cannot be later than the event itself';
      const issuedAt = context.mediation?.decision?.issuedAt ?? '';
      return Date.parse(event.receivedAt) < Date.parse(issuedAt) ? 'receivedAt cannot be earlier than the mediation decision' : null;
    }
    case 'MEDIATION_DECISION_REFUSED':
      return awaited(context, event.recipientId) ?? (isText(event.reason) ? null : 'the refusal needs a reason or statement');
  }
}

/** After this receipt, has every party served signed for receipt? */
export function everyPartyReceived(context: CaseContext, event: CaseEvent): boolean {
  const decision = context.mediation?.decision;
  if (!decision || event.type !== 'MEDIATION_DECISION_RECEIVED') return false;
  const received = new Set([...decision.receipts.map((r) => r.recipientId), event.recipientId]);
  return decision.recipientIds.every((id) => received.has(id));
}

/** The latest receipt: when the 调解书 took effect (CPL Art. 100 para. 3). */
function lastReceipt(receipts: readonly { receivedAt: string }[]): string | undefined {
  let last: string | undefined;
  for (const r of receipts) if (last === undefined || Date.parse(r.receivedAt) > Date.parse(last)) last = r.receivedAt;
  return last;
}

/** The context after a settlement step; the machine runs this once the guards have passed. */
export function recordSettlementStep(context: CaseContext, event: SettlementEvent & CaseMachineEvent): CaseContext {
  const at = event.at;
  const mediation = context.mediation ?? {};
  switch (event.type) {
    case 'APPROVE_MEDIATION_AGREEMENT':
      return {
        ...context,
        mediation: { ...mediation, decision: { decisionId: event.decisionId, issuedAt: at, judgeId: event.actor.userId, recipientIds: [...event.recipientIds], receipts: [] } },
        timestamps: { ...context.timestamps, mediationApprovedAt: at },
      };
    case 'RECORD_AGREEMENT_IN_TRANSCRIPT':
      return {
        ...context,
        mediation: { ...mediation, transcript: { ground: event.ground, recordedAt: at, judgeId: event.actor.userId } },
        timestamps: { ...context.timestamps, mediationApprovedAt: at, settledAt: at },
      };
    case 'REJECT_MEDIATION_AGREEMENT': {
      // The rejected agreement no longer stands: back in mediation nothing is settled yet.
      const { agreementId: _rejected, outcome: _outcome, ...rest } = mediation;
      const rejection = { reasons: [...event.reasons], at, returnTo: event.returnTo };
      if (event.returnTo === 'mediation') return { ...context, mediation: { ...rest, rejection } };
      return {
        ...context,
        mediation: { ...rest, outcome: 'failed', reason: event.reasons.join('; '), rejection },
        timestamps: { ...context.timestamps, mediationEndedAt: at },
      };
    }
    case 'MEDIATION_DECISION_RECEIVED': {
      const decision = mediation.decision;
      if (!decision) return context;
      const receipts = [...decision.receipts, { recipientId: event.recipientId, receivedAt: event.receivedAt }];
      const done = decision.recipientIds.every((id) => receipts.some((r) => r.recipientId === id));
      const effectiveAt = done ? lastReceipt(receipts) : undefined;
      return {
        ...context,
        mediation: { ...mediation, decision: { ...decision, receipts, ...(effectiveAt ? { effectiveAt } : {}) } },
        ...(effectiveAt ? { timestamps: { ...context.timestamps, settledAt: effectiveAt } } : {}),
      };
    }
    case 'MEDIATION_DECISION_REFUSED': {
      const decision = mediation.decision;
      if (!decision) return context;
      return {
        ...context,
        mediation: { ...mediation, outcome: 'failed', reason: event.reason, decision: { ...decision, refusal: { recipientId: event.recipientId, reason: event.reason, at } } },
        timestamps: { ...context.timestamps, mediationEndedAt: at },
      };
    }
  }
}
