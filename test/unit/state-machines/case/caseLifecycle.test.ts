import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { applyCaseEvent, caseMachine, createCase } from '../../../../state-machines/case/caseMachine.js';
import type { ReachableStatus } from './caseFixtures.js';
import {
  COURT,
  CREATED_AT,
  apply,
  applyAll,
  calendar,
  caseIn,
  clerk,
  defendant,
  expectRefused,
  fee,
  filer,
  hourAfter,
  judge,
  mediator,
  missingId,
  newCase,
  system,
} from './caseFixtures.js';

describe('createCase', () => {
  it('starts a draft owned by the filer with no deadlines running', () => {
    const created = createCase({ caseId: 'c-9', courtId: COURT, filerId: 'u-9', at: CREATED_AT, calendar });
    expect(created.status).toBe('draft');
    expect(created.snapshot.status).toBe('draft');
    expect(created.context).toStrictEqual({
      caseId: 'c-9',
      courtId: COURT,
      filerId: 'u-9',
      findings: [],
      deadlines: {},
      timestamps: { createdAt: CREATED_AT },
      lastEventAt: CREATED_AT,
    });
  });

  it('refuses to create a case without a court or with a zoneless time', () => {
    expect(() => createCase({ caseId: 'c', courtId: ' ', filerId: 'u', at: CREATED_AT, calendar })).toThrow(/courtId/);
    expect(() => createCase({ caseId: 'c', courtId: COURT, filerId: 'u', at: '2025-03-01T09:00:00', calendar })).toThrow(
      /ISO instant/,
    );
  });
});

describe('filing, correction and docketing', () => {
  it('turns automatic-check findings into one correction notice, then dockets the cured filing', () => {
    const flagged = apply(newCase(), {
      type: 'SUBMIT',
      actor: filer,
      findings: [missingId, { code: 'CLAIM_EMPTY', message: 'State the claim', messageZh: '请填写诉讼请求' }],
      at: '2025-03-03T10:00:00+08:00',
    });
    expect(flagged.status).toBe('correctionRequested');
    expect(flagged.context.correction).toStrictEqual({
      source: 'automatic',
      reasons: ['The ID card image is missing', 'State the claim'],
      deadline: '2025-03-18',
      issuedAt: '2025-03-03T10:00:00+08:00',
    });
    expect(flagged.context.findings).toHaveLength(2);

    const cured = apply(flagged, { type: 'RESUBMIT', actor: filer, findings: [], at: '2025-03-05T10:00:00+08:00' });
    expect(cured.status).toBe('underReview');
    expect(cured.context.findings).toStrictEqual([]);
    expect(cured.context.deadlines.correctBy).toBeUndefined();

    const docketed = apply(cured, {
      type: 'REVIEW_ACCEPT',
      actor: clerk,
      caseNumber: '(2025)浙0192民初7号',
      fee,
      at: '2025-03-06T10:00:00+08:00',
    });
    expect(docketed.status).toBe('docketed');
    expect(docketed.context.caseNumber).toBe('(2025)浙0192民初7号');
    expect(docketed.context.fee).toStrictEqual(fee);
    expect(docketed.context.timestamps.docketedAt).toBe('2025-03-06T10:00:00+08:00');
  });

  it('lets a clerk send a correction notice with reasons and a deadline', () => {
    const notice = apply(caseIn('underReview'), {
      type: 'REVIEW_CORRECT',
      actor: clerk,
      reasons: ['Attach the contract', 'Name the defendant correctly'],
      deadline: '2025-03-20',
      at: '2025-03-05T10:00:00+08:00',
    });
    expect(notice.status).toBe('correctionRequested');
    expect(notice.context.correction).toMatchObject({ source: 'clerk', deadline: '2025-03-20' });
    expect(notice.context.correction?.reasons).toHaveLength(2);
    expect(notice.context.deadlines.correctBy).toBe('2025-03-20');
  });

  it('keeps a filing in correction when the cure still has findings, with the original deadline', () => {
    const flagged = apply(newCase(), {
      type: 'SUBMIT',
      actor: filer,
      findings: [missingId],
      at: '2025-03-03T10:00:00+08:00',
    });
    const still = apply(flagged, {
      type: 'RESUBMIT',
      actor: filer,
      findings: [{ code: 'ID_BLURRED', message: 'The ID image is unreadable' }],
      at: '2025-03-10T10:00:00+08:00',
    });
    expect(still.status).toBe('correctionRequested');
    expect(still.context.deadlines.correctBy).toBe('2025-03-18');
    expect(still.context.correction?.reasons).toStrictEqual(['The ID image is unreadable']);
  });

  it('rejects a filing with reasons, finally', () => {
    const rejected = apply(caseIn('underReview'), {
      type: 'REVIEW_REJECT',
      actor: clerk,
      reasons: ['Not within this court’s jurisdiction'],
      at: '2025-03-05T10:00:00+08:00',
    });
    expect(rejected.status).toBe('rejected');
    expect(rejected.context.rejectionReasons).toStrictEqual(['Not within this court’s jurisdiction']);
    expectRefused(
      applyCaseEvent(rejected, { type: 'RESUBMIT', actor: filer, findings: [], at: hourAfter(rejected) }, calendar),
      'INVALID_STATE',
      /^Cannot RESUBMIT a case in state rejected$/,
    );
  });
});

