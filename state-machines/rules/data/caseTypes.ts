/**
 * Seed data for 类型代字 and 专门审判代字 (docs/legal-rules.md, "Case numbers": SPC rules on case numbers Arts. 7-8 and the 2018 amendment).
 *
 * (unsure) docs/legal-rules.md marks every code here as unconfirmed against the current
 * 《人民法院案件类型及其代字标准》. That is why they live in a data table the server
 * writes to the database rather than in parsing logic: a correction is a data change.
 */

export type CaseTypeCategory = 'civil' | 'enforcement' | 'preservation' | 'bankruptcy' | 'mediation';

export interface CaseTypeCode {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly category: CaseTypeCategory;
}

export interface SpecialCode {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
}

export const CASE_TYPE_CODES: readonly CaseTypeCode[] = [
  { code: '民初', nameZh: '民事一审', nameEn: 'Civil first instance', category: 'civil' },
  { code: '民终', nameZh: '民事二审', nameEn: 'Civil second instance (appeal)', category: 'civil' },
  { code: '民申', nameZh: '民事申请再审审查', nameEn: 'Civil retrial application review', category: 'civil' },
  { code: '民再', nameZh: '民事再审', nameEn: 'Civil retrial', category: 'civil' },
  {
    code: '民特',
    nameZh: '民事特别程序（含确认调解协议）',
    nameEn: 'Civil special procedure (incl. confirming a mediation agreement)',
    category: 'civil',
  },
  { code: '民督', nameZh: '申请支付令（督促程序）', nameEn: 'Payment order application', category: 'civil' },
  { code: '民催', nameZh: '公示催告', nameEn: 'Public summons for exhortation', category: 'civil' },
  { code: '破', nameZh: '破产', nameEn: 'Bankruptcy', category: 'bankruptcy' },
  { code: '执', nameZh: '首次执行', nameEn: 'Enforcement (first)', category: 'enforcement' },
  { code: '执恢', nameZh: '恢复执行', nameEn: 'Resumed enforcement', category: 'enforcement' },
  { code: '执异', nameZh: '执行异议', nameEn: 'Enforcement objection', category: 'enforcement' },
  { code: '执复', nameZh: '执行复议', nameEn: 'Enforcement review', category: 'enforcement' },
  {
    code: '财保',
    nameZh: '诉前财产保全',
    nameEn: 'Pre-suit property preservation',
    category: 'preservation',
  },
  // Four characters although C5 Art. 7 caps type codes at three; the rules give it as the
  // example, so it is seeded as given and flagged for the [verify] review.
  { code: '民诉前调', nameZh: '民事诉前调解', nameEn: 'Civil pre-suit mediation', category: 'mediation' },
];

export const SPECIAL_CODES: readonly SpecialCode[] = [
  { code: '知', nameZh: '知识产权（专利等）', nameEn: 'Intellectual property (patents and similar)' },
];
