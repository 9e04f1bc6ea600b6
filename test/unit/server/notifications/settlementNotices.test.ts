import { describe, expect, it } from 'vitest';
import type { CaseDoc } from '../../../../server/cases/caseModel.js';
import { caseNotices } from '../../../../server/notifications/caseNotices.js';

/** Just what the notices read of a case. */
function caseDoc(status: string, mediation: Record<string, unknown> = {}): CaseDoc {
  return {
    _id: 'case-1',
    caseNumber: '（2026）京0105民初7号',
    status,
    updatedAt: '2026-12-04T02:00:00.000Z',
    snapshot: { schemaVersion: 1, status, context: { deadlines: {}, timestamps: {}, mediation } },
  } as unknown as CaseDoc;
}

const steps: [string, Record<string, unknown>, CaseDoc, string][] = [
  ['APPROVE_MEDIATION_AGREEMENT', { decisionId: 'd' }, caseDoc('mediationDecisionServing'), 'mediation.decisionIssued'],
  ['RECORD_AGREEMENT_IN_TRANSCRIPT', { ground: 'divorceReconciled' }, caseDoc('settled'), 'mediation.recordedInTranscript'],
  ['REJECT_MEDIATION_AGREEMENT', { reasons: ['协议损害案外人利益'], returnTo: 'mediation' }, caseDoc('inMediation'), 'mediation.agreementRejected'],
  ['MEDIATION_DECISION_RECEIVED', { recipientId: 'u' }, caseDoc('settled', { decision: { effectiveAt: '2026-12-04T02:00:00.000Z' } }), 'mediation.decisionEffective'],
  ['MEDIATION_DECISION_REFUSED', { recipientId: 'u', reason: '反悔' }, caseDoc('mediationFailed'), 'mediation.decisionRefused'],
];

describe('notices of the court review of a mediation agreement', () => {
  it.each(steps)('%s tells the filer in both languages, with no missing value', (type, data, doc, noticeType) => {
    const notices = caseNotices({ type, data }, doc);
    expect(notices).toHaveLength(1);
    const [{ audience, notice }] = notices as [(typeof notices)[number]];
    expect(audience).toBe('filer');
    expect(notice.type).toBe(noticeType);
    for (const text of [notice.titleZh, notice.titleEn, notice.bodyZh, notice.bodyEn]) {
      expect(text.trim()).not.toBe('');
      expect(text).not.toMatch(/undefined|null|NaN|\[object/);
    }
    expect(notice.titleZh).toContain('（2026）京0105民初7号');
  });

  it('names the Art. 101 ground and the rejection reasons', () => {
    const [recorded] = caseNotices({ type: 'RECORD_AGREEMENT_IN_TRANSCRIPT', data: { ground: 'divorceReconciled' } }, caseDoc('settled'));
    expect(recorded?.notice.bodyZh).toContain('调解和好的离婚案件');
    const [rejected] = caseNotices({ type: 'REJECT_MEDIATION_AGREEMENT', data: { reasons: ['协议损害案外人利益'], returnTo: 'litigation' } }, caseDoc('mediationFailed'));
    expect(rejected?.notice.bodyZh).toContain('协议损害案外人利益');
    expect(rejected?.notice.bodyEn).toContain('continues to adjudication');
  });

  it('says nothing on a receipt that leaves others still to sign', () => {
    expect(caseNotices({ type: 'MEDIATION_DECISION_RECEIVED', data: {} }, caseDoc('mediationDecisionServing', { decision: {} }))).toStrictEqual([]);
  });
});
