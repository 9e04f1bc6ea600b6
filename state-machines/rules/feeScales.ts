/**
 * The statutory fee scales of 《诉讼费用交纳办法》 (Arts. 13-14), docs/legal-rules.md "Litigation fees", as exact
 * decimal functions. fees.ts builds quotes from them; import the public names from there.
 *
 * All arithmetic is in decimal.js; binary floating point would misstate fen amounts.
 */
import { Decimal } from 'decimal.js';

// A private clone: other modules may change the global Decimal settings, and fee results must
// not depend on that. 40 digits keeps every fee below 10^30 yuan exact except the one-third rule.
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export type FeeInputErrorCode =
  | 'AMOUNT_REQUIRED'
  | 'INVALID_AMOUNT'
  | 'NEGATIVE_AMOUNT'
  | 'AMOUNT_NOT_APPLICABLE'
  | 'UNKNOWN_CASE_TYPE'
  | 'INVALID_HALVING'
  | 'HALVING_NOT_APPLICABLE'
  | 'INVALID_CONFIG';

export class FeeInputError extends Error {
  readonly code: FeeInputErrorCode;
  constructor(code: FeeInputErrorCode, message: string) {
    super(message);
    this.name = 'FeeInputError';
    this.code = code;
  }
}

/** A marginal scale: `flat` up to the first threshold, then `rate` on the part above each `from`. */
export interface Scale {
  flat: string;
  bands: ReadonlyArray<{ from: string; rate: string }>;
}

export function applyScale(x: Decimal, scale: Scale): Decimal {
  let fee = new D(scale.flat);
  scale.bands.forEach((band, i) => {
    const from = new D(band.from);
    const next = scale.bands[i + 1];
    const to = next ? D.min(x, next.from) : x;
    if (to.gt(from)) fee = fee.plus(to.minus(from).times(band.rate));
  });
  return fee;
}

// Art. 13(1). The cumulative values at the band tops in docs/legal-rules.md are checked by the tests.
export const PROPERTY_SCALE: Scale = {
  flat: '50',
  bands: [
    { from: '10000', rate: '0.025' },
    { from: '100000', rate: '0.02' },
    { from: '200000', rate: '0.015' },
    { from: '500000', rate: '0.01' },
    { from: '1000000', rate: '0.009' },
    { from: '2000000', rate: '0.008' },
    { from: '5000000', rate: '0.007' },
    { from: '10000000', rate: '0.006' },
    { from: '20000000', rate: '0.005' },
  ],
};

// Art. 14(1).
export const ENFORCEMENT_SCALE: Scale = {
  flat: '50',
  bands: [
    { from: '10000', rate: '0.015' },
    { from: '500000', rate: '0.01' },
    { from: '5000000', rate: '0.005' },
    { from: '10000000', rate: '0.001' },
  ],
};

// Art. 14(2); capped separately.
const PRESERVATION_SCALE: Scale = {
  flat: '30',
  bands: [
    { from: '1000', rate: '0.01' },
    { from: '100000', rate: '0.005' },
  ],
};
const PRESERVATION_CAP = '5000';

// Art. 13(2)-(3): the surcharges on top of the per-case divorce and personality fees.
export const DIVORCE_PROPERTY_SCALE: Scale = { flat: '0', bands: [{ from: '200000', rate: '0.005' }] };
export const PERSONALITY_DAMAGES_SCALE: Scale = {
  flat: '0',
  bands: [
    { from: '50000', rate: '0.01' },
    { from: '100000', rate: '0.005' },
  ],
};

const BANKRUPTCY_CAP = '300000';
export const FIXED_FEES = {
  labour: '10',
  administrativeSpecial: '100',
  administrative: '50',
  publicSummons: '100',
  arbitration: '400',
} as const;

export function toAmount(value: unknown, field: string, maxPlaces?: number): Decimal {
  let d: Decimal;
  if (typeof value === 'string') {
    // Only plain decimals: Decimal would also take hex, binary and exponent forms, which no
    // one types into a fee form on purpose.
    if (!/^-?\d+(?:\.\d+)?$/.test(value.trim())) {
      throw new FeeInputError('INVALID_AMOUNT', `${field} must be a decimal number of yuan, got "${value}"`);
    }
    d = new D(value.trim());
  } else if (typeof value === 'number' || Decimal.isDecimal(value)) {
    d = new D(value as Decimal.Value);
    if (!d.isFinite()) throw new FeeInputError('INVALID_AMOUNT', `${field} must be a finite number`);
  } else {
    throw new FeeInputError('INVALID_AMOUNT', `${field} must be a number or a decimal string`);
  }
  if (d.lt(0)) throw new FeeInputError('NEGATIVE_AMOUNT', `${field} must not be negative, got ${d.toFixed()}`);
  if (maxPlaces !== undefined && d.decimalPlaces() > maxPlaces) {
    throw new FeeInputError('INVALID_AMOUNT', `${field} must be in yuan with at most ${maxPlaces} decimal places (fen)`);
  }
  return d;
}

/** Art. 13(1): acceptance fee of a property case, exact (no rounding). */
export function propertyAcceptanceFee(amount: Decimal.Value): Decimal {
  return applyScale(toAmount(amount, 'amount'), PROPERTY_SCALE);
}

/** Art. 14(1): enforcement application fee when there is an amount to enforce. */
export function enforcementFee(amount: Decimal.Value): Decimal {
  return applyScale(toAmount(amount, 'amount'), ENFORCEMENT_SCALE);
}

/** Art. 14(2): preservation application fee; with no amount it is the flat 30. */
export function preservationFee(amount?: Decimal.Value): Decimal {
  if (amount === undefined) return new D(PRESERVATION_SCALE.flat);
  return D.min(applyScale(toAmount(amount, 'amount'), PRESERVATION_SCALE), PRESERVATION_CAP);
}

/** Art. 14(3): one third of the property acceptance fee; not a terminating decimal in general. */
export function paymentOrderFee(amount: Decimal.Value): Decimal {
  return propertyAcceptanceFee(amount).div(3);
}

/** Art. 14(6): half the property scale on the bankruptcy estate, at most 300,000. */
export function bankruptcyFee(amount: Decimal.Value): Decimal {
  return D.min(propertyAcceptanceFee(amount).div(2), BANKRUPTCY_CAP);
}
