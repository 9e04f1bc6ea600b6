/**
 * What fee relief tells people (cases/feeRelief.ts): the clerks of the court hear of an
 * application; the filer hears of a refusal (with the days left to pay) and of a reduction.
 * A granted deferral or waiver is the machine's FEE_DEFERRED / FEE_WAIVED step (caseNotices.ts).
 */
import { calendarDateEn } from '../../state-machines/rules/courtDates.js';
import { toFen } from '../../state-machines/rules/money.js';
import { calendarDateZh } from '../documents/pdf.js';
import type { CaseDoc } from '../cases/caseModel.js';
import type { AppliedStep, CaseNotice } from './caseNotices.js';

const KIND: Record<string, { zh: string; en: string }> = {
  deferral: { zh: '缓交', en: 'deferral' },
  reduction: { zh: '减交', en: 'reduction' },
  waiver: { zh: '免交', en: 'waiver' },
};

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const isoDate = (v: unknown): string | undefined => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export function feeReliefNotices(step: AppliedStep, doc: CaseDoc): CaseNotice[] {
  const base = { caseId: doc._id, link: `/cases/${doc._id}` };
  const subjectZh = doc.caseNumber ? `案件${doc.caseNumber}` : '案件';
  const subjectEn = doc.caseNumber ? `Case ${doc.caseNumber}` : 'Your case';
  switch (step.type) {
    case 'FEE_RELIEF_APPLIED': {
      const application = (step.data.application ?? {}) as { kind?: unknown };
      const kind = KIND[String(application.kind)] ?? { zh: '缓交、减交或免交', en: 'relief' };
      return [
        {
          audience: 'clerks',
          notice: {
            type: 'queue.feeReliefApplied',
            ...base,
            titleZh: `${subjectZh}：当事人申请${kind.zh}诉讼费`,
            titleEn: `${subjectEn}: the party applies for fee ${kind.en}`,
            bodyZh: '当事人已提交诉讼费司法救助申请及证明材料，请审查并作出决定。申请审查期间交费期限不届满。',
            bodyEn: 'The party applied for relief from the court fee with proof. Please decide; the fee period does not lapse while the application waits.',
          },
        },
      ];
    }
    case 'FEE_RELIEF_REFUSED': {
      const kind = KIND[String(step.data.kind)] ?? { zh: '缓交、减交或免交', en: 'relief' };
      const reasons = text(step.data.reasons);
      const payBy = isoDate(step.data.payBy);
      return [
        {
          audience: 'filer',
          notice: {
            type: 'case.feeReliefRefused',
            ...base,
            titleZh: `${subjectZh}：${kind.zh}诉讼费的申请未获批准`,
            titleEn: `${subjectEn}: the application for fee ${kind.en} was refused`,
            bodyZh: `${reasons ? `理由：${reasons}。` : ''}${payBy ? `请于${calendarDateZh(payBy)}前（含当日）交纳诉讼费，` : '请尽快交纳诉讼费，'}逾期未交纳的，按撤诉处理。`,
            bodyEn: `${reasons ? `Reasons: ${reasons}. ` : ''}${payBy ? `Please pay the court fee by ${calendarDateEn(payBy)}` : 'Please pay the court fee soon'}; if it is not paid in time the case is treated as withdrawn.`,
          },
        },
      ];
    }
    case 'FEE_REDUCED': {
      const amount = text(step.data.amount);
      return [
        {
          audience: 'filer',
          notice: {
            type: 'case.feeReduced',
            ...base,
            titleZh: `${subjectZh}：诉讼费已获准减交`,
            titleEn: `${subjectEn}: the court fee has been reduced`,
            bodyZh: amount ? `法院准予减交诉讼费，应交金额改为人民币${toFen(amount)}元，请在交费期限内交纳。` : '法院准予减交诉讼费，请在交费期限内交纳。',
            bodyEn: amount ? `The court reduced the fee; the amount due is now CNY ${toFen(amount)}. Please pay it within the fee period.` : 'The court reduced the fee; please pay it within the fee period.',
          },
        },
      ];
    }
    default:
      return [];
  }
}
