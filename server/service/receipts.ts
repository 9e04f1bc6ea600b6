/**
 * The 电子送达凭证 (C1 Art. 31 ¶3): the court's proof of what was served, to whom, through
 * which channel and address, every step of every delivery with its server time, and when and
 * why service took effect. It has the effect of a service receipt, so it is drawn from the
 * hash-chained delivery log and nothing else.
 */
import type { ServicePeriods } from '../../state-machines/service/servicePeriods.js';
import type { ConsentGround, ServiceChannel } from '../../state-machines/service/consent.js';
import { CONSENT_GROUND_TEXT } from '../../state-machines/service/consent.js';
import type { DeliveryStep } from '../../state-machines/service/delivery.js';
import type { ServiceEffect } from '../../state-machines/service/effectiveService.js';
import { canonicalJson } from '../hashChain.js';
import { calendarDateZh, dateZh, fingerprint, grid, heading, paragraph, renderPdf, rightLine, sha256Hex, signature, table, timestampZh, type PdfSeal } from '../documents/pdf.js';

export const CHANNEL_ZH: Record<ServiceChannel, string> = { inbox: '平台站内送达', email: '电子邮件', sms: '手机短信' };

export const STEP_ZH: Record<DeliveryStep, string> = {
  created: '生成送达任务',
  sent: '发送成功',
  delivered: '到达受送达人系统',
  read: '受送达人已阅知',
  acknowledged: '受送达人确认收悉',
  acted: '受送达人作出诉讼行为',
  failed: '送达失败',
};

const BASIS_ZH: Record<Extract<ServiceEffect, { effective: true }>['basis'], string> = {
  arrival: '送达信息到达受送达人提供或确认的电子地址所在系统（《人民法院在线诉讼规则》第三十一条；民诉法解释第一百三十五条）',
  'proven-arrival': '受送达人证明的实际到达时间',
  acknowledgement: '受送达人回复收悉',
  'procedural-act': '受送达人作出相应诉讼行为',
  'read-receipt': '系统反馈受送达人已阅知（推定送达）',
};

const FACT_ZH = {
  rebuttal: '受送达人证明了实际到达时间（民诉法解释第一百三十五条）',
  'earlier-channel': '另一送达渠道更早生效的记录后到（《人民法院在线诉讼规则》第三十一条第四款，以最先到达为准）',
} as const;

export interface ReceiptInput {
  courtNameZh: string;
  caseNumber: string;
  serviceId: string;
  /** When the receipt is issued (the effect was recorded); fixes its date and PDF metadata. */
  issuedAt: string;
  /** 1 for the first effect; higher when a rebuttal revised it. */
  version: number;
  document: { title: string; sha256: string; contentHash?: string };
  recipient: { name: string; idNumberMasked?: string };
  consent?: { ground: ConsentGround; channel: string; capturedAt: string };
  deliveries: { channel: ServiceChannel; address: string; addressConfirmed: boolean; steps: { step: DeliveryStep; at: string }[] }[];
  effect: Extract<ServiceEffect, { effective: true }>;
  periods: ServicePeriods;
  /** Period ends in a year whose holiday arrangement is not entered yet: printed as provisional. */
  provisionalDates?: string[];
  /** For a correction (version > 1): the new fact that changed the time of service. */
  fact?: 'rebuttal' | 'earlier-channel';
  rebuttal?: { provenArrivalAt: string; note?: string };
  verifyBaseUrl: string;
  /** The court's digital signature (server/signing). */
  seal?: PdfSeal;
}

export interface Receipt {
  filename: string;
  bytes: Buffer;
  sha256: string;
  contentHash: string;
}

