import { assign, setup } from 'xstate';
import { authorizationFailure } from './casePermits.js';
import { answerByFrom } from '../rules/statutoryPeriods.js';
import { initialContext, recordEvent } from './caseRecord.js';
import type { CaseContext, CaseInput, CaseMachineEvent, CaseStatus } from './caseTypes.js';
import { dataFailure, deadlinePassed } from './caseValidation.js';
import { everyPartyReceived } from './courtSettlement.js';
import { defendantCount, everyDefendantAnswered, procedureFailure } from './procedureRules.js';

/**
 * Every transition is guarded by the same `permitted` guard, so the machine
 * refuses on its own even when driven directly (createActor, tests), and
 * `applyCaseEvent` can explain a refusal by calling the same two checks.
 */
function permitted(context: CaseContext, event: CaseMachineEvent): boolean {
  return (
    authorizationFailure(context, event.type, event.actor) === null &&
    dataFailure(context, event) === null &&
    procedureFailure(context, event, event.calendar) === null
  );
}

const step = <T extends CaseStatus>(target: T) => ({ target, guard: 'permitted', actions: 'record' }) as const;

// Withdrawal (撤诉) is open until a decision or a signed settlement exists.
const withdrawable = { WITHDRAW: step('withdrawn') } as const;
const toMediation = { OFFER_MEDIATION: step('mediationOffered') } as const;
const toHearing = { SCHEDULE_HEARING: step('hearingScheduled') } as const;
/**
 * Service of the complaint copy, and the defendant's answer or waiver, are recorded in any
 * stage after the fee: the summons often goes out with the complaint copy once a hearing
 * is fixed, and the answer deadline must show on the case whatever its stage.
 */
const defenceIn = <T extends CaseStatus>(stage: T) =>
  ({ SERVE_DEFENDANT: step(stage), ANSWER_FILED: step(stage), WAIVE_ANSWER_PERIOD: step(stage) }) as const;

