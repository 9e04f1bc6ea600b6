/**
 * The periods that serving a document starts (docs/legal-rules.md, "Periods follow the document
 * and the recipient's side"): a defendant answers within 15 days of service of the complaint copy
 * (CPL Art. 128); a party appeals a judgment within 15 days of its service, a ruling within 10
 * (CPL Art. 171). Counted from the day after service; a last day on a rest day rolls over to the
 * next working day (CPL Art. 85). Defined here once for the case machine and electronic service.
 */
import { addPeriod, isIsoDate, shanghaiDate, type HolidayCalendar } from './periods.js';

export const ANSWER_DAYS = 15;
export const APPEAL_DAYS = { judgment: 15, ruling: 10 } as const;

/** The Shanghai calendar date of an instant, or the date itself when given as 'YYYY-MM-DD'. */
export function serviceDate(value: string): string {
  return isIsoDate(value) ? value : shanghaiDate(value);
}

/** The last day of the answer period for service effective at `served` (an instant or a date). */
export function answerByFrom(served: string, calendar: HolidayCalendar): string {
  return addPeriod(serviceDate(served), ANSWER_DAYS, 'day', calendar);
}

/** The last day to appeal a decision of `kind` served at `served` (an instant or a date). */
export function appealByFrom(served: string, kind: keyof typeof APPEAL_DAYS, calendar: HolidayCalendar): string {
  return addPeriod(serviceDate(served), APPEAL_DAYS[kind], 'day', calendar);
}