describe('fees', () => {
  it.each([
    [{ type: 'FEE_PAID', actor: clerk, paymentId: 'p-1', amount: '50' }, { kind: 'paid', paymentId: 'p-1', amount: '50' }],
    [{ type: 'FEE_PAID', actor: system, paymentId: 'p-2', amount: '50.0' }, { kind: 'paid', paymentId: 'p-2' }],
    [{ type: 'FEE_WAIVED', actor: clerk, reason: '低保户' }, { kind: 'waived', reason: '低保户' }],
    [
      { type: 'FEE_DEFERRED', actor: clerk, reason: 'Awaiting wages', until: '2025-06-30' },
      { kind: 'deferred', until: '2025-06-30' },
    ],
  ] as const)('settles the fee with %o', (event, settlement) => {
    const settled = applyAll(caseIn('docketed'), [event]);
    expect(settled.status).toBe('feeSettled');
    expect(settled.context.feeSettlement).toMatchObject(settlement);
    expect(settled.context.timestamps.feeSettledAt).toBe(settled.context.lastEventAt);
  });
});

describe('mediation path', () => {
  it('runs from service through an answer and a settlement to closing', () => {
    const served = caseIn('servedOnDefendant');
    expect(served.context.timestamps.servedAt).toBe('2025-03-01T12:30:00+08:00');
    const closed = applyAll(served, [
      { type: 'ANSWER_FILED', actor: defendant, documentId: 'doc-answer' },
      { type: 'OFFER_MEDIATION', actor: clerk },
      { type: 'MEDIATION_ACCEPTED', actor: mediator },
      { type: 'MEDIATION_SETTLED', actor: mediator, agreementId: 'agr-7' },
      // Issue 12: the signed agreement settles the case only once the judge approves it.
      { type: 'RECORD_AGREEMENT_IN_TRANSCRIPT', actor: judge, ground: 'performedImmediately' },
    ]);
    expect(closed.status).toBe('settled');
    expect(closed.context.answerDocumentId).toBe('doc-answer');
    expect(closed.context.mediation).toMatchObject({ outcome: 'settled', agreementId: 'agr-7', transcript: { ground: 'performedImmediately', judgeId: judge.userId } });
    const final = applyAll(closed, [{ type: 'CLOSE', actor: clerk }]);
    expect(final.status).toBe('closed');
    expect(final.context.timestamps.closedAt).toBe(final.context.lastEventAt);
  });

  it('goes to a hearing when mediation is declined or fails', () => {
    const declined = applyAll(caseIn('mediationOffered'), [{ type: 'MEDIATION_DECLINED', actor: mediator }]);
    expect(declined.status).toBe('mediationFailed');
    expect(declined.context.mediation).toStrictEqual({ outcome: 'declined' });

    const failed = applyAll(caseIn('inMediation'), [
      { type: 'MEDIATION_FAILED', actor: clerk, reason: 'No agreement on the amount' },
    ]);
    expect(failed.status).toBe('mediationFailed');
    const scheduled = applyAll(failed, [
      { type: 'SCHEDULE_HEARING', actor: judge, hearingId: 'h-2', startsAt: '2025-07-01T09:00:00+08:00' },
    ]);
    expect(scheduled.status).toBe('hearingScheduled');
    expect(scheduled.context.hearing).toStrictEqual({ hearingId: 'h-2', startsAt: '2025-07-01T09:00:00+08:00' });
  });

  it('can offer mediation right after the fee is settled', () => {
    expect(applyAll(caseIn('feeSettled'), [{ type: 'OFFER_MEDIATION', actor: mediator }]).status).toBe('mediationOffered');
  });
});

