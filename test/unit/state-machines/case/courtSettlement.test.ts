import { describe, expect, it } from 'vitest';
import { allowedEventTypes, applyCaseEvent } from '../../../../state-machines/case/caseMachine.js';
import type { CaseEvent, CaseSnapshotJson } from '../../../../state-machines/case/caseMachine.js';
import { apply, calendar, caseIn, clerk, defendant, expectRefused, filer, foreignJudge, hourAfter, judge, mediator, system } from './caseFixtures.js';

/** A signed agreement awaiting the judge, at a known time. */
function signed(): CaseSnapshotJson {
  return caseIn('agreementSigned');
}

const approve = (s: CaseSnapshotJson, at = hourAfter(s)): CaseSnapshotJson =>
  apply(s, { type: 'APPROVE_MEDIATION_AGREEMENT', actor: judge, at, decisionId: 'md-1', recipientIds: [filer.userId, defendant.userId] });

const receipt = (s: CaseSnapshotJson, recipientId: string, receivedAt: string, at = receivedAt) =>
  applyCaseEvent(s, { type: 'MEDIATION_DECISION_RECEIVED', actor: system, at, recipientId, receivedAt }, calendar);

describe('settlement through the court (CPL Arts. 100-102)', () => {
  it('does not settle the case when the agreement is signed: it awaits the judge', () => {
    const s = signed();
    expect(s.status).toBe('agreementSigned');
    expect(s.context.timestamps.settledAt).toBeUndefined();
    expect(allowedEventTypes(s, judge, calendar)).toStrictEqual(['APPROVE_MEDIATION_AGREEMENT', 'RECORD_AGREEMENT_IN_TRANSCRIPT', 'REJECT_MEDIATION_AGREEMENT']);
    expect(allowedEventTypes(s, mediator, calendar)).toStrictEqual([]);
    // Nor can the filer withdraw a case whose agreement is before the judge.
    expect(allowedEventTypes(s, filer, calendar)).toStrictEqual([]);
  });

  it('settles when the last party signs for the 调解书, effective at that receipt', () => {
    const issued = approve(signed(), '2025-03-10T10:00:00+08:00');
    expect(issued.status).toBe('mediationDecisionServing');
    expect(issued.context.mediation?.decision).toMatchObject({ decisionId: 'md-1', judgeId: judge.userId, recipientIds: [filer.userId, defendant.userId], receipts: [] });

    const first = receipt(issued, defendant.userId, '2025-03-11T09:00:00+08:00');
    if (!first.ok) throw new Error(first.error.message);
    expect(first.status).toBe('mediationDecisionServing');
    expect(first.context.timestamps.settledAt).toBeUndefined();

    // A receipt recorded later (a paper receipt entered by the clerk) keeps its own time.
    const last = applyCaseEvent(
      first.snapshot,
      { type: 'MEDIATION_DECISION_RECEIVED', actor: clerk, at: '2025-03-12T16:00:00+08:00', recipientId: filer.userId, receivedAt: '2025-03-12T11:30:00+08:00' },
      calendar,
    );
    if (!last.ok) throw new Error(last.error.message);
    expect(last.status).toBe('settled');
    expect(last.context.timestamps.settledAt).toBe('2025-03-12T11:30:00+08:00');
    expect(last.context.mediation?.decision?.effectiveAt).toBe('2025-03-12T11:30:00+08:00');
  });

  it('refuses a second receipt from the same party, a stranger, and a receipt before the 调解书 was issued', () => {
    const issued = approve(signed(), '2025-03-10T10:00:00+08:00');
    const once = receipt(issued, defendant.userId, '2025-03-11T09:00:00+08:00');
    if (!once.ok) throw new Error(once.error.message);
    expectRefused(receipt(once.snapshot, defendant.userId, '2025-03-11T10:00:00+08:00'), 'INVALID_EVENT', /already signed/);
    expectRefused(receipt(issued, 'u-stranger', '2025-03-11T10:00:00+08:00'), 'INVALID_EVENT', /not a party/);
    expectRefused(receipt(issued, filer.userId, '2025-03-10T09:00:00+08:00', '2025-03-10T11:00:00+08:00'), 'INVALID_EVENT', /earlier than the mediation decision/);
    // A party cannot record their own receipt: it comes from the inbox (system) or a clerk.
    expectRefused(
      applyCaseEvent(issued, { type: 'MEDIATION_DECISION_RECEIVED', actor: filer, at: '2025-03-11T10:00:00+08:00', recipientId: filer.userId, receivedAt: '2025-03-11T10:00:00+08:00' }, calendar),
      'FORBIDDEN',
    );
  });

  it('returns to litigation when a party refuses to sign for receipt (Art. 102)', () => {
    const issued = approve(signed());
    const refused = apply(issued, { type: 'MEDIATION_DECISION_REFUSED', actor: clerk, at: hourAfter(issued), recipientId: defendant.userId, reason: '被告签收前反悔' });
    expect(refused.status).toBe('mediationFailed');
    expect(refused.context.timestamps.settledAt).toBeUndefined();
    expect(refused.context.mediation).toMatchObject({ outcome: 'failed', decision: { refusal: { recipientId: defendant.userId, reason: '被告签收前反悔' } } });
    expect(allowedEventTypes(refused, clerk, calendar)).toContain('SCHEDULE_HEARING');
    expectRefused(
      applyCaseEvent(issued, { type: 'MEDIATION_DECISION_REFUSED', actor: clerk, at: hourAfter(issued), recipientId: defendant.userId, reason: ' ' }, calendar),
      'INVALID_EVENT',
      /reason/,
    );
  });

  it('records the agreement in the hearing record in an Art. 101 case, effective when recorded', () => {
    const s = signed();
    const at = hourAfter(s);
    const settled = apply(s, { type: 'RECORD_AGREEMENT_IN_TRANSCRIPT', actor: judge, at, ground: 'divorceReconciled' });
    expect(settled.status).toBe('settled');
    expect(settled.context.timestamps.settledAt).toBe(at);
    expect(settled.context.mediation?.transcript).toStrictEqual({ ground: 'divorceReconciled', recordedAt: at, judgeId: judge.userId });
    const bad = { type: 'RECORD_AGREEMENT_IN_TRANSCRIPT', actor: judge, at, ground: 'becauseISaySo' } as unknown as CaseEvent;
    expectRefused(applyCaseEvent(s, bad, calendar), 'INVALID_EVENT', /Art\. 101/);
  });

  it('rejects the agreement back to mediation or on to litigation', () => {
    const s = signed();
    const back = apply(s, { type: 'REJECT_MEDIATION_AGREEMENT', actor: judge, at: hourAfter(s), reasons: ['协议内容违反法律规定'], returnTo: 'mediation' });
    expect(back.status).toBe('inMediation');
    expect(back.context.mediation?.agreementId).toBeUndefined();
    expect(back.context.mediation?.rejection?.reasons).toStrictEqual(['协议内容违反法律规定']);
    const on = apply(s, { type: 'REJECT_MEDIATION_AGREEMENT', actor: judge, at: hourAfter(s), reasons: ['损害第三人利益'], returnTo: 'litigation' });
    expect(on.status).toBe('mediationFailed');
    expectRefused(applyCaseEvent(s, { type: 'REJECT_MEDIATION_AGREEMENT', actor: judge, at: hourAfter(s), reasons: [], returnTo: 'litigation' }, calendar), 'INVALID_EVENT', /reason/);
  });

  it('lets only a judge of the court review the agreement', () => {
    const s = signed();
    const event = { type: 'APPROVE_MEDIATION_AGREEMENT' as const, at: hourAfter(s), decisionId: 'md-1', recipientIds: [filer.userId] };
    for (const actor of [mediator, clerk, filer, defendant]) expectRefused(applyCaseEvent(s, { ...event, actor }, calendar), 'FORBIDDEN', /judge/);
    expectRefused(applyCaseEvent(s, { ...event, actor: foreignJudge }, calendar), 'FORBIDDEN', /another court/);
    expectRefused(applyCaseEvent(s, { ...event, actor: judge, recipientIds: [] }, calendar), 'INVALID_EVENT', /recipientIds/);
  });

  it('refuses the review steps out of order', () => {
    const inMediation = caseIn('inMediation');
    expectRefused(
      applyCaseEvent(inMediation, { type: 'APPROVE_MEDIATION_AGREEMENT', actor: judge, at: hourAfter(inMediation), decisionId: 'md-1', recipientIds: [filer.userId] }, calendar),
      'INVALID_STATE',
    );
    const issued = approve(signed());
    expectRefused(applyCaseEvent(issued, { type: 'RECORD_AGREEMENT_IN_TRANSCRIPT', actor: judge, at: hourAfter(issued), ground: 'otherNoDecisionNeeded' }, calendar), 'INVALID_STATE');
    const s = signed();
    expectRefused(receipt(s, filer.userId, hourAfter(s)), 'INVALID_STATE');
  });
});
