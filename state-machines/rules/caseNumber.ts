/**
 * 案号 (case number) rendering and parsing, docs/legal-rules.md, "Case numbers" (SPC rules on case numbers, as amended in 2018):
 *   "(" 收案年度 ")" 法院代字 [专门审判代字] 类型代字 案件编号 "号"
 *
 * Only the components are stored; the text is derived from them. Allocating the sequence
 * number (unique per court, special code, type code and year) is the database's job.
 */
import { CASE_TYPE_CODES, SPECIAL_CODES } from './data/caseTypes.js';
import { SEED_COURTS } from './data/courts.js';

export interface CaseNumber {
  year: number;
  courtCode: string;
  specialCode?: string;
  typeCode: string;
  seq: number;
}

export interface CaseNumberTables {
  courtCodes: readonly string[];
  specialCodes: readonly string[];
  typeCodes: readonly string[];
}

/** Tables built from the seed data, for callers that have no database-backed tables at hand. */
export const SEED_CASE_NUMBER_TABLES: CaseNumberTables = {
  courtCodes: SEED_COURTS.map((c) => c.code),
  specialCodes: SPECIAL_CODES.map((s) => s.code),
  typeCodes: CASE_TYPE_CODES.map((t) => t.code),
};

const BRACKETS = {
  fullwidth: ['（', '）'],
  ascii: ['(', ')'],
} as const;

/**
 * Renders a case number. Full-width brackets are the default because published judgments
 * use them, even though the text of C5 shows ASCII ones.
 */
export function renderCaseNumber(n: CaseNumber, opts?: { brackets?: 'fullwidth' | 'ascii' }): string {
  // A malformed number must never reach a document, so fail loudly instead of printing it.
  if (!Number.isInteger(n.year) || n.year < 1000 || n.year > 9999) {
    throw new RangeError(`Case number year must have 4 digits, got ${n.year}`);
  }
  if (!Number.isSafeInteger(n.seq) || n.seq < 1) {
    throw new RangeError(`Case number sequence must be a positive integer, got ${n.seq}`);
  }
  if (n.courtCode === '' || n.typeCode === '') {
    throw new RangeError('Case number needs a court code and a type code');
  }
  const [open, close] = BRACKETS[opts?.brackets ?? 'fullwidth'];
  return `${open}${n.year}${close}${n.courtCode}${n.specialCode ?? ''}${n.typeCode}${n.seq}号`;
}

// Brackets must pair up: a half-width "(" closed by a full-width "）" is treated as a typo.
const HEAD = /^(?:\((\d{4})\)|（(\d{4})）)/u;
// 案件编号 is an unpadded natural number (C5 Arts. 9-10), so a leading zero is malformed.
const TAIL = /([1-9]\d*)号$/u;

function byLengthDesc(codes: readonly string[]): string[] {
  return [...new Set(codes)].filter((c) => c !== '').sort((a, b) => b.length - a.length);
}

/**
 * Parses a case number against the seeded code tables, trying the longest court code first,
 * then the longest special code (before trying none), and requiring the rest to be exactly a
 * known type code. A regex alone cannot do this: in 最高法知民终 nothing marks where the court
 * code ends or whether 知 is a special code or part of the type code.
 * Returns null for anything not matching the tables exactly.
 */
export function parseCaseNumber(text: string, tables: CaseNumberTables): CaseNumber | null {
  const s = text.trim();
  const head = HEAD.exec(s);
  if (!head) return null;
  const yearText = head[1] ?? head[2];
  if (yearText === undefined || yearText.startsWith('0')) return null;

  const rest = s.slice(head[0].length);
  const tail = TAIL.exec(rest);
  if (!tail || tail[1] === undefined) return null;
  const seq = Number(tail[1]);
  if (!Number.isSafeInteger(seq)) return null;
  // TAIL matches the longest digit run, so any digit left in the middle part belongs to
  // the court code (京0105) and is checked by the table lookup below.
  const middle = rest.slice(0, rest.length - tail[0].length);

  const typeCodes = new Set(tables.typeCodes);
  const specials = byLengthDesc(tables.specialCodes);
  for (const court of byLengthDesc(tables.courtCodes)) {
    if (!middle.startsWith(court)) continue;
    const afterCourt = middle.slice(court.length);
    for (const special of [...specials, '']) {
      if (!afterCourt.startsWith(special)) continue;
      const typeCode = afterCourt.slice(special.length);
      if (!typeCodes.has(typeCode)) continue;
      const result: CaseNumber = { year: Number(yearText), courtCode: court, typeCode, seq };
      if (special !== '') result.specialCode = special;
      return result;
    }
  }
  return null;
}

const PROVINCE_CODES = [
  '京', '津', '沪', '渝', '冀', '晋', '辽', '吉', '黑', '苏', '浙', '皖', '闽', '赣', '鲁', '豫',
  '鄂', '湘', '粤', '桂', '琼', '川', '黔', '云', '藏', '陕', '甘', '青', '宁', '新',
  // C5 Art. 4 exceptions: Inner Mongolia, the PLA Military Court, the XPCC branch.
  '内', '军', '兵',
] as const;

const COURT_CODE_SHAPE = new RegExp(`^(?:最高法|[${PROVINCE_CODES.join('')}](?:\\d{2}|\\d{4})?)$`, 'u');

/**
 * A hint only (C5 Arts. 4-5): 最高法, or a province short name optionally followed by 2
 * digits (intermediate court) or 4 digits (basic court). The seeded table stays authoritative
 * ([verify] the province list against the SPC's 法院代字表).
 */
export function validateCourtCodeShape(code: string): boolean {
  return COURT_CODE_SHAPE.test(code);
}
