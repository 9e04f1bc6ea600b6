/**
 * The 民事调解书 (CPL 2023 Art. 100): the court's confirmation of the agreement the parties
 * signed. It names the claims, the agreed terms (from the agreement itself), the judge and the
 * clerk, and says that it takes effect once every party has signed for its receipt. Drawn like
 * the other court documents: a printed content fingerprint, then the court's seal over the file.
 */
import { canonicalJson } from '../hashChain.js';
import { dateZh, fingerprint, heading, paragraph, renderPdf, rightLine, sha256Hex, signature, type PdfSeal } from './pdf.js';

export const MEDIATION_DECISION_TITLE = '民事调解书';

export interface MediationDecisionInput {
  courtNameZh: string;
  caseNumber: string;
  causeZh: string;
  plaintiffs: string[];
  defendants: string[];
  /** The terms of the signed agreement, as signed. */
  terms: string[];
  agreementTitle: string;
  agreementSignedAt: string;
  judgeName: string;
  clerkName: string;
  issuedAt: string;
  verifyBaseUrl?: string;
  seal?: PdfSeal;
}

export interface MediationDecisionPdf {
  title: string;
  filename: string;
  bytes: Buffer;
  sha256: string;
  contentHash: string;
}

const join = (names: string[]) => names.join('、');

function content(input: MediationDecisionInput) {
  return {
    title: MEDIATION_DECISION_TITLE,
    courtNameZh: input.courtNameZh,
    caseNumber: input.caseNumber,
    parties: [`原告：${join(input.plaintiffs)}`, `被告：${join(input.defendants)}`],
    paragraphs: [
      `原告${join(input.plaintiffs)}与被告${join(input.defendants)}${input.causeZh}一案，本院依法进行了调解。`,
      `经本院主持调解，当事人自愿达成如下协议（《${input.agreementTitle}》，全体当事人于${dateZh(input.agreementSignedAt)}签署）：`,
    ],
    terms: input.terms.map((t, i) => `${i + 1}. ${t}`),
    closing: ['上述协议，符合有关法律规定，本院予以确认。', '本调解书经双方当事人签收后，即具有法律效力。'],
    judge: `审判员\u3000${input.judgeName}`,
    clerk: `书记员\u3000${input.clerkName}`,
    dateZh: dateZh(input.issuedAt),
  };
}

export async function generateMediationDecision(input: MediationDecisionInput): Promise<MediationDecisionPdf> {
  const c = content(input);
  const contentHash = sha256Hex(canonicalJson(c));
  const bytes = await renderPdf({ title: `${c.title} ${c.caseNumber}`, subject: c.courtNameZh, createdAt: input.issuedAt, ...(input.seal ? { seal: input.seal } : {}) }, (doc) => {
    heading(doc, c.courtNameZh, c.title);
    rightLine(doc, c.caseNumber);
    doc.moveDown(0.6);
    for (const p of c.parties) paragraph(doc, p);
    for (const p of c.paragraphs) paragraph(doc, p, { indent: true });
    for (const t of c.terms) paragraph(doc, t, { indent: true });
    for (const p of c.closing) paragraph(doc, p, { indent: true });
    doc.moveDown(0.8);
    rightLine(doc, c.judge);
    signature(doc, c.courtNameZh, c.dateZh);
    rightLine(doc, c.clerk);
    fingerprint(doc, '文书校验码', contentHash, input.verifyBaseUrl ? `${input.verifyBaseUrl}/api/verify/${contentHash}` : undefined);
  });
  return { title: c.title, filename: `${c.title}-${c.caseNumber}.pdf`, bytes, sha256: sha256Hex(bytes), contentHash };
}
