import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  bankruptcyFee,
  DEFAULT_COURT_FEE_CONFIG,
  enforcementFee,
  FeeInputError,
  paymentOrderFee,
  preservationFee,
  propertyAcceptanceFee,
  quoteFee,
  validateCourtFeeConfig,
  type CourtFeeConfig,
  type FeeQuote,
  type FeeRequest,
} from '../../../../state-machines/rules/fees.js';

function feeError(fn: () => unknown): FeeInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FeeInputError);
    return e as FeeInputError;
  }
  throw new Error('expected a FeeInputError');
}

function sumOfLines(q: FeeQuote): string {
  return q.breakdown.reduce((s, l) => s.plus(l.amount), new Decimal(0)).toFixed(2);
}

describe('propertyAcceptanceFee (C3 Art. 13(1))', () => {
  it.each([
    ['10000', '50'],
    ['10001', '50.025'],
    ['50000', '1050'],
    ['150000', '3300'],
    ['300000', '5800'],
    ['1234567', '15911.103'],
    ['30000000', '191800'],
    ['100000000', '541800'],
  ])('legal-rules vector %s -> %s', (amount, fee) => {
    expect(propertyAcceptanceFee(amount).toFixed()).toBe(fee);
  });

  it.each([
    ['0', '50'],
    ['9999.99', '50'],
    ['100000', '2300'],
    ['100000.01', '2300.0002'],
    ['200000', '4300'],
    ['500000', '8800'],
    ['1000000', '13800'],
    ['2000000', '22800'],
    ['5000000', '46800'],
    ['10000000', '81800'],
    ['20000000', '141800'],
    ['20000001', '141800.005'],
  ])('band edge %s -> %s', (amount, fee) => {
    expect(propertyAcceptanceFee(amount).toFixed()).toBe(fee);
  });

  it('accepts numbers and Decimals as well as strings', () => {
    expect(propertyAcceptanceFee(50000).toFixed()).toBe('1050');
    expect(propertyAcceptanceFee(new Decimal('1234567')).toFixed()).toBe('15911.103');
  });

  it('rejects negative and non-numeric amounts', () => {
    expect(feeError(() => propertyAcceptanceFee('-1')).code).toBe('NEGATIVE_AMOUNT');
    expect(feeError(() => propertyAcceptanceFee('abc')).code).toBe('INVALID_AMOUNT');
    expect(feeError(() => propertyAcceptanceFee(Number.NaN)).code).toBe('INVALID_AMOUNT');
    expect(feeError(() => propertyAcceptanceFee(Number.POSITIVE_INFINITY)).code).toBe('INVALID_AMOUNT');
    expect(feeError(() => propertyAcceptanceFee('0x10')).code).toBe('INVALID_AMOUNT');
    expect(feeError(() => propertyAcceptanceFee('1e5')).code).toBe('INVALID_AMOUNT');
  });
});

describe('application fees (C3 Art. 14)', () => {
  it.each([
    ['0', '50'],
    ['10000', '50'],
    ['10001', '50.015'],
    ['500000', '7400'],
    ['5000000', '52400'],
    ['10000000', '77400'],
    ['20000000', '87400'],
  ])('enforcement %s -> %s', (amount, fee) => {
    expect(enforcementFee(amount).toFixed()).toBe(fee);
  });

  it.each([
    ['0', '30'],
    ['1000', '30'],
    ['1001', '30.01'],
    ['100000', '1020'],
    ['100000.01', '1020.00005'],
    ['500000', '3020'],
    ['895999', '4999.995'],
    ['896000', '5000'],
    ['10000000', '5000'],
  ])('preservation %s -> %s', (amount, fee) => {
    expect(preservationFee(amount).toFixed()).toBe(fee);
  });

  it('charges 30 for preservation with no amount', () => {
    expect(preservationFee().toFixed()).toBe('30');
  });

  it('charges one third of the property fee for a payment order', () => {
    expect(paymentOrderFee('50000').toFixed()).toBe('350');
    expect(paymentOrderFee('10000').times(3).toDecimalPlaces(20).toFixed()).toBe('50');
  });

  it('charges half the property scale for bankruptcy, capped at 300,000', () => {
    expect(bankruptcyFee('1234567').toFixed()).toBe('7955.5515');
    expect(bankruptcyFee('100000000').toFixed()).toBe('270900');
    // Half the scale reaches 300,000 at 20,000,000 + (600,000 - 141,800) / 0.005.
    expect(bankruptcyFee('111640000').toFixed()).toBe('300000');
    expect(bankruptcyFee('500000000').toFixed()).toBe('300000');
  });
});

