/**
 * The reading review in the case machine (issue 19): its findings join the correction notice,
 * the platform dockets by itself only with a reason, and court staff may reverse an automatic
 * docketing within the review period.
 */
import { describe, expect, it } from 'vitest';
import { applyCaseEvent, type CaseEvent, type CaseSnapshotJson } from '../../../../state-machines/case/caseMachine.js';
import { calendar, caseIn, clerk, expectRefused, fee, filer, hourAfter, judge, missingId, system, type UntimedEvent } from './caseFixtures.js';

const amountFinding = {
  code: 'COMPLAINT_AMOUNT_MISMATCH',
  message: 'c.pdf, page 1: the complaint claims CNY 12345.60',
  messageZh: 'c.pdf第1页：起诉状请求金额为12345.60元',
  location: { documentId: 'd1', filename: 'c.pdf', page: 1, quote: '人民币12,345.60元' },
};

function send(snapshot: CaseSnapshotJson, event: UntimedEvent) {
  return applyCaseEvent(snapshot, { ...event, at: event.at ?? hourAfter(snapshot) } as CaseEvent, calendar);
}

function ok(result: ReturnType<typeof send>) {
  if (!result.ok) throw new Error(result.error.message);
  return result;
}

describe('READING_REVIEWED', () => {
  it('turns a filing under review into a correction request carrying the findings and where they were read', () => {
    const r = ok(send(caseIn('underReview'), { type: 'READING_REVIEWED', actor: system, findings: [amountFinding] }));
    expect(r.status).toBe('correctionRequested');
    expect(r.context.findings).toEqual([amountFinding]);
    expect(r.context.correction).toMatchObject({ source: 'automatic', reasons: [amountFinding.message] });
    expect(r.context.deadlines.correctBy).toBeDefined();
    expect(r.context.deadlines.docketBy).toBeUndefined();
  });

  it('leaves a filing under review with the clerk when nothing was found', () => {
    const before = caseIn('underReview');
    const r = ok(send(before, { type: 'READING_REVIEWED', actor: system, findings: [] }));
    expect(r.status).toBe('underReview');
    expect(r.context.deadlines).toEqual(before.context.deadlines);
    expect(r.context.timestamps.readingReviewedAt).toBeDefined();
  });

  it('adds its findings to the correction notice already standing, keeping its deadline', () => {
    const before = ok(send(caseIn('draft'), { type: 'SUBMIT', actor: filer, findings: [missingId] }));
    const r = ok(send(before.snapshot, { type: 'READING_REVIEWED', actor: system, findings: [amountFinding] }));
    expect(r.status).toBe('correctionRequested');
    expect(r.context.findings.map((f) => f.code)).toEqual(['ID_MISSING', 'COMPLAINT_AMOUNT_MISMATCH']);
    expect(r.context.correction?.reasons).toEqual([missingId.message, amountFinding.message]);
    expect(r.context.deadlines.correctBy).toBe(before.context.deadlines.correctBy);
  });

  it('is the system\'s alone', () => {
    expectRefused(send(caseIn('underReview'), { type: 'READING_REVIEWED', actor: clerk, findings: [] }), 'FORBIDDEN');
  });
});

describe('automatic docketing and its reversal', () => {
  const auto = { type: 'REVIEW_ACCEPT' as const, actor: system, caseNumber: '（2025）京0105民初7号', fee, automatic: { reason: 'the reading review found nothing' } };

  it('is made by the system only, and only with a reason', () => {
    expectRefused(send(caseIn('underReview'), { type: 'REVIEW_ACCEPT', actor: system, caseNumber: 'X1', fee }), 'INVALID_EVENT', /automatic docketing/);
    expectRefused(send(caseIn('underReview'), { ...auto, actor: clerk }), 'INVALID_EVENT', /automatic docketing/);
    expectRefused(send(caseIn('underReview'), { ...auto, automatic: { reason: ' ' } }), 'INVALID_EVENT', /reason/);
  });

  it('dockets and records that it was automatic, reversible until the end of the review period', () => {
    const before = caseIn('underReview');
    const r = ok(send(before, auto));
    expect(r.status).toBe('docketed');
    expect(r.context.caseNumber).toBe(auto.caseNumber);
    expect(r.context.docketing).toMatchObject({ automatic: true, reason: auto.automatic.reason, reversibleUntil: before.context.deadlines.docketBy });
  });

  it('lets a clerk or judge of the court reverse it with reasons: back to the clerk, without the number', () => {
    const docketed = ok(send(caseIn('underReview'), auto)).snapshot;
    for (const actor of [clerk, judge]) {
      const r = ok(send(docketed, { type: 'DOCKETING_REVERSED', actor, reasons: ['the evidence list is incomplete'] }));
      expect(r.status).toBe('underReview');
      expect(r.context.caseNumber).toBeUndefined();
      expect(r.context.fee).toBeUndefined();
      expect(r.context.deadlines.feeDueBy).toBeUndefined();
      expect(r.context.deadlines.docketBy).toBe(docketed.context.docketing?.reversibleUntil);
      expect(r.context.docketing?.reversed).toMatchObject({ reasons: ['the evidence list is incomplete'], caseNumber: auto.caseNumber });
    }
    expectRefused(send(docketed, { type: 'DOCKETING_REVERSED', actor: clerk, reasons: [] }), 'INVALID_EVENT', /reason/);
    expectRefused(send(docketed, { type: 'DOCKETING_REVERSED', actor: filer, reasons: ['x'] }), 'FORBIDDEN');
  });

  it('refuses to reverse a clerk\'s docketing, or an automatic one after the review period', () => {
    expectRefused(send(caseIn('docketed'), { type: 'DOCKETING_REVERSED', actor: clerk, reasons: ['x'] }), 'INVALID_EVENT', /only an automatic docketing/);
    const docketed = ok(send(caseIn('underReview'), auto)).snapshot;
    const late = `${docketed.context.docketing?.reversibleUntil ?? ''}T23:00:00+08:00`;
    const after = new Date(Date.parse(late) + 2 * 3600_000).toISOString();
    expectRefused(send(docketed, { type: 'DOCKETING_REVERSED', actor: clerk, reasons: ['x'], at: after }), 'INVALID_EVENT', /review period/);
  });
});
