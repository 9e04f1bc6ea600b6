/**
 * Amounts of money as Chinese legal papers write them: "人民币12,345.60元", "1.5万元",
 * "¥8000", and in capitals "壹万贰仟叁佰肆拾伍元陆角整" or plain numerals "三万元". Values are
 * kept in fen (bigint), never in binary floating point, and rendered as yuan with two decimals.
 */

const DIGITS: Record<string, bigint> = {
  零: 0n, 〇: 0n, 一: 1n, 壹: 1n, 二: 2n, 贰: 2n, 貳: 2n, 两: 2n, 三: 3n, 叁: 3n, 參: 3n, 四: 4n, 肆: 4n,
  五: 5n, 伍: 5n, 六: 6n, 陆: 6n, 陸: 6n, 七: 7n, 柒: 7n, 八: 8n, 捌: 8n, 九: 9n, 玖: 9n,
};
const UNITS: Record<string, bigint> = { 十: 10n, 拾: 10n, 百: 100n, 佰: 100n, 千: 1000n, 仟: 1000n };
const DIGIT_CHARS = '零〇一壹二贰貳两三叁參四肆五伍六陆陸七柒八捌九玖';
const NUMERALS = `${DIGIT_CHARS}十拾百佰千仟万萬亿億`;

/** A whole number written in Chinese numerals ("一万二千三百四十五", "壹拾万"); null if it is not one. */
export function parseChineseNumeral(text: string): bigint | null {
  if (text === '') return null;
  let total = 0n;
  let section = 0n;
  let digit: bigint | null = null;
  for (const ch of text) {
    const d = DIGITS[ch];
    const unit = UNITS[ch];
    if (d !== undefined) digit = d;
    else if (unit !== undefined) {
      // "十二" is twelve: a unit with no digit before it counts once.
      section += (digit ?? 1n) * unit;
      digit = null;
    } else if (ch === '万' || ch === '萬') {
      total += (section + (digit ?? 0n)) * 10_000n;
      section = 0n;
      digit = null;
    } else if (ch === '亿' || ch === '億') {
      total = (total + section + (digit ?? 0n)) * 100_000_000n;
      section = 0n;
      digit = null;
    } else return null;
  }
  return total + section + (digit ?? 0n);
}

export interface AmountRead {
  /** In fen. */
  fen: bigint;
  /** Yuan with two decimals, e.g. "12345.60". */
  yuan: string;
  /** The words as read, e.g. "人民币12,345.60元". */
  quote: string;
  /** Offset of the quote in the text searched. */
  index: number;
}

export function fenToYuan(fen: bigint): string {
  const abs = fen < 0n ? -fen : fen;
  return `${fen < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** A yuan amount ("10000", "10000.5", "12,345.60") in fen, or null. */
export function yuanToFen(amount: string): bigint | null {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount.replace(/,/g, '').trim());
  if (!m) return null;
  return BigInt(m[1] ?? '0') * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

// "人民币12,345.60元", "12345元", "1.5万元", "¥8,000.00", "人民币 8000"; NFKC text (half-width "," and ":").
const ARABIC = /(人民币|¥|￥)?\s?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?)\s?(万)?\s?(元|圆)?/g;
const CAPITAL = new RegExp(`(人民币)?([${NUMERALS}]+)(?:元|圆)(?:([${DIGIT_CHARS}])角)?(?:([${DIGIT_CHARS}])分)?(整|正)?`, 'g');

/** Every amount of money in `text`: a figure with "元" or a currency mark before it, or numerals ending in "元". */
export function findAmounts(text: string): AmountRead[] {
  const found: AmountRead[] = [];
  for (const m of text.matchAll(ARABIC)) {
    const [quote, currency, figure = '', tenThousand, yuanMark] = m;
    // A bare figure is a count, a date or an article number, not money.
    if (!currency && !yuanMark) continue;
    if (!currency && !tenThousand && text[(m.index ?? 0) - 1] === '.') continue;
    const base = yuanToFen(figure);
    if (base === null) continue;
    const fen = tenThousand ? base * 10_000n : base;
    found.push({ fen, yuan: fenToYuan(fen), quote: quote.trim(), index: m.index ?? 0 });
  }
  for (const m of text.matchAll(CAPITAL)) {
    const [quote, , whole = '', jiao, fenDigit] = m;
    // A numeral starts with a digit or 十; "万元" after "1.5" belongs to the figure.
    if (!`${DIGIT_CHARS}十拾`.includes(whole[0] ?? '') || /[\d.]/.test(text[(m.index ?? 0) - 1] ?? '')) continue;
    const yuan = parseChineseNumeral(whole);
    if (yuan === null) continue;
    const fen = yuan * 100n + (jiao ? (DIGITS[jiao] ?? 0n) * 10n : 0n) + (fenDigit ? (DIGITS[fenDigit] ?? 0n) : 0n);
    found.push({ fen, yuan: fenToYuan(fen), quote, index: m.index ?? 0 });
  }
  return found.sort((a, b) => a.index - b.index);
}

/** A date as papers write it: "2026年1月5日", "2026.01.05", "二〇二六年一月五日"; as YYYY-MM-DD, or null. */
export function parseChineseDate(text: string): string | null {
  const arabic = /(\d{4})\s?[年.\-/]\s?(\d{1,2})\s?[月.\-/]\s?(\d{1,2})\s?日?/.exec(text);
  if (arabic) return isoDate(Number(arabic[1]), Number(arabic[2]), Number(arabic[3]));
  const chinese = new RegExp(`([${DIGIT_CHARS}]{4})年([${DIGIT_CHARS}十拾]{1,3})月([${DIGIT_CHARS}十拾]{1,3})日`).exec(text);
  if (!chinese) return null;
  const year = [...(chinese[1] ?? '')].map((c) => String(DIGITS[c] ?? '')).join('');
  return isoDate(Number(year), Number(parseChineseNumeral(chinese[2] ?? '')), Number(parseChineseNumeral(chinese[3] ?? '')));
}

function isoDate(y: number, m: number, d: number): string | null {
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
