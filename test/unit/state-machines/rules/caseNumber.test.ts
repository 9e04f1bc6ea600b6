import { describe, expect, it } from 'vitest';
import {
  parseCaseNumber,
  renderCaseNumber,
  SEED_CASE_NUMBER_TABLES,
  validateCourtCodeShape,
  type CaseNumberTables,
} from '../../../../state-machines/rules/caseNumber.js';
import { CASE_TYPE_CODES, SPECIAL_CODES } from '../../../../state-machines/rules/data/caseTypes.js';
import { SEED_COURTS } from '../../../../state-machines/rules/data/courts.js';

const tables: CaseNumberTables = {
  courtCodes: ['最高法', '京', '京01', '京0105', '粤07', '粤0703'],
  specialCodes: ['知'],
  typeCodes: CASE_TYPE_CODES.map((t) => t.code),
};

describe('renderCaseNumber', () => {
  it('uses full-width brackets by default', () => {
    expect(renderCaseNumber({ year: 2026, courtCode: '京0105', typeCode: '民初', seq: 123 })).toBe('（2026）京0105民初123号');
  });

  it('renders ASCII brackets on request and places the special code before the type code', () => {
    expect(
      renderCaseNumber({ year: 2019, courtCode: '最高法', specialCode: '知', typeCode: '民终', seq: 1 }, { brackets: 'ascii' }),
    ).toBe('(2019)最高法知民终1号');
  });

  it('refuses sequence 0, fractional sequences and non-4-digit years', () => {
    expect(() => renderCaseNumber({ year: 2026, courtCode: '京', typeCode: '民初', seq: 0 })).toThrow(RangeError);
    expect(() => renderCaseNumber({ year: 2026, courtCode: '京', typeCode: '民初', seq: 1.5 })).toThrow(RangeError);
    expect(() => renderCaseNumber({ year: 26, courtCode: '京', typeCode: '民初', seq: 1 })).toThrow(RangeError);
  });
});

describe('parseCaseNumber', () => {
  it('parses the ASCII-bracket vector from docs/legal-rules.md', () => {
    const n = parseCaseNumber('(2026)京0105民初123号', tables);
    expect(n).toEqual({ year: 2026, courtCode: '京0105', typeCode: '民初', seq: 123 });
    expect(n).not.toHaveProperty('specialCode');
  });

  it('parses the full-width vector with a special code (知 is not part of the type code)', () => {
    expect(parseCaseNumber('（2019）最高法知民终1号', tables)).toEqual({
      year: 2019,
      courtCode: '最高法',
      specialCode: '知',
      typeCode: '民终',
      seq: 1,
    });
  });

  it('prefers the longest court code (京0105 over 京01 and 京)', () => {
    expect(parseCaseNumber('（2026）京0105执恢7号', tables)).toMatchObject({ courtCode: '京0105', typeCode: '执恢' });
    expect(parseCaseNumber('（2026）京01民终7号', tables)).toMatchObject({ courtCode: '京01', typeCode: '民终' });
    expect(parseCaseNumber('（2026）京民再7号', tables)).toMatchObject({ courtCode: '京', typeCode: '民再' });
  });

  it('distinguishes 执 from 执异 and 执复 by exact table match', () => {
    expect(parseCaseNumber('（2026）粤0703执5号', tables)).toMatchObject({ typeCode: '执', seq: 5 });
    expect(parseCaseNumber('（2026）粤0703执异5号', tables)).toMatchObject({ typeCode: '执异', seq: 5 });
    expect(parseCaseNumber('（2026）粤07执复5号', tables)).toMatchObject({ courtCode: '粤07', typeCode: '执复' });
  });

  it('parses the four-character pre-suit mediation code', () => {
    expect(parseCaseNumber('（2026）京0105民诉前调88号', tables)).toMatchObject({ typeCode: '民诉前调', seq: 88 });
  });

  it('round-trips with renderCaseNumber in both bracket styles', () => {
    const n = { year: 2026, courtCode: '粤0703', specialCode: '知', typeCode: '民初', seq: 4567 };
    expect(parseCaseNumber(renderCaseNumber(n), tables)).toEqual(n);
    expect(parseCaseNumber(renderCaseNumber(n, { brackets: 'ascii' }), tables)).toEqual(n);
  });

  it('tolerates surrounding whitespace', () => {
    expect(parseCaseNumber('  （2026）京0105民初1号\n', tables)).toMatchObject({ seq: 1 });
  });

  it.each([
    ['sequence 0', '（2026）京0105民初0号'],
    ['leading zero in the sequence', '（2026）京0105民初0123号'],
    ['unknown court code', '（2026）沪0105民初1号'],
    ['unknown type code', '（2026）京0105刑初1号'],
    ['unknown special code', '（2026）京0105环民初1号'],
    ['missing 号', '（2026）京0105民初1'],
    ['missing sequence', '（2026）京0105民初号'],
    ['mismatched brackets', '(2026）京0105民初1号'],
    ['three-digit year', '（206）京0105民初1号'],
    ['year with a leading zero', '（0206）京0105民初1号'],
    ['trailing text', '（2026）京0105民初1号之一'],
    ['empty string', ''],
  ])('rejects %s', (_label, text) => {
    expect(parseCaseNumber(text, tables)).toBeNull();
  });

  it('works with the seeded tables', () => {
    expect(parseCaseNumber('（2019）最高法知民终1号', SEED_CASE_NUMBER_TABLES)).toEqual({
      year: 2019,
      courtCode: '最高法',
      specialCode: '知',
      typeCode: '民终',
      seq: 1,
    });
    expect(parseCaseNumber('(2026)京0105民初123号', SEED_CASE_NUMBER_TABLES)).toMatchObject({ courtCode: '京0105', seq: 123 });
  });
});