describe('hearing path', () => {
  it('runs from a default through a rescheduled hearing to a decision and closing', () => {
    const defaulted = apply(caseIn('servedOnDefendant'), {
      type: 'ANSWER_PERIOD_EXPIRED',
      actor: system,
      at: '2025-03-18T00:00:00+08:00',
    });
    expect(defaulted.status).toBe('defaultPending');
    expect(defaulted.context.timestamps.defaultAt).toBe('2025-03-18T00:00:00+08:00');

    const decided = applyAll(defaulted, [
      { type: 'SCHEDULE_HEARING', actor: clerk, hearingId: 'h-1', startsAt: '2025-04-01T09:00:00+08:00' },
      { type: 'SCHEDULE_HEARING', actor: clerk, hearingId: 'h-1b', startsAt: '2025-04-08T09:00:00+08:00' },
      { type: 'HEARING_STARTED', actor: system, hearingId: 'h-1b', at: '2025-04-08T09:00:00+08:00' },
      { type: 'HEARING_ENDED', actor: judge, hearingId: 'h-1b' },
      { type: 'DECIDE', actor: judge, decisionId: 'judgment-1' },
    ]);
    expect(decided.status).toBe('decided');
    expect(decided.context.hearing?.hearingId).toBe('h-1b');
    expect(decided.context.decisionId).toBe('judgment-1');
    expect(decided.context.timestamps.hearingStartedAt).toBe('2025-04-08T09:00:00+08:00');

    expect(applyAll(decided, [{ type: 'CLOSE', actor: clerk }]).status).toBe('closed');
  });

  it('allows a judgment pronounced in court and another session after a hearing', () => {
    expect(applyAll(caseIn('inHearing'), [{ type: 'DECIDE', actor: judge, decisionId: 'd' }]).status).toBe('decided');
    const again = applyAll(caseIn('awaitingDecision'), [
      { type: 'SCHEDULE_HEARING', actor: judge, hearingId: 'h-3', startsAt: '2025-09-01T09:00:00+08:00' },
    ]);
    expect(again.status).toBe('hearingScheduled');
  });

  it('can schedule a hearing straight after the fee is settled', () => {
    const scheduled = applyAll(caseIn('feeSettled'), [
      { type: 'SCHEDULE_HEARING', actor: clerk, hearingId: 'h-9', startsAt: '2025-05-01T09:00:00+08:00' },
    ]);
    expect(scheduled.status).toBe('hearingScheduled');
  });
});

describe('withdrawal', () => {
  const before: ReachableStatus[] = [
    'draft',
    'underReview',
    'correctionRequested',
    'docketed',
    'feeSettled',
    'servedOnDefendant',
    'answered',
    'mediationOffered',
    'inMediation',
    'hearingScheduled',
    'inHearing',
    'awaitingDecision',
  ];

  it.each(before)('the filer may withdraw a case in %s, after which nothing more happens', (status) => {
    const withdrawn = applyAll(caseIn(status), [{ type: 'WITHDRAW', actor: filer, reason: 'Settled out of court' }]);
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.context.withdrawal).toStrictEqual({ byUserId: filer.userId, reason: 'Settled out of court' });
    expectRefused(
      applyCaseEvent(withdrawn, { type: 'WITHDRAW', actor: filer, at: hourAfter(withdrawn) }, calendar),
      'INVALID_STATE',
      /state withdrawn/,
    );
  });

  it('treats an unpaid fee as a withdrawal once the payment period is over', () => {
    const docketed = caseIn('docketed');
    const lapsed = apply(docketed, { type: 'FEE_PERIOD_EXPIRED', actor: system, at: '2025-03-11T00:00:00+08:00' });
    expect(lapsed.status).toBe('withdrawn');
    expect(lapsed.context.withdrawal).toStrictEqual({ byUserId: system.userId, deemed: 'FEE_UNPAID' });
  });

  it('treats an uncured filing as withdrawn once the correction period is over', () => {
    const flagged = caseIn('correctionRequested');
    const lapsed = apply(flagged, {
      type: 'CORRECTION_PERIOD_EXPIRED',
      actor: system,
      at: '2025-03-18T00:00:00+08:00',
    });
    // Filed on Saturday 03-01: 15 days end on Sunday 03-16, which rolls to Monday.
    expect(flagged.context.deadlines.correctBy).toBe('2025-03-17');
    expect(lapsed.status).toBe('withdrawn');
    expect(lapsed.context.withdrawal?.deemed).toBe('CORRECTION_NOT_MADE');
  });
});

describe('the machine on its own', () => {
  it('enforces its guards when driven directly by an actor', () => {
    const actor = createActor(caseMachine, {
      input: { caseId: 'c', courtId: COURT, filerId: filer.userId, at: CREATED_AT },
    }).start();
    actor.send({ type: 'SUBMIT', actor: defendant, findings: [], at: '2025-03-03T10:00:00+08:00', calendar });
    expect(actor.getSnapshot().value).toBe('draft');
    actor.send({ type: 'SUBMIT', actor: filer, findings: [], at: '2025-03-03T10:00:00+08:00', calendar });
    expect(actor.getSnapshot().value).toBe('underReview');
    expect(actor.getSnapshot().context.deadlines.docketBy).toBe('2025-03-10');
    actor.stop();
  });
});
