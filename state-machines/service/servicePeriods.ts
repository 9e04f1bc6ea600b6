/**
 * Which periods a service starts follows the document served and the recipient's side
 * (issue 15): the answer period only for a defendant served the complaint copy (起诉状副本,
 * CPL Art. 128); an appeal period only from a served judgment or ruling (CPL Art. 171), for
 * whoever may appeal it. A summons, a notice or evidence starts no period: a plaintiff served
 * a 传票 has nothing to answer.
 */
import { addPeriod, type HolidayCalendar } from '../rules/periods.js';
import { serviceDate } from './effectiveService.js';

export interface ServicePeriods {
  answerBy?: string;
  appealAgainstJudgmentBy?: string;
  appealAgainstRulingBy?: string;
}

const ANSWER_DAYS = 15; // CPL Art. 128
const APPEAL_JUDGMENT_DAYS = 15; // CPL Art. 171
const APPEAL_RULING_DAYS = 10; // CPL Art. 171

export function periodsFor(documentKind: string, side: string | undefined, effectiveAt: string, calendar: HolidayCalendar): ServicePeriods {
  const date = serviceDate(effectiveAt);
  if (documentKind === 'complaint' && side === 'defendant') return { answerBy: addPeriod(date, ANSWER_DAYS, 'day', calendar) };
  if (documentKind === 'judgment') return { appealAgainstJudgmentBy: addPeriod(date, APPEAL_JUDGMENT_DAYS, 'day', calendar) };
  if (documentKind === 'ruling') return { appealAgainstRulingBy: addPeriod(date, APPEAL_RULING_DAYS, 'day', calendar) };
  return {};
}
