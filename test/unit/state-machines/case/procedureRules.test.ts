import { describe, expect, it } from 'vitest';
import { applyCaseEvent, earliestAfterNotice, noticeProblem, scheduleProblem } from '../../../../state-machines/case/caseMachine.js';
import type { CaseSnapshotJson } from '../../../../state-machines/case/caseMachine.js';
import { fixedHolidayCalendar } from '../../../../state-machines/rules/periods.js';
import { apply, caseIn, clerk, defendant, expectRefused, fee, filer, judge, newCase, plainCalendar } from './caseFixtures.js';

const other = { userId: 'u-defendant-2', role: 'party' } as const;

/** Docketed for two defendants and paid, at 2026-12-01 (a Tuesday). */
function twoDefendantsPaid(): CaseSnapshotJson {
  let s = newCase();
  s = apply(s, { type: 'SUBMIT', actor: filer, findings: [], at: '2026-12-01T09:00:00+08:00' });
  s = apply(s, { type: 'REVIEW_ACCEPT', actor: clerk, caseNumber: '(2026)京0105民初1号', fee, defendantCount: 2, at: '2026-12-01T10:00:00+08:00' });
  return apply(s, { type: 'FEE_PAID', actor: clerk, paymentId: 'p', amount: '50', at: '2026-12-01T11:00:00+08:00' });
}

const send = (s: CaseSnapshotJson, e: Parameters<typeof applyCaseEvent>[1]) => applyCaseEvent(s, e, plainCalendar);

