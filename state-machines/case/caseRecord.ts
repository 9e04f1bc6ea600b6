import { addPeriod, shanghaiDate } from '../rules/periods.js';
import { ANSWER_DAYS, APPEAL_DAYS, answerByFrom, appealByFrom } from '../rules/statutoryPeriods.js';
import type { HolidayCalendar } from '../rules/periods.js';
import { deadlinePassed } from './caseValidation.js';
import { recordSettlementStep } from './courtSettlement.js';
import { markDefendant, runningAnswerBy, withService } from './procedureRules.js';
import type { CaseContext, CaseDeadlines, CaseInput, CaseMachineEvent, CaseTimestamp, Finding } from './caseTypes.js';

/** Statutory periods, in days, counted from the day after the triggering day. */
export const PERIODS = {
  /** 民事诉讼法 art. 126: docket within 7 days of a complete filing. */
  docket: 7,
  /** Default window to cure an incomplete filing when the court sets none. */
  correct: 15,
  /** 诉讼费用交纳办法 art. 22: pay within 7 days of the fee notice, issued on docketing. */
  fee: 7,
  /** The answer and appeal periods are the ones service starts (rules/statutoryPeriods.ts). */
  answer: ANSWER_DAYS,
  appealJudgment: APPEAL_DAYS.judgment,
  appealRuling: APPEAL_DAYS.ruling,
} as const;

export function initialContext(input: CaseInput): CaseContext {
  return {
    caseId: input.caseId,
    courtId: input.courtId,
    filerId: input.filerId,
    findings: [],
    deadlines: {},
    timestamps: { createdAt: input.at },
    lastEventAt: input.at,
  };
}

/** The defendant id used when service is recorded without one (cases with a single defendant). */
export const SOLE_DEFENDANT = 'defendant';

/** The per-defendant record, and the case deadline as the latest answer period still running. */
function withAnswerPeriods(context: CaseContext, services: NonNullable<CaseContext['defendantServices']>): CaseContext {
  const answerBy = runningAnswerBy(services);
  const deadlines = answerBy === undefined ? without(context.deadlines, 'answerBy') : { ...context.deadlines, answerBy };
  return { ...context, defendantServices: services, deadlines };
}

function daysAfter(instant: string, days: number, calendar: HolidayCalendar): string {
  return addPeriod(shanghaiDate(instant), days, 'day', calendar);
}

function stamp(context: CaseContext, at: string, ...names: CaseTimestamp[]): CaseContext['timestamps'] {
  const timestamps = { ...context.timestamps };
  for (const name of names) timestamps[name] = at;
  return timestamps;
}

/**
 * The deadlines minus those that stopped running (met, or made moot by the step), so
 * that the case page lists only periods someone still has to act within.
 */
function without(deadlines: CaseDeadlines, ...ended: (keyof CaseDeadlines)[]): CaseDeadlines {
  return Object.fromEntries(Object.entries(deadlines).filter(([k]) => !ended.includes(k as keyof CaseDeadlines))) as CaseDeadlines;
}

// Rebuilt key by key so an explicit `undefined` never reaches the stored JSON.
function normalizeFinding(f: Finding): Finding {
  return {
    code: f.code,
    message: f.message,
    ...(f.messageZh === undefined ? {} : { messageZh: f.messageZh }),
    ...(f.field === undefined ? {} : { field: f.field }),
    ...(f.location === undefined
      ? {}
      : { location: { documentId: f.location.documentId, filename: f.location.filename, page: f.location.page, quote: f.location.quote } }),
  };
}

/**
 * The reading review's findings join the findings and the correction notice already standing
 * (one consolidated notice); a filing under review gets a notice now, with the usual window.
 */
function recordReading(context: CaseContext, findings: Finding[], at: string, calendar: HolidayCalendar): CaseContext {
  const timestamps = stamp(context, at, 'readingReviewedAt');
  if (findings.length === 0) return { ...context, timestamps };
  const copied = findings.map(normalizeFinding);
  const all = [...context.findings, ...copied];
  const standing = context.correction;
  if (standing && context.deadlines.correctBy !== undefined) {
    return { ...context, findings: all, correction: { ...standing, reasons: [...standing.reasons, ...copied.map((f) => f.message)] }, timestamps };
  }
  const deadline = daysAfter(at, PERIODS.correct, calendar);
  return {
    ...context,
    findings: all,
    correction: { source: 'automatic', reasons: all.map((f) => f.message), deadline, issuedAt: at },
    deadlines: { ...without(context.deadlines, 'docketBy'), correctBy: deadline },
    timestamps: stamp({ ...context, timestamps }, at, 'correctionRequestedAt'),
  };
}

/**
 * A filing or re-filing after the automatic check. With findings, the findings
 * are the one consolidated correction notice; without, the docketing clock
 * (re)starts from this submission.
 */