describe('quoteFee', () => {
  it('rounds half-up to the fen by default and keeps the exact value', () => {
    expect(quoteFee({ caseType: 'property', amount: '10001' })).toMatchObject({
      fee: '50.03',
      exact: '50.025',
      currency: 'CNY',
    });
    expect(quoteFee({ caseType: 'property', amount: '10000' })).toMatchObject({ fee: '50.00', exact: '50.00' });
  });

  it('rounds to whole yuan when the court says so, still with 2 places', () => {
    const yuan: CourtFeeConfig = { ...DEFAULT_COURT_FEE_CONFIG, rounding: 'yuan' };
    expect(quoteFee({ caseType: 'property', amount: '1234567' }, yuan)).toMatchObject({ fee: '15911.00', exact: '15911.103' });
    expect(quoteFee({ caseType: 'property', amount: '10020' }, yuan)).toMatchObject({ fee: '51.00', exact: '50.50' });
  });

  it('halves once even when several grounds apply, before rounding', () => {
    const once = quoteFee({ caseType: 'property', amount: '10001', halving: ['simpleProcedure'] });
    const twice = quoteFee({ caseType: 'property', amount: '10001', halving: ['simpleProcedure', 'mediation', 'withdrawal'] });
    expect(once).toMatchObject({ exact: '25.0125', fee: '25.01' });
    expect(twice.exact).toBe(once.exact);
    expect(twice.breakdown.filter((l) => l.code === 'HALVED')).toHaveLength(1);
    // A halved fee like the 1962.5 that docs/legal-rules.md cites: 3925 (the fee on 181,250) halved.
    expect(quoteFee({ caseType: 'property', amount: '181250', halving: ['mediation'] })).toMatchObject({ exact: '1962.50', fee: '1962.50' });
  });

  it('has breakdown lines that add up to the rounded fee', () => {
    const requests: FeeRequest[] = [
      { caseType: 'property', amount: '1234567', halving: ['counterclaim'] },
      { caseType: 'divorce', divorcePropertyAmount: '300000.01' },
      { caseType: 'paymentOrder', amount: '10000' },
      { caseType: 'personality', personalityDamagesAmount: '123456.78', halving: ['mediation'] },
    ];
    for (const req of requests) {
      const q = quoteFee(req);
      expect(sumOfLines(q), req.caseType).toBe(q.fee);
    }
  });

  it('adds 0.5% of divorce property above 200,000 to the configured divorce fee', () => {
    expect(quoteFee({ caseType: 'divorce' }).fee).toBe('50.00');
    expect(quoteFee({ caseType: 'divorce', divorcePropertyAmount: '200000' }).fee).toBe('50.00');
    expect(quoteFee({ caseType: 'divorce', divorcePropertyAmount: '300000' }).fee).toBe('550.00');
    const court200: CourtFeeConfig = { ...DEFAULT_COURT_FEE_CONFIG, divorce: '200' };
    expect(quoteFee({ caseType: 'divorce', divorcePropertyAmount: '300000' }, court200).fee).toBe('700.00');
  });

  it('adds personality damages: 0 to 50k, 1% to 100k, 0.5% above', () => {
    expect(quoteFee({ caseType: 'personality', personalityDamagesAmount: '50000' }).fee).toBe('100.00');
    expect(quoteFee({ caseType: 'personality', personalityDamagesAmount: '100000' }).fee).toBe('600.00');
    expect(quoteFee({ caseType: 'personality', personalityDamagesAmount: '100000.01' })).toMatchObject({
      exact: '600.00005',
      fee: '600.00',
    });
    expect(quoteFee({ caseType: 'personality', personalityDamagesAmount: '200000' }).fee).toBe('1100.00');
  });

  it('uses the fixed and configured per-case fees', () => {
    expect(quoteFee({ caseType: 'labour' }).fee).toBe('10.00');
    expect(quoteFee({ caseType: 'labour', halving: ['simpleProcedure'] }).fee).toBe('5.00');
    expect(quoteFee({ caseType: 'administrativeSpecial' }).fee).toBe('100.00');
    expect(quoteFee({ caseType: 'administrative' }).fee).toBe('50.00');
    expect(quoteFee({ caseType: 'nonProperty' }).fee).toBe('50.00');
    expect(quoteFee({ caseType: 'ipNoAmount' }).fee).toBe('500.00');
    expect(quoteFee({ caseType: 'enforcementNoAmount' }).fee).toBe('50.00');
    expect(quoteFee({ caseType: 'publicSummons' }).fee).toBe('100.00');
    expect(quoteFee({ caseType: 'arbitration' }).fee).toBe('400.00');
  });

  it('quotes application fees with an amount', () => {
    expect(quoteFee({ caseType: 'enforcement', amount: '500000' }).fee).toBe('7400.00');
    expect(quoteFee({ caseType: 'preservation', amount: '896000' }).fee).toBe('5000.00');
    expect(quoteFee({ caseType: 'preservation' }).fee).toBe('30.00');
    expect(quoteFee({ caseType: 'paymentOrder', amount: '10000' })).toMatchObject({ fee: '16.67', exact: '16.66666667' });
    expect(quoteFee({ caseType: 'bankruptcy', amount: '500000000' }).fee).toBe('300000.00');
  });

  it('requires an amount where the scale needs one', () => {
    for (const caseType of ['property', 'enforcement', 'paymentOrder', 'bankruptcy'] as const) {
      expect(feeError(() => quoteFee({ caseType })).code, caseType).toBe('AMOUNT_REQUIRED');
    }
  });

  it('rejects bad amounts', () => {
    expect(feeError(() => quoteFee({ caseType: 'property', amount: '-0.01' })).code).toBe('NEGATIVE_AMOUNT');
    expect(feeError(() => quoteFee({ caseType: 'property', amount: 'ten thousand' })).code).toBe('INVALID_AMOUNT');
    expect(feeError(() => quoteFee({ caseType: 'property', amount: '' })).code).toBe('INVALID_AMOUNT');
    expect(feeError(() => quoteFee({ caseType: 'property', amount: '100.001' })).code).toBe('INVALID_AMOUNT');
    expect(feeError(() => quoteFee({ caseType: 'property', amount: 0.1 + 0.2 })).code).toBe('INVALID_AMOUNT');
    expect(feeError(() => quoteFee({ caseType: 'divorce', divorcePropertyAmount: '-5' })).code).toBe('NEGATIVE_AMOUNT');
  });

  it('rejects fields and halving that do not apply', () => {
    expect(feeError(() => quoteFee({ caseType: 'labour', amount: '1000' })).code).toBe('AMOUNT_NOT_APPLICABLE');
    expect(feeError(() => quoteFee({ caseType: 'property', amount: '1', divorcePropertyAmount: '1' })).code).toBe('AMOUNT_NOT_APPLICABLE');
    expect(feeError(() => quoteFee({ caseType: 'enforcement', amount: '1', halving: ['mediation'] })).code).toBe('HALVING_NOT_APPLICABLE');
    const bogus = { caseType: 'property', amount: '1', halving: ['appeal'] } as unknown as FeeRequest;
    expect(feeError(() => quoteFee(bogus)).code).toBe('INVALID_HALVING');
    const unknown = { caseType: 'criminal' } as unknown as FeeRequest;
    expect(feeError(() => quoteFee(unknown)).code).toBe('UNKNOWN_CASE_TYPE');
    const unknownWithAmount = { caseType: 'criminal', amount: '100' } as unknown as FeeRequest;
    expect(feeError(() => quoteFee(unknownWithAmount)).code).toBe('UNKNOWN_CASE_TYPE');
  });

  it('refuses to quote with a configuration outside the statutory ranges', () => {
    const bad: CourtFeeConfig = { ...DEFAULT_COURT_FEE_CONFIG, divorce: '400' };
    const err = feeError(() => quoteFee({ caseType: 'labour' }, bad));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toMatch(/divorce/);
  });
});

describe('validateCourtFeeConfig', () => {
  it('accepts the defaults (statutory minimums) and the statutory maximums', () => {
    expect(validateCourtFeeConfig(DEFAULT_COURT_FEE_CONFIG)).toEqual([]);
    expect(
      validateCourtFeeConfig({ rounding: 'yuan', divorce: 300, personality: 500, nonProperty: 100, ipNoAmount: 1000, enforcementNoAmount: 500 }),
    ).toEqual([]);
  });

  it('lists every value outside its range', () => {
    const problems = validateCourtFeeConfig({
      rounding: 'fen',
      divorce: '49.99',
      personality: '501',
      nonProperty: '101',
      ipNoAmount: '499',
      enforcementNoAmount: '501',
    });
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/divorce.*50-300/);
  });

  it('reports a bad rounding mode and non-numeric values', () => {
    const problems = validateCourtFeeConfig({
      ...DEFAULT_COURT_FEE_CONFIG,
      rounding: 'jiao' as unknown as 'fen',
      personality: 'lots',
    });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/rounding/);
    expect(problems.join('\n')).toMatch(/personality/);
  });
});
