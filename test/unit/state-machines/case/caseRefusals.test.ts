import { describe, expect, it } from 'vitest';
import { allowedEventTypes, applyCaseEvent } from '../../../../state-machines/case/caseMachine.js';
import type { CaseActor, CaseEvent, CaseSnapshotJson } from '../../../../state-machines/case/caseMachine.js';
import type { ReachableStatus, UntimedEvent } from './caseFixtures.js';
import {
  admin,
  calendar,
  caseIn,
  clerk,
  defendant,
  expectRefused,
  fee,
  filer,
  foreignClerk,
  foreignJudge,
  hourAfter,
  judge,
  mediator,
  newCase,
  system,
} from './caseFixtures.js';

function send(snapshot: CaseSnapshotJson, event: UntimedEvent) {
  return applyCaseEvent(snapshot, { ...event, at: event.at ?? hourAfter(snapshot) } as CaseEvent, calendar);
}

const clerkOnly = (actor: CaseActor): UntimedEvent => ({ type: 'REVIEW_ACCEPT', actor, caseNumber: 'X1', fee });

describe('FORBIDDEN: the wrong person', () => {
  const cases: Array<[string, ReachableStatus, UntimedEvent, RegExp]> = [
    ['a judge reviewing', 'underReview', clerkOnly(judge), /only be sent by a clerk of court/],
    ['the filer docketing', 'underReview', clerkOnly(filer), /party u-plaintiff/],
    ['a clerk of another court', 'underReview', clerkOnly(foreignClerk), /belongs to another court/],
    ['a clerk with no court', 'underReview', clerkOnly({ userId: 'c', role: 'clerk' }), /not attached to a court/],
    ['an admin docketing', 'underReview', clerkOnly(admin), /admin u-admin/],
    ['another party submitting', 'draft', { type: 'SUBMIT', actor: defendant, findings: [] }, /the filing party/],
    ['a clerk submitting', 'draft', { type: 'SUBMIT', actor: clerk, findings: [] }, /the filing party/],
    ['another party withdrawing', 'answered', { type: 'WITHDRAW', actor: defendant }, /the filing party/],
    ['a clerk withdrawing', 'docketed', { type: 'WITHDRAW', actor: clerk }, /the filing party/],
    ['the filer resubmitting for someone else', 'correctionRequested', { type: 'RESUBMIT', actor: defendant, findings: [] }, /filing party/],
    ['the filer answering their own claim', 'servedOnDefendant', { type: 'ANSWER_FILED', actor: filer }, /other than the filer/],
    ['a clerk deciding', 'awaitingDecision', { type: 'DECIDE', actor: clerk, decisionId: 'd' }, /judge of court/],
    ['a judge of another court deciding', 'awaitingDecision', { type: 'DECIDE', actor: foreignJudge, decisionId: 'd' }, /another court/],
    ['a mediator deciding', 'inHearing', { type: 'DECIDE', actor: mediator, decisionId: 'd' }, /judge/],
    ['a party settling mediation', 'inMediation', { type: 'MEDIATION_SETTLED', actor: filer, agreementId: 'a' }, /mediator or clerk/],
    ['a judge recording a mediation result', 'inMediation', { type: 'MEDIATION_FAILED', actor: judge, reason: 'r' }, /mediator or clerk/],
    ['a mediator scheduling a hearing', 'answered', { type: 'SCHEDULE_HEARING', actor: mediator, hearingId: 'h', startsAt: '2026-01-01T09:00:00+08:00' }, /clerk or judge/],
    ['a party starting the hearing', 'hearingScheduled', { type: 'HEARING_STARTED', actor: defendant, hearingId: 'h-1' }, /clerk or judge/],
    ['a clerk declaring a default', 'servedOnDefendant', { type: 'ANSWER_PERIOD_EXPIRED', actor: clerk, at: '2026-01-01T00:00:00+08:00' }, /the system/],
    ['a party declaring the fee unpaid', 'docketed', { type: 'FEE_PERIOD_EXPIRED', actor: filer, at: '2026-01-01T00:00:00+08:00' }, /the system/],
    ['a party waiving the fee', 'docketed', { type: 'FEE_WAIVED', actor: filer, reason: 'poor' }, /clerk/],
    ['a judge serving', 'feeSettled', { type: 'SERVE_DEFENDANT', actor: judge, servedAt: '2025-03-01T12:30:00+08:00' }, /clerk/],
    ['a judge closing', 'decided', { type: 'CLOSE', actor: judge }, /clerk/],
  ];

  it.each(cases)('refuses %s', (_name, status, event, message) => {
    const before = caseIn(status);
    const frozen = JSON.stringify(before);
    expectRefused(send(before, event), 'FORBIDDEN', message);
    expect(JSON.stringify(before)).toBe(frozen);
  });
});

