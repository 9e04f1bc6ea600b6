/**
 * The lawful order of the steps before a hearing (docs/legal-rules.md, "Steps in lawful order"):
 *   - the complaint copy is served on each defendant, whose answer period then runs (CPL Art. 128);
 *   - a hearing may be fixed once the case is docketed and the fee settled, but for a date after
 *     every running answer period, unless each defendant answered or waived the rest of it;
 *   - the summons must take effect at least 3 days before the hearing (CPL Art. 139);
 *   - no hearing opens before every defendant has been served.
 * Pure: the server and the machine ask the same functions, so the API, the UI and the
 * machine refuse the same start times for the same reasons.
 */
import { shanghaiDate, type HolidayCalendar } from '../rules/periods.js';
import { answerByFrom } from '../rules/statutoryPeriods.js';
import type { CaseContext, DefendantService } from './caseTypes.js';

/** 民事诉讼法 art. 139: parties are notified at least 3 days before the hearing. */
export const NOTICE_DAYS = 3;

/** A refusal the client can act on: a stable code, a message for a clerk, and the facts behind it. */
export interface ProcedureProblem {
  code: 'HEARING_TOO_EARLY' | 'DEFENDANT_NOT_SERVED' | 'NOTICE_TOO_LATE' | 'ANSWER_PERIOD_NOT_RUNNING';
  message: string;
  details: Record<string, unknown>;
}

/** Midnight (Asia/Shanghai) at the start of `date`, as an ISO instant with its offset. */
export function startOfDayShanghai(date: string): string {
  return `${date}T00:00:00+08:00`;
}

function plusCalendarDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The first instant a hearing may start when the notice takes effect at `effectiveAt`:
 * the day of service is not counted (CPL Art. 85) and 3 whole days lie between it and the
 * hearing day, so service on the 1st allows a hearing from the 5th.
 */
export function earliestAfterNotice(effectiveAt: string): string {
  return startOfDayShanghai(plusCalendarDays(shanghaiDate(effectiveAt), NOTICE_DAYS + 1));
}

/** The first instant after the whole last day of an answer period. */
export function earliestAfterAnswerPeriod(answerBy: string): string {
  return startOfDayShanghai(plusCalendarDays(answerBy, 1));
}

export function defendantServices(context: Pick<CaseContext, 'defendantServices'>): DefendantService[] {
  return context.defendantServices ?? [];
}

/** How many defendants the complaint names (1 for cases docketed before this was recorded). */
export function defendantCount(context: Pick<CaseContext, 'defendantCount' | 'defendantServices'>): number {
  return Math.max(context.defendantCount ?? 1, defendantServices(context).length);
}

/** A defendant whose answer period still stands between the case and a hearing. */
function stillRuns(s: DefendantService): boolean {
  return s.answeredAt === undefined && s.waivedAt === undefined;
}

/** The latest answer deadline still running, or undefined when none runs. */
export function runningAnswerBy(services: readonly DefendantService[]): string | undefined {
  return services.filter(stillRuns).map((s) => s.answerBy).sort().at(-1);
}

function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * Whether a hearing may be fixed for `startsAt`, asked at `at`. What can be known then:
 *   - a served defendant who neither answered nor waived: the hearing falls after their answerBy;
 *   - a defendant not served yet: service takes effect at `at` at the earliest, so the hearing
 *     falls after the answer period that such service would start;
 *   - the summons for this hearing cannot have taken effect before `at` (it names the new time),
 *     so the hearing falls at least 3 days after today. Whether it really did is checked again
 *     when the hearing opens (noticeProblem).
 */
export function scheduleProblem(context: CaseContext, startsAt: string, at: string, calendar: HolidayCalendar): ProcedureProblem | null {
  const services = defendantServices(context);
  let earliest = earliestAfterNotice(at);
  let rule: 'NOTICE_PERIOD' | 'ANSWER_PERIOD' = 'NOTICE_PERIOD';
  const answerBounds = services.filter(stillRuns).map((s) => earliestAfterAnswerPeriod(s.answerBy));
  if (services.length < defendantCount(context)) answerBounds.push(earliestAfterAnswerPeriod(answerByFrom(at, calendar)));
  for (const bound of answerBounds) {
    if (Date.parse(bound) > Date.parse(earliest)) rule = 'ANSWER_PERIOD';
    earliest = later(earliest, bound);
  }
  if (Date.parse(startsAt) >= Date.parse(earliest)) return null;
  const why =
    rule === 'ANSWER_PERIOD'
      ? 'the hearing must fall after every defendant\'s answer period (15 days from service), unless each has answered or waived the rest of it'
      : 'the summons must take effect at least 3 days before the hearing';
  return {
    code: 'HEARING_TOO_EARLY',
    message: `A hearing cannot start at ${startsAt}: ${why}. The earliest lawful start is ${earliest}.`,
    details: { earliestLawfulStart: earliest, rule },
  };
}

