/**
 * What the court's review of a signed mediation agreement tells the filer (the other parties
 * are served the 调解书 itself and find it in their inbox). Pure, like caseNotices.ts.
 */
import { dateTimeZh } from '../documents/pdf.js';
import type { CaseDoc } from '../cases/caseModel.js';
import type { NotificationInput } from './notificationModel.js';
import { dateTimeEn } from '../../state-machines/rules/courtDates.js';

/** CPL Art. 101 para. 1 grounds, as printed. */
export const TRANSCRIPT_GROUND_LABELS: Record<string, { zh: string; en: string }> = {
  divorceReconciled: { zh: '调解和好的离婚案件', en: 'a divorce case in which the parties were reconciled' },
  adoptionMaintained: { zh: '调解维持收养关系的案件', en: 'an adoption maintained by mediation' },
  performedImmediately: { zh: '能够即时履行的案件', en: 'a case performed on the spot' },
  otherNoDecisionNeeded: { zh: '其他不需要制作调解书的案件', en: 'another case needing no mediation decision' },
};

type Text = Pick<NotificationInput, 'titleZh' | 'titleEn' | 'bodyZh' | 'bodyEn'> & { type: string };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((r): r is string => typeof r === 'string') : []);

export function settlementNotice(step: { type: string; data: Record<string, unknown> }, doc: CaseDoc): Text | undefined {
  const no = doc.caseNumber ?? '';
  const mediation = doc.snapshot.context.mediation;
  switch (step.type) {
    case 'APPROVE_MEDIATION_AGREEMENT':
      return {
        type: 'mediation.decisionIssued',
        titleZh: `案件${no}：法院已出具民事调解书`,
        titleEn: `Case ${no}: the court issued a mediation decision`,
        bodyZh: '法官已审查确认调解协议并出具民事调解书，已送达各方当事人。请在“我的送达”中签收；全体当事人签收后调解书生效。',
        bodyEn: 'The judge approved the mediation agreement and issued a mediation decision (调解书), served on every party. Please sign for it in your inbox; it takes effect once every party has signed for receipt.',
      };
    case 'RECORD_AGREEMENT_IN_TRANSCRIPT': {
      const ground = TRANSCRIPT_GROUND_LABELS[String(step.data.ground)] ?? { zh: '依法不需要制作调解书', en: 'no mediation decision needed by law' };
      return {
        type: 'mediation.recordedInTranscript',
        titleZh: `案件${no}：调解协议已记入笔录，调解结案`,
        titleEn: `Case ${no}: agreement recorded, settled by mediation`,
        bodyZh: `本案属于${ground.zh}，法官未制作调解书，已将调解协议记入笔录（民事诉讼法第一百零一条），自记入时起生效。`,
        bodyEn: `As ${ground.en}, the judge recorded the agreement in the hearing record instead of issuing a mediation decision (CPL Art. 101); it is in effect from that moment.`,
      };
    }
    case 'REJECT_MEDIATION_AGREEMENT': {
      const reasons = strings(step.data.reasons);
      const back = step.data.returnTo === 'mediation';
      return {
        type: 'mediation.agreementRejected',
        titleZh: `案件${no}：调解协议未获法院确认`,
        titleEn: `Case ${no}: the court did not approve the agreement`,
        bodyZh: `法官未确认调解协议，原因：${reasons.join('；')}。${back ? '案件回到调解程序。' : '案件将继续审理。'}`,
        bodyEn: `The judge did not approve the mediation agreement. Reasons: ${reasons.join('; ')}. ${back ? 'The case returns to mediation.' : 'The case continues to adjudication.'}`,
      };
    }
    case 'MEDIATION_DECISION_RECEIVED': {
      const effectiveAt = mediation?.decision?.effectiveAt;
      if (doc.status !== 'settled' || !effectiveAt) return undefined;
      return {
        type: 'mediation.decisionEffective',
        titleZh: `案件${no}：民事调解书已生效，调解结案`,
        titleEn: `Case ${no}: the mediation decision is in effect; settled`,
        bodyZh: `全体当事人均已签收民事调解书，调解书自${dateTimeZh(effectiveAt)}起发生法律效力。`,
        bodyEn: `Every party has signed for the mediation decision; it took legal effect at ${dateTimeEn(effectiveAt)} (Beijing time).`,
      };
    }
    case 'MEDIATION_DECISION_REFUSED':
      return {
        type: 'mediation.decisionRefused',
        titleZh: `案件${no}：当事人拒绝签收调解书`,
        titleEn: `Case ${no}: a party refused the mediation decision`,
        bodyZh: '有当事人在签收前反悔、拒绝签收民事调解书，调解书不发生法律效力，案件将继续审理（民事诉讼法第一百零二条）。',
        bodyEn: 'A party refused to sign for the mediation decision before receipt, so it does not take effect and the case continues to adjudication (CPL Art. 102).',
      };
    default:
      return undefined;
  }
}
