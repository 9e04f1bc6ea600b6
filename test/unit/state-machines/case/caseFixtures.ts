import { expect } from 'vitest';
import { fixedHolidayCalendar } from '../../../../state-machines/rules/periods.js';
import { applyCaseEvent, createCase } from '../../../../state-machines/case/caseMachine.js';
import type {
  CaseActor,
  CaseErrorCode,
  CaseEvent,
  CaseEventOf,
  CaseEventType,
  CaseSnapshotJson,
  CaseStatus,
  CaseTransitionResult,
} from '../../../../state-machines/case/caseMachine.js';

export const COURT = 'court-hz-internet';
export const OTHER_COURT = 'court-bj-internet';

export const filer: CaseActor = { userId: 'u-plaintiff', role: 'party' };
export const defendant: CaseActor = { userId: 'u-defendant', role: 'party' };
export const clerk: CaseActor = { userId: 'u-clerk', role: 'clerk', courtId: COURT };
export const foreignClerk: CaseActor = { userId: 'u-clerk-bj', role: 'clerk', courtId: OTHER_COURT };
export const judge: CaseActor = { userId: 'u-judge', role: 'judge', courtId: COURT };
export const foreignJudge: CaseActor = { userId: 'u-judge-bj', role: 'judge', courtId: OTHER_COURT };
export const mediator: CaseActor = { userId: 'u-mediator', role: 'mediator', courtId: COURT };
export const admin: CaseActor = { userId: 'u-admin', role: 'admin', courtId: COURT };
export const system: CaseActor = { userId: 'scheduler', role: 'system' };

/**
 * National Day 2025: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 worked (调休).
 * Weekends are rest days in fixedHolidayCalendar unless listed as workdays.
 */
export const calendar = fixedHolidayCalendar(
  ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08'],
  ['2025-09-28', '2025-10-11'],
);

/** Only weekends are rest days. */
export const plainCalendar = fixedHolidayCalendar([]);

export const CREATED_AT = '2025-03-01T09:00:00+08:00';

export function newCase(): CaseSnapshotJson {
  return createCase({ caseId: 'case-1', courtId: COURT, filerId: filer.userId, at: CREATED_AT, calendar }).snapshot;
}

/** Applies an event that must succeed and returns the new stored snapshot. */
export function apply(snapshot: CaseSnapshotJson, event: CaseEvent): CaseSnapshotJson {
  const result = applyCaseEvent(snapshot, event, calendar);
  if (!result.ok) throw new Error(`${event.type} unexpectedly refused: ${result.error.code} ${result.error.message}`);
  return result.snapshot;
}

export function expectRefused(result: CaseTransitionResult, code: CaseErrorCode, message?: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  if (message) expect(result.error.message).toMatch(message);
}

/** An event whose `at` the helper fills in. */
export type UntimedEvent = { [T in CaseEventType]: Omit<CaseEventOf<T>, 'at'> & { at?: string } }[CaseEventType];

/** Applies events one by one; `at` may be omitted and is then an hour after the previous event. */
export function applyAll(
  snapshot: CaseSnapshotJson,
  events: readonly UntimedEvent[],
): CaseSnapshotJson {
  let current = snapshot;
  for (const partial of events) {
    const at = partial.at ?? new Date(Date.parse(current.context.lastEventAt) + 3_600_000).toISOString();
    current = apply(current, { ...partial, at } as CaseEvent);
  }
  return current;
}

export function hourAfter(snapshot: CaseSnapshotJson, hours = 1): string {
  return new Date(Date.parse(snapshot.context.lastEventAt) + hours * 3_600_000).toISOString();
}

export const fee = { amount: '50.00', currency: 'CNY' } as const;
export const missingId = { code: 'ID_MISSING', message: 'The ID card image is missing', field: 'identity' };

/** The steps from a fresh case to each status, so tests can start anywhere. */
const ROUTES = {
  draft: [],
  underReview: [{ type: 'SUBMIT', actor: filer, findings: [] }],
  correctionRequested: [{ type: 'SUBMIT', actor: filer, findings: [missingId] }],
  docketed: [
    { type: 'SUBMIT', actor: filer, findings: [] },
    { type: 'REVIEW_ACCEPT', actor: clerk, caseNumber: '(2025)浙0192民初1号', fee },
  ],
  feeSettled: [{ type: 'FEE_PAID', actor: clerk, paymentId: 'pay-1', amount: '50' }],
  servedOnDefendant: [{ type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2025-03-01T12:30:00+08:00' }],
  answered: [{ type: 'ANSWER_FILED', actor: defendant }],
  mediationOffered: [{ type: 'OFFER_MEDIATION', actor: mediator }],
  inMediation: [{ type: 'MEDIATION_ACCEPTED', actor: mediator }],
  agreementSigned: [{ type: 'MEDIATION_SETTLED', actor: mediator, agreementId: 'agr-1' }],
  // Signing no longer settles the case: the judge approves it (here, recorded in the hearing record).
  settled: [{ type: 'RECORD_AGREEMENT_IN_TRANSCRIPT', actor: judge, ground: 'performedImmediately' }],
  hearingScheduled: [{ type: 'SCHEDULE_HEARING', actor: clerk, hearingId: 'h-1', startsAt: '2025-06-01T09:00:00+08:00' }],
  inHearing: [{ type: 'HEARING_STARTED', actor: judge, hearingId: 'h-1' }],
  awaitingDecision: [{ type: 'HEARING_ENDED', actor: judge, hearingId: 'h-1' }],
  decided: [{ type: 'DECIDE', actor: judge, decisionId: 'd-1' }],
} satisfies Partial<Record<CaseStatus, readonly UntimedEvent[]>>;

// Each route continues from the previous one in this order.
const CHAIN: Record<keyof typeof ROUTES, keyof typeof ROUTES | null> = {
  draft: null,
  underReview: 'draft',
  correctionRequested: 'draft',
  docketed: 'draft',
  feeSettled: 'docketed',
  servedOnDefendant: 'feeSettled',
  answered: 'servedOnDefendant',
  mediationOffered: 'answered',
  inMediation: 'mediationOffered',
  agreementSigned: 'inMediation',
  settled: 'agreementSigned',
  hearingScheduled: 'answered',
  inHearing: 'hearingScheduled',
  awaitingDecision: 'inHearing',
  decided: 'awaitingDecision',
};

export type ReachableStatus = keyof typeof ROUTES;

/** A case driven to `status` through the real machine. */
export function caseIn(status: ReachableStatus): CaseSnapshotJson {
  const parent = CHAIN[status];
  const start = parent === null ? newCase() : caseIn(parent);
  const snapshot = applyAll(start, ROUTES[status]);
  expect(snapshot.status).toBe(status);
  return snapshot;
}
