/**
 * Resident ID numbers (公民身份号码), GB 11643-1999, docs/legal-rules.md "Resident ID numbers", and masking for display.
 */
import { isIsoDate, shanghaiDate } from './periods.js';

export type IdNumberCheck =
  | { ok: true; normalized: string; regionCode: string; birthDate: string; sex: 'male' | 'female' }
  | {
      ok: false;
      code: 'LENGTH' | 'FORMAT' | 'PROVINCE' | 'BIRTH_DATE' | 'CHECKSUM';
      message: string;
      messageZh: string;
    };

// W_i = 2^(18-i) mod 11 for i = 1..17 (ISO 7064:1983 MOD 11-2).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

const PROVINCE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [11, 15], [21, 23], [31, 37], [41, 46], [50, 54], [61, 65],
];
/**
 * Residence permits for Hong Kong, Macau and Taiwan residents carry these whole address
 * codes instead of a county. (unsure) docs/legal-rules.md has not confirmed them against the primary text.
 */
const RESIDENCE_PERMIT_REGIONS: ReadonlySet<string> = new Set(['810000', '820000', '830000']);

/** ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function idCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idCheckCharacter needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS.charAt(sum % 11);
}

/**
 * Converts a 15-digit GB 11643-1989 number to 18 digits ("19" century plus a check character).
 * For reading old records only; checkIdNumber still rejects 15-digit input for registration.
 */
export function upgradeLegacyId(id15: string): string {
  if (!/^\d{15}$/.test(id15)) throw new RangeError('A legacy ID number has exactly 15 digits');
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + idCheckCharacter(first17);
}

function fail(
  code: 'LENGTH' | 'FORMAT' | 'PROVINCE' | 'BIRTH_DATE' | 'CHECKSUM',
  message: string,
  messageZh: string,
): IdNumberCheck {
  return { ok: false, code, message, messageZh };
}

function isValidRegion(regionCode: string): boolean {
  const province = Number(regionCode.slice(0, 2));
  if (PROVINCE_RANGES.some(([lo, hi]) => province >= lo && province <= hi)) return true;
  return RESIDENCE_PERMIT_REGIONS.has(regionCode);
}

/**
 * Validates an 18-character resident ID number for a new registration. `today` decides what
 * counts as a future birth date, taken as a calendar date in Asia/Shanghai.
 */
export function checkIdNumber(input: string, today: Date = new Date()): IdNumberCheck {
  const id = input.trim().toUpperCase();
  if (id.length !== 18) {
    return id.length === 15 && /^\d{15}$/.test(id)
      ? fail('LENGTH', 'Old 15-digit ID numbers are not accepted. Please enter your 18-character ID number.',
        '不接受15位旧身份证号码，请输入18位公民身份号码。')
      : fail('LENGTH', `An ID number has 18 characters; this one has ${id.length}.`,
        `公民身份号码应为18位，当前为${id.length}位。`);
  }
  if (!/^\d{17}[\dX]$/.test(id)) {
    return fail('FORMAT', 'An ID number is 17 digits followed by a digit or the letter X.',
      '公民身份号码应为17位数字加1位数字或字母X。');
  }
  const regionCode = id.slice(0, 6);
  if (!isValidRegion(regionCode)) {
    return fail('PROVINCE', `The ID number starts with ${id.slice(0, 2)}, which is not a valid province code.`,
      `身份证号码前两位“${id.slice(0, 2)}”不是有效的省级行政区划代码。`);
  }
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isIsoDate(birthDate)) {
    return fail('BIRTH_DATE', `The birth date in the ID number (${birthDate}) is not a real date.`,
      `身份证号码中的出生日期（${birthDate}）不是有效日期。`);
  }
  // ISO date strings compare correctly as text.
  if (birthDate > shanghaiDate(today)) {
    return fail('BIRTH_DATE', `The birth date in the ID number (${birthDate}) is in the future.`,
      `身份证号码中的出生日期（${birthDate}）晚于今天。`);
  }
  const expected = idCheckCharacter(id.slice(0, 17));
  if (id[17] !== expected) {
    return fail('CHECKSUM', 'The ID number is not valid: its last character does not match. Please check each digit.',
      '身份证号码校验位不正确，请逐位核对。');
  }
  return {
    ok: true,
    normalized: id,
    regionCode,
    birthDate,
    // The 3-digit sequence (digits 15-17) is odd for men and even for women.
    sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
  };
}

function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  const chars = [...value];
  // Too short to keep both ends without revealing most of it: hide everything.
  if (chars.length <= keepStart + keepEnd) return '*'.repeat(chars.length);
  return chars.slice(0, keepStart).join('') + '*'.repeat(chars.length - keepStart - keepEnd) + chars.slice(-keepEnd).join('');
}

/** Keeps the first 6 and last 4 characters: 110105********002X. */
export function maskIdNumber(id: string): string {
  return maskMiddle(id.trim(), 6, 4);
}

/** Keeps the first 3 and last 4 digits: 138****0001. */
export function maskPhone(phone: string): string {
  return maskMiddle(phone.trim(), 3, 4);
}
