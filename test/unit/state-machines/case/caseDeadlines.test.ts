import { describe, expect, it } from 'vitest';
import { applyCaseEvent } from '../../../../state-machines/case/caseMachine.js';
import type { CaseSnapshotJson } from '../../../../state-machines/case/caseMachine.js';
import {
  apply,
  applyAll,
  calendar,
  caseIn,
  clerk,
  expectRefused,
  fee,
  filer,
  hourAfter,
  judge,
  missingId,
  newCase,
  plainCalendar,
  system,
} from './caseFixtures.js';
import { addPeriod, shanghaiDate } from '../../../../state-machines/rules/periods.js';

function docketedAt(at: string): CaseSnapshotJson {
  const review = apply(newCase(), { type: 'SUBMIT', actor: filer, findings: [], at: '2025-03-03T10:00:00+08:00' });
  return apply(review, { type: 'REVIEW_ACCEPT', actor: clerk, caseNumber: 'X', fee, at });
}

describe('docketBy', () => {
  it('counts 7 days from the Shanghai date of a complete filing', () => {
    // 17:00 UTC on 03-04 is already 03-05 in Shanghai: counting from the UTC date would give 03-11.
    const review = apply(newCase(), { type: 'SUBMIT', actor: filer, findings: [], at: '2025-03-04T17:00:00Z' });
    expect(review.context.deadlines.docketBy).toBe('2025-03-12');
  });

  it('does not start while the filing is incomplete', () => {
    const flagged = apply(newCase(), { type: 'SUBMIT', actor: filer, findings: [missingId], at: '2025-03-03T10:00:00+08:00' });
    expect(flagged.context.deadlines.docketBy).toBeUndefined();
    expect(flagged.context.deadlines.correctBy).toBe('2025-03-18');
  });

  it('restarts from the cure after a correction notice', () => {
    const review = apply(newCase(), { type: 'SUBMIT', actor: filer, findings: [], at: '2025-03-03T10:00:00+08:00' });
    expect(review.context.deadlines.docketBy).toBe('2025-03-10');
    const cured = applyAll(review, [
      { type: 'REVIEW_CORRECT', actor: clerk, reasons: ['Attach the IOU'], deadline: '2025-03-20', at: '2025-03-05T10:00:00+08:00' },
      { type: 'RESUBMIT', actor: filer, findings: [], at: '2025-03-14T10:00:00+08:00' },
    ]);
    expect(cured.status).toBe('underReview');
    expect(cured.context.deadlines.docketBy).toBe('2025-03-21');
    expect(cured.context.deadlines.correctBy).toBeUndefined();
    expect(cured.context.timestamps.submittedAt).toBe('2025-03-14T10:00:00+08:00');
  });
});

describe('correctBy', () => {
  it('uses a court-configured deadline when the submission carries one', () => {
    const flagged = apply(newCase(), {
      type: 'SUBMIT',
      actor: filer,
      findings: [missingId],
      correctBy: '2025-03-10',
      at: '2025-03-03T10:00:00+08:00',
    });
    expect(flagged.context.deadlines.correctBy).toBe('2025-03-10');
    expect(flagged.context.correction?.deadline).toBe('2025-03-10');
  });

  it('accepts a cure until the end of the last day and not after', () => {
    const flagged = apply(newCase(), { type: 'SUBMIT', actor: filer, findings: [missingId], at: '2025-03-03T10:00:00+08:00' });
    const onTime = applyCaseEvent(
      flagged,
      { type: 'RESUBMIT', actor: filer, findings: [], at: '2025-03-18T23:59:59+08:00' },
      calendar,
    );
    expect(onTime.ok && onTime.status).toBe('underReview');
    const late = applyCaseEvent(
      flagged,
      { type: 'RESUBMIT', actor: filer, findings: [], at: '2025-03-19T00:00:00+08:00' },
      calendar,
    );
    expectRefused(late, 'INVALID_EVENT', /correction deadline 2025-03-18 has passed/);
    expectRefused(
      applyCaseEvent(flagged, { type: 'CORRECTION_PERIOD_EXPIRED', actor: system, at: '2025-03-18T23:59:59+08:00' }, calendar),
      'INVALID_EVENT',
    );
  });
});

