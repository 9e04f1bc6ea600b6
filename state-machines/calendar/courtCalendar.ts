/**
 * The working-day calendar periods are counted on (CPL Art. 85: a period whose last day is a
 * holiday ends on the next working day). Two layers:
 *   1. the statutory holidays, computed for any year from the law (statutoryHolidays.ts);
 *   2. each year's State Council arrangement (国务院办公厅关于某年部分节假日安排的通知): the
 *      bridging rest days and the adjusted working days (调休), entered by a platform
 *      administrator. A year without one is *provisional*: only statutory days and weekends
 *      count, and every deadline in it says so until the arrangement arrives.
 * Pure: the server loads the arrangements and hands them in.
 */
import type { HolidayCalendar } from '../rules/periods.js';
import { CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, STATUTORY_RULES_FROM_YEAR, statutoryHolidays } from './statutoryHolidays.js';

export interface YearArrangement {
  year: number;
  /** Every rest day of the notice that is not an ordinary weekend: holidays and bridging days. */
  restDays: readonly string[];
  /** Weekend days the notice makes working days (调休上班). */
  workdays: readonly string[];
}

/** A calendar that knows which years are confirmed by an entered arrangement. */
export interface CourtCalendar extends HolidayCalendar {
  /** True when `date`'s year has no arrangement: a deadline ending then may still move. */
  isProvisional(date: string): boolean;
  readonly confirmedYears: readonly number[];
}

export type ArrangementProblemCode =
  | 'CALENDAR_YEAR_OUT_OF_RANGE'
  | 'CALENDAR_DATE_INVALID'
  | 'CALENDAR_DATE_OUTSIDE_YEAR'
  | 'CALENDAR_DAY_TWICE'
  | 'CALENDAR_STATUTORY_DAY_MISSING'
  | 'CALENDAR_WORKDAY_NOT_WEEKEND';

export class ArrangementError extends Error {
  constructor(readonly code: ArrangementProblemCode, message: string) {
    super(message);
    this.name = 'ArrangementError';
  }
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function realDate(date: string): boolean {
  const m = DATE_RE.exec(date);
  if (!m) return false;
  const t = new Date(0);
  t.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return t.getUTCFullYear() === Number(m[1]) && t.getUTCMonth() === Number(m[2]) - 1 && t.getUTCDate() === Number(m[3]);
}

function weekday(date: string): number {
  const t = new Date(0);
  t.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return t.getUTCDay();
}

function isWeekend(date: string): boolean {
  const d = weekday(date);
  return d === 0 || d === 6;
}

/**
 * Checks an arrangement before it is stored. A notice sometimes starts the New Year break in
 * the last days of the previous December, so dates from 1 December of the year before are
 * accepted. From 2025 every statutory day must be a rest day: a notice cannot take one away.
 */
export function validateArrangement(a: YearArrangement): void {
  if (!Number.isInteger(a.year) || a.year < CALENDAR_MIN_YEAR || a.year > CALENDAR_MAX_YEAR) {
    throw new ArrangementError('CALENDAR_YEAR_OUT_OF_RANGE', `The year must be between ${CALENDAR_MIN_YEAR} and ${CALENDAR_MAX_YEAR}.`);
  }
  const seen = new Set<string>();
  const earliest = `${a.year - 1}-12-01`;
  // Each list is read as a set; only a day in both (rest and work) is contradictory.
  for (const date of [...new Set(a.restDays), ...new Set(a.workdays)]) {
    if (!realDate(date)) throw new ArrangementError('CALENDAR_DATE_INVALID', `"${date}" is not a real date written YYYY-MM-DD.`);
    if (date < earliest || date > `${a.year}-12-31`) {
      throw new ArrangementError('CALENDAR_DATE_OUTSIDE_YEAR', `${date} is outside the ${a.year} arrangement (from ${earliest} to ${a.year}-12-31).`);
    }
    if (seen.has(date)) throw new ArrangementError('CALENDAR_DAY_TWICE', `${date} is listed twice (a day is either a rest day or a working day).`);
    seen.add(date);
  }
  for (const date of a.workdays) {
    if (!isWeekend(date)) throw new ArrangementError('CALENDAR_WORKDAY_NOT_WEEKEND', `${date} is a weekday: only a weekend day can be made a working day.`);
  }
  if (a.year >= STATUTORY_RULES_FROM_YEAR) {
    const rest = new Set(a.restDays);
    for (const h of statutoryHolidays(a.year)) {
      if (!rest.has(h.date)) {
        throw new ArrangementError('CALENDAR_STATUTORY_DAY_MISSING', `${h.date} (${h.zh}) is a statutory holiday and must be a rest day.`);
      }
    }
  }
}

/** The years that contain the dates of an arrangement's own notice year. */
function confirmedYear(a: YearArrangement): number {
  return a.year;
}

/**
 * Builds the calendar from the arrangements in force. Arrangements are assumed valid
 * (validateArrangement); a later one for the same year replaces the earlier.
 */
export function buildCourtCalendar(arrangements: Iterable<YearArrangement>): CourtCalendar {
  const byYear = new Map<number, YearArrangement>();
  for (const a of arrangements) byYear.set(a.year, a);
  const rest = new Set<string>();
  const work = new Set<string>();
  for (const a of byYear.values()) {
    for (const d of a.restDays) rest.add(d);
    for (const d of a.workdays) work.add(d);
  }
  const confirmed = new Set([...byYear.values()].map(confirmedYear));
  const yearOf = (date: string): number => {
    if (!realDate(date)) throw new RangeError(`Expected a real calendar date as YYYY-MM-DD, got "${date}"`);
    return Number(date.slice(0, 4));
  };
  const statutory = (year: number): boolean => year >= CALENDAR_MIN_YEAR && year <= CALENDAR_MAX_YEAR;
  return {
    confirmedYears: [...confirmed].sort((a, b) => a - b),
    isRestDay(date: string): boolean {
      const year = yearOf(date);
      if (rest.has(date)) return true;
      if (work.has(date)) return false;
      // A confirmed year's notice lists every rest day; an unconfirmed one has the law's.
      if (!confirmed.has(year) && statutory(year) && statutoryHolidays(year).some((h) => h.date === date)) return true;
      return isWeekend(date);
    },
    isProvisional(date: string): boolean {
      return !confirmed.has(yearOf(date));
    },
  };
}
