/**
 * Procedural periods under CPL Art. 85 (docs/legal-rules.md, "Periods end on a working day"). Dates are calendar dates in
 * Asia/Shanghai written 'YYYY-MM-DD'; instants are converted only at the edges.
 */
import { buildCourtCalendar, type CourtCalendar } from '../calendar/courtCalendar.js';
import { SHIPPED_ARRANGEMENTS } from '../calendar/shippedArrangements.js';

// China has used UTC+8 without daylight saving since 1991, so a fixed offset is exact for
// every date the platform handles and needs no time-zone database.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// An instant given as text must say its zone; a bare local time would be read in the
// server's own zone and silently shift the date.
const INSTANT_RE =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function parseDate(date: string): Ymd {
  const match = DATE_RE.exec(date);
  if (match) {
    const y = Number(match[1]);
    const m = Number(match[2]);
    const d = Number(match[3]);
    if (m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return { y, m, d };
  }
  throw new RangeError(`Expected a real calendar date as YYYY-MM-DD, got "${date}"`);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

// Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
function utcMs({ y, m, d }: Ymd): number {
  return new Date(0).setUTCFullYear(y, m - 1, d);
}

/** True for a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(date: string): boolean {
  try {
    parseDate(date);
    return true;
  } catch {
    return false;
  }
}

/**
 * The one test of an instant written as text: a zoned ISO 8601 instant naming a real date and
 * time. Every timestamp the platform takes in names its zone (a bare local time would be read in
 * the server's own zone), and Date.parse alone is not enough: it reads '2026-02-30' as 03-02 and
 * '24:00' as the next midnight. Instants are compared by the moment they denote, never as text.
 */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = INSTANT_RE.exec(value);
  return match !== null && isIsoDate(match[1] ?? '') && Number.isFinite(Date.parse(value));
}

/** Milliseconds since the epoch; throws RangeError for anything but a zoned ISO instant naming a real time. */
export function instantMs(value: string, what = 'timestamp'): number {
  if (!isInstant(value)) {
    throw new RangeError(`${what} must be an ISO 8601 instant with a zone (Z or ±hh:mm), got "${String(value)}"`);
  }
  return Date.parse(value);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatYmd({ y, m, d }: Ymd): string {
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** Date arithmetic on the UTC timeline, where every day is exactly 24 hours. */
function addDays(date: string, days: number): string {
  const t = new Date(utcMs(parseDate(date)) + days * DAY_MS);
  return formatYmd({ y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() });
}

function isWeekend(date: string): boolean {
  const weekday = new Date(utcMs(parseDate(date))).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The calendar date in Asia/Shanghai at the given instant. */
export function shanghaiDate(instant: Date | string): string {
  if (typeof instant === 'string' && !isInstant(instant)) {
    throw new RangeError(`Expected an ISO 8601 instant with a zone (Z or ±hh:mm), got "${instant}"`);
  }
  const t = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('Invalid instant');
  const shifted = new Date(t + SHANGHAI_OFFSET_MS);
  return formatYmd({ y: shifted.getUTCFullYear(), m: shifted.getUTCMonth() + 1, d: shifted.getUTCDate() });
}

/** The last moment of a date in Asia/Shanghai (23:59:59.999), i.e. when a period ending that day expires. */
export function endOfDayShanghai(date: string): Date {
  return new Date(utcMs(parseDate(date)) + DAY_MS - SHANGHAI_OFFSET_MS - 1);
}

export interface HolidayCalendar {
  /** True for statutory holidays and for weekends that are not adjusted working days (调休). */
  isRestDay(date: string): boolean;
}

const dataYears = SHIPPED_ARRANGEMENTS.map((a) => a.year);
/**
 * Years whose State Council arrangement ships with the platform (from `chinese-days`). Later
 * years use the statutory holidays computed from the law until an administrator enters the
 * year's arrangement (server/calendar): see state-machines/calendar/courtCalendar.ts.
 */
export const CHINESE_HOLIDAY_DATA_YEARS: { readonly first: number; readonly last: number } = {
  first: Math.min(...dataYears),
  last: Math.max(...dataYears),
};

/** The shipped arrangements plus the statutory holidays of every later year (provisional). */
export const chineseHolidayCalendar: CourtCalendar = buildCourtCalendar(SHIPPED_ARRANGEMENTS);

/**
 * A calendar from explicit lists, for tests and court configuration. Weekends are rest days
 * unless listed in `workdays`.
 */
export function fixedHolidayCalendar(restDays: Iterable<string>, workdays: Iterable<string> = []): HolidayCalendar {
  const rest = new Set<string>();
  for (const day of restDays) rest.add(formatYmd(parseDate(day)));
  const work = new Set<string>();
  for (const day of workdays) {
    const normalized = formatYmd(parseDate(day));
    if (rest.has(normalized)) throw new RangeError(`${normalized} is listed both as a rest day and as a workday`);
    work.add(normalized);
  }
  return {
    isRestDay(date: string): boolean {
      parseDate(date);
      if (rest.has(date)) return true;
      if (work.has(date)) return false;
      return isWeekend(date);
    },
  };
}

// No real holiday run is this long; a longer one means a broken calendar, not a long holiday.
const MAX_ROLL_DAYS = 60;

/**
 * The last day of a period under CPL Art. 85.
 * - The day the period starts from (`from`, e.g. the day service took effect) is not counted.
 * - Month and year periods end on the corresponding day of the later month; when that month is
 *   shorter, on its last day (01-31 + 1 month = 02-28 or 02-29). CPL Art. 85 is silent on this;
 *   it follows the Civil Code's rule for periods (民法典 Art. 202).
 * - If that last day is a rest day, the period ends on the first following day that is not.
 *   Rest days in between do not extend it.
 */
export function addPeriod(from: string, amount: number, unit: 'day' | 'month' | 'year', calendar: HolidayCalendar): string {
  const start = parseDate(from);
  if (!Number.isSafeInteger(amount) || amount < 1) {
    throw new RangeError(`A period must be a positive whole number of ${unit}s, got ${amount}`);
  }
  let end: string;
  if (unit === 'day') {
    end = addDays(from, amount);
  } else if (unit === 'month' || unit === 'year') {
    const months = start.m - 1 + (unit === 'month' ? amount : amount * 12);
    const y = start.y + Math.floor(months / 12);
    const m = (months % 12) + 1;
    end = formatYmd({ y, m, d: Math.min(start.d, daysInMonth(y, m)) });
  } else {
    throw new RangeError(`Unknown period unit: ${String(unit)}`);
  }
  for (let rolled = 0; calendar.isRestDay(end); rolled++) {
    if (rolled >= MAX_ROLL_DAYS) throw new RangeError(`No working day within ${MAX_ROLL_DAYS} days after ${end}`);
    end = addDays(end, 1);
  }
  return end;
}
