import { describe, expect, it } from 'vitest';
import {
  addPeriod,
  CHINESE_HOLIDAY_DATA_YEARS,
  chineseHolidayCalendar,
  endOfDayShanghai,
  fixedHolidayCalendar,
  isIsoDate,
  shanghaiDate,
} from '../../../../state-machines/rules/periods.js';

const weekendsOnly = fixedHolidayCalendar([]);

describe('shanghaiDate', () => {
  it('changes date at midnight UTC+8, i.e. 16:00 UTC', () => {
    expect(shanghaiDate(new Date('2026-03-01T15:59:59.999Z'))).toBe('2026-03-01');
    expect(shanghaiDate(new Date('2026-03-01T16:00:00.000Z'))).toBe('2026-03-02');
    expect(shanghaiDate('2026-03-02T00:00:00+08:00')).toBe('2026-03-02');
    expect(shanghaiDate('2026-12-31T16:00:00Z')).toBe('2027-01-01');
  });

  it('refuses instants without a zone or that are invalid', () => {
    expect(() => shanghaiDate('2026-03-02T10:00:00')).toThrow(RangeError);
    expect(() => shanghaiDate('2026-03-02')).toThrow(RangeError);
    expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('endOfDayShanghai', () => {
  it('is 23:59:59.999 in Shanghai', () => {
    expect(endOfDayShanghai('2026-03-17').toISOString()).toBe('2026-03-17T15:59:59.999Z');
    expect(shanghaiDate(endOfDayShanghai('2026-03-17'))).toBe('2026-03-17');
    expect(shanghaiDate(new Date(endOfDayShanghai('2026-03-17').getTime() + 1))).toBe('2026-03-18');
  });

  it('rejects dates that do not exist', () => {
    expect(() => endOfDayShanghai('2026-02-29')).toThrow(RangeError);
  });
});

describe('addPeriod, days (CPL Art. 85)', () => {
  it('legal-rules example: service effective 2026-03-02, 15 days ends 2026-03-17', () => {
    expect(addPeriod('2026-03-02', 15, 'day', chineseHolidayCalendar)).toBe('2026-03-17');
    expect(addPeriod('2026-03-02', 15, 'day', weekendsOnly)).toBe('2026-03-17');
  });

  it('the same example rolls over when 03-17 is a holiday', () => {
    expect(addPeriod('2026-03-02', 15, 'day', fixedHolidayCalendar(['2026-03-17']))).toBe('2026-03-18');
  });

  it('rolls a period ending on National Day 2026 to 10-08, the first working day (chinese-days data)', () => {
    expect(chineseHolidayCalendar.isRestDay('2026-10-01')).toBe(true);
    expect(chineseHolidayCalendar.isRestDay('2026-10-07')).toBe(true);
    expect(chineseHolidayCalendar.isRestDay('2026-10-08')).toBe(false);
    expect(addPeriod('2026-09-16', 15, 'day', chineseHolidayCalendar)).toBe('2026-10-08');
  });

  it('rolls across the 2026 Spring Festival (02-15 to 02-23) to 02-24', () => {
    expect(addPeriod('2026-02-05', 15, 'day', chineseHolidayCalendar)).toBe('2026-02-24');
  });

  it('does not roll when the last day is a weekend adjusted to a working day (调休)', () => {
    // 2026-10-10 is a Saturday and 2026-09-20 a Sunday, both worked in lieu of National Day.
    expect(chineseHolidayCalendar.isRestDay('2026-10-10')).toBe(false);
    expect(addPeriod('2026-09-25', 15, 'day', chineseHolidayCalendar)).toBe('2026-10-10');
    expect(addPeriod('2026-09-05', 15, 'day', chineseHolidayCalendar)).toBe('2026-09-20');
  });

  it('rolls a period ending on a weekend to Monday', () => {
    // 2026-03-21 is a Saturday.
    expect(addPeriod('2026-03-06', 15, 'day', chineseHolidayCalendar)).toBe('2026-03-23');
    expect(addPeriod('2026-03-06', 15, 'day', weekendsOnly)).toBe('2026-03-23');
  });

  it('does not extend the period for rest days in the middle', () => {
    // The period crosses the Qingming holiday (04-04 to 04-06) but ends on a Tuesday.
    expect(addPeriod('2026-03-30', 15, 'day', chineseHolidayCalendar)).toBe('2026-04-14');
  });

  it('starts counting from the day after, even when that is a holiday', () => {
    expect(addPeriod('2026-09-30', 10, 'day', chineseHolidayCalendar)).toBe('2026-10-10');
  });

  it('handles a 7-day fee deadline and a 10-day ruling appeal', () => {
    expect(addPeriod('2026-03-02', 7, 'day', chineseHolidayCalendar)).toBe('2026-03-09');
    expect(addPeriod('2026-03-02', 10, 'day', chineseHolidayCalendar)).toBe('2026-03-12');
  });

  it('rejects bad input', () => {
    expect(() => addPeriod('2026-02-30', 15, 'day', weekendsOnly)).toThrow(RangeError);
    expect(() => addPeriod('2026-3-2', 15, 'day', weekendsOnly)).toThrow(RangeError);
    expect(() => addPeriod('2026-03-02', 0, 'day', weekendsOnly)).toThrow(RangeError);
    expect(() => addPeriod('2026-03-02', 1.5, 'day', weekendsOnly)).toThrow(RangeError);
    expect(() => addPeriod('2026-03-02', -1, 'day', weekendsOnly)).toThrow(RangeError);
  });

  it('gives up on a calendar with no working day in sight', () => {
    const broken = { isRestDay: () => true };
    expect(() => addPeriod('2026-03-02', 1, 'day', broken)).toThrow(/No working day/);
  });
});

describe('addPeriod, months and years', () => {
  it('ends on the corresponding day of the later month', () => {
    expect(addPeriod('2026-03-17', 1, 'month', weekendsOnly)).toBe('2026-04-17');
    expect(addPeriod('2026-11-17', 3, 'month', weekendsOnly)).toBe('2027-02-17');
  });

  it('clamps to the last day of a shorter month', () => {
    expect(addPeriod('2023-01-31', 1, 'month', weekendsOnly)).toBe('2023-02-28');
    expect(addPeriod('2024-01-31', 1, 'month', weekendsOnly)).toBe('2024-02-29');
    expect(addPeriod('2026-03-31', 6, 'month', chineseHolidayCalendar)).toBe('2026-09-30');
    expect(addPeriod('2024-02-29', 1, 'year', weekendsOnly)).toBe('2025-02-28');
  });

  it('still rolls the clamped day over rest days, honouring adjusted working days', () => {
    // 2026-02-28 is a Saturday worked in lieu of the Spring Festival.
    expect(addPeriod('2026-01-31', 1, 'month', chineseHolidayCalendar)).toBe('2026-02-28');
    expect(addPeriod('2026-01-31', 1, 'month', weekendsOnly)).toBe('2026-03-02');
  });

  it('adds years', () => {
    expect(addPeriod('2025-10-01', 1, 'year', chineseHolidayCalendar)).toBe('2026-10-08');
    expect(addPeriod('2024-03-17', 2, 'year', weekendsOnly)).toBe('2026-03-17');
  });
});

describe('calendars', () => {
  it('fixedHolidayCalendar: weekends rest unless listed as workdays; listed days rest', () => {
    const cal = fixedHolidayCalendar(['2026-03-18'], ['2026-03-21']);
    expect(cal.isRestDay('2026-03-18')).toBe(true);
    expect(cal.isRestDay('2026-03-21')).toBe(false);
    expect(cal.isRestDay('2026-03-22')).toBe(true);
    expect(cal.isRestDay('2026-03-19')).toBe(false);
  });

  it('fixedHolidayCalendar rejects contradictory or malformed lists', () => {
    expect(() => fixedHolidayCalendar(['2026-03-18'], ['2026-03-18'])).toThrow(RangeError);
    expect(() => fixedHolidayCalendar(['2026-13-01'])).toThrow(RangeError);
  });

  it('chineseHolidayCalendar knows New Year 2026 and the Sunday 2026-01-04 worked in lieu', () => {
    expect(chineseHolidayCalendar.isRestDay('2026-01-01')).toBe(true);
    expect(chineseHolidayCalendar.isRestDay('2026-01-03')).toBe(true);
    expect(chineseHolidayCalendar.isRestDay('2026-01-04')).toBe(false);
    expect(chineseHolidayCalendar.isRestDay('2026-01-05')).toBe(false);
  });

  it('isIsoDate accepts only real dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('20260401')).toBe(false);
  });
});

describe('chinese-days data coverage', () => {
  it('covers 2026, the year of the legal-rules examples', () => {
    expect(CHINESE_HOLIDAY_DATA_YEARS.first).toBeLessThanOrEqual(2026);
    expect(CHINESE_HOLIDAY_DATA_YEARS.last).toBeGreaterThanOrEqual(2026);
  });
});
