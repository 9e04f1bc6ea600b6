import { describe, expect, it } from 'vitest';
import { applyDeliveryStep, stepAt } from '../../../../state-machines/service/delivery.js';
import type { DeliveryRecord, DeliveryStep } from '../../../../state-machines/service/delivery.js';

const empty: DeliveryRecord = { channel: 'email', address: 'zhang@example.com', addressConfirmed: true, steps: [] };

/** Applies the steps in order, failing the test if any is refused. */
function build(steps: Array<[DeliveryStep, string]>, base: DeliveryRecord = empty): DeliveryRecord {
  let r = base;
  for (const [step, at] of steps) {
    const result = applyDeliveryStep(r, step, at);
    if (!result.ok) throw new Error(`${step} refused: ${result.error.message}`);
    r = result.record;
  }
  return r;
}

function refusal(r: DeliveryRecord, step: DeliveryStep, at: string): string {
  const result = applyDeliveryStep(r, step, at);
  expect(result.ok).toBe(false);
  if (result.ok) return '';
  expect(result.error.code).toBe('INVALID_STEP');
  return result.error.message;
}

const T0 = '2026-03-01T09:00:00+08:00';
const T1 = '2026-03-01T09:00:05+08:00';
const T2 = '2026-03-01T09:01:00+08:00';
const T3 = '2026-03-02T10:00:00+08:00';
const T4 = '2026-03-03T11:00:00+08:00';

describe('applyDeliveryStep: the happy path', () => {
  it('records created -> sent -> delivered -> read -> acknowledged -> acted', () => {
    const r = build([
      ['created', T0],
      ['sent', T1],
      ['delivered', T2],
      ['read', T3],
      ['acknowledged', T4],
      ['acted', '2026-03-04T09:00:00+08:00'],
    ]);
    expect(r.steps.map((s) => s.step)).toEqual(['created', 'sent', 'delivered', 'read', 'acknowledged', 'acted']);
    expect(r.channel).toBe('email');
    expect(r.address).toBe('zhang@example.com');
    expect(r.addressConfirmed).toBe(true);
  });

  it('returns a new record and leaves the input unchanged', () => {
    const created = build([['created', T0]]);
    const result = applyDeliveryStep(created, 'sent', T1);
    expect(result.ok).toBe(true);
    expect(created.steps).toEqual([{ step: 'created', at: T0 }]);
    if (result.ok) expect(result.record.steps).toEqual([{ step: 'created', at: T0 }, { step: 'sent', at: T1 }]);
  });

  it('lets an inbox message be delivered and read at the same instant', () => {
    const inbox: DeliveryRecord = { ...empty, channel: 'inbox', address: 'u-defendant' };
    const r = build([['created', T0], ['sent', T0], ['delivered', T0], ['read', T0]], inbox);
    expect(stepAt(r, 'read')).toBe(T0);
  });

  it('lets read, acknowledgement and a procedural act come without a delivery report', () => {
    const sent = build([['created', T0], ['sent', T1]]);
    expect(applyDeliveryStep(sent, 'read', T2).ok).toBe(true);
    expect(applyDeliveryStep(sent, 'acknowledged', T2).ok).toBe(true);
    expect(applyDeliveryStep(sent, 'acted', T2).ok).toBe(true);
  });

  it('accepts read, acknowledged and acted in any order among themselves', () => {
    const r = build([['created', T0], ['sent', T1], ['acted', T2], ['acknowledged', T3], ['read', T4]]);
    expect(r.steps.map((s) => s.step)).toEqual(['created', 'sent', 'acted', 'acknowledged', 'read']);
  });
});

