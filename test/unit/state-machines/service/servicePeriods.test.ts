import { describe, expect, it } from 'vitest';
import { reviewDueView } from '../../../../server/cases/procedureView.js';
import { periodsFor } from '../../../../state-machines/service/servicePeriods.js';
import { fixedHolidayCalendar } from '../../../../state-machines/rules/periods.js';
import { caseIn } from '../case/caseFixtures.js';

const weekends = fixedHolidayCalendar([]);

describe('periods follow the document served and the recipient side (issue 15)', () => {
  it('the complaint copy on a defendant starts the answer period: 2026-12-04 -> 2026-12-21', () => {
    expect(periodsFor('complaint', 'defendant', '2026-12-04T10:00:00+08:00', weekends)).toEqual({ answerBy: '2026-12-21' });
  });

  it('a summons, on the plaintiff or the defendant, starts no period; nor does the complaint on the plaintiff', () => {
    expect(periodsFor('summons', 'plaintiff', '2026-12-04T10:00:00+08:00', weekends)).toEqual({});
    expect(periodsFor('summons', 'defendant', '2026-12-04T10:00:00+08:00', weekends)).toEqual({});
    expect(periodsFor('complaint', 'plaintiff', '2026-12-04T10:00:00+08:00', weekends)).toEqual({});
  });

  it('a judgment or ruling starts only its own appeal period, for any side', () => {
    expect(periodsFor('judgment', 'plaintiff', '2026-12-04T10:00:00+08:00', weekends)).toEqual({ appealAgainstJudgmentBy: '2026-12-21' });
    expect(periodsFor('ruling', 'defendant', '2026-12-04T10:00:00+08:00', weekends)).toEqual({ appealAgainstRulingBy: '2026-12-14' });
  });
});

describe("the clerk's 7 days to decide on a complete filing (CPL Art. 126)", () => {
  it('shows the days left, and flags the filing once the last day is over', () => {
    const filed = caseIn('underReview');
    const by = filed.context.deadlines.docketBy ?? '';
    expect(reviewDueView('underReview', filed.context, new Date(`${by}T12:00:00+08:00`))).toEqual({ by, daysLeft: 0, overdue: false });
    expect(reviewDueView('underReview', filed.context, new Date(`${by}T23:59:00+08:00`))?.overdue).toBe(false);
    const late = new Date(Date.parse(`${by}T00:00:00+08:00`) + 2 * 86_400_000 + 3_600_000);
    expect(reviewDueView('underReview', filed.context, late)).toEqual({ by, daysLeft: -2, overdue: true });
    expect(reviewDueView('docketed', filed.context, late)).toBeUndefined();
  });
});