export async function generateReceipt(input: ReceiptInput): Promise<Receipt> {
  const title = input.version > 1 ? '电子送达凭证（更正）' : '电子送达凭证';
  const rows: [string, string][] = [
    ['案号', input.caseNumber],
    ['送达机关', input.courtNameZh],
    ['送达编号', input.serviceId],
    ['送达文书', `《${input.document.title}》`],
    ['文书 SHA-256', input.document.sha256],
    ...(input.document.contentHash ? [['文书校验码', input.document.contentHash] as [string, string]] : []),
    ['受送达人', input.recipient.name],
    ...(input.recipient.idNumberMasked ? [['身份证号码', input.recipient.idNumberMasked] as [string, string]] : []),
    [
      '电子送达同意',
      input.consent
        ? `${CONSENT_GROUND_TEXT[input.consent.ground].zh}（${input.consent.ground}项；${input.consent.channel === 'phone' ? '电话确认' : input.consent.channel === 'written' ? '书面确认' : '平台确认'}，${timestampZh(input.consent.capturedAt)}）`
        : '未记录（受送达人未提供或确认电子地址）',
    ],
  ];
  const deliveryRows = input.deliveries.flatMap((d) =>
    d.steps.map((s) => [CHANNEL_ZH[d.channel], `${d.address}${d.addressConfirmed ? '（受送达人确认）' : ''}`, STEP_ZH[s.step], timestampZh(s.at)]),
  );
  const periodZh = (date: string) => `${calendarDateZh(date)}${input.provisionalDates?.includes(date) ? '（暂定，以当年节假日安排为准）' : ''}`;
  const effectRows: [string, string][] = [
    ['送达生效时间', timestampZh(input.effect.effectiveAt)],
    ['生效方式', input.effect.presumed ? '推定送达（受送达人可以反证推翻）' : '确认送达'],
    ['生效依据', BASIS_ZH[input.effect.basis]],
    ['生效渠道', `${CHANNEL_ZH[input.effect.channel]} ${input.effect.address}`],
    ...(input.rebuttal ? [['受送达人反证', `实际到达时间 ${timestampZh(input.rebuttal.provenArrivalAt)}${input.rebuttal.note ? `；${input.rebuttal.note}` : ''}`] as [string, string]] : []),
    ...(input.fact ? [['更正原因', FACT_ZH[input.fact]] as [string, string]] : []),
    // Only the periods this document starts for this recipient (servicePeriods.ts).
    ...(input.periods.answerBy ? [['答辩期届满日', periodZh(input.periods.answerBy)] as [string, string]] : []),
    ...(input.periods.appealAgainstJudgmentBy ? [['判决上诉期届满日', periodZh(input.periods.appealAgainstJudgmentBy)] as [string, string]] : []),
    ...(input.periods.appealAgainstRulingBy ? [['裁定上诉期届满日', periodZh(input.periods.appealAgainstRulingBy)] as [string, string]] : []),
  ];
  const content = { title, rows, deliveryRows, effectRows, dateZh: dateZh(input.issuedAt) };
  const contentHash = sha256Hex(canonicalJson(content));
  const bytes = await renderPdf({ title: `${title} ${input.caseNumber}`, subject: input.courtNameZh, createdAt: input.issuedAt, ...(input.seal ? { seal: input.seal } : {}) }, (doc) => {
    heading(doc, input.courtNameZh, title);
    rightLine(doc, input.caseNumber);
    doc.moveDown(0.5);
    table(doc, rows);
    paragraph(doc, '送达过程（服务器时间）：');
    grid(doc, ['送达方式', '电子地址', '环节', '时间'], deliveryRows);
    table(doc, effectRows);
    paragraph(doc, '本凭证依据平台送达日志自动生成，日志逐条以 SHA-256 哈希链接，可随时校验。期间依《中华人民共和国民事诉讼法》第八十五条计算，期间届满日为法定休假日的，以休假日后的第一日为届满日。', { size: 9 });
    signature(doc, input.courtNameZh, content.dateZh);
    fingerprint(doc, '凭证校验码', contentHash, `${input.verifyBaseUrl}/verify/${contentHash}`);
  });
  return { filename: `${title}-${input.caseNumber}-${input.serviceId.slice(0, 8)}.pdf`, bytes, sha256: sha256Hex(bytes), contentHash };
}
