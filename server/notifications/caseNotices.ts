/**
 * What each step of a case tells the people it concerns. Pure: from one applied
 * log entry and the case after it, the notices to send. Delivery (store, live
 * push, email) is the case notifier's job (caseNotifier.ts).
 *
 * Hearing and mediation sessions are announced by the hearing service, which
 * knows every participant; served documents by electronic service.
 */
import { toFen } from '../../state-machines/rules/money.js';
import { calendarDateZh, dateTimeZh } from '../documents/pdf.js';
import type { CaseDoc } from '../cases/caseModel.js';
import type { NotificationInput } from './notificationModel.js';
import { settlementNotice } from './settlementNotices.js';
import { feeReliefNotices } from './feeReliefNotices.js';
import { calendarDateEn, dateTimeEn } from '../../state-machines/rules/courtDates.js';

/** Who is told: the filer, or the clerks of the case's court (the review queue). */
export type NoticeAudience = 'filer' | 'clerks';

export interface CaseNotice {
  audience: NoticeAudience;
  notice: NotificationInput;
}

export interface AppliedStep {
  type: string;
  data: Record<string, unknown>;
}

/** How a notice names the case: by its number once docketed, before that as the filing. */
export const SUBJECT_ZH = (doc: CaseDoc) => (doc.caseNumber ? `案件${doc.caseNumber}` : '您的立案申请');
export const SUBJECT_EN = (doc: CaseDoc) => (doc.caseNumber ? `Case ${doc.caseNumber}` : 'Your filing');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date the notice may print, or undefined: a missing date is left out, never "0年undefined月". */
function validDate(value: unknown): string | undefined {
  return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/** "至2026年3月17日届满" / "on 17 March 2026", or a sentence without a date when none is known. */
function byZh(date: string | undefined, withDate: (d: string) => string, without: string): string {
  return date ? withDate(calendarDateZh(date)) : without;
}

function byEn(date: string | undefined, withDate: (d: string) => string, without: string): string {
  return date ? withDate(calendarDateEn(date)) : without;
}

/** The answer period's last day: from the case, else from the service step that set it. */
function answerByOf(doc: CaseDoc, step: AppliedStep): string | undefined {
  const periods = step.data.periods as { answerBy?: unknown } | undefined;
  return validDate(doc.snapshot.context.deadlines.answerBy) ?? validDate(periods?.answerBy);
}

function reasonsOf(data: Record<string, unknown>): string[] {
  return Array.isArray(data.reasons) ? data.reasons.filter((r): r is string => typeof r === 'string') : [];
}

function listZh(items: string[]): string {
  return items.map((r, i) => `${i + 1}. ${r}`).join('；');
}

function listEn(items: string[]): string {
  return items.map((r, i) => `${i + 1}. ${r}`).join('; ');
}

/** Mediation steps as the filer reads them; the reason given is theirs to read too. */
const MEDIATION_MESSAGES = {
  OFFER_MEDIATION: {
    type: 'mediation.offer',
    titleZh: '法院建议调解',
    titleEn: 'The court offers mediation',
    bodyZh: '法院建议通过调解解决本案纠纷。调解员将与您联系。',
    bodyEn: 'The court proposes to resolve your case by mediation. The mediator will contact you.',
  },
  MEDIATION_ACCEPTED: {
    type: 'mediation.accept',
    titleZh: '案件进入调解',
    titleEn: 'Your case is in mediation',
    bodyZh: '各方同意调解，案件已进入调解程序。',
    bodyEn: 'The parties agreed to mediate; the case is now in mediation.',
  },
  MEDIATION_DECLINED: {
    type: 'mediation.decline',
    titleZh: '调解未启动',
    titleEn: 'Mediation declined',
    bodyZh: '调解未能启动，案件将继续审理。',
    bodyEn: 'Mediation was declined; the case continues to adjudication.',
  },
  MEDIATION_FAILED: {
    type: 'mediation.fail',
    titleZh: '调解未成功',
    titleEn: 'Mediation did not succeed',
    bodyZh: '调解未能达成协议，案件将继续审理。',
    bodyEn: 'No agreement was reached; the case continues to adjudication.',
  },
} as const;

export function caseNotices(step: AppliedStep, doc: CaseDoc): CaseNotice[] {
  const deadlines = doc.snapshot.context.deadlines;
  const base = { caseId: doc._id, link: `/cases/${doc._id}` };
  const toFiler = (type: string, t: Omit<NotificationInput, 'type' | 'caseId' | 'link'>): CaseNotice => ({
    audience: 'filer',
    notice: { type, ...base, ...t },
  });

  switch (step.type) {
    case 'SUBMIT':
    case 'RESUBMIT': {
      if (doc.status === 'correctionRequested') {
        const by = validDate(deadlines.correctBy);
        return [
          toFiler('case.correctionRequested', {
            titleZh: '立案材料需要补正',
            titleEn: 'Your filing needs corrections',
            bodyZh: `自动审查发现以下问题：${listZh(doc.findings.map((f) => f.messageZh ?? f.message))}。${byZh(by, (d) => `请于${d}前一次性补正。`, '请在法院告知的期限内一次性补正。')}`,
            bodyEn: `The automatic check found: ${listEn(doc.findings.map((f) => f.message))}. ${byEn(by, (d) => `Correct the filing in one go by ${d}.`, 'Correct the filing in one go within the period the court sets.')}`,
          }),
        ];
      }
      if (doc.status !== 'underReview') return [];
      return [
        toFiler('case.received', {
          titleZh: '立案申请已收到',
          titleEn: 'Filing received',
          bodyZh: `材料已通过自动审查，正在等待立案审查${byZh(validDate(deadlines.docketBy), (d) => `，法院将于${d}前作出决定`, '')}。`,
          bodyEn: `The materials passed the automatic check and await the court's review${byEn(validDate(deadlines.docketBy), (d) => `; the court decides by ${d}`, '')}.`,
        }),
        {
          audience: 'clerks',
          notice: {
            type: 'queue.filingAwaitsReview',
            ...base,
            titleZh: step.type === 'RESUBMIT' ? '补正后的立案申请待审查' : '新的立案申请待审查',
            titleEn: step.type === 'RESUBMIT' ? 'A corrected filing awaits review' : 'A new filing awaits review',
            bodyZh: byZh(validDate(deadlines.docketBy), (d) => `审查期限：${d}。`, '请尽快审查。'),
            bodyEn: byEn(validDate(deadlines.docketBy), (d) => `Decide by ${d}.`, 'Please review it soon.'),
          },
        },
      ];
    }
    case 'READING_REVIEWED': {
      // Only findings change anything for the filer: they are now part of the correction notice.
      const findings = (Array.isArray(step.data.findings) ? (step.data.findings as unknown[]) : []).filter(
        (f): f is { message?: unknown; messageZh?: unknown } => typeof f === 'object' && f !== null,
      );
      const en = findings.map((f) => (typeof f.message === 'string' ? f.message : '')).filter((m) => m !== '');
      const zh = findings.map((f) => (typeof f.messageZh === 'string' ? f.messageZh : typeof f.message === 'string' ? f.message : '')).filter((m) => m !== '');
      if (en.length === 0 || doc.status !== 'correctionRequested') return [];
      const by = validDate(deadlines.correctBy);
      return [
        toFiler('case.correctionRequested', {
          titleZh: '立案材料需要补正',
          titleEn: 'Your filing needs corrections',
          bodyZh: `自动审查阅读了您提交的材料，发现以下问题：${listZh(zh)}。${byZh(by, (d) => `请于${d}前一次性补正。`, '请在法院告知的期限内一次性补正。')}`,
          bodyEn: `The automatic review read your papers and found: ${listEn(en)}. ${byEn(by, (d) => `Correct the filing in one go by ${d}.`, 'Correct the filing in one go within the period the court sets.')}`,
        }),
      ];
    }
    case 'DOCKETING_REVERSED': {
      const reasons = reasonsOf(step.data);
      return [
        toFiler('case.docketingReversed', {
          titleZh: '自动立案已撤销',
          titleEn: 'The automatic docketing was reversed',
          bodyZh: `法院撤销了对您起诉的自动立案，将由书记员重新审查${reasons.length > 0 ? `，理由：${listZh(reasons)}` : ''}。已分配的案号不再使用。`,
          bodyEn: `The court reversed the automatic docketing of your case; a clerk reviews it again${reasons.length > 0 ? `. Reasons: ${listEn(reasons)}` : ''}. The case number given is no longer used.`,
        }),
      ];
    }
    case 'REVIEW_ACCEPT': {
      // The fee is a decimal string ('10.00'); a missing or malformed one is left out, never printed.
      const amount: unknown = doc.fee?.amount;
      const exact = typeof amount === 'string' && /^\d+(\.\d+)?$/.test(amount) ? amount : typeof amount === 'number' && Number.isFinite(amount) ? String(amount) : undefined;
      // Shown to the fen; the exact amount stays in the case log.
      const fee = exact === undefined ? undefined : toFen(exact);
      const by = validDate(deadlines.feeDueBy);
      const number = doc.caseNumber?.trim();
      const feeZh = fee === undefined ? '诉讼费' : `诉讼费${fee}元`;
      const feeEn = fee === undefined ? 'the court fee' : `the court fee of CNY ${fee}`;
      const automatic = typeof step.data.automatic === 'object' && step.data.automatic !== null;
      return [
        toFiler('case.accepted', {
          titleZh: number ? `已立案：${number}` : '已立案',
          titleEn: number ? `Case accepted: ${number}` : 'Case accepted',
          bodyZh: `${automatic ? '材料经自动审查无误，' : ''}法院已受理您的起诉${number ? `，案号${number}` : ''}。${byZh(by, (d) => `请于${d}前交纳${feeZh}`, `请在法院告知的期限内交纳${feeZh}`)}，逾期未交按撤诉处理。`,
          bodyEn: `${automatic ? 'The automatic review found your papers in order and ' : ''}${automatic ? 'the court' : 'The court'} accepted your case${number ? ` as ${number}` : ''}. Pay ${feeEn} ${byEn(by, (d) => `by ${d}`, 'within the period the court sets')}; if it is not paid in time the case is treated as withdrawn.`,
        }),
      ];
    }
    case 'REVIEW_CORRECT': {
      const reasons = reasonsOf(step.data);
      const by = validDate(step.data.deadline) ?? validDate(deadlines.correctBy);
      return [
        toFiler('case.correctionRequested', {
          titleZh: '立案材料需要补正',
          titleEn: 'Your filing needs corrections',
          bodyZh: `法院要求补正：${reasons.length > 0 ? listZh(reasons) : '详见案件页面'}。${byZh(by, (d) => `请于${d}前一次性补正`, '请在法院告知的期限内一次性补正')}，逾期不补正的视为撤回。`,
          bodyEn: `The court asks you to correct: ${reasons.length > 0 ? listEn(reasons) : 'see the case page'}. Correct it in one go ${byEn(by, (d) => `by ${d}`, 'within the period the court sets')}; otherwise the filing is treated as withdrawn.`,
        }),
      ];
    }
    case 'REVIEW_REJECT': {
      const reasons = reasonsOf(step.data);
      return [
        toFiler('case.rejected', {
          titleZh: '立案申请未被受理',
          titleEn: 'Filing not accepted',
          bodyZh: reasons.length > 0 ? `法院决定不予受理，理由：${listZh(reasons)}。` : '法院决定不予受理，理由详见裁定书。',
          bodyEn: reasons.length > 0 ? `The court declined to docket the filing. Reasons: ${listEn(reasons)}.` : 'The court declined to docket the filing; the ruling gives the reasons.',
        }),
      ];
    }
    case 'CORRECTION_PERIOD_EXPIRED':
    case 'FEE_PERIOD_EXPIRED': {
      const correction = step.type === 'CORRECTION_PERIOD_EXPIRED';
      return [
        toFiler('case.deemedWithdrawn', {
          titleZh: `${SUBJECT_ZH(doc)}按撤回处理`,
          titleEn: `${SUBJECT_EN(doc)} is treated as withdrawn`,
          bodyZh: correction ? '补正期限已届满而未补正，立案申请视为撤回。' : '交费期限已届满而未交纳诉讼费，案件按撤诉处理。',
          bodyEn: correction
            ? 'The correction period ended without a correction, so the filing is treated as withdrawn.'
            : 'The fee period ended without payment, so the case is treated as withdrawn.',
        }),
      ];
    }
    case 'FEE_PAID':
    case 'FEE_WAIVED':
    case 'FEE_DEFERRED': {
      const how = { FEE_PAID: ['已确认收到诉讼费', 'The court fee has been received'], FEE_WAIVED: ['诉讼费已获免交', 'The court fee has been waived'], FEE_DEFERRED: ['诉讼费已获准缓交', 'Payment of the court fee has been deferred'] }[step.type];
      return [
        toFiler('case.feeSettled', {
          titleZh: `${SUBJECT_ZH(doc)}：${how[0]}`,
          titleEn: `${SUBJECT_EN(doc)}: ${how[1]}`,
          bodyZh: `${how[0]}${step.type === 'FEE_DEFERRED' ? byZh(validDate(step.data.until), (d) => `，缓交至${d}`, '') : ''}，案件进入送达与审理阶段。`,
          bodyEn: `${how[1]}${step.type === 'FEE_DEFERRED' ? byEn(validDate(step.data.until), (d) => ` until ${d}`, '') : ''}; the case moves on to service and trial.`,
        }),
      ];
    }
    case 'SERVE_DEFENDANT': {
      const by = answerByOf(doc, step);
      return [
        toFiler('case.servedOnDefendant', {
          titleZh: `${SUBJECT_ZH(doc)}：起诉状已送达被告`,
          titleEn: `${SUBJECT_EN(doc)}: the complaint was served on the defendant`,
          bodyZh: byZh(by, (d) => `被告的答辩期至${d}届满。`, '被告的答辩期自送达之日起十五日。'),
          bodyEn: byEn(by, (d) => `The defendant's answer period ends on ${d}.`, "The defendant's answer period runs 15 days from service."),
        }),
      ];
    }
    case 'SERVICE_EFFECT_REVISED': {
      // Without a new last day there is nothing to tell: a notice saying "moved to ." helps no one.
      const by = answerByOf(doc, step);
      if (!by) return [];
      return [
        toFiler('case.answerPeriodRevised', {
          titleZh: `${SUBJECT_ZH(doc)}：被告答辩期已更正`,
          titleEn: `${SUBJECT_EN(doc)}: the defendant's answer period was corrected`,
          bodyZh: `经查明送达实际生效时间，被告的答辩期改为至${calendarDateZh(by)}届满。`,
          bodyEn: `The corrected time of service on the defendant moves the end of the answer period to ${calendarDateEn(by)}.`,
        }),
      ];
    }
    case 'ANSWER_FILED':
      return [
        toFiler('case.answerFiled', {
          titleZh: `${SUBJECT_ZH(doc)}：被告已提交答辩状`,
          titleEn: `${SUBJECT_EN(doc)}: the defendant filed an answer`,
          bodyZh: '被告已在答辩期内提交答辩状。',
          bodyEn: 'The defendant filed an answer within the answer period.',
        }),
      ];
    case 'OFFER_MEDIATION':
    case 'MEDIATION_ACCEPTED':
    case 'MEDIATION_DECLINED':
    case 'MEDIATION_FAILED': {
      const m = MEDIATION_MESSAGES[step.type];
      const reason = typeof step.data.reason === 'string' ? step.data.reason : undefined;
      return [
        toFiler(m.type, {
          titleZh: doc.caseNumber ? `${m.titleZh}（${doc.caseNumber}）` : m.titleZh,
          titleEn: doc.caseNumber ? `${m.titleEn} (${doc.caseNumber})` : m.titleEn,
          bodyZh: reason ? `${m.bodyZh}原因：${reason}` : m.bodyZh,
          bodyEn: reason ? `${m.bodyEn} Reason: ${reason}` : m.bodyEn,
        }),
      ];
    }
    case 'DECIDE':
      return [
        toFiler('case.decided', {
          titleZh: `${SUBJECT_ZH(doc)}：已作出裁判`,
          titleEn: `${SUBJECT_EN(doc)}: decided`,
          bodyZh: Number.isNaN(Date.parse(doc.updatedAt)) ? '法院已作出裁判，裁判文书将依法送达。' : `法院已于${dateTimeZh(doc.updatedAt)}作出裁判，裁判文书将依法送达。`,
          bodyEn: Number.isNaN(Date.parse(doc.updatedAt)) ? 'The court decided the case; the judgment will be served on you.' : `The court decided the case on ${dateTimeEn(doc.updatedAt)} (Beijing time); the judgment will be served on you.`,
        }),
      ];
    case 'CLOSE':
      return [
        toFiler('case.closed', {
          titleZh: `${SUBJECT_ZH(doc)}已结案`,
          titleEn: `${SUBJECT_EN(doc)} is closed`,
          bodyZh: '案件已结案归档。',
          bodyEn: 'The case is closed and archived.',
        }),
      ];
    case 'FEE_RELIEF_APPLIED':
    case 'FEE_RELIEF_REFUSED':
    case 'FEE_REDUCED':
      return feeReliefNotices(step, doc);
    default: {
      // The court's review of a signed mediation agreement (settlementNotices.ts).
      const settlement = settlementNotice(step, doc);
      if (!settlement) return [];
      const { type, ...text } = settlement;
      return [toFiler(type, text)];
    }
  }
}
