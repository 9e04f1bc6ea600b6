import { describe, expect, it } from 'vitest';
import { applyCaseEvent, caseStatusOf } from '../../../../state-machines/case/caseMachine.js';
import type { CaseEvent, CaseSnapshotJson } from '../../../../state-machines/case/caseMachine.js';
import type { ReachableStatus, UntimedEvent } from './caseFixtures.js';
import { calendar, caseIn, clerk, filer, hourAfter, judge, mediator, newCase } from './caseFixtures.js';

const viaJson = (snapshot: CaseSnapshotJson): CaseSnapshotJson => JSON.parse(JSON.stringify(snapshot)) as CaseSnapshotJson;

/** For each status, an event that moves it on, to show a restored case behaves like the original. */
const nextEvent: Array<[ReachableStatus, UntimedEvent]> = [
  ['draft', { type: 'SUBMIT', actor: filer, findings: [] }],
  ['correctionRequested', { type: 'RESUBMIT', actor: filer, findings: [] }],
  ['underReview', { type: 'REVIEW_ACCEPT', actor: clerk, caseNumber: 'X', fee: { amount: '10', currency: 'CNY' } }],
  ['docketed', { type: 'FEE_WAIVED', actor: clerk, reason: 'r' }],
  ['servedOnDefendant', { type: 'WITHDRAW', actor: filer }],
  ['inMediation', { type: 'MEDIATION_SETTLED', actor: mediator, agreementId: 'a' }],
  ['hearingScheduled', { type: 'HEARING_STARTED', actor: judge, hearingId: 'h-1' }],
  ['decided', { type: 'CLOSE', actor: clerk }],
];

describe('persisted snapshots', () => {
  it.each(nextEvent)('survive a JSON round trip in %s', (status, partial) => {
    const original = caseIn(status);
    const restored = viaJson(original);
    expect(restored).toStrictEqual(original);
    expect(caseStatusOf(restored)).toBe(status);

    const event = { ...partial, at: hourAfter(original) } as CaseEvent;
    const fromOriginal = applyCaseEvent(original, event, calendar);
    const fromRestored = applyCaseEvent(restored, event, calendar);
    expect(fromOriginal.ok).toBe(true);
    expect(fromRestored).toStrictEqual(fromOriginal);
  });

  it('holds nothing but plain data: no calendar, no xstate internals', () => {
    const snapshot = caseIn('servedOnDefendant');
    expect(Object.keys(snapshot).sort()).toStrictEqual(['context', 'schemaVersion', 'status']);
    expect(JSON.stringify(snapshot)).not.toMatch(/isRestDay|calendar|_nodes|historyValue/);
    expect(viaJson(snapshot)).toStrictEqual(snapshot);
  });

  it('never stores the transient submitted status', () => {
    expect(caseIn('underReview').status).toBe('underReview');
    expect(() => caseStatusOf({ ...newCase(), status: 'submitted' })).toThrow(/unknown status submitted/);
  });

  it('refuses snapshots this module did not write', () => {
    const bogus = { ...newCase(), status: 'appealed' } as unknown as CaseSnapshotJson;
    expect(() => caseStatusOf(bogus)).toThrow(/unknown status appealed/);
    const future = { ...newCase(), schemaVersion: 2 } as unknown as CaseSnapshotJson;
    expect(() => applyCaseEvent(future, { type: 'WITHDRAW', actor: filer, at: '2025-03-02T00:00:00Z' }, calendar)).toThrow(
      /schema version/,
    );
  });

  it('does not alter the snapshot it was given, and hands out copies', () => {
    const snapshot = caseIn('underReview');
    const before = JSON.stringify(snapshot);
    const result = applyCaseEvent(
      snapshot,
      { type: 'REVIEW_REJECT', actor: clerk, reasons: ['No jurisdiction'], at: hourAfter(snapshot) },
      calendar,
    );
    expect(JSON.stringify(snapshot)).toBe(before);
    if (!result.ok) throw new Error(result.error.message);
    result.context.deadlines.docketBy = 'tampered';
    result.context.findings.push({ code: 'X', message: 'tampered' });
    expect(snapshot.context.deadlines.docketBy).toBe('2025-03-10');
    expect(snapshot.context.findings).toStrictEqual([]);
  });
});