describe('applyDeliveryStep: ordering', () => {
  it("starts with 'created' and only once", () => {
    expect(refusal(empty, 'sent', T0)).toMatch(/first step must be 'created'/);
    expect(refusal(empty, 'failed', T0)).toMatch(/first step must be 'created'/);
    expect(refusal(build([['created', T0]]), 'created', T1)).toMatch(/already recorded/);
  });

  it("needs 'sent' before 'delivered', 'read', 'acknowledged' and 'acted'", () => {
    const created = build([['created', T0]]);
    expect(refusal(created, 'delivered', T1)).toMatch(/'delivered' needs 'sent' first/);
    expect(refusal(created, 'read', T1)).toMatch(/'read' needs 'sent' first/);
    expect(refusal(created, 'acknowledged', T1)).toMatch(/needs 'sent' first/);
    expect(refusal(created, 'acted', T1)).toMatch(/needs 'sent' first/);
  });

  it('refuses a delivery report after the message was already read', () => {
    const read = build([['created', T0], ['sent', T1], ['read', T2]]);
    expect(refusal(read, 'delivered', T3)).toMatch(/'read' already shows the message arrived/);
  });

  it('refuses a step already recorded, even at the same instant', () => {
    const delivered = build([['created', T0], ['sent', T1], ['delivered', T2], ['read', T3]]);
    expect(refusal(delivered, 'sent', T3)).toMatch(/'sent' is already recorded \(at 2026-03-01T09:00:05\+08:00\)/);
    expect(refusal(delivered, 'delivered', T3)).toMatch(/already recorded/);
    expect(refusal(delivered, 'read', T3)).toMatch(/already recorded/);
  });

  it('refuses a step earlier than the one before it, comparing instants rather than text', () => {
    const sent = build([['created', T0], ['sent', '2026-03-01T23:00:00+08:00']]);
    expect(refusal(sent, 'delivered', '2026-03-01T22:59:59+08:00')).toMatch(/earlier than the previous step 'sent'/);
    // '2026-03-01T16:00:00Z' sorts before '2026-03-01T23:...' as text but is 03-02 00:00 in Shanghai.
    expect(applyDeliveryStep(sent, 'delivered', '2026-03-01T16:00:00Z').ok).toBe(true);
    // '2026-03-01T14:59:59Z' sorts after it as text but is 22:59:59 in Shanghai: earlier.
    expect(refusal(sent, 'delivered', '2026-03-01T14:59:59Z')).toMatch(/earlier than the previous step/);
  });

  it('compares against the last recorded step, not just the first', () => {
    const read = build([['created', T0], ['sent', T1], ['delivered', T2], ['read', T4]]);
    expect(refusal(read, 'acknowledged', T3)).toMatch(/earlier than the previous step 'read'/);
  });
});

describe("applyDeliveryStep: 'failed'", () => {
  it('may follow created or sent', () => {
    expect(applyDeliveryStep(build([['created', T0]]), 'failed', T1).ok).toBe(true);
    expect(applyDeliveryStep(build([['created', T0], ['sent', T1]]), 'failed', T2).ok).toBe(true);
  });

  it('is refused once the message arrived', () => {
    const delivered = build([['created', T0], ['sent', T1], ['delivered', T2]]);
    expect(refusal(delivered, 'failed', T3)).toMatch(/only possible before 'delivered'; 'delivered'/);
    const acknowledged = build([['created', T0], ['sent', T1], ['acknowledged', T2]]);
    expect(refusal(acknowledged, 'failed', T3)).toMatch(/'acknowledged' is already recorded/);
  });

  it('ends the record: nothing may follow', () => {
    const failed = build([['created', T0], ['sent', T1], ['failed', T2]]);
    for (const step of ['delivered', 'read', 'acknowledged', 'acted'] as const) {
      expect(refusal(failed, step, T3)).toMatch(/no step may follow 'failed'/);
    }
    expect(refusal(failed, 'failed', T3)).toMatch(/already recorded/);
    const failedUnsent = build([['created', T0], ['failed', T1]]);
    expect(refusal(failedUnsent, 'sent', T2)).toMatch(/no step may follow 'failed'/);
  });
});

describe('applyDeliveryStep: malformed input', () => {
  it('refuses an instant without a zone or that does not exist', () => {
    expect(refusal(empty, 'created', '2026-03-01T09:00:00')).toMatch(/with a zone/);
    expect(refusal(empty, 'created', '2026-03-01')).toMatch(/with a zone/);
    expect(refusal(empty, 'created', '2026-13-01T09:00:00Z')).toMatch(/with a zone/);
    // Date.parse would quietly read these as 2026-03-02 and as the next midnight.
    expect(refusal(empty, 'created', '2026-02-30T09:00:00Z')).toMatch(/with a zone/);
    expect(refusal(empty, 'created', '2026-03-01T24:00:00+08:00')).toMatch(/with a zone/);
  });

  it('refuses an unknown step', () => {
    expect(refusal(build([['created', T0]]), 'bounced' as DeliveryStep, T1)).toMatch(/unknown delivery step "bounced"/);
  });
});

describe('stepAt', () => {
  it('gives the instant of a recorded step and undefined otherwise', () => {
    const r = build([['created', T0], ['sent', T1]]);
    expect(stepAt(r, 'created')).toBe(T0);
    expect(stepAt(r, 'sent')).toBe(T1);
    expect(stepAt(r, 'delivered')).toBeUndefined();
    expect(stepAt(empty, 'created')).toBeUndefined();
  });
});
