/**
 * The statutory public holidays (全体公民放假的节日) of any year, computed from the law rather
 * than from a table: 《全国年节及纪念日放假办法》 Art. 2 as amended by State Council Decree
 * No. 795 (2024-11-10, in force 2025-01-01). Lunar dates and the Qingming solar term come
 * from `lunar-typescript`, a maintained astronomical calendar library (pure, no I/O).
 */
import { Lunar, Solar } from 'lunar-typescript';

export type StatutoryHolidayName = 'newYear' | 'springFestival' | 'qingming' | 'labourDay' | 'dragonBoat' | 'midAutumn' | 'nationalDay';

export interface StatutoryHoliday {
  date: string;
  name: StatutoryHolidayName;
  zh: string;
}

const ZH: Record<StatutoryHolidayName, string> = {
  newYear: '元旦',
  springFestival: '春节',
  qingming: '清明节',
  labourDay: '劳动节',
  dragonBoat: '端午节',
  midAutumn: '中秋节',
  nationalDay: '国庆节',
};

/** First year the 2024 amendment governs; earlier years had 3-day Spring Festival and 1-day Labour Day. */
export const STATUTORY_RULES_FROM_YEAR = 2025;
/** Years the lunar library handles reliably; outside them we refuse rather than guess. */
export const CALENDAR_MIN_YEAR = 1901;
export const CALENDAR_MAX_YEAR = 2099;

function ymd(solar: Solar): string {
  return solar.toYmd();
}

const cache = new Map<number, readonly StatutoryHoliday[]>();

/**
 * The statutory holiday days of `year` (Gregorian), sorted by date. Lunar New Year's Eve
 * (除夕) is the day before the first day of the first lunar month, whether the 12th month
 * has 29 or 30 days; it can fall in the previous Gregorian year only for a lunar new year on
 * 1 January, which does not happen in the supported range.
 */
export function statutoryHolidays(year: number): readonly StatutoryHoliday[] {
  if (!Number.isInteger(year) || year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR) {
    throw new RangeError(`Statutory holidays are computed for ${CALENDAR_MIN_YEAR}-${CALENDAR_MAX_YEAR}, got ${year}`);
  }
  const cached = cache.get(year);
  if (cached) return cached;
  const days: StatutoryHoliday[] = [];
  const add = (date: string, name: StatutoryHolidayName) => days.push({ date, name, zh: ZH[name] });
  add(`${year}-01-01`, 'newYear');
  // Art. 2(2): New Year's Eve and the 1st-3rd days of the first lunar month.
  const lunarNewYear = Lunar.fromYmd(year, 1, 1).getSolar();
  add(ymd(lunarNewYear.next(-1)), 'springFestival');
  for (let i = 0; i < 3; i++) add(ymd(lunarNewYear.next(i)), 'springFestival');
  // Art. 2(3): the day of the Qingming solar term of this Gregorian year.
  const qingming = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()['清明'];
  if (!qingming) throw new RangeError(`No Qingming term found for ${year}`);
  add(ymd(qingming), 'qingming');
  add(`${year}-05-01`, 'labourDay');
  add(`${year}-05-02`, 'labourDay');
  add(ymd(Lunar.fromYmd(year, 5, 5).getSolar()), 'dragonBoat');
  add(ymd(Lunar.fromYmd(year, 8, 15).getSolar()), 'midAutumn');
  for (const d of ['01', '02', '03']) add(`${year}-10-${d}`, 'nationalDay');
  days.sort((a, b) => a.date.localeCompare(b.date));
  const frozen = Object.freeze(days);
  cache.set(year, frozen);
  return frozen;
}