describe('feeDueBy', () => {
  it('is 7 days after docketing', () => {
    expect(docketedAt('2025-03-12T10:00:00+08:00').context.deadlines.feeDueBy).toBe('2025-03-19');
  });

  it('rolls over the National Day holiday and only then lets the system deem the case withdrawn', () => {
    const docketed = docketedAt('2025-09-26T10:00:00+08:00');
    expect(docketed.context.deadlines.feeDueBy).toBe('2025-10-09');
    expectRefused(
      applyCaseEvent(docketed, { type: 'FEE_PERIOD_EXPIRED', actor: system, at: '2025-10-08T12:00:00+08:00' }, calendar),
      'INVALID_EVENT',
    );
    const lapsed = apply(docketed, { type: 'FEE_PERIOD_EXPIRED', actor: system, at: '2025-10-10T00:00:00+08:00' });
    expect(lapsed.status).toBe('withdrawn');
  });

  it('stops running once the fee is paid, waived or deferred, so no page shows it as still due', () => {
    const docketed = docketedAt('2025-03-12T10:00:00+08:00');
    const at = '2025-03-13T10:00:00+08:00';
    const settled = [
      apply(docketed, { type: 'FEE_PAID', paymentId: 'p-1', amount: '50.00', actor: clerk, at }),
      apply(docketed, { type: 'FEE_WAIVED', reason: '经济困难', actor: clerk, at }),
      apply(docketed, { type: 'FEE_DEFERRED', reason: '经济困难', until: '2025-06-30', actor: clerk, at }),
    ];
    for (const s of settled) {
      expect(s.status).toBe('feeSettled');
      expect(s.context.deadlines.feeDueBy).toBeUndefined();
      expect(s.context.deadlines.docketBy).toBe(docketed.context.deadlines.docketBy);
    }
  });
});

describe('answerBy', () => {
  const serve = (servedAt: string, at: string, cal = calendar) =>
    applyCaseEvent(caseIn('feeSettled'), { type: 'SERVE_DEFENDANT', actor: clerk, servedAt, at }, cal);

  it('rolls a period ending on 10-01 to the first workday after the holiday', () => {
    const served = serve('2025-09-16T10:00:00+08:00', '2025-09-16T11:00:00+08:00');
    expect(served.ok && served.context.deadlines.answerBy).toBe('2025-10-09');
  });

  it('does not roll when the calendar has no holiday that day', () => {
    const served = serve('2025-09-16T10:00:00+08:00', '2025-09-16T11:00:00+08:00', plainCalendar);
    expect(served.ok && served.context.deadlines.answerBy).toBe('2025-10-01');
  });

  it('counts from the effective time of service in Shanghai, not from when it was recorded', () => {
    // Effective 00:30 on 03-03 in Shanghai (03-02 in UTC), recorded two days later.
    const served = serve('2025-03-02T16:30:00Z', '2025-03-05T10:00:00+08:00', plainCalendar);
    expect(served.ok && served.context.deadlines.answerBy).toBe('2025-03-18');
    expect(served.ok && served.context.timestamps.servedAt).toBe('2025-03-02T16:30:00Z');
  });

  it('allows the default path only after the last day of the answer period has ended', () => {
    const result = serve('2025-09-16T10:00:00+08:00', '2025-09-16T11:00:00+08:00');
    if (!result.ok) throw new Error(result.error.message);
    const expire = (at: string) =>
      applyCaseEvent(result.snapshot, { type: 'ANSWER_PERIOD_EXPIRED', actor: system, at }, calendar);
    expectRefused(expire('2025-10-02T10:00:00+08:00'), 'INVALID_EVENT', /2025-10-09/);
    expectRefused(expire('2025-10-09T15:59:59.999Z'), 'INVALID_EVENT');
    const defaulted = expire('2025-10-09T16:00:00Z');
    expect(defaulted.ok && defaulted.status).toBe('defaultPending');
  });
  describe('a revised effective time of service (proven arrival)', () => {
    const servedOn = (servedAt: string) => {
      const result = serve(servedAt, servedAt);
      if (!result.ok) throw new Error(result.error.message);
      return result.snapshot;
    };
    const revise = (snapshot: CaseSnapshotJson, servedAt: string, at: string, actor = clerk) =>
      applyCaseEvent(snapshot, { type: 'SERVICE_EFFECT_REVISED', servedAt, actor, at }, plainCalendar);

    it('moves the answer period to run from the proven time', () => {
      const revised = revise(servedOn('2025-03-03T10:00:00+08:00'), '2025-03-05T09:00:00+08:00', '2025-03-06T10:00:00+08:00');
      expect(revised.ok && revised.status).toBe('servedOnDefendant');
      expect(revised.ok && revised.context.deadlines.answerBy).toBe('2025-03-20');
      expect(revised.ok && revised.context.timestamps.servedAt).toBe('2025-03-05T09:00:00+08:00');
    });

    it('undoes a default when the new period still runs, and keeps it when that one has ended too', () => {
      const served = servedOn('2025-03-03T10:00:00+08:00');
      const defaulted = apply(served, { type: 'ANSWER_PERIOD_EXPIRED', actor: system, at: '2025-03-19T00:00:00+08:00' });
      expect(defaulted.status).toBe('defaultPending');
      const reopened = revise(defaulted, '2025-03-10T09:00:00+08:00', '2025-03-19T10:00:00+08:00');
      expect(reopened.ok && reopened.status).toBe('servedOnDefendant');
      expect(reopened.ok && reopened.context.deadlines.answerBy).toBe('2025-03-25');
      expect(reopened.ok && reopened.context.timestamps.defaultAt).toBeUndefined();
      const stillDefault = revise(defaulted, '2025-03-04T09:00:00+08:00', '2025-03-20T10:00:00+08:00');
      expect(stillDefault.ok && stillDefault.status).toBe('defaultPending');
      expect(stillDefault.ok && stillDefault.context.deadlines.answerBy).toBe('2025-03-19');
    });

    it('is the clerk\'s act, and the time cannot lie in the future or before docketing', () => {
      const served = servedOn('2025-03-03T10:00:00+08:00');
      expectRefused(revise(served, '2025-03-05T09:00:00+08:00', '2025-03-06T10:00:00+08:00', filer), 'FORBIDDEN');
      expectRefused(revise(served, '2025-03-07T09:00:00+08:00', '2025-03-06T10:00:00+08:00'), 'INVALID_EVENT', /later than the event/);
      expectRefused(revise(served, '2024-01-01T09:00:00+08:00', '2025-03-06T10:00:00+08:00'), 'INVALID_EVENT', /earlier than docketing/);
    });
  });
});

