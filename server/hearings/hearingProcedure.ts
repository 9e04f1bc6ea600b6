/**
 * The lawful-order checks for a hearing (state-machines/case/procedureRules.ts) where the
 * server, not the case machine, holds the facts:
 *   - moving a hearing (PATCH /api/hearings/:id) applies the same start-time rules as fixing it;
 *   - a hearing opens (its first participant joins the room) only when every defendant has been
 *     served and every party summoned to it was served the summons for its current start time
 *     at least 3 days before (CPL Art. 139). A mediation session is not a hearing: not checked.
 */
import { noticeProblem, openingProblem, scheduleProblem, type ProcedureProblem } from '../../state-machines/case/caseMachine.js';
import type { HolidayCalendar } from '../../state-machines/rules/periods.js';
import type { CaseStore } from '../cases/caseStore.js';
import { AppError, errors } from '../errors.js';
import type { HearingDoc } from './hearingModel.js';

export interface HearingProcedureDeps {
  /**
   * Per person served a summons for this hearing at its current start time: when it took
   * effect (the earliest). Read from the service records (service/summonsServed.ts) and
   * handed in by app.ts, so hearings/ does not import service/.
   */
  summonsServed(hearing: { _id: string; caseId: string; startsAt: string }): Promise<Map<string, string>>;
  caseStore: CaseStore;
  calendar: HolidayCalendar;
}

function refusal(problem: ProcedureProblem): AppError {
  return new AppError('invalidState', problem.code, problem.message, problem.details);
}

export class HearingProcedure {
  constructor(private readonly deps: HearingProcedureDeps) {}

  /** A new start time for a hearing of this case, asked at `at`. */
  async assertLawfulStart(caseId: string, startsAt: string, at: string): Promise<void> {
    const doc = await this.deps.caseStore.get(caseId);
    if (!doc) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    const problem = scheduleProblem(doc.snapshot.context, startsAt, at, this.deps.calendar);
    if (problem) throw refusal(problem);
  }

  /** Throws the reason a hearing may not open yet; null problems mean it may. */
  async assertMayOpen(hearing: HearingDoc): Promise<void> {
    if (hearing.kind !== 'hearing') return;
    // Both reads at once: this runs while the first participants wait for the room to open.
    const [doc, notices] = await Promise.all([this.deps.caseStore.get(hearing.caseId), this.notices(hearing)]);
    if (!doc) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    const problem = openingProblem(doc.snapshot.context) ?? noticeProblem(hearing.startsAt, notices);
    if (problem) throw refusal(problem);
  }

  /** Per party summoned to the hearing: when the summons naming its current start time took effect on them. */
  async notices(hearing: HearingDoc): Promise<{ partyId: string; effectiveAt?: string }[]> {
    const earliest = await this.deps.summonsServed(hearing);
    return hearing.participants
      .filter((p) => p.role === 'party')
      .map((p) => ({ partyId: p.userId, ...(earliest.has(p.userId) ? { effectiveAt: earliest.get(p.userId) } : {}) }));
  }
}