describe('the answer deadline shows whatever the stage (CPL Art. 128, Art. 85)', () => {
  it('service effective 2026-12-04 on a case whose hearing is already fixed gives 2026-12-21 (12-19 is a Saturday)', () => {
    const paid = twoDefendantsPaid();
    const scheduled = send(paid, { type: 'SCHEDULE_HEARING', actor: judge, hearingId: 'h', startsAt: '2027-01-05T09:00:00+08:00', at: '2026-12-01T12:00:00+08:00' });
    if (!scheduled.ok) throw new Error(scheduled.error.message);
    const served = send(scheduled.snapshot, { type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2026-12-04T10:00:00+08:00', defendantId: defendant.userId, documentId: 'doc-complaint', at: '2026-12-04T10:00:01+08:00' });
    if (!served.ok) throw new Error(served.error.message);
    expect(served.status).toBe('hearingScheduled');
    expect(served.context.deadlines.answerBy).toBe('2026-12-21');
    expect(served.context.defendantServices).toEqual([
      { defendantId: defendant.userId, servedAt: '2026-12-04T10:00:00+08:00', documentId: 'doc-complaint', answerBy: '2026-12-21' },
    ]);
  });

  it('keeps one record per defendant; the case waits for every answer before it counts as answered', () => {
    let s = twoDefendantsPaid();
    s = apply(s, { type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2026-12-02T10:00:00+08:00', defendantId: defendant.userId, at: '2026-12-02T10:00:01+08:00' });
    s = apply(s, { type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2026-12-04T10:00:00+08:00', defendantId: other.userId, at: '2026-12-04T10:00:01+08:00' });
    expect(s.status).toBe('servedOnDefendant');
    expect(s.context.deadlines.answerBy).toBe('2026-12-21');
    s = apply(s, { type: 'ANSWER_FILED', actor: other, at: '2026-12-05T10:00:00+08:00' });
    expect(s.status).toBe('servedOnDefendant');
    expect(s.context.deadlines.answerBy).toBe('2026-12-17');
    s = apply(s, { type: 'ANSWER_FILED', actor: defendant, at: '2026-12-06T10:00:00+08:00' });
    expect(s.status).toBe('answered');
    expect(s.context.deadlines.answerBy).toBeUndefined();
    expect(s.context.defendantServices?.map((d) => d.answeredAt)).toEqual(['2026-12-06T10:00:00+08:00', '2026-12-05T10:00:00+08:00']);
  });
});

describe('hearings are scheduled lawfully (CPL Art. 128, 139)', () => {
  it('refuses a date inside the answer period an unserved defendant would have, and names the earliest lawful start', () => {
    const result = send(twoDefendantsPaid(), { type: 'SCHEDULE_HEARING', actor: judge, hearingId: 'h', startsAt: '2026-12-10T09:00:00+08:00', at: '2026-12-01T12:00:00+08:00' });
    // Service today at the earliest: the answer period ends 2026-12-16, so the 17th is the first lawful day.
    expectRefused(result, 'INVALID_STATE', /answer period/);
    expect(!result.ok && result.error.rule).toEqual({ code: 'HEARING_TOO_EARLY', details: { earliestLawfulStart: '2026-12-17T00:00:00+08:00', rule: 'ANSWER_PERIOD' } });
    expect(send(twoDefendantsPaid(), { type: 'SCHEDULE_HEARING', actor: judge, hearingId: 'h', startsAt: '2026-12-17T00:00:00+08:00', at: '2026-12-01T12:00:00+08:00' }).ok).toBe(true);
  });

  it('allows an earlier date once every defendant answered or waived, but never inside the 3-day notice', () => {
    let s = twoDefendantsPaid();
    s = apply(s, { type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2026-12-02T10:00:00+08:00', defendantId: defendant.userId, at: '2026-12-02T10:00:01+08:00' });
    s = apply(s, { type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2026-12-02T11:00:00+08:00', defendantId: other.userId, at: '2026-12-02T11:00:01+08:00' });
    s = apply(s, { type: 'ANSWER_FILED', actor: defendant, at: '2026-12-03T09:00:00+08:00' });
    const early = { type: 'SCHEDULE_HEARING', actor: judge, hearingId: 'h', startsAt: '2026-12-08T09:00:00+08:00', at: '2026-12-03T12:00:00+08:00' } as const;
    expect(!send(s, early).ok && (send(s, early) as { error: { rule?: { details: unknown } } }).error.rule?.details).toEqual({ earliestLawfulStart: '2026-12-18T00:00:00+08:00', rule: 'ANSWER_PERIOD' });
    s = apply(s, { type: 'WAIVE_ANSWER_PERIOD', actor: clerk, defendantId: other.userId, statement: '被告当庭表示放弃答辩期', at: '2026-12-03T10:00:00+08:00' });
    expect(s.context.deadlines.answerBy).toBeUndefined();
    expect(send(s, early).ok).toBe(true);
    // Notice on 12-03 (not counted), 3 whole days 04-06: the 7th is the first lawful day.
    const tooSoon = send(s, { ...early, startsAt: '2026-12-06T15:00:00+08:00' });
    expect(!tooSoon.ok && tooSoon.error.rule).toEqual({ code: 'HEARING_TOO_EARLY', details: { earliestLawfulStart: '2026-12-07T00:00:00+08:00', rule: 'NOTICE_PERIOD' } });
  });

  it('a defendant waives only their own running period, and only once', () => {
    const s = caseIn('servedOnDefendant');
    expectRefused(send(s, { type: 'WAIVE_ANSWER_PERIOD', actor: other, defendantId: defendant.userId, statement: 'x', at: '2025-03-02T09:00:00+08:00' }), 'INVALID_EVENT', /own answer period/);
    expectRefused(send(s, { type: 'WAIVE_ANSWER_PERIOD', actor: clerk, defendantId: defendant.userId, statement: '  ', at: '2025-03-02T09:00:00+08:00' }), 'INVALID_EVENT', /statement/);
    const waived = send(s, { type: 'WAIVE_ANSWER_PERIOD', actor: clerk, defendantId: 'defendant', statement: '放弃答辩期', at: '2025-03-02T09:00:00+08:00' });
    if (!waived.ok) throw new Error(waived.error.message);
    const again = send(waived.snapshot, { type: 'WAIVE_ANSWER_PERIOD', actor: clerk, defendantId: 'defendant', statement: '放弃答辩期', at: '2025-03-02T10:00:00+08:00' });
    expect(!again.ok && again.error.rule?.code).toBe('ANSWER_PERIOD_NOT_RUNNING');
  });

  it('the pure rule and the notice helper agree: service on the 1st allows a hearing from the 5th', () => {
    expect(earliestAfterNotice('2026-12-01T23:30:00+08:00')).toBe('2026-12-05T00:00:00+08:00');
    const ctx = twoDefendantsPaid().context;
    expect(scheduleProblem(ctx, '2027-02-01T09:00:00+08:00', '2026-12-01T12:00:00+08:00', fixedHolidayCalendar([]))).toBeNull();
  });
});

describe('no hearing opens before every defendant is served', () => {
  it('refuses HEARING_STARTED with one of two defendants unserved, allows it once both are', () => {
    let s = twoDefendantsPaid();
    s = apply(s, { type: 'SCHEDULE_HEARING', actor: judge, hearingId: 'h', startsAt: '2027-01-05T09:00:00+08:00', at: '2026-12-01T12:00:00+08:00' });
    s = apply(s, { type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2026-12-02T10:00:00+08:00', defendantId: defendant.userId, at: '2026-12-02T10:00:01+08:00' });
    const refused = send(s, { type: 'HEARING_STARTED', actor: judge, hearingId: 'h', at: '2027-01-05T09:00:00+08:00' });
    expectRefused(refused, 'INVALID_STATE', /1 of 2 defendant\(s\) have not yet been served/);
    expect(!refused.ok && refused.error.rule?.code).toBe('DEFENDANT_NOT_SERVED');
    s = apply(s, { type: 'SERVE_DEFENDANT', actor: clerk, servedAt: '2026-12-03T10:00:00+08:00', defendantId: other.userId, at: '2026-12-03T10:00:01+08:00' });
    expect(send(s, { type: 'HEARING_STARTED', actor: judge, hearingId: 'h', at: '2027-01-05T09:00:00+08:00' }).ok).toBe(true);
  });

  it('the 3-day notice at opening: each party needs a summons effective 3 whole days before', () => {
    const startsAt = '2026-12-10T09:00:00+08:00';
    expect(noticeProblem(startsAt, [{ partyId: 'a', effectiveAt: '2026-12-06T20:00:00+08:00' }])).toBeNull();
    expect(noticeProblem(startsAt, [{ partyId: 'a', effectiveAt: '2026-12-07T08:00:00+08:00' }])).toMatchObject({ code: 'NOTICE_TOO_LATE', details: { parties: ['a'], earliestLawfulStart: '2026-12-11T00:00:00+08:00' } });
    expect(noticeProblem(startsAt, [{ partyId: 'a', effectiveAt: '2026-12-01T08:00:00+08:00' }, { partyId: 'b' }])).toMatchObject({ code: 'NOTICE_TOO_LATE', details: { parties: ['b'] } });
  });
});