function recordFiling(
  context: CaseContext,
  findings: Finding[],
  at: string,
  calendar: HolidayCalendar,
  correctBy: string | undefined,
): CaseContext {
  const copied = findings.map(normalizeFinding);
  if (copied.length === 0) {
    return {
      ...context,
      findings: [],
      deadlines: { ...without(context.deadlines, 'correctBy'), docketBy: daysAfter(at, PERIODS.docket, calendar) },
      timestamps: stamp(context, at, 'submittedAt'),
    };
  }
  // A cure that still has problems keeps the original deadline: one notice, one window.
  const deadline = context.deadlines.correctBy ?? correctBy ?? daysAfter(at, PERIODS.correct, calendar);
  return {
    ...context,
    findings: copied,
    correction: { source: 'automatic', reasons: copied.map((f) => f.message), deadline, issuedAt: at },
    deadlines: { ...context.deadlines, correctBy: deadline },
    timestamps: stamp(context, at, 'submittedAt', 'correctionRequestedAt'),
  };
}

/** The context after `event`; the machine only runs this once the guards have passed. */
export function recordEvent(previous: CaseContext, event: CaseMachineEvent): CaseContext {
  const at = event.at;
  const context: CaseContext = { ...previous, lastEventAt: at };
  switch (event.type) {
    case 'SUBMIT':
      return recordFiling(context, event.findings, at, event.calendar, event.correctBy);
    case 'RESUBMIT':
      return recordFiling(context, event.findings, at, event.calendar, undefined);
    case 'READING_REVIEWED':
      return recordReading(context, event.findings, at, event.calendar);
    case 'DOCKETING_REVERSED': {
      const docketing = context.docketing;
      if (!docketing) return context;
      return {
        ...context,
        // xstate's assign merges into the context, so the number and fee are cleared, not left out;
        // the stored JSON drops the undefined keys.
        caseNumber: undefined,
        fee: undefined,
        docketing: { ...docketing, reversed: { at, reasons: [...event.reasons], caseNumber: context.caseNumber ?? '' } },
        // Back to the clerk, within what is left of the review period.
        deadlines: { ...without(context.deadlines, 'feeDueBy'), docketBy: docketing.reversibleUntil },
        timestamps: stamp(context, at, 'docketingReversedAt'),
      };
    }
    case 'REVIEW_ACCEPT':
      return {
        ...context,
        ...(event.automatic === undefined
          ? {}
          : { docketing: { automatic: true, reason: event.automatic.reason, at, reversibleUntil: context.deadlines.docketBy ?? daysAfter(at, PERIODS.docket, event.calendar) } }),
        caseNumber: event.caseNumber,
        ...(event.defendantCount === undefined ? {} : { defendantCount: event.defendantCount }),
        fee: { amount: event.fee.amount, currency: event.fee.currency },
        deadlines: { ...without(context.deadlines, 'docketBy'), feeDueBy: daysAfter(at, PERIODS.fee, event.calendar) },
        timestamps: stamp(context, at, 'docketedAt'),
      };
    case 'REVIEW_CORRECT':
      return {
        ...context,
        correction: { source: 'clerk', reasons: [...event.reasons], deadline: event.deadline, issuedAt: at },
        deadlines: { ...without(context.deadlines, 'docketBy'), correctBy: event.deadline },
        timestamps: stamp(context, at, 'correctionRequestedAt'),
      };
    case 'REVIEW_REJECT':
      return { ...context, rejectionReasons: [...event.reasons], deadlines: {}, timestamps: stamp(context, at, 'rejectedAt') };
    case 'CORRECTION_PERIOD_EXPIRED':
      return deemWithdrawn(context, event.actor.userId, 'CORRECTION_NOT_MADE', at);
    case 'FEE_PAID':
      return {
        ...context,
        feeSettlement: { kind: 'paid', paymentId: event.paymentId, amount: event.amount, at },
        deadlines: without(context.deadlines, 'feeDueBy'),
        timestamps: stamp(context, at, 'feeSettledAt'),
      };
    case 'FEE_WAIVED':
      return {
        ...context,
        feeSettlement: { kind: 'waived', reason: event.reason, at },
        deadlines: without(context.deadlines, 'feeDueBy'),
        timestamps: stamp(context, at, 'feeSettledAt'),
      };
    case 'FEE_DEFERRED':
      return {
        ...context,
        feeSettlement: { kind: 'deferred', reason: event.reason, until: event.until, at },
        deadlines: without(context.deadlines, 'feeDueBy'),
        timestamps: stamp(context, at, 'feeSettledAt'),
      };
    case 'FEE_REDUCED':
      return {
        ...context,
        fee: { amount: event.amount, currency: context.fee?.currency ?? 'CNY' },
        feeReduction: { from: context.fee?.amount ?? '', to: event.amount, reason: event.reason, at },
      };
    case 'FEE_PERIOD_EXPIRED':
      return deemWithdrawn(context, event.actor.userId, 'FEE_UNPAID', at);
    case 'SERVE_DEFENDANT': {
      // Whatever the stage (a hearing may already be fixed), the period is recorded per defendant.
      const service = {
        defendantId: event.defendantId ?? SOLE_DEFENDANT,
        servedAt: event.servedAt,
        ...(event.documentId === undefined ? {} : { documentId: event.documentId }),
        answerBy: answerByFrom(event.servedAt, event.calendar),
      };
      return withAnswerPeriods({ ...context, timestamps: { ...context.timestamps, servedAt: event.servedAt } }, withService(context, service));
    }
    case 'SERVICE_EFFECT_REVISED': {
      const answerBy = answerByFrom(event.servedAt, event.calendar);
      const timestamps = { ...context.timestamps, servedAt: event.servedAt };
      // A default recorded under the old period no longer stands while the new one runs.
      if (!deadlinePassed(answerBy, at)) delete timestamps.defaultAt;
      const services = context.defendantServices ?? [];
      const who = event.defendantId ?? (services.length === 1 ? services[0]?.defendantId : undefined);
      const revised = services.map((s) => (s.defendantId === who ? { ...s, servedAt: event.servedAt, answerBy } : s));
      if (services.length === 0) return { ...context, deadlines: { ...context.deadlines, answerBy }, timestamps };
      return withAnswerPeriods({ ...context, timestamps }, revised);
    }
    case 'ANSWER_FILED': {
      const defendantId = event.defendantId ?? (event.actor.role === 'party' ? event.actor.userId : undefined);
      const answered = {
        ...context,
        ...(event.documentId === undefined ? {} : { answerDocumentId: event.documentId }),
        timestamps: stamp(context, at, 'answeredAt'),
      };
      // Cases served before service was tracked per defendant: the one running period ends.
      if ((context.defendantServices ?? []).length === 0) return { ...answered, deadlines: without(context.deadlines, 'answerBy') };
      return withAnswerPeriods(answered, markDefendant(context, defendantId, 'answeredAt', at));
    }
    case 'WAIVE_ANSWER_PERIOD':
      return withAnswerPeriods(context, markDefendant(context, event.defendantId, 'waivedAt', at));
    case 'ANSWER_PERIOD_EXPIRED':
      return { ...context, timestamps: stamp(context, at, 'defaultAt') };
    case 'OFFER_MEDIATION':
      return { ...context, mediation: {}, timestamps: stamp(context, at, 'mediationOfferedAt') };
    case 'MEDIATION_ACCEPTED':
      return { ...context, timestamps: stamp(context, at, 'mediationStartedAt') };
    case 'MEDIATION_DECLINED':
      return {
        ...context,
        mediation: { outcome: 'declined', ...(event.reason === undefined ? {} : { reason: event.reason }) },
        timestamps: stamp(context, at, 'mediationEndedAt'),
      };
    case 'MEDIATION_FAILED':
      return {
        ...context,
        mediation: { outcome: 'failed', reason: event.reason },
        timestamps: stamp(context, at, 'mediationEndedAt'),
      };
    case 'MEDIATION_SETTLED':
      return {
        ...context,
        // Signed, not yet settled: the court still approves it (courtSettlement.ts).
        mediation: { outcome: 'settled', agreementId: event.agreementId },
        timestamps: stamp(context, at, 'mediationEndedAt'),
      };
    case 'APPROVE_MEDIATION_AGREEMENT':
    case 'RECORD_AGREEMENT_IN_TRANSCRIPT':
    case 'REJECT_MEDIATION_AGREEMENT':
    case 'MEDIATION_DECISION_RECEIVED':
    case 'MEDIATION_DECISION_REFUSED':
      return recordSettlementStep(context, event);
    case 'SCHEDULE_HEARING':
      return {
        ...context,
        hearing: { hearingId: event.hearingId, startsAt: event.startsAt },
        timestamps: stamp(context, at, 'hearingScheduledAt'),
      };
    case 'HEARING_STARTED':
      return { ...context, timestamps: stamp(context, at, 'hearingStartedAt') };
    case 'HEARING_ENDED':
      return { ...context, timestamps: stamp(context, at, 'hearingEndedAt') };
    case 'DECIDE':
      return {
        ...context,
        decisionId: event.decisionId,
        decisionKind: event.decisionKind ?? 'judgment',
        timestamps: stamp(context, at, 'decidedAt'),
      };
    case 'DECISION_SERVED': {
      const appealBy = appealByFrom(event.servedAt, context.decisionKind === 'ruling' ? 'ruling' : 'judgment', event.calendar);
      const appeal = { recipientId: event.recipientId, side: event.side, servedAt: event.servedAt, appealBy };
      return { ...context, appeals: [...(context.appeals ?? []).filter((a) => a.recipientId !== event.recipientId), appeal] };
    }
    case 'CLOSE':
      return { ...context, timestamps: stamp(context, at, 'closedAt') };
    case 'WITHDRAW':
      return {
        ...context,
        withdrawal: { byUserId: event.actor.userId, ...(event.reason === undefined ? {} : { reason: event.reason }) },
        deadlines: {},
        timestamps: stamp(context, at, 'withdrawnAt'),
      };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

function deemWithdrawn(
  context: CaseContext,
  byUserId: string,
  deemed: 'FEE_UNPAID' | 'CORRECTION_NOT_MADE',
  at: string,
): CaseContext {
  return { ...context, withdrawal: { byUserId, deemed }, deadlines: {}, timestamps: stamp(context, at, 'withdrawnAt') };
}