export const caseMachine = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseMachineEvent,
    input: {} as CaseInput,
  },
  guards: {
    permitted: ({ context, event }) => permitted(context, event),
    hasFindings: ({ context }) => context.findings.length > 0,
    permittedWithFindings: ({ context, event }) => permitted(context, event) && event.type === 'READING_REVIEWED' && event.findings.length > 0,
    // After this answer, has every defendant answered? (Cases served before per-defendant records: yes.)
    permittedAndAllAnswered: ({ context, event }) => {
      if (!permitted(context, event)) return false;
      if ((context.defendantServices ?? []).length === 0) return true;
      const answered = recordEvent(context, event).defendantServices ?? [];
      return everyDefendantAnswered(answered, defendantCount(context));
    },
    permittedBackToMediation: ({ context, event }) =>
      permitted(context, event) && event.type === 'REJECT_MEDIATION_AGREEMENT' && event.returnTo === 'mediation',
    permittedAndAllReceived: ({ context, event }) => permitted(context, event) && everyPartyReceived(context, event),
    // A revised service time that leaves the new answer period running undoes a default.
    permittedAndAnswerRuns: ({ context, event }) =>
      permitted(context, event) && event.type === 'SERVICE_EFFECT_REVISED' && !deadlinePassed(answerByFrom(event.servedAt, event.calendar), event.at),
  },
  actions: {
    record: assign(({ context, event }) => recordEvent(context, event)),
  },
}).createMachine({
  id: 'case',
  initial: 'draft',
  context: ({ input }) => initialContext(input),
  states: {
    draft: {
      on: { SUBMIT: step('submitted'), ...withdrawable },
    },
    // Transient: the automatic check's findings decide where a filing lands.
    submitted: {
      always: [{ guard: 'hasFindings', target: 'correctionRequested' }, { target: 'underReview' }],
    },
    underReview: {
      on: {
        // The reading review's findings become the correction notice; without any the filing stays with the clerk.
        READING_REVIEWED: [{ target: 'correctionRequested', guard: 'permittedWithFindings', actions: 'record' }, step('underReview')],
        REVIEW_ACCEPT: step('docketed'),
        REVIEW_CORRECT: step('correctionRequested'),
        REVIEW_REJECT: step('rejected'),
        ...withdrawable,
      },
    },
    correctionRequested: {
      on: {
        RESUBMIT: step('submitted'),
        READING_REVIEWED: step('correctionRequested'),
        CORRECTION_PERIOD_EXPIRED: step('withdrawn'),
        ...withdrawable,
      },
    },
    rejected: { type: 'final' },
    docketed: {
      on: {
        FEE_PAID: step('feeSettled'),
        FEE_WAIVED: step('feeSettled'),
        FEE_DEFERRED: step('feeSettled'),
        FEE_REDUCED: step('docketed'),
        FEE_PERIOD_EXPIRED: step('withdrawn'),
        DOCKETING_REVERSED: step('underReview'),
        ...withdrawable,
      },
    },
    feeSettled: {
      on: { SERVE_DEFENDANT: step('servedOnDefendant'), ...toMediation, ...toHearing, ...withdrawable },
    },
    servedOnDefendant: {
      on: {
        ...defenceIn('servedOnDefendant'),
        // With several defendants the case waits here until each has answered.
        ANSWER_FILED: [
          { target: 'answered', guard: 'permittedAndAllAnswered', actions: 'record' },
          step('servedOnDefendant'),
        ],
        ANSWER_PERIOD_EXPIRED: step('defaultPending'),
        SERVICE_EFFECT_REVISED: step('servedOnDefendant'),
        ...toHearing,
        ...withdrawable,
      },
    },
    answered: { on: { SERVE_DEFENDANT: step('answered'), ...toMediation, ...toHearing, ...withdrawable } },
    defaultPending: {
      on: {
        SERVICE_EFFECT_REVISED: [{ target: 'servedOnDefendant', guard: 'permittedAndAnswerRuns', actions: 'record' }, step('defaultPending')],
        SERVE_DEFENDANT: step('defaultPending'),
        ...toMediation,
        ...toHearing,
        ...withdrawable,
      },
    },
    mediationOffered: {
      on: {
        MEDIATION_ACCEPTED: step('inMediation'),
        MEDIATION_DECLINED: step('mediationFailed'),
        ...withdrawable,
      },
    },
    inMediation: {
      on: {
        // Signing ends the negotiation, not the case: the court still has to approve it.
        MEDIATION_SETTLED: step('agreementSigned'),
        MEDIATION_FAILED: step('mediationFailed'),
        ...withdrawable,
      },
    },
    agreementSigned: {
      on: {
        APPROVE_MEDIATION_AGREEMENT: step('mediationDecisionServing'),
        RECORD_AGREEMENT_IN_TRANSCRIPT: step('settled'),
        REJECT_MEDIATION_AGREEMENT: [
          { target: 'inMediation', guard: 'permittedBackToMediation', actions: 'record' },
          step('mediationFailed'),
        ],
      },
    },
    // The 调解书 takes effect when the last party signs for receipt (CPL Art. 100); a refusal undoes it (Art. 102).
    mediationDecisionServing: {
      on: {
        MEDIATION_DECISION_RECEIVED: [
          { target: 'settled', guard: 'permittedAndAllReceived', actions: 'record' },
          step('mediationDecisionServing'),
        ],
        MEDIATION_DECISION_REFUSED: step('mediationFailed'),
      },
    },
    // An effective 调解书 (or agreement in the record) binds like a judgment: no withdrawal.
    settled: { on: { CLOSE: step('closed') } },
    mediationFailed: { on: { ...defenceIn('mediationFailed'), ...toHearing, ...withdrawable } },
    hearingScheduled: {
      on: {
        ...defenceIn('hearingScheduled'),
        SERVICE_EFFECT_REVISED: step('hearingScheduled'),
        ...toHearing,
        HEARING_STARTED: step('inHearing'),
        ...withdrawable,
      },
    },
    inHearing: {
      // DECIDE here is a judgment pronounced in court (当庭宣判).
      on: { HEARING_ENDED: step('awaitingDecision'), DECIDE: step('decided'), ...withdrawable },
    },
    awaitingDecision: {
      on: { DECIDE: step('decided'), ...toHearing, ...withdrawable },
    },
    decided: { on: { DECISION_SERVED: step('decided'), CLOSE: step('closed') } },
    closed: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});
