import { describe, expect, it } from 'vitest';
import { findAmounts, parseChineseDate, parseChineseNumeral, yuanToFen } from '../../../../state-machines/rules/chineseAmount.js';

describe('Chinese amounts', () => {
  it('reads numerals in capitals and in plain writing', () => {
    expect(parseChineseNumeral('壹万')).toBe(10000n);
    expect(parseChineseNumeral('一万二千三百四十五')).toBe(12345n);
    expect(parseChineseNumeral('十二万三千')).toBe(123000n);
    expect(parseChineseNumeral('一亿二千万')).toBe(120000000n);
    expect(parseChineseNumeral('贰佰零伍')).toBe(205n);
    expect(parseChineseNumeral('abc')).toBeNull();
  });

  it('finds figures with the yuan mark or a currency before them, with their quote', () => {
    const found = findAmounts('1.判令被告偿还借款人民币12,345.60元及利息(年利率3.85%);2.赔偿损失1.5万元');
    expect(found.map((a) => [a.yuan, a.quote])).toEqual([
      ['12345.60', '人民币12,345.60元'],
      ['15000.00', '1.5万元'],
    ]);
  });

  it('finds amounts in capitals, with jiao and fen', () => {
    expect(findAmounts('判令被告支付人民币壹万贰仟叁佰肆拾伍元陆角整').map((a) => a.yuan)).toEqual(['12345.60']);
    expect(findAmounts('支付壹万元整').map((a) => [a.yuan, a.quote])).toEqual([['10000.00', '壹万元整']]);
    expect(findAmounts('赔偿三万元').map((a) => a.yuan)).toEqual(['30000.00']);
  });

  it('leaves counts, dates and percentages alone', () => {
    expect(findAmounts('2025年3月1日，共3次，年利率3.85%')).toEqual([]);
  });

  it('converts yuan text to fen exactly', () => {
    expect(yuanToFen('10000')).toBe(1000000n);
    expect(yuanToFen('12,345.6')).toBe(1234560n);
    expect(yuanToFen('1e5')).toBeNull();
  });

  it('reads dates in figures and in numerals', () => {
    expect(parseChineseDate('2026年1月5日')).toBe('2026-01-05');
    expect(parseChineseDate('有效期 2016.01.01')).toBe('2016-01-01');
    expect(parseChineseDate('二〇二六年十二月三十一日')).toBe('2026-12-31');
    expect(parseChineseDate('2026年2月30日')).toBeNull();
  });
});
