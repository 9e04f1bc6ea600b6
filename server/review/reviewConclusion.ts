/**
 * What a finished reading review does to the case, through the one command path:
 *  - findings: READING_REVIEWED, and they join the consolidated correction notice;
 *  - nothing found, in a court with automatic docketing: docketed at once with its number and
 *    fee (the clerk's own docketing, as the system), the reason in the log; notes (a page that
 *    could not be read) leave the decision to the clerk, logged with why;
 *  - nothing found otherwise: the clerk decides as before, and the case log is left alone;
 *  - a case that moved on meanwhile (docketed by the clerk, withdrawn): the findings are logged
 *    for the clerk as a note; a newer submission makes this job superseded.
 * Running it twice for one job (a crash between the case change and the job's end) changes the
 * case once: the case records when it was last reviewed.
 */
import { SYSTEM_ACTOR, type Finding } from '../../state-machines/case/caseMachine.js';
import type { ReadingFinding, ReviewOutcome } from '../../protocol/review.js';
import type { CaseDoc } from '../cases/caseModel.js';
import type { CaseService } from '../cases/caseService.js';
import { findCourt } from '../courts/courtModel.js';
import type { Connection } from 'mongoose';
import type { ReadingOutcome } from './readingFindings.js';
import type { ReviewJobDoc } from './reviewJobModel.js';

export interface ConclusionDeps {
  connection: Connection;
  cases: CaseService;
  load: (caseId: string) => Promise<CaseDoc | null>;
}

/** Reading findings as the case machine keeps them: the place and the quote travel with each. */
export function caseFindingOf(f: ReadingFinding): Finding {
  return { code: f.code, message: f.message, messageZh: f.messageZh, field: 'reading', ...(f.location ? { location: f.location } : {}) };
}

const OPEN = new Set(['underReview', 'correctionRequested']);
const ENDED = new Set(['rejected', 'withdrawn', 'closed']);

export async function conclude(deps: ConclusionDeps, job: ReviewJobDoc, outcome: ReadingOutcome): Promise<ReviewOutcome | 'superseded'> {
  const doc = await deps.load(job.caseId);
  if (!doc) return { decision: 'recorded', reasonZh: '案件不存在。', reasonEn: 'The case no longer exists.' };
  const context = doc.snapshot.context;
  if (context.timestamps.submittedAt !== job.submittedAt) return 'superseded';
  const already = context.timestamps.readingReviewedAt !== undefined && context.timestamps.readingReviewedAt >= job.submittedAt;
  const findings = outcome.findings.map(caseFindingOf);

  if (OPEN.has(doc.status) && findings.length > 0) {
    if (!already) {
      await deps.cases.commands.run(doc, (current, at) =>
        current.snapshot.context.timestamps.submittedAt === job.submittedAt && OPEN.has(current.status)
          ? { event: { type: 'READING_REVIEWED', findings, actor: SYSTEM_ACTOR, at }, fields: { findings: [...current.findings, ...findings] } }
          : null,
      );
    }
    return {
      decision: 'correction',
      reasonZh: `自动审查发现${findings.length}项问题，已纳入补正通知。`,
      reasonEn: `The review found ${findings.length} problem(s); they joined the correction notice.`,
    };
  }
  if (doc.status === 'correctionRequested') {
    return { decision: 'correction', reasonZh: '自动审查未发现其他问题，补正通知仍然有效。', reasonEn: 'The review found nothing more; the correction notice stands.' };
  }
  if (doc.status === 'underReview') {
    const court = await findCourt(deps.connection, doc.courtId);
    if (!court?.autoDocket) return { decision: 'clerk', reasonZh: '自动审查未发现问题，由书记员审查立案。', reasonEn: 'The review found nothing; the clerk decides on docketing.' };
    if (outcome.notes.length > 0) {
      const reasonEn = `Not docketed automatically: ${outcome.notes.map((n) => n.message).join('; ')}`;
      const reasonZh = `未自动立案：${outcome.notes.map((n) => n.messageZh).join('；')}`;
      await deps.cases.commands.note(doc._id, 'AUTO_DOCKET_WITHHELD', SYSTEM_ACTOR, { reasonEn, reasonZh, notes: outcome.notes.map((n) => n.code) });
      return { decision: 'clerk', reasonZh, reasonEn };
    }
    const reason = 'The reading review found the complaint, the identity document and the evidence in agreement with the filing (automatic docketing is on for this court).';
    await deps.cases.autoDocket(doc._id, reason);
    return { decision: 'autoDocketed', reasonZh: '自动审查未发现问题，本院已开启自动立案，案件已自动立案。', reasonEn: reason };
  }
  if (doc.status === 'docketed' && context.docketing && !context.docketing.reversed) {
    // Docketed by this review before a restart.
    return { decision: 'autoDocketed', reasonZh: '案件已自动立案。', reasonEn: 'The case was docketed automatically.' };
  }
  if (!OPEN.has(doc.status) && !ENDED.has(doc.status) && findings.length > 0 && !already) {
    await deps.cases.commands.note(doc._id, 'READING_REVIEW_RECORDED', SYSTEM_ACTOR, { findings });
  }
  return { decision: 'recorded', reasonZh: '案件已进入下一阶段，审查结果仅作记录。', reasonEn: 'The case had moved on; the review is kept on record.' };
}
