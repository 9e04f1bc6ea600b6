/**
 * Fee quotes under 《诉讼费用交纳办法》 (C3; docs/legal-rules.md, "Litigation fees"): per-court configuration of the
 * amounts provinces fix (Arts. 13-14), halving (Arts. 15, 16, 18) and rounding.
 */
import { Decimal } from 'decimal.js';
import {
  applyScale,
  bankruptcyFee,
  D,
  DIVORCE_PROPERTY_SCALE,
  ENFORCEMENT_SCALE,
  FeeInputError,
  FIXED_FEES,
  paymentOrderFee,
  PERSONALITY_DAMAGES_SCALE,
  preservationFee,
  PROPERTY_SCALE,
  toAmount,
} from './feeScales.js';

export {
  bankruptcyFee,
  enforcementFee,
  FeeInputError,
  paymentOrderFee,
  preservationFee,
  propertyAcceptanceFee,
  type FeeInputErrorCode,
} from './feeScales.js';

/** `exact` strings are exact, except that the one-third payment-order fee does not terminate. */
const EXACT_PLACES = 8;

export type FeeCaseType =
  | 'property'
  | 'divorce'
  | 'personality'
  | 'nonProperty'
  | 'ipNoAmount'
  | 'labour'
  | 'administrativeSpecial'
  | 'administrative'
  | 'enforcement'
  | 'enforcementNoAmount'
  | 'preservation'
  | 'paymentOrder'
  | 'publicSummons'
  | 'arbitration'
  | 'bankruptcy';

/** The first-instance civil case types a party files online; the others are docketed by court staff. */
export const ONLINE_CASE_TYPES = ['property', 'divorce', 'personality', 'nonProperty', 'ipNoAmount', 'labour'] as const satisfies readonly FeeCaseType[];
export type OnlineCaseType = (typeof ONLINE_CASE_TYPES)[number];

/**
 * The per-case amounts C3 Art. 13-14 leave to each province within a statutory range. They
 * are configuration because provinces set them; the defaults are the statutory minimums, not
 * any province's actual figures.
 */
export interface CourtFeeConfig {
  rounding: 'fen' | 'yuan';
  divorce: Decimal.Value;
  personality: Decimal.Value;
  nonProperty: Decimal.Value;
  ipNoAmount: Decimal.Value;
  enforcementNoAmount: Decimal.Value;
}

export const DEFAULT_COURT_FEE_CONFIG: CourtFeeConfig = {
  rounding: 'fen',
  divorce: '50',
  personality: '100',
  nonProperty: '50',
  ipNoAmount: '500',
  enforcementNoAmount: '50',
};

type ConfigAmountKey = Exclude<keyof CourtFeeConfig, 'rounding'>;

export const STATUTORY_FEE_RANGES: Readonly<Record<ConfigAmountKey, { min: string; max: string; source: string }>> = {
  divorce: { min: '50', max: '300', source: 'C3 Art. 13(2)' },
  personality: { min: '100', max: '500', source: 'C3 Art. 13(2)' },
  nonProperty: { min: '50', max: '100', source: 'C3 Art. 13(2)' },
  ipNoAmount: { min: '500', max: '1000', source: 'C3 Art. 13(3)' },
  enforcementNoAmount: { min: '50', max: '500', source: 'C3 Art. 14(1)' },
};

/** Lists every problem with a court's fee configuration; an empty list means it is valid. */
export function validateCourtFeeConfig(c: CourtFeeConfig): string[] {
  const problems: string[] = [];
  if (c.rounding !== 'fen' && c.rounding !== 'yuan') {
    problems.push(`rounding must be "fen" or "yuan", got ${String(c.rounding)}`);
  }
  for (const key of Object.keys(STATUTORY_FEE_RANGES) as ConfigAmountKey[]) {
    const range = STATUTORY_FEE_RANGES[key];
    let value: Decimal;
    try {
      value = toAmount(c[key], key, 2);
    } catch (e) {
      problems.push(e instanceof FeeInputError ? e.message : `${key} is not a valid amount`);
      continue;
    }
    if (value.lt(range.min) || value.gt(range.max)) {
      problems.push(`${key} is ${value.toFixed()}, outside the statutory range ${range.min}-${range.max} (${range.source})`);
    }
  }
  return problems;
}

export type HalvingGround = 'simpleProcedure' | 'mediation' | 'withdrawal' | 'counterclaim';

export interface FeeRequest {
  caseType: FeeCaseType;
  /** Amount claimed (or to enforce / preserve / bankruptcy estate), in yuan. */
  amount?: Decimal.Value;
  /** Divorce only: value of the property to be divided. */
  divorcePropertyAmount?: Decimal.Value;
  /** Personality-rights cases only: damages claimed. */
  personalityDamagesAmount?: Decimal.Value;
  halving?: ReadonlyArray<HalvingGround>;
}

export interface FeeLine {
  code: string;
  labelZh: string;
  labelEn: string;
  amount: string;
}

export interface FeeQuote {
  /** Rounded per the court's setting, always with 2 decimal places. */
  fee: string;
  exact: string;
  currency: 'CNY';
  breakdown: FeeLine[];
}

