/**
 * Recounting a case's open periods when the court calendar changes (a year's State Council
 * arrangement entered after deadlines in that year were computed provisionally). Each period
 * is counted again from the step that started it, exactly as caseRecord.ts counted it first.
 * A court-set correction date is the court's own choice and is never recounted.
 */
import { shanghaiDate } from '../rules/periods.js';
import type { HolidayCalendar } from '../rules/periods.js';
import { PERIODS } from './caseRecord.js';
import { addPeriod } from '../rules/periods.js';
import { answerByFrom, appealByFrom } from '../rules/statutoryPeriods.js';
import type { CaseContext, CaseDeadlines } from './caseTypes.js';

export interface MovedDeadline {
  /** `docketBy`, `feeDueBy`, `answerBy`, or `appealBy:<recipientId>`. */
  name: string;
  from: string;
  to: string;
}

function daysAfter(instant: string, days: number, calendar: HolidayCalendar): string {
  return addPeriod(shanghaiDate(instant), days, 'day', calendar);
}

/**
 * The context with every still-running period recounted on `calendar`, and the deadlines
 * that moved. `today` (YYYY-MM-DD, Asia/Shanghai) separates open periods from ended ones:
 * an ended period has had its consequences and stays as it was.
 */
export function recomputeDeadlines(
  context: CaseContext,
  calendar: HolidayCalendar,
  today: string,
): { context: CaseContext; moved: MovedDeadline[] } {
  const moved: MovedDeadline[] = [];
  const deadlines: CaseDeadlines = { ...context.deadlines };
  const t = context.timestamps;
  const recount = (key: 'docketBy' | 'feeDueBy' | 'answerBy', start: string | undefined, count: () => string) => {
    const old = deadlines[key];
    if (old === undefined || start === undefined || old < today) return;
    const next = count();
    if (next !== old) {
      deadlines[key] = next;
      moved.push({ name: key, from: old, to: next });
    }
  };
  recount('docketBy', t.submittedAt, () => daysAfter(t.submittedAt!, PERIODS.docket, calendar));
  recount('feeDueBy', t.docketedAt, () => daysAfter(t.docketedAt!, PERIODS.fee, calendar));
  recount('answerBy', t.servedAt, () => answerByFrom(t.servedAt!, calendar));
  const kind = context.decisionKind === 'ruling' ? 'ruling' : 'judgment';
  const appeals = context.appeals?.map((a) => {
    if (a.appealBy < today) return a;
    const appealBy = appealByFrom(a.servedAt, kind, calendar);
    if (appealBy === a.appealBy) return a;
    moved.push({ name: `appealBy:${a.recipientId}`, from: a.appealBy, to: appealBy });
    return { ...a, appealBy };
  });
  if (moved.length === 0) return { context, moved };
  return { context: { ...context, deadlines, ...(appeals ? { appeals } : {}) }, moved };
}
