import { describe, expect, it } from 'vitest';
import { pendingRelief, reliefHoldsFeePeriod } from '../../../../server/cases/feeRelief.js';
import type { StoredFeeRelief } from '../../../../server/cases/caseModel.js';

const application = (over: Partial<StoredFeeRelief>): StoredFeeRelief => ({
  id: 'a1',
  kind: 'waiver',
  reasons: '困难',
  proofIds: ['d1'],
  status: 'pending',
  appliedAt: '2026-03-01T02:00:00.000Z',
  applicantId: 'u1',
  ...over,
});
// Seven calendar days, as a test stand-in for the court calendar's count.
const payBy = (refusedAt: string) => new Date(Date.parse(refusedAt) + 7 * 86_400_000).toISOString().slice(0, 10);

describe('fee relief holds the fee period', () => {
  it('while an application waits', () => {
    const doc = { feeRelief: [application({})] };
    expect(pendingRelief(doc)?.id).toBe('a1');
    expect(reliefHoldsFeePeriod(doc, '2030-01-01T00:00:00.000Z', payBy)).toBe(true);
  });

  it('for the days to pay after a refusal, and no longer', () => {
    const doc = { feeRelief: [application({ status: 'refused', decidedAt: '2026-03-10T02:00:00.000Z' })] };
    expect(pendingRelief(doc)).toBeUndefined();
    expect(reliefHoldsFeePeriod(doc, '2026-03-17T10:00:00.000Z', payBy)).toBe(true);
    expect(reliefHoldsFeePeriod(doc, '2026-03-18T10:00:00.000Z', payBy)).toBe(false);
  });

  it('not after a grant, nor without an application', () => {
    expect(reliefHoldsFeePeriod({ feeRelief: [application({ status: 'granted', decidedAt: '2026-03-10T02:00:00.000Z' })] }, '2026-03-11T00:00:00.000Z', payBy)).toBe(false);
    expect(reliefHoldsFeePeriod({}, '2026-03-11T00:00:00.000Z', payBy)).toBe(false);
  });
});