describe('INVALID_STATE: the wrong moment', () => {
  it('names the state and the event', () => {
    expectRefused(send(newCase(), clerkOnly(clerk)), 'INVALID_STATE', /^Cannot REVIEW_ACCEPT a case in state draft$/);
  });

  const cases: Array<[ReachableStatus, UntimedEvent]> = [
    ['decided', { type: 'WITHDRAW', actor: filer }],
    ['settled', { type: 'WITHDRAW', actor: filer }],
    ['draft', { type: 'RESUBMIT', actor: filer, findings: [] }],
    ['underReview', { type: 'SUBMIT', actor: filer, findings: [] }],
    ['docketed', { type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2025-03-01T12:30:00+08:00' }],
    // A hearing may be fixed while the answer period runs (issue 12), but never before the fee is settled.
    ['docketed', { type: 'SCHEDULE_HEARING', actor: clerk, hearingId: 'h', startsAt: '2026-01-01T09:00:00+08:00' }],
    ['answered', { type: 'ANSWER_FILED', actor: defendant }],
    ['hearingScheduled', { type: 'DECIDE', actor: judge, decisionId: 'd' }],
    ['inMediation', { type: 'CLOSE', actor: clerk }],
    ['mediationOffered', { type: 'MEDIATION_SETTLED', actor: mediator, agreementId: 'a' }],
    ['decided', { type: 'DECIDE', actor: judge, decisionId: 'd2' }],
  ];

  it.each(cases)('in %s refuses %o', (status, event) => {
    expectRefused(send(caseIn(status), event), 'INVALID_STATE', new RegExp(`^Cannot ${event.type} a case in state ${status}$`));
  });

  it('refuses everything once a case is closed', () => {
    const closed = send(caseIn('decided'), { type: 'CLOSE', actor: clerk });
    if (!closed.ok) throw new Error('close failed');
    expectRefused(send(closed.snapshot, { type: 'WITHDRAW', actor: filer }), 'INVALID_STATE', /state closed/);
    expectRefused(send(closed.snapshot, { type: 'CLOSE', actor: clerk }), 'INVALID_STATE', /state closed/);
  });

  it('reports the wrong state before the wrong person', () => {
    expectRefused(send(newCase(), clerkOnly(foreignClerk)), 'INVALID_STATE');
  });
});

describe('INVALID_EVENT: unacceptable data', () => {
  const cases: Array<[string, ReachableStatus, UntimedEvent, RegExp]> = [
    ['an empty rejection', 'underReview', { type: 'REVIEW_REJECT', actor: clerk, reasons: [] }, /at least one reason/],
    ['a blank rejection reason', 'underReview', { type: 'REVIEW_REJECT', actor: clerk, reasons: ['  '] }, /non-empty/],
    ['a correction without reasons', 'underReview', { type: 'REVIEW_CORRECT', actor: clerk, reasons: [], deadline: '2025-04-01' }, /reason/],
    ['a correction deadline in the past', 'underReview', { type: 'REVIEW_CORRECT', actor: clerk, reasons: ['x'], deadline: '2025-02-28' }, /before the event's date 2025-03-01/],
    ['a correction deadline that is no date', 'underReview', { type: 'REVIEW_CORRECT', actor: clerk, reasons: ['x'], deadline: '2025-02-30' }, /YYYY-MM-DD/],
    ['a docketing without case number', 'underReview', { type: 'REVIEW_ACCEPT', actor: clerk, caseNumber: '', fee }, /caseNumber/],
    ['a negative fee', 'underReview', { type: 'REVIEW_ACCEPT', actor: clerk, caseNumber: 'X', fee: { amount: '-5', currency: 'CNY' } }, /valid yuan/],
    ['a payment of the wrong amount', 'docketed', { type: 'FEE_PAID', actor: clerk, paymentId: 'p', amount: '49.99' }, /does not match the fee due 50.00/],
    ['a deferral into the past', 'docketed', { type: 'FEE_DEFERRED', actor: clerk, reason: 'r', until: '2025-01-01' }, /deferral date/],
    ['a waiver without reason', 'docketed', { type: 'FEE_WAIVED', actor: clerk, reason: '' }, /reason/],
    ['the fee declared unpaid too early', 'docketed', { type: 'FEE_PERIOD_EXPIRED', actor: system, at: '2025-03-10T23:00:00+08:00' }, /until the end of 2025-03-10/],
    ['service in the future', 'feeSettled', { type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2030-01-01T00:00:00Z' }, /later than the event/],
    ['service before docketing', 'feeSettled', { type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2025-02-01T00:00:00Z' }, /earlier than docketing/],
    ['a default declared too early', 'servedOnDefendant', { type: 'ANSWER_PERIOD_EXPIRED', actor: system, at: '2025-03-17T23:59:59+08:00' }, /answer period runs until the end of 2025-03-17/],
    ['a hearing in the past', 'answered', { type: 'SCHEDULE_HEARING', actor: clerk, hearingId: 'h', startsAt: '2025-01-01T09:00:00+08:00' }, /future/],
    ['another hearing starting', 'hearingScheduled', { type: 'HEARING_STARTED', actor: judge, hearingId: 'h-other' }, /not the scheduled hearing h-1/],
    ['a failure without reason', 'inMediation', { type: 'MEDIATION_FAILED', actor: mediator, reason: ' ' }, /reason/],
    ['a settlement without agreement', 'inMediation', { type: 'MEDIATION_SETTLED', actor: mediator, agreementId: '' }, /agreementId/],
    ['a finding without message', 'draft', { type: 'SUBMIT', actor: filer, findings: [{ code: 'X', message: '' }] }, /findings\[0\]/],
    ['an event older than the last one', 'underReview', { type: 'WITHDRAW', actor: filer, at: '2025-03-01T00:00:00Z' }, /earlier than the case's last event/],
  ];

  it.each(cases)('refuses %s', (_name, status, event, message) => {
    expectRefused(send(caseIn(status), event), 'INVALID_EVENT', message);
  });

  it('accepts a correction deadline on the day of the notice itself', () => {
    const snapshot = caseIn('underReview');
    const result = send(snapshot, { type: 'REVIEW_CORRECT', actor: clerk, reasons: ['x'], deadline: '2025-03-01' });
    expect(result.ok && result.status).toBe('correctionRequested');
  });

  it('checks the person before the data', () => {
    expectRefused(send(caseIn('underReview'), { type: 'REVIEW_REJECT', actor: judge, reasons: [] }), 'FORBIDDEN');
  });

  it.each([
    ['an unknown type', { type: 'APPEAL', actor: filer, at: '2025-03-02T00:00:00Z' }, /unknown case event type APPEAL/],
    ['no actor', { type: 'WITHDRAW', at: '2025-03-02T00:00:00Z' }, /no actor/],
    ['an unknown role', { type: 'WITHDRAW', actor: { userId: 'x', role: 'king' }, at: '2025-03-02T00:00:00Z' }, /role king/],
    ['a zoneless time', { type: 'WITHDRAW', actor: filer, at: '2025-03-02T10:00:00' }, /ISO instant/],
    ['no time at all', { type: 'WITHDRAW', actor: filer }, /ISO instant/],
  ])('refuses a malformed event with %s', (_name, event, message) => {
    expectRefused(applyCaseEvent(newCase(), event as unknown as CaseEvent, calendar), 'INVALID_EVENT', message);
  });
});

describe('allowedEventTypes', () => {
  it('lists what each person may do in draft and under review', () => {
    expect(allowedEventTypes(newCase(), filer, calendar)).toStrictEqual(['SUBMIT', 'WITHDRAW']);
    expect(allowedEventTypes(newCase(), clerk, calendar)).toStrictEqual([]);
    const review = caseIn('underReview');
    expect(allowedEventTypes(review, clerk, calendar)).toStrictEqual(['REVIEW_ACCEPT', 'REVIEW_CORRECT', 'REVIEW_REJECT']);
    expect(allowedEventTypes(review, foreignClerk, calendar)).toStrictEqual([]);
    expect(allowedEventTypes(review, filer, calendar)).toStrictEqual(['WITHDRAW']);
    expect(allowedEventTypes(review, defendant, calendar)).toStrictEqual([]);
  });

  it('offers deadline expiry to the system only once the deadline has passed', () => {
    const served = caseIn('servedOnDefendant');
    expect(allowedEventTypes(served, defendant, calendar)).toStrictEqual(['ANSWER_FILED', 'WAIVE_ANSWER_PERIOD']);
    expect(allowedEventTypes(served, filer, calendar)).toStrictEqual(['WITHDRAW']);
    expect(allowedEventTypes(served, system, calendar)).toStrictEqual(['ANSWER_PERIOD_EXPIRED']);
    expect(allowedEventTypes(served, system, calendar, '2025-03-17T12:00:00+08:00')).toStrictEqual([]);
    expect(allowedEventTypes(served, system, calendar, '2025-03-18T00:00:00+08:00')).toStrictEqual(['ANSWER_PERIOD_EXPIRED']);
  });

  it('offers withdrawal in no state from decided on (the clerk records service of the decision and closes)', () => {
    expect(allowedEventTypes(caseIn('decided'), filer, calendar)).toStrictEqual([]);
    expect(allowedEventTypes(caseIn('settled'), filer, calendar)).toStrictEqual([]);
    expect(allowedEventTypes(caseIn('decided'), clerk, calendar)).toStrictEqual(['DECISION_SERVED', 'CLOSE']);
  });
});
