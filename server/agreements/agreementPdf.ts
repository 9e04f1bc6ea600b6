import { dateZh, heading, paragraph, renderPdf, table, timestampZh, type PdfSeal } from '../documents/pdf.js';
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
  /**
   * The signatures given, for the signed copy issued when the agreement takes effect: who
   * signed, when, how they re-authenticated, and the hash of the draft they signed.
   */
  signatures?: { name: string; signedAt: string; documentSha256: string; method: string }[];
  /** When the signed copy is drawn (its PDF dates). */
  issuedAt?: string;
  seal?: PdfSeal;
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
  const signed = a.signatures;
  return renderPdf({ title: a.title, subject: '调解协议 Mediation agreement', createdAt: a.issuedAt ?? a.createdAt, ...(a.seal ? { seal: a.seal } : {}) }, (doc) => {
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
    if (signed) {
      const draftHash = signed[0]?.documentSha256 ?? '';
      table(
        doc,
        signed.map((s) => [s.name, `已在线签名 signed ${timestampZh(s.signedAt)}（${s.method}）`] as [string, string]),
      );
      paragraph(doc, `各签署人签署的协议文本 SHA-256 Signed text: ${draftHash}`, { size: 8 });
      paragraph(doc, '本签署本由法院以电子签名及可信时间戳签发。This signed copy is issued under the court\'s digital signature and a trusted timestamp.', { size: 9 });
    } else {
      table(
        doc,
        a.signatories.map((s) => [s.name, '签名 Signature：（在线签名 signed on the platform）'] as [string, string]),
      );
    }
    doc.moveDown(0.5);
    doc.fontSize(12).text(dateZh(a.createdAt), { align: 'right' });
  });
}
