/**
 * Reads a complaint (起诉状) as OCR or a text layer gives it: the parties, the claims and the
 * amount claimed, the date and the signature line (具状人). Pure: text in, facts with the place
 * each was read (file, page, quote) out. It says only what it found; what it did not find is
 * left to the comparison (readingFindings.ts), which speaks only when the paper was recognisably
 * a complaint.
 */
import { findAmounts, parseChineseDate, type AmountRead } from '../../state-machines/rules/chineseAmount.js';
import type { FindingLocation } from '../../protocol/review.js';

export interface TextPage {
  documentId: string;
  filename: string;
  page: number;
  text: string;
}

export interface Located<T> {
  value: T;
  at: FindingLocation;
}

export interface ComplaintReading {
  /** Did the text look like a complaint at all (a title, or parties and claims)? */
  recognised: boolean;
  plaintiffs: Located<string>[];
  defendants: Located<string>[];
  claims: Located<string>[];
  /** Every amount in the claims, and the total where the complaint states one (合计/共计/总计). */
  amounts: Located<AmountRead>[];
  total?: Located<AmountRead>;
  date?: Located<string>;
  /** The signature line; `value` is the name written there ('' when the line is there but no name could be read). */
  signature?: Located<string>;
}

const PARTY = /^(原告|被告)[一二三四五六七八九十\d]*(?:\([^)]*\))?\s?[:：]\s?(.+)$/;
const CLAIMS_START = /^诉讼请求/;
const CLAIMS_END = /^(事实(与|和)理由|事实及理由|此致)/;
const SIGNATURE = /^(具.人|起诉人)(?:\([^)]*\))?\s?[:：]?\s?(.*)$/;
const TOTAL = /(合计|共计|总计|以上共|总额)/;

/** The name at the start of a party line: up to the first comma, bracket or stop. */
function nameOf(rest: string): string {
  return rest.split(/[,，、;；。(（\s]/)[0]?.trim() ?? '';
}

const at = (p: TextPage, quote: string): FindingLocation => ({ documentId: p.documentId, filename: p.filename, page: p.page, quote: quote.slice(0, 200) });

export function readComplaint(pages: readonly TextPage[]): ComplaintReading {
  const reading: ComplaintReading = { recognised: false, plaintiffs: [], defendants: [], claims: [], amounts: [] };
  let inClaims = false;
  let title = false;
  for (const p of pages) {
    for (const raw of p.text.split('\n')) {
      const line = raw.trim();
      if (line === '') continue;
      if (/起\s?诉\s?(状|书)/.test(line) && line.length <= 12) title = true;
      const party = PARTY.exec(line);
      if (party && !inClaims) {
        const name = nameOf(party[2] ?? '');
        if (name) (party[1] === '原告' ? reading.plaintiffs : reading.defendants).push({ value: name, at: at(p, line) });
        continue;
      }
      if (CLAIMS_START.test(line)) {
        inClaims = true;
        const rest = line.replace(/^诉讼请求\s?[:：]?/, '').trim();
        if (rest) collectClaim(reading, p, rest);
        continue;
      }
      if (CLAIMS_END.test(line)) inClaims = false;
      if (inClaims) collectClaim(reading, p, line);
      const signature = SIGNATURE.exec(line);
      if (signature) {
        reading.signature = { value: nameOf(signature[2] ?? ''), at: at(p, line) };
        continue;
      }
      // The date of the complaint is the last date written after the claims (the dates of the facts come earlier).
      const date = parseChineseDate(line);
      if (date && !inClaims && (reading.signature || /^[\d二〇一零]{4}\s?年/.test(line)) && line.length <= 20) reading.date = { value: date, at: at(p, line) };
    }
  }
  reading.recognised = title || (reading.plaintiffs.length > 0 && reading.defendants.length > 0) || reading.claims.length > 0;
  return reading;
}

function collectClaim(reading: ComplaintReading, p: TextPage, line: string): void {
  reading.claims.push({ value: line, at: at(p, line) });
  for (const amount of findAmounts(line)) {
    const located = { value: amount, at: at(p, amount.quote) };
    reading.amounts.push(located);
    if (TOTAL.test(line.slice(0, amount.index))) reading.total = located;
  }
}

/**
 * The amount the complaint claims, as one figure to set against the form: the stated total, or
 * else the sum of the amounts in the claims. Null when the claims name no amount.
 */
export function claimedAmount(reading: ComplaintReading): { fen: bigint; quotes: Located<AmountRead>[] } | null {
  if (reading.total) return { fen: reading.total.value.fen, quotes: [reading.total] };
  if (reading.amounts.length === 0) return null;
  return { fen: reading.amounts.reduce((sum, a) => sum + a.value.fen, 0n), quotes: reading.amounts };
}