/** No hearing opens before every defendant named in the complaint has been served. */
export function openingProblem(context: CaseContext): ProcedureProblem | null {
  const served = defendantServices(context).length;
  const expected = defendantCount(context);
  if (served >= expected) return null;
  return {
    code: 'DEFENDANT_NOT_SERVED',
    message: `The hearing cannot open: ${expected - served} of ${expected} defendant(s) have not yet been served the complaint copy.`,
    details: { served, defendants: expected },
  };
}

/**
 * The 3-day notice, checked when the hearing would open: every party summoned must have been
 * served the summons for this hearing at least 3 days before its start. `notices` gives, per
 * party, when their summons took effect (undefined: not served, or not yet effective).
 */
export function noticeProblem(startsAt: string, notices: readonly { partyId: string; effectiveAt?: string }[]): ProcedureProblem | null {
  const late = notices.filter((n) => n.effectiveAt === undefined || Date.parse(earliestAfterNotice(n.effectiveAt)) > Date.parse(startsAt));
  if (late.length === 0) return null;
  const effective = notices.map((n) => n.effectiveAt).filter((x): x is string => x !== undefined);
  const unserved = late.filter((n) => n.effectiveAt === undefined).map((n) => n.partyId);
  const latest = effective.sort().at(-1);
  return {
    code: 'NOTICE_TOO_LATE',
    message:
      unserved.length > 0
        ? `The hearing cannot open: ${unserved.length} party(ies) have not been served the summons for it; a summons must take effect at least 3 days before the hearing.`
        : 'The hearing cannot open: a summons took effect less than 3 days before the hearing. Move the hearing to a later date.',
    details: { parties: late.map((n) => n.partyId), ...(unserved.length === 0 && latest ? { earliestLawfulStart: earliestAfterNotice(latest) } : {}) },
  };
}

/** A defendant may waive the rest of their answer period only while it runs for them. */
export function waiverProblem(context: CaseContext, defendantId: string): ProcedureProblem | null {
  const mine = defendantServices(context).find((s) => s.defendantId === defendantId);
  if (mine && stillRuns(mine)) return null;
  const why = !mine ? 'has not been served the complaint copy' : mine.answeredAt ? 'has already answered' : 'has already waived it';
  return {
    code: 'ANSWER_PERIOD_NOT_RUNNING',
    message: `No answer period runs for this defendant: they ${why}.`,
    details: { defendantId },
  };
}

/** The case's record of service after the complaint copy took effect on one defendant (a later service on them replaces theirs). */
export function withService(context: CaseContext, service: DefendantService): DefendantService[] {
  const previous = defendantServices(context).find((s) => s.defendantId === service.defendantId);
  const kept = previous ? { ...(previous.answeredAt ? { answeredAt: previous.answeredAt } : {}), ...(previous.waivedAt ? { waivedAt: previous.waivedAt } : {}) } : {};
  return [...defendantServices(context).filter((s) => s.defendantId !== service.defendantId), { ...service, ...kept }];
}

/** Marks one defendant (or, when the clerk names none and one is served, that one) as having answered or waived. */
export function markDefendant(context: CaseContext, defendantId: string | undefined, field: 'answeredAt' | 'waivedAt', at: string): DefendantService[] {
  const services = defendantServices(context);
  const sole = services.length === 1 ? services[0]?.defendantId : undefined;
  // A clerk naming no one, or a case served without naming the defendant, means the only one served.
  const named = services.some((s) => s.defendantId === defendantId);
  const who = named ? defendantId : defendantId === undefined || sole === 'defendant' ? sole : undefined;
  return services.map((s) => (s.defendantId === who && s[field] === undefined ? { ...s, [field]: at } : s));
}

export function everyDefendantAnswered(services: readonly DefendantService[], expected: number): boolean {
  return services.length >= expected && services.every((s) => s.answeredAt !== undefined);
}

/**
 * The procedural refusal for a step, if any; the machine's guard and `applyCaseEvent` ask
 * this after the data checks. Needs the calendar: an unserved defendant's answer period is
 * counted with it.
 */
export function procedureFailure(
  context: CaseContext,
  event: { type: string; at: string; startsAt?: unknown; defendantId?: unknown },
  calendar: HolidayCalendar | undefined,
): ProcedureProblem | null {
  if (event.type === 'SCHEDULE_HEARING' && typeof event.startsAt === 'string' && calendar) return scheduleProblem(context, event.startsAt, event.at, calendar);
  if (event.type === 'HEARING_STARTED') return openingProblem(context);
  if (event.type === 'WAIVE_ANSWER_PERIOD' && typeof event.defendantId === 'string') return waiverProblem(context, event.defendantId);
  return null;
}
