import type { HearingKind } from '../../protocol/hearing.js';
import type { RecordActView, RecordParagraphView } from '../../protocol/recordViews.js';
import { dateTimeZh, dateZh, fingerprint, heading, paragraph, renderPdf, table, timestampZh, type PdfSeal } from '../documents/pdf.js';
import { printedParagraph } from './recordText.js';

export interface RecordPdfInput {
  courtNameZh: string;
  caseNumber?: string;
  kind: HearingKind;
  hearingId: string;
  startsAt: string;
  participants: { name: string; roleZh: string }[];
  paragraphs: RecordParagraphView[];
  acts: RecordActView[];
  textSha256: string;
  clerkName: string;
  filedAt: string;
  verifyBaseUrl?: string;
  seal?: PdfSeal;
}

export const RECORD_TITLES: Record<HearingKind, string> = { hearing: '庭审笔录', mediation: '调解笔录' };

/**
 * The record as filed: every paragraph with its time and speaker, every party's signature or
 * objection with its time, and the SHA-256 of the text they read. Drawn once, at filing, and
 * dated then, so the same record gives the same bytes before the court's signature.
 */
export function renderRecordPdf(r: RecordPdfInput): Promise<Buffer> {
  const title = RECORD_TITLES[r.kind];
  return renderPdf({ title, subject: `${title} Hearing record`, createdAt: r.filedAt, ...(r.seal ? { seal: r.seal } : {}) }, (doc) => {
    heading(doc, r.courtNameZh, title);
    table(doc, [
      ['案号 Case no.', r.caseNumber ?? '（尚无案号 not yet numbered）'],
      [r.kind === 'hearing' ? '开庭时间 Hearing' : '调解时间 Mediation', dateTimeZh(r.startsAt)],
      ['到庭人员 Present', r.participants.map((p) => `${p.roleZh}${p.name}`).join('、')],
      ['记录编号 Record', r.hearingId],
    ]);
    if (r.paragraphs.length === 0) paragraph(doc, '（本笔录无内容 The record is empty）');
    for (const p of r.paragraphs) paragraph(doc, printedParagraph(p));
    doc.moveDown(0.5);
    paragraph(doc, '当事人阅读笔录后的签名或异议 Signatures and objections of the parties:', { size: 11 });
    table(
      doc,
      r.acts.map((a): [string, string] => [
        a.name,
        a.kind === 'signed'
          ? `已在线签名 signed ${timestampZh(a.at)}（password）`
          : `拒绝签名并提出异议 objected ${timestampZh(a.at)}（password）：${a.objection ?? ''}`,
      ]),
    );
    paragraph(doc, `书记员 Clerk：${r.clerkName}`, { size: 11 });
    paragraph(doc, `笔录文本 SHA-256 Record text: ${r.textSha256}`, { size: 8 });
    doc.fontSize(12).text(dateZh(r.filedAt), { align: 'right' });
    fingerprint(doc, '笔录校验码', r.textSha256, r.verifyBaseUrl ? `${r.verifyBaseUrl}/api/verify/${r.textSha256}` : undefined);
  });
}
