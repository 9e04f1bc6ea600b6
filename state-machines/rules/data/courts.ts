/**
 * Seed courts (docs/legal-rules.md, "Case numbers"). Court codes are data, keyed by court id, because C5 Art. 13
 * keeps a court's old code until the court itself is reorganised, so they cannot be derived
 * reliably from today's GB/T 2260 division codes. The SPC's published table is authoritative.
 */

export interface SeedCourt {
  readonly id: string;
  /** 法院代字 used in case numbers. */
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** docs/legal-rules.md, "Litigation fees": the fee regulation does not say how to round, so each court chooses. */
  readonly feeRounding: 'fen' | 'yuan';
}

export const SEED_COURTS: readonly SeedCourt[] = [
  {
    id: 'spc',
    code: '最高法',
    nameZh: '最高人民法院',
    nameEn: "Supreme People's Court",
    feeRounding: 'fen',
  },
  {
    id: 'bj-higher',
    code: '京',
    nameZh: '北京市高级人民法院',
    nameEn: "Beijing Higher People's Court",
    feeRounding: 'fen',
  },
  {
    // 京0105 follows the division code of 朝阳区 (110105), as docs/legal-rules.md notes.
    id: 'bj-chaoyang',
    code: '京0105',
    nameZh: '北京市朝阳区人民法院',
    nameEn: "Beijing Chaoyang District People's Court",
    feeRounding: 'fen',
  },
];
