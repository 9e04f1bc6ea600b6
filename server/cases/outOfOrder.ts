/**
 * A step taken out of order is refused with 409; this says why in words a clerk understands
 * (what stage the case is at, what must happen first) instead of the machine's
 * "Cannot X a case in state Y". The code stays INVALID_STATE unless a step has its own.
 */
import type { CaseEventType, CaseStatus } from '../../state-machines/case/caseMachine.js';

const STAGE: Record<CaseStatus, string> = {
  draft: 'still a draft',
  submitted: 'being checked',
  underReview: 'waiting for the clerk to accept or refuse the filing',
  correctionRequested: 'waiting for the filer to correct the filing',
  rejected: 'refused (not docketed)',
  docketed: 'docketed, with the court fee not yet settled',
  feeSettled: 'docketed with the fee settled, and no defendant served yet',
  servedOnDefendant: 'served on the defendant, whose answer period runs',
  answered: 'answered by the defendant',
  defaultPending: 'past the answer period without an answer',
  mediationOffered: 'offered mediation',
  inMediation: 'in mediation',
  settled: 'settled by mediation',
  agreementSigned: 'waiting for the judge to review the signed mediation agreement',
  mediationDecisionServing: 'waiting for every party to sign for receipt of the mediation decision (调解书)',
  mediationFailed: 'back from a failed mediation',
  hearingScheduled: 'waiting for its scheduled hearing',
  inHearing: 'in a hearing',
  awaitingDecision: 'heard and awaiting the decision',
  decided: 'decided',
  closed: 'closed',
  withdrawn: 'withdrawn',
};

/** What must have happened before a step, where that is the usual reason for a refusal. */
const FIRST: Partial<Record<CaseEventType, { code?: string; needs: string }>> = {
  SCHEDULE_HEARING: { code: 'FEE_NOT_SETTLED', needs: 'A hearing can be scheduled only once the case is docketed and the court fee is settled (paid, waived or deferred).' },
  SERVE_DEFENDANT: { needs: 'The complaint copy is served once the case is docketed and the court fee is settled.' },
  ANSWER_FILED: { needs: 'An answer is filed after the complaint copy has been served on the defendant, while the answer period runs.' },
  WAIVE_ANSWER_PERIOD: { code: 'ANSWER_PERIOD_NOT_RUNNING', needs: 'A defendant can waive the answer period only after being served the complaint copy, before answering.' },
  HEARING_STARTED: { needs: 'A hearing opens only when it has been scheduled.' },
  APPROVE_MEDIATION_AGREEMENT: { code: 'NO_SIGNED_AGREEMENT', needs: 'The judge reviews a mediation agreement only once every party has signed it, and only once.' },
  RECORD_AGREEMENT_IN_TRANSCRIPT: { code: 'NO_SIGNED_AGREEMENT', needs: 'The judge reviews a mediation agreement only once every party has signed it, and only once.' },
  REJECT_MEDIATION_AGREEMENT: { code: 'NO_SIGNED_AGREEMENT', needs: 'The judge reviews a mediation agreement only once every party has signed it, and only once.' },
  MEDIATION_DECISION_RECEIVED: { code: 'NO_MEDIATION_DECISION_SERVING', needs: 'A receipt is recorded only while an issued mediation decision (调解书) awaits the parties\' signatures.' },
  MEDIATION_DECISION_REFUSED: { code: 'NO_MEDIATION_DECISION_SERVING', needs: 'A refusal is recorded only while an issued mediation decision (调解书) awaits the parties\' signatures.' },
  DOCKETING_REVERSED: { code: 'NOT_AUTOMATICALLY_DOCKETED', needs: 'Only an automatic docketing can be reversed, while the case is docketed and its fee not yet settled.' },
  DECIDE: { needs: 'The judge decides after the hearing has been held.' },
};

export function outOfOrder(type: CaseEventType, status: CaseStatus): { code: string; message: string } {
  const first = FIRST[type];
  const message = `This step (${type}) is not possible now: the case is ${STAGE[status]}.${first ? ` ${first.needs}` : ''}`;
  const earlyHearing = type === 'SCHEDULE_HEARING' && ['draft', 'underReview', 'correctionRequested', 'docketed'].includes(status);
  const code = first?.code && (type !== 'SCHEDULE_HEARING' || earlyHearing) ? first.code : 'INVALID_STATE';
  return { code, message };
}
