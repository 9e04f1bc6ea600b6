/**
 * Which periods a service starts follows the document served and the recipient's side
 * (issue 15): the answer period only for a defendant served the complaint copy (起诉状副本,
 * CPL Art. 128); an appeal period only from a served judgment or ruling (CPL Art. 171), for
 * whoever may appeal it. A summons, a notice or evidence starts no period: a plaintiff served
 * a 传票 has nothing to answer.
 */
import type { HolidayCalendar } from '../rules/periods.js';
import { answerByFrom, appealByFrom } from '../rules/statutoryPeriods.js';

export interface ServicePeriods {
  answerBy?: string;
  appealAgainstJudgmentBy?: string;
  appealAgainstRulingBy?: string;
}

export function periodsFor(documentKind: string, side: string | undefined, effectiveAt: string, calendar: HolidayCalendar): ServicePeriods {
  if (documentKind === 'complaint' && side === 'defendant') return { answerBy: answerByFrom(effectiveAt, calendar) };
  if (documentKind === 'judgment') return { appealAgainstJudgmentBy: appealByFrom(effectiveAt, 'judgment', calendar) };
  if (documentKind === 'ruling') return { appealAgainstRulingBy: appealByFrom(effectiveAt, 'ruling', calendar) };
  return {};
}
