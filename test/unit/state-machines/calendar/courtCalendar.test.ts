import { describe, expect, it } from 'vitest';
import { statutoryHolidays } from '../../../../state-machines/calendar/statutoryHolidays.js';
import { ArrangementError, buildCourtCalendar, validateArrangement, type YearArrangement } from '../../../../state-machines/calendar/courtCalendar.js';
import { SHIPPED_ARRANGEMENTS } from '../../../../state-machines/calendar/shippedArrangements.js';
import { recomputeDeadlines } from '../../../../state-machines/case/caseDeadlineRecompute.js';
import type { CaseContext } from '../../../../state-machines/case/caseTypes.js';
import { addPeriod, chineseHolidayCalendar } from '../../../../state-machines/rules/periods.js';

const dates = (year: number) => statutoryHolidays(year).map((h) => h.date);

/** A 2027 arrangement as a notice might read: statutory days plus bridging days and 调休. */
function arrangement2027(extraRest: string[] = [], workdays: string[] = []): YearArrangement {
  return { year: 2027, restDays: [...new Set([...dates(2027), ...extraRest])].sort(), workdays };
}

describe('statutory holidays (全国年节及纪念日放假办法 Art. 2, 2024 amendment)', () => {
  it('computes 2027 from the lunar calendar: Spring Festival from New Year\'s Eve 02-05, lunar new year 02-06', () => {
    const h = statutoryHolidays(2027);
    expect(h.filter((d) => d.name === 'springFestival').map((d) => d.date)).toEqual(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']);
    expect(h.find((d) => d.name === 'qingming')?.date).toBe('2027-04-05');
    expect(h.find((d) => d.name === 'dragonBoat')?.date).toBe('2027-06-09');
    expect(h.find((d) => d.name === 'midAutumn')?.date).toBe('2027-09-15');
    expect(h.filter((d) => d.name === 'newYear').map((d) => d.date)).toEqual(['2027-01-01']);
    expect(h.filter((d) => d.name === 'labourDay').map((d) => d.date)).toEqual(['2027-05-01', '2027-05-02']);
    expect(h.filter((d) => d.name === 'nationalDay').map((d) => d.date)).toEqual(['2027-10-01', '2027-10-02', '2027-10-03']);
    expect(h).toHaveLength(13);
  });

  it('matches the announced holidays of 2025 and 2026 (every statutory day is a rest day in the notices)', () => {
    expect(dates(2025)).toEqual(expect.arrayContaining(['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-04-04', '2025-05-31', '2025-10-06']));
    expect(dates(2026)).toEqual(expect.arrayContaining(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-04-05', '2026-06-19', '2026-09-25']));
    for (const year of [2025, 2026]) {
      for (const d of dates(year)) expect(chineseHolidayCalendar.isRestDay(d), d).toBe(true);
      const shipped = SHIPPED_ARRANGEMENTS.find((a) => a.year === year);
      expect(shipped).toBeDefined();
      expect(() => validateArrangement(shipped!)).not.toThrow();
    }
  });

  it('lets two holidays share a day (2028: Mid-Autumn on 10-03, a National Day holiday) without adding one', () => {
    const h = statutoryHolidays(2028);
    expect(h.filter((d) => d.date === '2028-10-03').map((d) => d.name).sort()).toEqual(['midAutumn', 'nationalDay']);
    expect(() => validateArrangement({ year: 2028, restDays: h.map((d) => d.date), workdays: [] })).not.toThrow();
  });

  it('refuses years the lunar library does not cover', () => {
    expect(() => statutoryHolidays(2100)).toThrow(RangeError);
    expect(() => statutoryHolidays(2027.5)).toThrow(RangeError);
  });
});

describe('court calendar: shipped years, then statutory days (provisional) until a year is entered', () => {
  it('ends an answer period from 2026-12-17 on 2027-01-04: New Year\'s Day is a holiday, then the weekend', () => {
    expect(addPeriod('2026-12-17', 15, 'day', chineseHolidayCalendar)).toBe('2027-01-04');
    expect(chineseHolidayCalendar.isProvisional('2027-01-04')).toBe(true);
  });

  it('keeps the 2026 vectors: 2026-03-02 → 2026-03-17, 2026-12-04 → 2026-12-21, confirmed', () => {
    expect(addPeriod('2026-03-02', 15, 'day', chineseHolidayCalendar)).toBe('2026-03-17');
    expect(addPeriod('2026-12-04', 15, 'day', chineseHolidayCalendar)).toBe('2026-12-21');
    expect(chineseHolidayCalendar.isProvisional('2026-12-21')).toBe(false);
  });

  it('skips the Spring Festival of a year without an arrangement', () => {
    // 2027-01-21 + 15 = 2027-02-05 (New Year's Eve, Fri) → 02-06..02-08 holidays → 02-09.
    expect(addPeriod('2027-01-21', 15, 'day', chineseHolidayCalendar)).toBe('2027-02-09');
  });

  it('follows an entered arrangement: bridging days rest, adjusted working days count', () => {
    const entered = buildCourtCalendar([...SHIPPED_ARRANGEMENTS, arrangement2027(['2027-01-04'], ['2027-02-20'])]);
    expect(entered.isProvisional('2027-01-05')).toBe(false);
    expect(addPeriod('2026-12-17', 15, 'day', entered)).toBe('2027-01-05');
    expect(entered.isRestDay('2027-02-20')).toBe(false);
    expect(entered.isRestDay('2027-02-21')).toBe(true);
    // A confirmed year lists its rest days: nothing else but weekends.
    expect(entered.isRestDay('2027-02-09')).toBe(false);
    expect(entered.confirmedYears).toContain(2027);
  });
});

describe('validateArrangement refuses a notice that cannot be right, with a stable code', () => {
  const code = (a: YearArrangement) => {
    try {
      validateArrangement(a);
      return 'valid';
    } catch (e) {
      return e instanceof ArrangementError ? e.code : 'other';
    }
  };
  it('accepts a proper notice, including a New Year break starting in the previous December', () => {
    expect(code(arrangement2027(['2026-12-31']))).toBe('valid');
  });
  it('names each problem', () => {
    expect(code({ year: 2027, restDays: dates(2027).filter((d) => d !== '2027-02-05'), workdays: [] })).toBe('CALENDAR_STATUTORY_DAY_MISSING');
    expect(code(arrangement2027([], ['2027-02-10']))).toBe('CALENDAR_WORKDAY_NOT_WEEKEND');
    expect(code(arrangement2027(['2028-01-01']))).toBe('CALENDAR_DATE_OUTSIDE_YEAR');
    expect(code(arrangement2027(['2027-02-30']))).toBe('CALENDAR_DATE_INVALID');
    expect(code(arrangement2027([], ['2027-01-01']))).toBe('CALENDAR_DAY_TWICE');
    expect(code({ year: 3000, restDays: [], workdays: [] })).toBe('CALENDAR_YEAR_OUT_OF_RANGE');
  });
});

describe('recomputeDeadlines', () => {
  const context = (answerBy: string): CaseContext => ({
    caseId: 'c1', courtId: 'court', filerId: 'u1', findings: [],
    deadlines: { answerBy },
    timestamps: { createdAt: '2026-12-01T09:00:00+08:00', servedAt: '2026-12-17T10:00:00+08:00' },
    lastEventAt: '2026-12-17T10:00:00+08:00',
    appeals: [],
  });

  it('moves an open answer deadline when the 2027 arrangement makes its last day a rest day', () => {
    const entered = buildCourtCalendar([...SHIPPED_ARRANGEMENTS, arrangement2027(['2027-01-04'])]);
    const result = recomputeDeadlines(context('2027-01-04'), entered, '2026-12-20');
    expect(result.moved).toEqual([{ name: 'answerBy', from: '2027-01-04', to: '2027-01-05' }]);
    expect(result.context.deadlines.answerBy).toBe('2027-01-05');
  });

  it('leaves unchanged and ended periods alone', () => {
    const same = recomputeDeadlines(context('2027-01-04'), chineseHolidayCalendar, '2026-12-20');
    expect(same.moved).toEqual([]);
    const entered = buildCourtCalendar([...SHIPPED_ARRANGEMENTS, arrangement2027(['2027-01-04'])]);
    expect(recomputeDeadlines(context('2027-01-04'), entered, '2027-01-05').moved).toEqual([]);
  });
});
