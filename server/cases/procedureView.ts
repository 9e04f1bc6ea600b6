/**
 * What the case shows of the order of procedure: service of the complaint copy per defendant
 * (with each answer deadline, whatever the stage) and, for a filing awaiting the clerk, the days
 * left of the 7 days within which it must be accepted or refused (CPL Art. 126).
 */
import { defendantCount, type CaseContext, type CaseStatus } from '../../state-machines/case/caseMachine.js';
import { endOfDayShanghai, shanghaiDate } from '../../state-machines/rules/periods.js';
import type { DefendantServiceView, ReviewDue } from '../../protocol/caseViews.js';

const DAY_MS = 86_400_000;

export function defendantServiceView(context: Pick<CaseContext, 'defendantCount' | 'defendantServices'>, now: Date): DefendantServiceView {
  const served = (context.defendantServices ?? []).map((s) => {
    const state = s.answeredAt ? 'answered' : s.waivedAt ? 'waived' : now.getTime() > endOfDayShanghai(s.answerBy).getTime() ? 'ended' : 'running';
    return {
      defendantId: s.defendantId,
      servedAt: s.servedAt,
      ...(s.documentId ? { documentId: s.documentId } : {}),
      answerBy: s.answerBy,
      answerEndsAt: endOfDayShanghai(s.answerBy).toISOString(),
      ...(s.answeredAt ? { answeredAt: s.answeredAt } : {}),
      ...(s.waivedAt ? { waivedAt: s.waivedAt } : {}),
      state: state as 'running' | 'answered' | 'waived' | 'ended',
    };
  });
  return { defendants: defendantCount(context), served };
}

/** Whole calendar days (Asia/Shanghai) from `now` to the last day `date`; negative once past. */
export function daysLeft(date: string, now: Date): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${shanghaiDate(now)}T00:00:00Z`)) / DAY_MS);
}

/** The clerk's decision on a complete filing is due within 7 days; shown in the queue with the days left. */
export function reviewDueView(status: CaseStatus, context: Pick<CaseContext, 'deadlines'>, now: Date): ReviewDue | undefined {
  const by = context.deadlines.docketBy;
  if (status !== 'underReview' || by === undefined) return undefined;
  return { by, daysLeft: daysLeft(by, now), overdue: now.getTime() > endOfDayShanghai(by).getTime() };
}