describe('seed data', () => {
  it('contains every type code listed in docs/legal-rules.md, each once', () => {
    const codes = CASE_TYPE_CODES.map((t) => t.code);
    expect(codes).toEqual(
      expect.arrayContaining(['民初', '民终', '民申', '民再', '民特', '民督', '民催', '破', '执', '执恢', '执异', '执复', '财保', '民诉前调']),
    );
    expect(new Set(codes).size).toBe(codes.length);
    expect(CASE_TYPE_CODES.find((t) => t.code === '破')?.category).toBe('bankruptcy');
    expect(CASE_TYPE_CODES.find((t) => t.code === '执复')?.category).toBe('enforcement');
    expect(CASE_TYPE_CODES.find((t) => t.code === '财保')?.category).toBe('preservation');
    expect(CASE_TYPE_CODES.find((t) => t.code === '民诉前调')?.category).toBe('mediation');
  });

  it('has the 知 special code and the required courts with well-shaped codes', () => {
    expect(SPECIAL_CODES.map((s) => s.code)).toContain('知');
    expect(SEED_COURTS).toContainEqual({
      id: 'bj-chaoyang',
      code: '京0105',
      nameZh: '北京市朝阳区人民法院',
      nameEn: "Beijing Chaoyang District People's Court",
      feeRounding: 'fen',
    });
    expect(SEED_COURTS.map((c) => c.code)).toContain('最高法');
    for (const court of SEED_COURTS) expect(validateCourtCodeShape(court.code)).toBe(true);
    expect(new Set(SEED_COURTS.map((c) => c.id)).size).toBe(SEED_COURTS.length);
  });
});

describe('validateCourtCodeShape', () => {
  it.each(['最高法', '京', '京01', '京0105', '粤07', '粤0781', '内', '内01', '军', '兵0101', '新'])('accepts %s', (code) => {
    expect(validateCourtCodeShape(code)).toBe(true);
  });

  it.each(['', '最高', '京1', '京010', '京01051', '港01', '最高法01', 'AB01', '京01民'])('rejects %s', (code) => {
    expect(validateCourtCodeShape(code)).toBe(false);
  });
});