describe('appeal periods (DECISION_SERVED)', () => {
  const shanghaiDateOf = (instant: string) => shanghaiDate(instant);
  const addDays = (date: string, days: number) => addPeriod(date, days, 'day', plainCalendar);
  const decided = caseIn('decided');
  const served = (snapshot: CaseSnapshotJson, recipientId: string, servedAt: string, actor = clerk) =>
    applyCaseEvent(snapshot, { type: 'DECISION_SERVED', recipientId, side: 'defendant', servedAt, actor, at: hourAfter(snapshot, 24 * 30) }, plainCalendar);

  it('runs 15 days from service of a judgment, per party; a later service on the same party replaces theirs', () => {
    const servedAt = hourAfter(decided, 1);
    const first = served(decided, 'u-defendant', servedAt);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.status).toBe('decided');
    const day = shanghaiDateOf(servedAt);
    expect(first.context.appeals).toEqual([{ recipientId: 'u-defendant', side: 'defendant', servedAt, appealBy: addDays(day, 15) }]);
    const revisedAt = hourAfter(decided, 49);
    const revised = served(first.snapshot, 'u-defendant', revisedAt);
    expect(revised.ok && revised.context.appeals).toEqual([{ recipientId: 'u-defendant', side: 'defendant', servedAt: revisedAt, appealBy: addDays(shanghaiDateOf(revisedAt), 15) }]);
    const both = served(first.snapshot, 'u-plaintiff', servedAt);
    expect(both.ok && both.context.appeals?.map((a) => a.recipientId)).toEqual(['u-defendant', 'u-plaintiff']);
  });

  it('runs 10 days for a ruling', () => {
    const awaiting = caseIn('awaitingDecision');
    const ruled = apply(awaiting, { type: 'DECIDE', decisionId: 'd-2', decisionKind: 'ruling', actor: judge, at: hourAfter(awaiting) });
    const servedAt = hourAfter(ruled, 1);
    const result = served(ruled, 'u-defendant', servedAt);
    expect(result.ok && result.context.appeals?.[0]?.appealBy).toBe(addDays(shanghaiDateOf(servedAt), 10));
  });

  it('is recorded by a clerk, only once decided, and not for a time before the decision', () => {
    expectRefused(served(decided, 'u-defendant', hourAfter(decided, 1), judge), 'FORBIDDEN');
    const awaiting = caseIn('awaitingDecision');
    expectRefused(served(awaiting, 'u-defendant', hourAfter(awaiting, 1)), 'INVALID_STATE');
    expectRefused(served(decided, 'u-defendant', '2020-01-01T00:00:00+08:00'), 'INVALID_EVENT', /earlier than the decision/);
  });
});

describe('only running periods are listed', () => {
  it('docketing ends the docket period; rejection and withdrawal end every period; an answer ends the answer period', () => {
    const review = caseIn('underReview');
    expect(review.context.deadlines.docketBy).toBeDefined();
    expect(Object.keys(caseIn('docketed').context.deadlines)).toEqual(['feeDueBy']);
    const correcting = apply(review, { type: 'REVIEW_CORRECT', reasons: ['补充证据'], deadline: '2025-12-31', actor: clerk, at: hourAfter(review) });
    expect(correcting.context.deadlines).toEqual({ correctBy: '2025-12-31' });
    const rejected = apply(review, { type: 'REVIEW_REJECT', reasons: ['不属于本院管辖'], actor: clerk, at: hourAfter(review) });
    expect(rejected.context.deadlines).toEqual({});
    const docketed = caseIn('docketed');
    expect(apply(docketed, { type: 'WITHDRAW', actor: filer, at: hourAfter(docketed) }).context.deadlines).toEqual({});
    expect(caseIn('servedOnDefendant').context.deadlines.answerBy).toBeDefined();
    expect(caseIn('answered').context.deadlines.answerBy).toBeUndefined();
  });
});
