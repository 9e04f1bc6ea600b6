import { describe, expect, it } from 'vitest';
import { calendarDateEn, dateTimeEn } from '../../../../state-machines/rules/courtDates.js';

describe('English court dates', () => {
  it('writes calendar dates in English words, never 2026年12月4日', () => {
    expect(calendarDateEn('2026-12-04')).toBe('4 December 2026');
    expect(calendarDateEn('2027-01-31')).toBe('31 January 2027');
    expect(calendarDateEn('not a date')).toBe('not a date');
  });

  it('writes instants in Beijing time whatever the server zone', () => {
    // 14:31 UTC is 22:31 in Beijing; 16:30 UTC is already the next day there.
    expect(dateTimeEn('2026-12-04T14:31:00.000Z')).toBe('4 December 2026, 22:31');
    expect(dateTimeEn('2026-12-31T16:30:00Z')).toBe('1 January 2027, 00:30');
    expect(dateTimeEn('garbage')).toBe('garbage');
  });
});
