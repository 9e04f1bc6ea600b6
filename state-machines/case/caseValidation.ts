import { endOfDayShanghai, isInstant, shanghaiDate } from '../rules/periods.js';
import type { CaseContext, CaseEvent, CaseEventOf, Finding } from './caseTypes.js';
import { settlementDataFailure } from './courtSettlement.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const AMOUNT = /^(0|[1-9]\d*)(\.\d{1,2})?$/;


export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** Amount in fen, so '100', '100.0' and '100.00' compare equal without floating point. */
export function amountInFen(amount: string): bigint | null {
  if (!AMOUNT.test(amount)) return null;
  const [yuan = '0', fen = ''] = amount.split('.');
  return BigInt(yuan) * 100n + BigInt(fen.padEnd(2, '0'));
}

function servedAtProblem(c: CaseContext, servedAt: string, at: string): string | null {
  if (!isInstant(servedAt)) return 'servedAt must be an ISO instant with an offset';
  if (Date.parse(servedAt) > Date.parse(at)) return 'servedAt cannot be later than the event itself';
  const docketedAt = c.timestamps.docketedAt;
  return docketedAt !== undefined && Date.parse(servedAt) < Date.parse(docketedAt) ? 'servedAt cannot be earlier than docketing' : null;
}

/** True once the whole Shanghai calendar day `deadline` is over at instant `at`. */
export function deadlinePassed(deadline: string | undefined, at: string): boolean {
  if (deadline === undefined) return false;
  return Date.parse(at) > endOfDayShanghai(deadline).getTime();
}

function findingsProblem(findings: unknown): string | null {
  if (!Array.isArray(findings)) return 'findings must be an array (empty when the automatic check passed)';
  const bad = (findings as unknown[]).findIndex(
    (f) => typeof f !== 'object' || f === null || !isText((f as Finding).code) || !isText((f as Finding).message),
  );
  return bad === -1 ? null : `findings[${bad}] needs a non-empty code and message`;
}

function reasonsProblem(reasons: unknown): string | null {
  if (!Array.isArray(reasons) || reasons.length === 0) return 'at least one reason is required';
  return (reasons as unknown[]).every(isText) ? null : 'reasons must be non-empty strings';
}

function notBefore(date: unknown, at: string, what: string): string | null {
  if (!isCalendarDate(date)) return `${what} must be a calendar date YYYY-MM-DD`;
  const today = shanghaiDate(at);
  return date < today ? `${what} ${date} is before the event's date ${today}` : null;
}

function expiry(deadline: string | undefined, at: string, what: string): string | null {
  if (deadline === undefined) return `no ${what} is running on this case`;
  return deadlinePassed(deadline, at) ? null : `the ${what} runs until the end of ${deadline} (Asia/Shanghai)`;
}

function optionalText(value: unknown, what: string): string | null {
  return value === undefined || isText(value) ? null : `${what}, when given, must be non-empty text`;
}

type Check<T extends CaseEvent['type']> = (context: CaseContext, event: CaseEventOf<T>) => string | null;

