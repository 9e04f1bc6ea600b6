import { dateZh, heading, paragraph, renderPdf, table } from '../documents/pdf.js';
import type { Signatory } from './agreementModel.js';

export interface AgreementText {
  agreementId: string;
  courtNameZh: string;
  caseNumber?: string;
  title: string;
  terms: string[];
  signatories: Signatory[];
  drafterName: string;
  createdAt: string;
}

/** U+3000, the full-width space set after an article number in Chinese legal text. */
const IDEOGRAPHIC_SPACE = '\u3000';
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1..99 as written in article numbers: 一, 十, 十二, 二十, 二十三. */
export function chineseOrdinal(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const tensPart = tens === 0 ? '' : tens === 1 ? '十' : `${DIGITS[tens]}十`;
  return tensPart + (ones === 0 ? '' : (DIGITS[ones] ?? ''));
}

/**
 * The agreement as the parties read and sign it. Everything printed comes from
 * the stored draft, and the drawing takes its date from the draft, so the PDF
 * (and the hash every signature binds) is fixed at drafting time.
 */
export function renderAgreementPdf(a: AgreementText): Promise<Buffer> {
  return renderPdf({ title: a.title, subject: '调解协议 Mediation agreement', createdAt: a.createdAt }, (doc) => {
    heading(doc, a.courtNameZh, a.title);
    table(doc, [
      ['案号 Case no.', a.caseNumber ?? '（尚无案号 not yet numbered）'],
      ['协议编号 Agreement', a.agreementId],
      ['调解员 Mediator', a.drafterName],
      ['当事人 Parties', a.signatories.map((s) => s.name).join('、')],
    ]);
    paragraph(doc, '经本院主持调解，各方当事人自愿达成如下协议：');
    paragraph(doc, 'Through mediation conducted by the court, the parties have voluntarily agreed as follows:', { size: 10 });
    a.terms.forEach((term, i) => paragraph(doc, `第${chineseOrdinal(i + 1)}条${IDEOGRAPHIC_SPACE}${term}`, { indent: true }));
    paragraph(doc, '本协议由全体签署人在线签名，自最后一位签署人签名时起生效。');
    paragraph(doc, 'Each signatory signs this agreement online; it takes effect when the last signatory signs.', { size: 10 });
    doc.moveDown(0.5);
    table(
      doc,
      a.signatories.map((s) => [s.name, '签名 Signature：（在线签名 signed on the platform）'] as [string, string]),
    );
    doc.moveDown(0.5);
    doc.fontSize(12).text(dateZh(a.createdAt), { align: 'right' });
  });
}
