import { endOfDayShanghai, type HolidayCalendar } from '../../state-machines/rules/periods.js';

/** A calendar that may know which years are confirmed (calendar/liveCalendar.ts). */
export type ViewCalendar = HolidayCalendar & { isProvisional?(date: string): boolean };
import type { AppealPeriod, CaseContext, CaseDeadlines } from '../../state-machines/case/caseMachine.js';
import { causeOfAction } from '../../state-machines/rules/data/causesOfAction.js';
import { maskIdNumber, maskPhone } from '../../state-machines/rules/idNumber.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import type { AssignedOfficer, CaseSummary, CaseView, CauseOfActionView, CaseViewer, CourtView, Deadline, NextDeadline, PartyView, RepresentativeView, TimelineEntry } from '../../protocol/caseViews.js';
import type { CaseLogEntry, LogPayload } from './caseLog.js';
import type { CaseDoc, StoredDocument } from './caseModel.js';
import { daysLeft, defendantServiceView, reviewDueView } from './procedureView.js';

/** Names of the accounts a view mentions (filers, assigned judge and clerk), by account id. */
export type NameBook = ReadonlyMap<string, string>;

/** What a case summary reads of the case's state. */
export type SummaryContext = Pick<CaseContext, 'deadlines' | 'appeals' | 'defendantServices' | 'defendantCount'>;

/**
 * What a case summary reads of a case: the list index holds just this for each case
 * (caseListIndex.ts), so a list page is answered without reading the case documents.
 */
export type SummarySource = Pick<
  CaseDoc,
  '_id' | 'status' | 'caseNumber' | 'courtId' | 'caseType' | 'causeOfAction' | 'claimAmount' | 'divorcePropertyAmount' | 'personalityDamagesAmount' | 'filerId' | 'judgeId' | 'clerkId' | 'createdAt' | 'updatedAt'
> & {
  fee?: Pick<NonNullable<CaseDoc['fee']>, 'amount' | 'currency'>;
  defendants: Pick<CaseDoc['defendants'][number], 'name'>[];
  snapshot: { context: SummaryContext };
};

const DEADLINE_LABELS: Record<keyof CaseDeadlines, { zh: string; en: string }> = {
  docketBy: { zh: '立案审查期限', en: 'Court decides on docketing by' },
  correctBy: { zh: '补正期限', en: 'Correct the filing by' },
  feeDueBy: { zh: '交纳诉讼费期限', en: 'Pay the court fee by' },
  answerBy: { zh: '答辩期限', en: 'Defendant answers by' },
};

const SIDE_LABELS: Record<AppealPeriod['side'], { zh: string; en: string }> = {
  plaintiff: { zh: '原告', en: 'Plaintiff' },
  defendant: { zh: '被告', en: 'Defendant' },
  other: { zh: '其他当事人', en: 'Other party' },
};

/**
 * Deadlines as people need them: the last day, and the exact last moment (Asia/Shanghai).
 * Appeal periods run per party, from the service of the decision on each.
 */
export function deadlineView(context: Pick<CaseContext, 'deadlines' | 'appeals'>, calendar?: ViewCalendar): Deadline[] {
  const { deadlines } = context;
  // Provisional: the year's holiday arrangement is not entered yet, so the date may still move.
  const provisional = (date: string) => calendar?.isProvisional?.(date) ?? false;
  const caseWide = (Object.keys(DEADLINE_LABELS) as (keyof CaseDeadlines)[])
    .filter((k) => deadlines[k])
    .map((k) => ({
      kind: k as string,
      date: deadlines[k] as string,
      endsAt: endOfDayShanghai(deadlines[k] as string).toISOString(),
      provisional: provisional(deadlines[k] as string),
      labelZh: DEADLINE_LABELS[k].zh,
      labelEn: DEADLINE_LABELS[k].en,
    }));
  const appeals = (context.appeals ?? []).map((a) => ({
    kind: 'appealBy',
    date: a.appealBy,
    endsAt: endOfDayShanghai(a.appealBy).toISOString(),
    provisional: provisional(a.appealBy),
    labelZh: `${SIDE_LABELS[a.side].zh}上诉期限`,
    labelEn: `${SIDE_LABELS[a.side].en} may appeal until`,
    partyId: a.recipientId,
  }));
  return [...caseWide, ...appeals];
}

export function timelineView(entries: CaseLogEntry[]): TimelineEntry[] {
  return entries.map((e) => {
    const payload = JSON.parse(e.payload) as LogPayload;
    return { seq: e.seq, type: e.type, at: e.at, by: payload.actor.role, status: payload.state.status, details: payload.data };
  });
}

/** The deadline that ends first, with its days left; an ended one shows as overdue until the case moves on. */
export function nextDeadlineOf(deadlines: Deadline[], now: Date): NextDeadline | undefined {
  const first = [...deadlines].sort((a, b) => (a.endsAt < b.endsAt ? -1 : a.endsAt > b.endsAt ? 1 : 0))[0];
  if (!first) return undefined;
  return { ...first, daysLeft: daysLeft(first.date, now), overdue: now.getTime() > Date.parse(first.endsAt) };
}

/** The plaintiff (the filer) and each defendant the complaint names. */
export function partiesOf(doc: Pick<SummarySource, 'filerId' | 'defendants'>, names: NameBook): PartyView[] {
  const filer = names.get(doc.filerId);
  return [...(filer ? [{ name: filer, side: 'plaintiff' as const }] : []), ...doc.defendants.map((d) => ({ name: d.name, side: 'defendant' as const }))];
}

