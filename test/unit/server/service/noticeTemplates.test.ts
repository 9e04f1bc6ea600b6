/**
 * Every notice template, with every kind of input, in both languages: no notice may render a
 * missing value. Regression: the plaintiff was told "答辩期改为至0年undefined月undefined日届满"
 * and "...moves the end of the answer period to ." (issue 15).
 */
import { describe, expect, it } from 'vitest';
import type { CaseDoc } from '../../../../server/cases/caseModel.js';
import { caseNotices, type AppliedStep } from '../../../../server/notifications/caseNotices.js';
import { emailText, inboxNoticeText, smsText, type ServiceTextInput } from '../../../../server/service/serviceTexts.js';

const STEP_TYPES = [
  'SUBMIT', 'RESUBMIT', 'REVIEW_ACCEPT', 'REVIEW_CORRECT', 'REVIEW_REJECT', 'CORRECTION_PERIOD_EXPIRED', 'FEE_PERIOD_EXPIRED',
  'FEE_PAID', 'FEE_WAIVED', 'FEE_DEFERRED', 'FEE_REDUCED', 'FEE_RELIEF_APPLIED', 'FEE_RELIEF_REFUSED', 'SERVE_DEFENDANT', 'SERVICE_EFFECT_REVISED', 'ANSWER_FILED', 'OFFER_MEDIATION',
  'MEDIATION_ACCEPTED', 'MEDIATION_DECLINED', 'MEDIATION_FAILED', 'DECIDE', 'CLOSE', 'READING_REVIEWED', 'DOCKETING_REVERSED',
];
const STATUSES = ['correctionRequested', 'underReview', 'feeSettled', 'servedOnDefendant', 'decided'];

const FULL_DEADLINES = { correctBy: '2026-03-17', docketBy: '2026-03-10', feeDueBy: '2026-03-20', answerBy: '2026-04-01' };
const BAD_DEADLINES: Record<string, unknown>[] = [{}, { correctBy: '', docketBy: '', feeDueBy: '', answerBy: '' }, { answerBy: null, feeDueBy: 'not a date', correctBy: undefined }];

function caseDoc(opts: { status: string; caseNumber?: string | null; deadlines: Record<string, unknown>; fee?: unknown; updatedAt?: string; findings?: unknown[] }): CaseDoc {
  return {
    _id: 'c1',
    status: opts.status,
    ...(opts.caseNumber === null ? {} : { caseNumber: opts.caseNumber ?? '（2026）京0105民初1号' }),
    ...(opts.fee === undefined ? {} : { fee: opts.fee }),
    findings: opts.findings ?? [],
    updatedAt: opts.updatedAt ?? '2026-03-02T06:30:00.000Z',
    snapshot: { context: { deadlines: opts.deadlines } },
  } as unknown as CaseDoc;
}

const STEP_DATA: Record<string, unknown>[] = [
  {},
  { reasons: ['缺少证据'], deadline: '2026-03-17', reason: '双方意见分歧', periods: { answerBy: '2026-04-01' } },
  { reasons: [], deadline: '', reason: '', periods: {} },
  { reasons: 'x', deadline: null, periods: null },
  { findings: [{ code: 'COMPLAINT_AMOUNT_MISMATCH', message: 'c.pdf, page 1: the amount differs', messageZh: 'c.pdf第1页：金额不一致' }], automatic: { reason: 'nothing found' } },
  { findings: [{ code: 'X' }, null, 'x'] },
];

const BAD = [/undefined/, /NaN/, /null/, /(^|[^\d])0年/, /年月|月日|至届满|by \.|to \.|on \.|：。|by ;/];

function problems(texts: string[], where: string): string[] {
  return texts.flatMap((text) => BAD.filter((bad) => bad.test(text)).map((bad) => `${where}: ${String(bad)} in "${text}"`));
}

function assertClean(texts: string[], where: string): void {
  expect(problems(texts, where)).toEqual([]);
}

