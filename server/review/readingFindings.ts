/**
 * What the reading review reports: the papers as read set against the structured filing and the
 * filer's registered identity. Blocking findings join the consolidated correction notice; notes
 * (a page that could not be read, a file that would not open, the page limit) go to the clerk
 * and never block, so an unreadable scan is a question for a person, not a refusal. Every
 * finding names the file and page and quotes what was read, in Chinese and English. Pure.
 */
import { maskIdNumber } from '../../state-machines/rules/idNumber.js';
import { fenToYuan, yuanToFen } from '../../state-machines/rules/chineseAmount.js';
import { shanghaiDate } from '../../state-machines/rules/periods.js';
import type { EvidenceItem, FindingLocation, ReadingFinding } from '../../protocol/review.js';
import { claimedAmount, readComplaint, type TextPage } from './complaintReader.js';
import { locationOf, readEvidence, type ReadDocument } from './evidenceReader.js';
import { readIdCard } from './idCardReader.js';

export interface ReviewMaterials {
  claimAmount?: string;
  defendants: { name: string; idNumber?: string }[];
  /** The filer's registered real-name identity; null when it could not be read. */
  filer: { name: string; idNumber: string } | null;
  documents: (ReadDocument & { kind: string; error?: string })[];
  /** Pages not read because the filing is over the page limit. */
  pagesSkipped: number;
  maxPages: number;
  today: Date;
}

export interface ReadingOutcome {
  findings: ReadingFinding[];
  notes: ReadingFinding[];
  evidenceList: EvidenceItem[];
}

/** OCR below this confidence makes a mismatch a note for the clerk, not a finding. */
const TRUSTED_CONFIDENCE = 70;

const where = (l: FindingLocation) => ({ en: `${l.filename}, page ${l.page}`, zh: `${l.filename}第${l.page}页` });

function finding(code: string, location: FindingLocation | undefined, en: string, zh: string, blocking = true): ReadingFinding {
  const w = location ? where(location) : undefined;
  return { code, blocking, message: w ? `${w.en}: ${en}` : en, messageZh: w ? `${w.zh}：${zh}` : zh, ...(location ? { location } : {}) };
}

export function normalName(name: string): string {
  return name.replace(/[\s·•.]/g, '');
}

function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length] ?? 0;
}

/** The same party in the complaint and the form: equal, one inside the other, or one character off in a longer name. */
function samePartyName(a: string, b: string): boolean {
  const x = normalName(a);
  const y = normalName(b);
  if (x === y || (x.length >= 4 && y.includes(x)) || (y.length >= 4 && x.includes(y))) return true;
  return Math.min(x.length, y.length) >= 3 && editDistance(x, y) <= 1;
}

const textPages = (docs: ReviewMaterials['documents']): TextPage[] =>
  docs.flatMap((d) => d.pages.map((p) => ({ documentId: d.documentId, filename: d.filename, page: p.page, text: p.text })));

const pageConfidence = (docs: ReviewMaterials['documents'], l: FindingLocation): number => {
  const page = docs.find((d) => d.documentId === l.documentId)?.pages.find((p) => p.page === l.page);
  return page?.source === 'text' ? 100 : (page?.confidence ?? 0);
};

export function readingFindings(m: ReviewMaterials): ReadingOutcome {
  const out: ReadingOutcome = { findings: [], notes: [], evidenceList: [] };
  const add = (f: ReadingFinding) => (f.blocking ? out.findings : out.notes).push(f);
  const ofKind = (kind: string) => m.documents.filter((d) => d.kind === kind);

  for (const d of m.documents) {
    const failed = d.pages.filter((p) => p.source === 'none');
    if (d.error || (d.pages.length > 0 && failed.length === d.pages.length)) {
      add(finding('DOCUMENT_NOT_READ', undefined, `"${d.filename}" could not be read automatically; the clerk reads it.`, `“${d.filename}”无法自动识别，由书记员人工审查。`, false));
    }
  }
  if (m.pagesSkipped > 0) {
    add(finding('PAGE_LIMIT_REACHED', undefined, `The filing has more than ${m.maxPages} pages; ${m.pagesSkipped} pages were not read automatically and are left to the clerk.`, `材料超过${m.maxPages}页，其余${m.pagesSkipped}页未自动识别，由书记员人工审查。`, false));
  }

  complaintFindings(m, ofKind('complaint'), add);
  idFindings(m, ofKind('idProof'), add);

  const evidence = readEvidence(ofKind('evidence'));
  for (const p of evidence.blank) {
    add(finding('EVIDENCE_BLANK_PAGE', locationOf(p, ''), 'the page is blank. Remove it or upload the page that was meant.', '该页为空白页，请删除或补充应提交的页面。'));
  }
  for (const d of evidence.duplicates) {
    const same = d.exact ? { en: 'is the same page as', zh: '与' } : { en: 'is nearly the same page as', zh: '与' };
    add(finding('EVIDENCE_DUPLICATE_PAGE', locationOf(d.page, d.quote), `${same.en} ${d.of.filename}, page ${d.of.page}. Remove the duplicate.`, `${same.zh}${d.of.filename}第${d.of.page}页${d.exact ? '完全相同' : '基本相同'}，请删除重复页。`));
  }
  for (const p of evidence.unreadable) {
    add(finding('EVIDENCE_PAGE_UNREADABLE', locationOf(p, ''), `little or nothing on the page could be read${p.confidence === null ? '' : ` (confidence ${Math.round(p.confidence)}%)`}; the clerk checks it.`, `该页内容无法清晰识别${p.confidence === null ? '' : `（置信度${Math.round(p.confidence)}%）`}，由书记员人工核对。`, false));
  }
  out.evidenceList = evidence.list;
  return out;
}