const CHECKS: { [T in CaseEvent['type']]: Check<T> } = {
  SUBMIT: (_c, e) =>
    findingsProblem(e.findings) ?? (e.correctBy === undefined ? null : notBefore(e.correctBy, e.at, 'correctBy')),
  RESUBMIT: (c, e) =>
    findingsProblem(e.findings) ??
    (deadlinePassed(c.deadlines.correctBy, e.at)
      ? `the correction deadline ${c.deadlines.correctBy ?? ''} has passed; the filing must be made afresh`
      : null),
  READING_REVIEWED: (_c, e) => findingsProblem(e.findings),
  REVIEW_ACCEPT: (_c, e) => {
    if (!isText(e.caseNumber)) return 'caseNumber is required';
    // Only the platform dockets automatically, and it always says why.
    if ((e.automatic !== undefined) !== (e.actor.role === 'system')) return 'an automatic docketing is made by the system, and only by it';
    if (e.automatic !== undefined && !isText(e.automatic.reason)) return 'an automatic docketing needs its reason';
    if (e.defendantCount !== undefined && (!Number.isSafeInteger(e.defendantCount) || e.defendantCount < 1)) return 'defendantCount must be a whole number of at least 1';
    if (typeof e.fee !== 'object' || e.fee === null || e.fee.currency !== 'CNY') return 'fee must be an amount in CNY';
    return amountInFen(e.fee.amount) === null ? `fee amount ${String(e.fee.amount)} is not a valid yuan amount` : null;
  },
  DOCKETING_REVERSED: (c, e) => {
    const problem = reasonsProblem(e.reasons);
    if (problem) return problem;
    const d = c.docketing;
    if (!d || d.reversed || c.caseNumber === undefined) return 'only an automatic docketing can be reversed, and only once';
    return deadlinePassed(d.reversibleUntil, e.at) ? `the review period for reversing the automatic docketing ended on ${d.reversibleUntil}` : null;
  },
  REVIEW_CORRECT: (_c, e) => reasonsProblem(e.reasons) ?? notBefore(e.deadline, e.at, 'the correction deadline'),
  REVIEW_REJECT: (_c, e) => reasonsProblem(e.reasons),
  CORRECTION_PERIOD_EXPIRED: (c, e) => expiry(c.deadlines.correctBy, e.at, 'correction period'),
  FEE_PAID: (c, e) => {
    if (!isText(e.paymentId)) return 'paymentId is required';
    const paid = typeof e.amount === 'string' ? amountInFen(e.amount) : null;
    if (paid === null) return `amount ${String(e.amount)} is not a valid yuan amount`;
    const due = c.fee ? amountInFen(c.fee.amount) : null;
    return paid === due ? null : `amount ${e.amount} does not match the fee due ${c.fee?.amount ?? '(none)'}`;
  },
  FEE_WAIVED: (_c, e) => (isText(e.reason) ? null : 'a reason for the waiver is required'),
  FEE_DEFERRED: (_c, e) =>
    isText(e.reason) ? notBefore(e.until, e.at, 'the deferral date') : 'a reason for the deferral is required',
  FEE_REDUCED: (c, e) => {
    if (!isText(e.reason)) return 'a reason for the reduction is required';
    const to = typeof e.amount === 'string' ? amountInFen(e.amount) : null;
    if (to === null) return `amount ${String(e.amount)} is not a valid yuan amount`;
    const due = c.fee ? amountInFen(c.fee.amount) : null;
    if (due === null) return 'there is no fee to reduce';
    return to > 0n && to < due ? null : `a reduced fee must be more than nothing and less than the fee due ${c.fee?.amount ?? ''}`;
  },
  FEE_PERIOD_EXPIRED: (c, e) => expiry(c.deadlines.feeDueBy, e.at, 'fee payment period'),
  SERVE_DEFENDANT: (c, e) => servedAtProblem(c, e.servedAt, e.at) ?? optionalText(e.defendantId, 'defendantId') ?? optionalText(e.documentId, 'documentId'),
  SERVICE_EFFECT_REVISED: (c, e) => servedAtProblem(c, e.servedAt, e.at),
  ANSWER_FILED: (_c, e) => optionalText(e.documentId, 'documentId') ?? optionalText(e.defendantId, 'defendantId'),
  WAIVE_ANSWER_PERIOD: (_c, e) => {
    if (!isText(e.defendantId)) return 'defendantId is required';
    if (e.actor.role === 'party' && e.actor.userId !== e.defendantId) return 'a defendant waives only their own answer period';
    return isText(e.statement) ? null : 'the waiver needs the defendant\'s statement';
  },
  ANSWER_PERIOD_EXPIRED: (c, e) => expiry(c.deadlines.answerBy, e.at, 'answer period'),
  OFFER_MEDIATION: () => null,
  MEDIATION_ACCEPTED: () => null,
  MEDIATION_DECLINED: (_c, e) => optionalText(e.reason, 'reason'),
  MEDIATION_FAILED: (_c, e) => (isText(e.reason) ? null : 'a reason for the failed mediation is required'),
  MEDIATION_SETTLED: (_c, e) => (isText(e.agreementId) ? null : 'agreementId is required'),
  APPROVE_MEDIATION_AGREEMENT: settlementDataFailure,
  RECORD_AGREEMENT_IN_TRANSCRIPT: settlementDataFailure,
  REJECT_MEDIATION_AGREEMENT: settlementDataFailure,
  MEDIATION_DECISION_RECEIVED: settlementDataFailure,
  MEDIATION_DECISION_REFUSED: settlementDataFailure,
  SCHEDULE_HEARING: (_c, e) => {
    if (!isText(e.hearingId)) return 'hearingId is required';
    if (!isInstant(e.startsAt)) return 'startsAt must be an ISO instant with an offset';
    return Date.parse(e.startsAt) <= Date.parse(e.at) ? 'a hearing must be scheduled in the future' : null;
  },
  HEARING_STARTED: (c, e) => sameHearing(c, e.hearingId),
  HEARING_ENDED: (c, e) => sameHearing(c, e.hearingId),
  DECIDE: (_c, e) => {
    if (!isText(e.decisionId)) return 'decisionId is required';
    return e.decisionKind === undefined || e.decisionKind === 'judgment' || e.decisionKind === 'ruling' ? null : 'decisionKind must be judgment or ruling';
  },
  DECISION_SERVED: (c, e) => {
    if (!isText(e.recipientId)) return 'recipientId is required';
    if (e.side !== 'plaintiff' && e.side !== 'defendant' && e.side !== 'other') return 'side must be plaintiff, defendant or other';
    if (!isInstant(e.servedAt)) return 'servedAt must be an ISO instant with an offset';
    if (Date.parse(e.servedAt) > Date.parse(e.at)) return 'servedAt cannot be later than the event itself';
    const decidedAt = c.timestamps.decidedAt;
    return decidedAt !== undefined && Date.parse(e.servedAt) < Date.parse(decidedAt) ? 'servedAt cannot be earlier than the decision' : null;
  },
  CLOSE: () => null,
  WITHDRAW: (_c, e) => optionalText(e.reason, 'reason'),
};

function sameHearing(context: CaseContext, hearingId: unknown): string | null {
  const scheduled = context.hearing?.hearingId;
  return hearingId === scheduled ? null : `hearing ${String(hearingId)} is not the scheduled hearing ${scheduled ?? '(none)'}`;
}

/** Returns why the event's data is unacceptable for this case, or null. Assumes a well-formed envelope. */
export function dataFailure(context: CaseContext, event: CaseEvent): string | null {
  if (Date.parse(event.at) < Date.parse(context.lastEventAt)) {
    return `event time ${event.at} is earlier than the case's last event at ${context.lastEventAt}`;
  }
  const check = CHECKS[event.type] as Check<CaseEvent['type']>;
  return check(context, event);
}
