import { describe, expect, it } from 'vitest';
import { DEFAULT_COURT_FEE_CONFIG, quoteFee } from '../../../../state-machines/rules/fees.js';
import { groupedFen, shownAtFen, toFen } from '../../../../state-machines/rules/money.js';

describe('money shown to the fen', () => {
  it('rounds exact amounts half up to the fen and never shows minus zero', () => {
    expect(toFen('15911.11101')).toBe('15911.11');
    expect(toFen('0.005')).toBe('0.01');
    expect(toFen('0.00499')).toBe('0.00');
    expect(toFen('-0.00101')).toBe('0.00');
    expect(toFen('150000')).toBe('150000.00');
    expect(toFen('8800.5')).toBe('8800.50');
    expect(toFen('not money')).toBe('not money');
  });

  it('groups thousands for reading', () => {
    expect(groupedFen('15911.11101')).toBe('15,911.11');
    expect(groupedFen('1234567.891')).toBe('1,234,567.89');
    expect(groupedFen('999')).toBe('999.00');
  });

  it("leaves out a breakdown line that is nothing at the fen, such as the rounding of a fee already at the fen", () => {
    // 1,234,567.89 yuan: the exact fee has fractions of a fen that the rounding line removes.
    const quote = quoteFee({ caseType: 'property', amount: '1234567.89' }, DEFAULT_COURT_FEE_CONFIG);
    const rounding = quote.breakdown.find((l) => l.code === 'ROUNDING');
    expect(rounding).toBeDefined();
    expect(shownAtFen(rounding?.amount ?? '')).toBe(false);
    expect(quote.breakdown.filter((l) => l.code !== 'ROUNDING').every((l) => shownAtFen(l.amount))).toBe(true);
    expect(toFen(quote.fee)).toBe(quote.fee);
  });
});