function officer(id: string | undefined, names: NameBook): AssignedOfficer | undefined {
  return id ? { id, name: names.get(id) ?? '' } : undefined;
}

/** A case in a list; `you` says how the reader stands to it. */
export function caseSummary(doc: SummarySource, you: CaseViewer, calendar?: ViewCalendar, now: Date = new Date(), names: NameBook = new Map()): CaseSummary {
  const context = doc.snapshot.context;
  const reviewDue = reviewDueView(doc.status, context, now);
  const deadlines = deadlineView(context, calendar);
  const nextDeadline = nextDeadlineOf(deadlines, now);
  const judge = officer(doc.judgeId, names);
  const clerk = officer(doc.clerkId, names);
  return {
    id: doc._id,
    you,
    status: doc.status,
    ...(doc.caseNumber ? { caseNumber: doc.caseNumber } : {}),
    courtId: doc.courtId,
    caseType: doc.caseType,
    ...(doc.causeOfAction ? { causeOfAction: causeView(doc.causeOfAction) } : {}),
    ...(doc.claimAmount ? { claimAmount: doc.claimAmount } : {}),
    ...(doc.divorcePropertyAmount ? { divorcePropertyAmount: doc.divorcePropertyAmount } : {}),
    ...(doc.personalityDamagesAmount ? { personalityDamagesAmount: doc.personalityDamagesAmount } : {}),
    ...(doc.fee ? { fee: { amount: doc.fee.amount, currency: doc.fee.currency } } : {}),
    deadlines,
    ...(reviewDue ? { reviewDue } : {}),
    service: defendantServiceView(context, now),
    parties: partiesOf(doc, names),
    ...(nextDeadline ? { nextDeadline } : {}),
    ...(judge ? { judge } : {}),
    ...(clerk ? { clerk } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** The cause of action with its names, so every list and page can show it in zh and en. */
export function causeView(code: string): CauseOfActionView {
  const cause = causeOfAction(code);
  return { code, zh: cause?.zh ?? code, en: cause?.en ?? code };
}

export type { CaseViewer } from '../../protocol/caseViews.js';

/**
 * A defendant sees what the case is about (the parties' material, the answer, the decision),
 * not the filer's identity papers, nor the court's notices and receipts addressed to others:
 * what the court served on them is in their inbox.
 */
export function visibleDocuments(doc: CaseDoc, as: CaseViewer, userId: string): StoredDocument[] {
  if (as === 'court') return doc.documents;
  // A court document printing a defendant's access code is theirs (in their inbox) and the court's.
  if (as === 'filer') return doc.documents.filter((d) => !(d as { carriesAccessCode?: boolean }).carriesAccessCode);
  // Nor the proof of the filer's means for fee relief.
  const reliefProof = new Set((doc.feeRelief ?? []).flatMap((r) => r.proofIds));
  return doc.documents.filter((d) => d.uploadedBy === userId || (d.kind !== 'idProof' && (d.kind as string) !== 'courtDocument' && !reliefProof.has(d.id)));
}

/** The full case as its parties and court staff see it; other people's personal data is masked. */
export function caseView(
  doc: CaseDoc,
  entries: CaseLogEntry[],
  cipher: PersonalDataCipher,
  viewer: { as: CaseViewer; userId: string; allowedActions: string[]; calendar?: ViewCalendar; names?: NameBook; court?: CourtView; representatives?: RepresentativeView[] },
): CaseView {
  const context = doc.snapshot.context;
  return {
    ...caseSummary(doc, viewer.as, viewer.calendar, new Date(), viewer.names),
    ...(viewer.court ? { court: viewer.court } : {}),
    representatives: viewer.representatives ?? [],
    typeCode: doc.typeCode,
    claims: doc.claims,
    facts: doc.facts,
    defendants: doc.defendants.map((d) => ({
      name: d.name,
      ...(d.idNumberEnc ? { idNumber: maskIdNumber(cipher.decrypt(d.idNumberEnc)) } : {}),
      ...(d.phoneEnc ? { phone: maskPhone(cipher.decrypt(d.phoneEnc)) } : {}),
    })),
    ...(doc.fee ? { fee: doc.fee } : {}),
    ...(context.feeSettlement ? { feeSettlement: context.feeSettlement } : {}),
    // A party's means are between them and the court: a defendant does not see the application.
    feeRelief: viewer.as === 'defendant' ? [] : (doc.feeRelief ?? []).map(({ applicantId: _a, decidedBy: _d, ...view }) => view),
    findings: doc.findings,
    ...(context.correction ? { correction: context.correction } : {}),
    ...(context.rejectionReasons ? { rejectionReasons: context.rejectionReasons } : {}),
    ...(context.withdrawal ? { withdrawal: context.withdrawal } : {}),
    // The court's review of a signed agreement: 调解书 receipts, or the Art. 101 ground (agreements/courtSettlement.ts).
    ...(context.mediation ? { mediation: context.mediation } : {}),
    ...(context.timestamps.settledAt ? { settledAt: context.timestamps.settledAt } : {}),
    documents: visibleDocuments(doc, viewer.as, viewer.userId).map((d) => ({
      id: d.id,
      kind: d.kind,
      filename: d.filename,
      sha256: d.sha256,
      size: d.size,
      mediaType: d.mediaType,
      readable: d.readable,
      uploadedAt: d.uploadedAt,
    })),
    timeline: timelineView(entries),
    allowedActions: viewer.allowedActions,
    version: doc.version,
  };
}
