/**
 * The court's own documents (受理通知书, 交纳诉讼费用通知书, 举证通知书, 传票) as PDFs.
 *
 * A document is first written as plain content (title, addressee, paragraphs, rows), then
 * drawn. The SHA-256 of that content is printed on the page: a file cannot carry its own
 * file hash, but a reader of the paper copy can still type the printed fingerprint into the
 * verification page. The file's own SHA-256 is recorded when it is stored. Both are stable:
 * the same input gives the same bytes (fixed PDF dates, no randomness in pdfkit's output).
 */
import { shownAtFen, toFen } from '../../state-machines/rules/money.js';
import { canonicalJson } from '../hashChain.js';
import {
  calendarDateZh,
  dateTimeZh,
  dateZh,
  fingerprint,
  heading,
  paragraph,
  renderPdf,
  rightLine,
  sha256Hex,
  type PdfSeal,
  signature,
  table,
} from './pdf.js';

export const COURT_DOCUMENT_KINDS = ['acceptanceNotice', 'feeNotice', 'evidenceNotice', 'summons'] as const;
export type CourtDocumentKind = (typeof COURT_DOCUMENT_KINDS)[number];

export const COURT_DOCUMENT_TITLES: Record<CourtDocumentKind, { zh: string; en: string }> = {
  acceptanceNotice: { zh: '受理通知书', en: 'Notice of acceptance' },
  feeNotice: { zh: '交纳诉讼费用通知书', en: 'Notice to pay litigation fees' },
  evidenceNotice: { zh: '举证通知书', en: 'Notice on producing evidence' },
  summons: { zh: '传票', en: 'Summons' },
};

export interface CourtDocumentInput {
  kind: CourtDocumentKind;
  courtNameZh: string;
  caseNumber: string;
  /** Cause of action as printed (案由). */
  causeZh: string;
  plaintiffs: string[];
  defendants: string[];
  /** Who the document is addressed to. */
  addressees: string[];
  /** The instant the document is issued; printed as its date and fixed into the PDF metadata. */
  issuedAt: string;
  fee?: { amount: string; breakdown: { labelZh: string; amount: string }[]; dueBy?: string };
  hearing?: { kind: 'hearing' | 'mediation'; startsAt: string; joinUrl: string };
  /** Evidence period in days from receipt (举证期限); 15 when not set. */
  evidenceDays?: number;
  /** Base of the public verification link printed under the fingerprint. */
  verifyBaseUrl?: string;
  /** The court's digital signature; without it the bytes are reproducible but unsigned. */
  seal?: PdfSeal;
  /** One-time access codes of the defendants this document is addressed to (summons, evidence notice). */
  accessCodes?: { name: string; code: string }[];
}

export interface CourtDocument {
  kind: CourtDocumentKind;
  title: string;
  filename: string;
  bytes: Buffer;
  /** SHA-256 of the PDF file (as signed, when sealed). */
  sha256: string;
  /** SHA-256 of the document's content, printed on it. */
  contentHash: string;
  /** It prints a defendant's access code: only its addressee and the court may see it. */
  carriesAccessCode: boolean;
}

/** The rows and the instruction that let a defendant reach the case online with the code. */
function accessCodeParts(input: CourtDocumentInput): { rows: [string, string][]; closing: string[] } {
  const codes = input.accessCodes ?? [];
  if (codes.length === 0) return { rows: [], closing: [] };
  return {
    rows: codes.map((c): [string, string] => [codes.length > 1 ? `案件查阅码（${c.name}）` : '案件查阅码', c.code]),
    closing: [
      '案件查阅码使用说明：请登录线上微法庭平台，以本人实名注册账号，在“我的案件”中选择“领取案件”，输入上列查阅码，即可查阅本案材料、在线应诉。查阅码仅供被告本人使用，一次有效，请勿交给他人；遗失的，请联系本院书记员核实身份后办理。',
    ],
  };
}

/** What the page says, before any drawing: the part that is hashed and printed. */
interface Content {
  title: string;
  courtNameZh: string;
  caseNumber: string;
  addressee: string;
  paragraphs: string[];
  rows: [string, string][];
  closing: string[];
  dateZh: string;
}

const join = (names: string[]) => names.join('、');

