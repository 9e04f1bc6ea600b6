import { describe, expect, it } from 'vitest';
import {
  checkIdNumber,
  idCheckCharacter,
  maskIdNumber,
  maskPhone,
  upgradeLegacyId,
} from '../../../../state-machines/rules/idNumber.js';

const TODAY = new Date('2026-03-02T04:00:00Z');

describe('idCheckCharacter (ISO 7064 MOD 11-2)', () => {
  it('computes the check characters of the legal-rules vectors', () => {
    expect(idCheckCharacter('11010519491231002')).toBe('X');
    expect(idCheckCharacter('34052419800101001')).toBe('X');
    expect(idCheckCharacter('11010119900307013')).toBe('4');
  });

  it('rejects anything but 17 digits', () => {
    expect(() => idCheckCharacter('1101051949123100')).toThrow(RangeError);
    expect(() => idCheckCharacter('1101051949123100X')).toThrow(RangeError);
  });
});

describe('checkIdNumber', () => {
  it('accepts 11010519491231002X: 朝阳, 1949-12-31, female', () => {
    expect(checkIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      normalized: '11010519491231002X',
      regionCode: '110105',
      birthDate: '1949-12-31',
      sex: 'female',
    });
  });

  it('accepts 34052419800101001X and 110101199003070134 (odd sequence: male)', () => {
    expect(checkIdNumber('34052419800101001X', TODAY)).toMatchObject({ ok: true, birthDate: '1980-01-01', sex: 'male' });
    expect(checkIdNumber('110101199003070134', TODAY)).toMatchObject({ ok: true, birthDate: '1990-03-07', sex: 'male' });
  });

  it('normalises a lowercase x and surrounding spaces', () => {
    expect(checkIdNumber(' 11010519491231002x ', TODAY)).toMatchObject({ ok: true, normalized: '11010519491231002X' });
  });

  it('rejects 340524198001010013: the expected check character is X', () => {
    const r = checkIdNumber('340524198001010013', TODAY);
    expect(r).toMatchObject({ ok: false, code: 'CHECKSUM' });
    if (!r.ok) {
      expect(r.message).toMatch(/last character/);
      expect(r.messageZh).toMatch(/校验位/);
    }
  });

  it('rejects 110105194912310021', () => {
    expect(checkIdNumber('110105194912310021', TODAY)).toMatchObject({ ok: false, code: 'CHECKSUM' });
  });

  it('rejects 15-digit legacy numbers and other lengths', () => {
    expect(checkIdNumber('110105491231002', TODAY)).toMatchObject({ ok: false, code: 'LENGTH' });
    expect(checkIdNumber('11010519491231002', TODAY)).toMatchObject({ ok: false, code: 'LENGTH' });
    expect(checkIdNumber('11010519491231002XX', TODAY)).toMatchObject({ ok: false, code: 'LENGTH' });
    expect(checkIdNumber('', TODAY)).toMatchObject({ ok: false, code: 'LENGTH' });
  });

  it('rejects letters other than a final X', () => {
    expect(checkIdNumber('1101051949123100A2', TODAY)).toMatchObject({ ok: false, code: 'FORMAT' });
    expect(checkIdNumber('X10105194912310021', TODAY)).toMatchObject({ ok: false, code: 'FORMAT' });
    expect(checkIdNumber('11010519491231002Y', TODAY)).toMatchObject({ ok: false, code: 'FORMAT' });
  });

  it('rejects invalid province codes (checked before the checksum)', () => {
    for (const prefix of ['00', '10', '16', '20', '24', '30', '38', '40', '47', '55', '60', '66', '71', '80', '84', '91']) {
      const first17 = `${prefix}010519491231002`;
      const r = checkIdNumber(first17 + idCheckCharacter(first17), TODAY);
      expect(r, prefix).toMatchObject({ ok: false, code: 'PROVINCE' });
    }
  });

  it('accepts every province range from docs/legal-rules.md', () => {
    for (const prefix of ['11', '15', '21', '23', '31', '37', '41', '46', '50', '54', '61', '65']) {
      const first17 = `${prefix}010519491231002`;
      expect(checkIdNumber(first17 + idCheckCharacter(first17), TODAY).ok, prefix).toBe(true);
    }
  });

  it('accepts the Hong Kong, Macau and Taiwan residence permit codes 810000, 820000, 830000 only', () => {
    for (const region of ['810000', '820000', '830000']) {
      const first17 = `${region}19900307013`;
      expect(checkIdNumber(first17 + idCheckCharacter(first17), TODAY)).toMatchObject({ ok: true, regionCode: region });
    }
    const first17 = '81010119900307013';
    expect(checkIdNumber(first17 + idCheckCharacter(first17), TODAY)).toMatchObject({ ok: false, code: 'PROVINCE' });
  });

  it('rejects birth dates that are not real calendar dates', () => {
    for (const date of ['19490230', '19491301', '19490000', '19000229', '20230229']) {
      const first17 = `110105${date}002`;
      expect(checkIdNumber(first17 + idCheckCharacter(first17), TODAY), date).toMatchObject({ ok: false, code: 'BIRTH_DATE' });
    }
    const leap = '11010520000229002';
    expect(checkIdNumber(leap + idCheckCharacter(leap), TODAY)).toMatchObject({ ok: true, birthDate: '2000-02-29' });
  });

  it('rejects birth dates in the future, judged by the date in Asia/Shanghai', () => {
    const first17 = '11010520260302002';
    const id = first17 + idCheckCharacter(first17);
    // 2026-03-01T16:00Z is already 2026-03-02 in Shanghai, so a baby born that day is valid.
    expect(checkIdNumber(id, new Date('2026-03-01T16:00:00Z'))).toMatchObject({ ok: true, birthDate: '2026-03-02' });
    expect(checkIdNumber(id, new Date('2026-03-01T15:59:59Z'))).toMatchObject({ ok: false, code: 'BIRTH_DATE' });
  });
});

describe('upgradeLegacyId', () => {
  it('inserts 19 and appends the check character', () => {
    expect(upgradeLegacyId('110105491231002')).toBe('11010519491231002X');
    expect(upgradeLegacyId('340524800101001')).toBe('34052419800101001X');
    expect(checkIdNumber(upgradeLegacyId('110101900307013'), TODAY)).toMatchObject({ ok: true });
  });

  it('rejects input that is not 15 digits', () => {
    expect(() => upgradeLegacyId('11010549123100')).toThrow(RangeError);
    expect(() => upgradeLegacyId('11010519491231002X')).toThrow(RangeError);
  });
});

describe('masking', () => {
  it('keeps the first 6 and last 4 characters of an ID number', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
  });

  it('keeps the first 3 and last 4 digits of a phone number', () => {
    expect(maskPhone('13800000001')).toBe('138****0001');
  });

  it('hides short values completely rather than revealing most of them', () => {
    expect(maskIdNumber('1234567890')).toBe('**********');
    expect(maskPhone('1234567')).toBe('*******');
  });
});