const HALVING_LABELS: Record<HalvingGround, { zh: string; en: string; article: string }> = {
  mediation: { zh: '调解结案', en: 'ended by mediation', article: 'Art. 15' },
  withdrawal: { zh: '撤诉', en: 'withdrawn', article: 'Art. 15' },
  simpleProcedure: { zh: '适用简易程序', en: 'simple procedure', article: 'Art. 16' },
  counterclaim: { zh: '反诉或有独立请求权的第三人', en: 'counterclaim or independent third-party claim', article: 'Art. 18' },
};

/** Halving applies to acceptance fees (案件受理费) only, not to application fees. */
const ACCEPTANCE_FEE_TYPES: ReadonlySet<FeeCaseType> = new Set<FeeCaseType>([
  'property', 'divorce', 'personality', 'nonProperty', 'ipNoAmount', 'labour', 'administrativeSpecial', 'administrative',
]);

const APPLICATION_FEE_TYPES: ReadonlySet<FeeCaseType> = new Set<FeeCaseType>([
  'enforcement', 'enforcementNoAmount', 'preservation', 'paymentOrder', 'publicSummons', 'arbitration', 'bankruptcy',
]);

const AMOUNT_TYPES: ReadonlySet<FeeCaseType> = new Set<FeeCaseType>([
  'property', 'enforcement', 'preservation', 'paymentOrder', 'bankruptcy',
]);

function formatExact(d: Decimal): string {
  const q = d.toDecimalPlaces(EXACT_PLACES, Decimal.ROUND_HALF_UP);
  return q.decimalPlaces() < 2 ? q.toFixed(2) : q.toFixed();
}

function line(code: string, labelZh: string, labelEn: string, amount: Decimal): FeeLine {
  return { code, labelZh, labelEn, amount: formatExact(amount) };
}

function requireAmount(req: FeeRequest): Decimal {
  if (req.amount === undefined || req.amount === null) {
    throw new FeeInputError('AMOUNT_REQUIRED', `A ${req.caseType} fee needs the amount in dispute`);
  }
  return toAmount(req.amount, 'amount', 2);
}

/** The fee before halving and rounding, as breakdown lines. */
function baseLines(req: FeeRequest, config: CourtFeeConfig): FeeLine[] {
  switch (req.caseType) {
    case 'property':
      return [line('PROPERTY', '财产案件受理费', 'Acceptance fee, property case', applyScale(requireAmount(req), PROPERTY_SCALE))];
    case 'divorce': {
      const lines = [line('DIVORCE', '离婚案件受理费', 'Acceptance fee, divorce case', new D(config.divorce))];
      if (req.divorcePropertyAmount !== undefined) {
        const property = toAmount(req.divorcePropertyAmount, 'divorcePropertyAmount', 2);
        lines.push(line('DIVORCE_PROPERTY', '财产分割（超过20万元的部分按0.5%）',
          'Property division (0.5% of the part above 200,000)', applyScale(property, DIVORCE_PROPERTY_SCALE)));
      }
      return lines;
    }
    case 'personality': {
      const lines = [line('PERSONALITY', '侵害人格权案件受理费', 'Acceptance fee, personality rights case', new D(config.personality))];
      if (req.personalityDamagesAmount !== undefined) {
        const damages = toAmount(req.personalityDamagesAmount, 'personalityDamagesAmount', 2);
        lines.push(line('PERSONALITY_DAMAGES', '损害赔偿（5万至10万元按1%，超过10万元按0.5%）',
          'Damages (1% from 50,000 to 100,000; 0.5% above)', applyScale(damages, PERSONALITY_DAMAGES_SCALE)));
      }
      return lines;
    }
    case 'nonProperty':
      return [line('NON_PROPERTY', '其他非财产案件受理费', 'Acceptance fee, other non-property case', new D(config.nonProperty))];
    case 'ipNoAmount':
      return [line('IP_NO_AMOUNT', '知识产权案件受理费（无争议金额）', 'Acceptance fee, IP case without an amount', new D(config.ipNoAmount))];
    case 'labour':
      return [line('LABOUR', '劳动争议案件受理费', 'Acceptance fee, labour dispute', new D(FIXED_FEES.labour))];
    case 'administrativeSpecial':
      return [line('ADMINISTRATIVE_SPECIAL', '商标、专利、海事行政案件受理费',
        'Acceptance fee, trademark, patent or maritime administrative case', new D(FIXED_FEES.administrativeSpecial))];
    case 'administrative':
      return [line('ADMINISTRATIVE', '其他行政案件受理费', 'Acceptance fee, other administrative case', new D(FIXED_FEES.administrative))];
    case 'enforcement':
      return [line('ENFORCEMENT', '申请执行费', 'Enforcement application fee', applyScale(requireAmount(req), ENFORCEMENT_SCALE))];
    case 'enforcementNoAmount':
      return [line('ENFORCEMENT_NO_AMOUNT', '申请执行费（无执行金额）', 'Enforcement application fee, no amount', new D(config.enforcementNoAmount))];
    case 'preservation': {
      const amount = req.amount === undefined ? undefined : toAmount(req.amount, 'amount', 2);
      return [line('PRESERVATION', '申请保全费', 'Preservation application fee', preservationFee(amount))];
    }
    case 'paymentOrder':
      return [line('PAYMENT_ORDER', '申请支付令费（财产案件受理费的三分之一）',
        'Payment order application fee (one third of the property scale)', paymentOrderFee(requireAmount(req)))];
    case 'publicSummons':
      return [line('PUBLIC_SUMMONS', '申请公示催告费', 'Public summons application fee', new D(FIXED_FEES.publicSummons))];
    case 'arbitration':
      return [line('ARBITRATION', '申请撤销仲裁裁决或认定仲裁协议效力费',
        'Application to set aside an arbitral award or rule on an arbitration agreement', new D(FIXED_FEES.arbitration))];
    case 'bankruptcy':
      return [line('BANKRUPTCY', '破产案件申请费（财产案件标准减半，最高30万元）',
        'Bankruptcy fee (half the property scale, at most 300,000)', bankruptcyFee(requireAmount(req)))];
    default:
      throw new FeeInputError('UNKNOWN_CASE_TYPE', `Unknown fee case type: ${String((req as { caseType: unknown }).caseType)}`);
  }
}