describe('case notices never show a missing value', () => {
  it('every step type x status x deadlines x case number x fee x step data, zh and en', () => {
    let checked = 0;
    const found: string[] = [];
    for (const type of STEP_TYPES) {
      for (const status of STATUSES) {
        for (const deadlines of [FULL_DEADLINES, ...BAD_DEADLINES]) {
          for (const caseNumber of ['（2026）京0105民初1号', null, '']) {
            for (const fee of [undefined, { amount: 50, breakdown: [] }, { amount: Number.NaN, breakdown: [] }]) {
              for (const data of STEP_DATA) {
                const doc = caseDoc({ status, caseNumber, deadlines, fee, findings: [{ message: 'missing complaint', messageZh: '缺少起诉状' }] });
                const step: AppliedStep = { type, data };
                for (const n of caseNotices(step, doc)) {
                  found.push(...problems([n.notice.titleZh, n.notice.titleEn, n.notice.bodyZh, n.notice.bodyEn], `${type}/${status}`));
                  checked++;
                }
              }
            }
          }
        }
      }
    }
    expect(found).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it('the corrected answer period names the new last day, from the case or from the step; without one no notice is sent', () => {
    const withDate = caseNotices({ type: 'SERVICE_EFFECT_REVISED', data: {} }, caseDoc({ status: 'servedOnDefendant', deadlines: FULL_DEADLINES }));
    expect(withDate[0]?.notice.bodyZh).toContain('2026年4月1日');
    expect(withDate[0]?.notice.bodyEn).toContain('1 April 2026');
    const fromStep = caseNotices({ type: 'SERVICE_EFFECT_REVISED', data: { periods: { answerBy: '2026-04-02' } } }, caseDoc({ status: 'servedOnDefendant', deadlines: {} }));
    expect(fromStep[0]?.notice.bodyZh).toContain('2026年4月2日');
    expect(caseNotices({ type: 'SERVICE_EFFECT_REVISED', data: {} }, caseDoc({ status: 'servedOnDefendant', deadlines: {} }))).toEqual([]);
  });

  it('an invalid decision time does not print NaN', () => {
    const [n] = caseNotices({ type: 'DECIDE', data: {} }, caseDoc({ status: 'decided', deadlines: {}, updatedAt: 'garbage' }));
    assertClean([n!.notice.bodyZh, n!.notice.bodyEn], 'DECIDE');
  });
});

describe('service texts (inbox notice, SMS, email)', () => {
  const inputs: ServiceTextInput[] = [
    { courtNameZh: '北京市朝阳区人民法院', caseNumber: '（2026）京0105民初1号', title: '传票', recipientName: '被告乙', link: 'https://court.example/s/abcdefghijklmnopqrstuvwx', code: '012345', sha256: 'a'.repeat(64), verifyUrl: 'https://court.example/verify/aaa' },
    { courtNameZh: '', caseNumber: '', title: '', recipientName: '' },
    { courtNameZh: undefined as unknown as string, caseNumber: undefined as unknown as string, title: undefined as unknown as string, recipientName: undefined as unknown as string },
    { courtNameZh: '法院', caseNumber: '(2026)京0105民初2号', title: '举证通知书', recipientName: '张三', link: 'https://x/s/t' },
  ];
  it('no missing value and no doubled brackets around the case number, in any template', () => {
    for (const input of inputs) {
      const inbox = inboxNoticeText(input);
      const email = emailText(input);
      const texts = [inbox.titleZh, inbox.titleEn, inbox.bodyZh, inbox.bodyEn, smsText(input), email.subject, email.text];
      assertClean(texts, JSON.stringify(input));
      for (const t of texts) expect(t).not.toMatch(/（（|\(\(|（\(|\(（/);
    }
  });

  it('the SMS reads the case number once, with its own brackets only (regression: "（（2026）京0105民初1号）")', () => {
    const text = smsText(inputs[0]!);
    expect(text).toContain('案号（2026）京0105民初1号');
    expect(text).not.toContain('（（');
    expect(text).toContain('查阅码012345');
  });
});
