/**
 * The State Council arrangements the platform ships with: those bundled in `chinese-days`
 * (offline data, 2004 to its last year). Later years are entered by an administrator.
 * The package's own isHoliday/isWorkday build their tables with local-time getters on dates
 * parsed as UTC midnight, which shifts every holiday a day earlier west of Greenwich; its
 * bundled JSON has the announced dates as plain strings, so we read that instead.
 */
import holidayData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { YearArrangement } from './courtCalendar.js';

function groupByYear(): YearArrangement[] {
  const years = new Map<number, { restDays: string[]; workdays: string[] }>();
  const entry = (date: string) => {
    const year = Number(date.slice(0, 4));
    let e = years.get(year);
    if (!e) years.set(year, (e = { restDays: [], workdays: [] }));
    return e;
  };
  for (const date of Object.keys(holidayData.holidays)) entry(date).restDays.push(date);
  for (const date of Object.keys(holidayData.workdays)) entry(date).workdays.push(date);
  return [...years.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, e]) => ({ year, restDays: e.restDays.sort(), workdays: e.workdays.sort() }));
}

export const SHIPPED_ARRANGEMENTS: readonly YearArrangement[] = Object.freeze(groupByYear());
