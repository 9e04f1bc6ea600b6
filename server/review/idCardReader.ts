/**
 * Reads a resident identity card (居民身份证) as OCR gives it: the name (姓名), the 18-character
 * citizen ID number (公民身份号码), checked with the national check digit, and the validity
 * period (有效期限 2016.01.01-2036.01.01, or 长期). Pure.
 */
import { checkIdNumber } from '../../state-machines/rules/idNumber.js';
import type { Located, TextPage } from './complaintReader.js';
import type { FindingLocation } from '../../protocol/review.js';

export interface IdCardReading {
  name?: Located<string>;
  /** A number that passed the check digit. */
  idNumber?: Located<string>;
  /** Something shaped like an ID number whose check digit is wrong (often a misread digit). */
  invalidNumber?: Located<string>;
  /** Last day of validity (YYYY-MM-DD), absent for 长期 (no end) or when not shown. */
  validUntil?: Located<string>;
  permanent?: boolean;
}

const NAME = /姓\s?名\s?[:：]?\s?([\u4e00-\u9fa5·]{2,20})/;
// OCR reads the check character X as x or ×, and may split the digits with spaces.
const NUMBER = /(?<!\d)([1-9](?:\s?\d){16}\s?[\dXx×])(?!\d)/;
const VALIDITY = /有效期限?\s?[:：]?\s?(\d{4})[.\-年](\d{2})[.\-月](\d{2})日?\s?[-—–~至]+\s?(长期|(\d{4})[.\-年](\d{2})[.\-月](\d{2}))/;

const at = (p: TextPage, quote: string): FindingLocation => ({ documentId: p.documentId, filename: p.filename, page: p.page, quote });

export function readIdCard(pages: readonly TextPage[], today: Date): IdCardReading {
  const reading: IdCardReading = {};
  for (const p of pages) {
    const flat = p.text.replace(/\n/g, ' ');
    const name = NAME.exec(flat);
    // "姓名" may be read on a line of its own, the name on the next: then the next line's words.
    if (name?.[1] && !reading.name) reading.name = { value: stripLabels(name[1]), at: at(p, name[0]) };
    for (const line of p.text.split('\n')) {
      const number = NUMBER.exec(line.replace(/身份号码|号码|[:：]/g, ' '));
      if (!number?.[1]) continue;
      const candidate = number[1].replace(/\s/g, '').replace(/[x×]/, 'X');
      if (checkIdNumber(candidate, today).ok) {
        reading.idNumber ??= { value: candidate, at: at(p, candidate) };
      } else reading.invalidNumber ??= { value: candidate, at: at(p, candidate) };
    }
    const validity = VALIDITY.exec(flat);
    if (validity) {
      if (validity[4] === '长期') reading.permanent = true;
      else reading.validUntil = { value: `${validity[5]}-${validity[6]}-${validity[7]}`, at: at(p, validity[0]) };
    }
  }
  return reading;
}

/** The name field stops where the next printed label (性别, 民族...) begins. */
function stripLabels(name: string): string {
  return name.split(/性别|民族|出生|住址/)[0] ?? name;
}