function complaintFindings(m: ReviewMaterials, docs: ReviewMaterials['documents'], add: (f: ReadingFinding) => void): void {
  const pages = textPages(docs);
  if (pages.every((p) => p.text.trim() === '')) return;
  const complaint = readComplaint(pages);
  if (!complaint.recognised) {
    const first = pages[0];
    if (first) add(finding('COMPLAINT_NOT_RECOGNISED', undefined, `"${first.filename}" does not read like a complaint (no parties or claims found); the clerk checks it.`, `“${first.filename}”未识别出起诉状的当事人或诉讼请求，由书记员人工核对。`, false));
    return;
  }
  for (const d of complaint.defendants) {
    if (m.defendants.some((f) => samePartyName(f.name, d.value))) continue;
    add(finding('COMPLAINT_DEFENDANT_NOT_IN_FORM', d.at, `the complaint names the defendant ${d.value} ("${d.at.quote}"), who is not among the defendants in the form. Add them, or correct the complaint.`, `起诉状列明的被告${d.value}（“${d.at.quote}”）未在立案表单的被告中填写，请补充被告信息或更正起诉状。`));
  }
  const claimed = claimedAmount(complaint);
  const form = m.claimAmount ? yuanToFen(m.claimAmount) : null;
  if (claimed && form !== null && claimed.fen !== form && !complaint.amounts.some((a) => a.value.fen === form)) {
    const first = claimed.quotes[0];
    const quoted = claimed.quotes.map((q) => `"${q.value.quote}"`).join(', ');
    const quotedZh = claimed.quotes.map((q) => `“${q.value.quote}”`).join('、');
    if (first) {
      add(finding(
        'COMPLAINT_AMOUNT_MISMATCH',
        { ...first.at, quote: first.value.quote },
        `the complaint claims CNY ${fenToYuan(claimed.fen)} (${quoted}), but the form gives CNY ${fenToYuan(form)}. The amount claimed sets the court fee; make them agree.`,
        `起诉状请求金额为${fenToYuan(claimed.fen)}元（${quotedZh}），与立案表单填写的${fenToYuan(form)}元不一致。诉讼费依请求金额计算，请更正使二者一致。`,
      ));
    }
  }
  const last = pages[pages.length - 1];
  if (!complaint.signature && last) {
    add(finding('COMPLAINT_NOT_SIGNED', { documentId: last.documentId, filename: last.filename, page: last.page, quote: '' }, 'the complaint has no signature line (具状人). Sign it and upload it again.', '起诉状缺少具状人签名，请签名后重新上传。'));
  }
  if (!complaint.date && last) {
    add(finding('COMPLAINT_NOT_DATED', { documentId: last.documentId, filename: last.filename, page: last.page, quote: complaint.signature?.at.quote ?? '' }, 'the complaint is not dated. Date it and upload it again.', '起诉状未注明日期，请注明日期后重新上传。'));
  }
}

function idFindings(m: ReviewMaterials, docs: ReviewMaterials['documents'], add: (f: ReadingFinding) => void): void {
  for (const d of docs) {
    const card = readIdCard(textPages([d]), m.today);
    if (!card.name && !card.idNumber && !card.invalidNumber) {
      if (d.pages.some((p) => p.text.trim() !== '')) add(finding('ID_CARD_NOT_READ', undefined, `No name or ID number could be read on "${d.filename}"; the clerk checks it.`, `“${d.filename}”上未能识别出姓名或身份号码，由书记员人工核对。`, false));
      continue;
    }
    const trusted = (l: FindingLocation) => pageConfidence(m.documents, l) >= TRUSTED_CONFIDENCE;
    const number = card.idNumber?.value;
    const defendant = number ? m.defendants.find((x) => x.idNumber?.toUpperCase() === number) : undefined;
    const owner = defendant ? { name: defendant.name, who: { en: `the defendant ${defendant.name}`, zh: `被告${defendant.name}` }, code: 'ID_DEFENDANT_NAME_MISMATCH' } : m.filer ? { name: m.filer.name, who: { en: 'your registered identity', zh: '您实名登记的身份' }, code: 'ID_NAME_MISMATCH' } : null;
    if (card.name && owner && normalName(card.name.value) !== normalName(owner.name)) {
      add(finding(owner.code, card.name.at, `the ID card reads the name ${card.name.value}, but ${owner.who.en} is ${owner.name}. Upload the right card, or ask the court to correct the registration.`, `身份证上识别的姓名为${card.name.value}，与${owner.who.zh}（${owner.name}）不一致，请上传正确的身份证件。`, trusted(card.name.at)));
    }
    if (number && !defendant && m.filer && number !== m.filer.idNumber.toUpperCase()) {
      const masked = maskIdNumber(number);
      add(finding('ID_NUMBER_MISMATCH', { ...card.idNumber!.at, quote: masked }, `the ID card shows the number ${masked}, which is neither your registered ID number nor a defendant's.`, `身份证号码${masked}与您实名登记的身份号码及被告信息均不一致。`, trusted(card.idNumber!.at)));
    }
    if (!number && card.invalidNumber) {
      add(finding('ID_NUMBER_UNREADABLE', { ...card.invalidNumber.at, quote: maskIdNumber(card.invalidNumber.value) }, 'the ID number read fails its check digit (probably misread); the clerk checks it.', '识别出的身份号码校验位不符（可能识别有误），由书记员人工核对。', false));
    }
    if (card.validUntil && card.validUntil.value < shanghaiDate(m.today.toISOString())) {
      add(finding('ID_CARD_EXPIRED', card.validUntil.at, `the ID card expired on ${card.validUntil.value}. Upload a valid identity document.`, `身份证已于${card.validUntil.value}过期，请上传有效期内的身份证件。`));
    }
  }
}