function body(input: CourtDocumentInput): Pick<Content, 'addressee' | 'paragraphs' | 'rows' | 'closing'> {
  const parties = `${join(input.plaintiffs)}诉${join(input.defendants)}${input.causeZh}一案`;
  switch (input.kind) {
    case 'acceptanceNotice':
      return {
        addressee: `${join(input.addressees)}：`,
        paragraphs: [
          `你（单位）诉${join(input.defendants)}${input.causeZh}一案的起诉状已收到。经审查，起诉符合法定受理条件，本院决定立案审理。本案案号为${input.caseNumber}。`,
          '现将有关事项通知如下：',
        ],
        rows: [],
        closing: [
          '一、在诉讼过程中，当事人必须依法行使诉讼权利，遵守诉讼秩序，履行诉讼义务。',
          '二、应当自收到《交纳诉讼费用通知书》次日起七日内交纳案件受理费；逾期不交纳又未申请缓交、减交、免交的，按撤诉处理。',
          '三、本院通过线上微法庭平台电子送达诉讼文书，送达时间依送达记录确定。变更送达地址的，应当及时告知本院。',
        ],
      };
    case 'feeNotice': {
      const fee = input.fee ?? { amount: '0.00', breakdown: [] };
      return {
        addressee: `${join(input.addressees)}：`,
        paragraphs: [`${parties}，本院已立案。依照《诉讼费用交纳办法》的规定，你（单位）应当交纳下列诉讼费用：`],
        // To the fen; the exact calculation stays in the case log.
        rows: [...fee.breakdown.filter((b) => shownAtFen(b.amount)).map((b): [string, string] => [b.labelZh, `${toFen(b.amount)} 元`]), ['合计', `人民币 ${toFen(fee.amount)} 元`]],
        closing: [
          fee.dueBy ? `请于${calendarDateZh(fee.dueBy)}前（含当日）交纳。` : '请于收到本通知次日起七日内交纳。',
          '逾期未交纳又未提出缓交、减交、免交申请的，按撤诉处理。可在线上微法庭平台在线交纳。',
        ],
      };
    }
    case 'evidenceNotice':
      return {
        addressee: `${join(input.addressees)}：`,
        paragraphs: [
          `本院受理的${input.caseNumber}${parties}，依照《中华人民共和国民事诉讼法》第六十七条、第六十八条及《最高人民法院关于民事诉讼证据的若干规定》，现将有关举证事项通知如下：`,
        ],
        closing: [
          '一、当事人对自己提出的主张，有责任提供证据。没有证据或者证据不足以证明当事人的事实主张的，由负有举证证明责任的当事人承担不利的后果。',
          `二、举证期限为收到本通知书之日起${input.evidenceDays ?? 15}日内。逾期提供证据的，人民法院可以不予采纳，或者采纳但予以训诫、罚款。`,
          '三、证据可以通过线上微法庭平台上传电子化材料，原件或者原物应当妥善保管，以备核对。',
          ...accessCodeParts(input).closing,
        ],
        rows: accessCodeParts(input).rows,
      };
    case 'summons': {
      const h = input.hearing;
      if (!h) throw new Error('A summons needs its hearing');
      return {
        addressee: '',
        paragraphs: [],
        rows: [
          ['案号', input.caseNumber],
          ['案由', input.causeZh],
          ['被传唤人', join(input.addressees)],
          ['传唤事由', h.kind === 'hearing' ? '开庭审理（在线）' : '调解（在线）'],
          ['应到时间', `${dateTimeZh(h.startsAt)}（北京时间）`],
          ['应到处所', '线上微法庭（在线视频）'],
          ['参加链接', h.joinUrl],
          ...accessCodeParts(input).rows,
        ],
        closing: [
          '注意事项：',
          '一、被传唤人必须准时在线到庭。原告经传票传唤，无正当理由拒不到庭的，可以按撤诉处理；被告经传票传唤，无正当理由拒不到庭的，可以缺席判决。',
          '二、请提前十五分钟通过上述链接登录平台，检查摄像头、麦克风和网络。',
          '三、本传票以电子方式送达，与纸质传票具有同等效力。',
          ...accessCodeParts(input).closing,
        ],
      };
    }
  }
}

function content(input: CourtDocumentInput): Content {
  return {
    title: COURT_DOCUMENT_TITLES[input.kind].zh,
    courtNameZh: input.courtNameZh,
    caseNumber: input.caseNumber,
    ...body(input),
    dateZh: dateZh(input.issuedAt),
  };
}

/** Draws one court document. Pure apart from reading the font file: same input, same bytes. */
export async function generateCourtDocument(input: CourtDocumentInput): Promise<CourtDocument> {
  const c = content(input);
  const contentHash = sha256Hex(canonicalJson(c));
  const bytes = await renderPdf({ title: `${c.title} ${c.caseNumber}`, subject: c.courtNameZh, createdAt: input.issuedAt, ...(input.seal ? { seal: input.seal } : {}) }, (doc) => {
    heading(doc, c.courtNameZh, c.title);
    rightLine(doc, c.caseNumber);
    doc.moveDown(0.6);
    if (c.addressee) paragraph(doc, c.addressee);
    for (const p of c.paragraphs) paragraph(doc, p, { indent: true });
    if (c.rows.length > 0) table(doc, c.rows);
    for (const p of c.closing) paragraph(doc, p, { indent: true });
    signature(doc, c.courtNameZh, c.dateZh);
    fingerprint(doc, '文书校验码', contentHash, input.verifyBaseUrl ? `${input.verifyBaseUrl}/verify/${contentHash}` : undefined);
  });
  return {
    kind: input.kind,
    title: c.title,
    filename: `${c.title}-${c.caseNumber}.pdf`,
    bytes,
    sha256: sha256Hex(bytes),
    contentHash,
    carriesAccessCode: (input.kind === 'summons' || input.kind === 'evidenceNotice') && (input.accessCodes?.length ?? 0) > 0,
  };
}