function checkRequestShape(req: FeeRequest): HalvingGround[] {
  // Checked first so that an unknown type is reported as such, not as a misplaced amount.
  if (!ACCEPTANCE_FEE_TYPES.has(req.caseType) && !APPLICATION_FEE_TYPES.has(req.caseType)) {
    throw new FeeInputError('UNKNOWN_CASE_TYPE', `Unknown fee case type: ${String(req.caseType)}`);
  }
  if (req.amount !== undefined && !AMOUNT_TYPES.has(req.caseType)) {
    // Silently ignoring it would hide a caller who meant a different case type.
    throw new FeeInputError('AMOUNT_NOT_APPLICABLE', `A ${req.caseType} fee does not depend on an amount`);
  }
  if (req.divorcePropertyAmount !== undefined && req.caseType !== 'divorce') {
    throw new FeeInputError('AMOUNT_NOT_APPLICABLE', 'divorcePropertyAmount applies to divorce cases only');
  }
  if (req.personalityDamagesAmount !== undefined && req.caseType !== 'personality') {
    throw new FeeInputError('AMOUNT_NOT_APPLICABLE', 'personalityDamagesAmount applies to personality rights cases only');
  }
  const grounds = [...new Set(req.halving ?? [])];
  for (const g of grounds) {
    if (!(g in HALVING_LABELS)) throw new FeeInputError('INVALID_HALVING', `Unknown halving ground: ${String(g)}`);
  }
  if (grounds.length > 0 && !ACCEPTANCE_FEE_TYPES.has(req.caseType)) {
    throw new FeeInputError('HALVING_NOT_APPLICABLE', `Halving (C3 Arts. 15-18) applies to acceptance fees, not to a ${req.caseType} application fee`);
  }
  return grounds;
}

/** Computes a fee quote: exact fee, halving, then a single rounding step per the court's setting. */
export function quoteFee(req: FeeRequest, config: CourtFeeConfig = DEFAULT_COURT_FEE_CONFIG): FeeQuote {
  const problems = validateCourtFeeConfig(config);
  if (problems.length > 0) throw new FeeInputError('INVALID_CONFIG', `Invalid court fee configuration: ${problems.join('; ')}`);
  const grounds = checkRequestShape(req);

  const breakdown = baseLines(req, config);
  let exact = breakdown.reduce((sum, l) => sum.plus(l.amount), new D(0));

  if (grounds.length > 0) {
    // Halved once however many grounds apply. (unsure, docs/legal-rules.md): practice does not halve twice
    // when simple procedure and mediation both apply; whether a halved counterclaim fee is
    // halved again on mediation is likewise unconfirmed.
    const cut = exact.div(2).neg();
    breakdown.push(line('HALVED', `减半收取（${grounds.map((g) => HALVING_LABELS[g].zh).join('、')}）`,
      `Halved (${grounds.map((g) => `${HALVING_LABELS[g].en}, C3 ${HALVING_LABELS[g].article}`).join('; ')})`, cut));
    exact = exact.plus(cut);
  }

  // Exact to EXACT_PLACES so that the breakdown lines add up to `exact` and then to `fee`.
  exact = new D(formatExact(exact));
  const places = config.rounding === 'yuan' ? 0 : 2;
  const fee = exact.toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
  if (!fee.eq(exact)) {
    breakdown.push(line('ROUNDING', config.rounding === 'yuan' ? '尾数调整（四舍五入到元）' : '尾数调整（四舍五入到分）',
      config.rounding === 'yuan' ? 'Rounding to the whole yuan (half up)' : 'Rounding to the fen (half up)', fee.minus(exact)));
  }
  return { fee: fee.toFixed(2), exact: formatExact(exact), currency: 'CNY', breakdown };
}
