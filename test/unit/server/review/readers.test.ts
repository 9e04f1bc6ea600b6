import { describe, expect, it } from 'vitest';
import { idCheckCharacter } from '../../../../state-machines/rules/idNumber.js';
import { claimedAmount, readComplaint } from '../../../../server/review/complaintReader.js';
import { readIdCard } from '../../../../server/review/idCardReader.js';
import { readingFindings, type ReviewMaterials } from '../../../../server/review/readingFindings.js';
import type { PageReading } from '../../../../protocol/review.js';

const idNumber = (first17: string) => first17 + idCheckCharacter(first17);
const FILER_ID = idNumber('11010519850505001');
const COMPLAINT = [
  '民事起诉状',
  '原告:张三,男,1985年5月5日出生,住北京市朝阳区。',
  '被告:李四,男,住北京市海淀区。',
  '被告:北京某某科技有限公司,住所地北京市。',
  '诉讼请求:',
  '1.判令被告偿还借款人民币12,345.60元;',
  '2.本案诉讼费由被告承担。',
  '事实与理由:2025年3月1日,被告向原告借款,至今未还。',
  '此致',
  '北京市朝阳区人民法院',
  '具状人:张三',
  '2026年1月5日',
].join('\n');

const page = (n: number, text: string, extra: Partial<PageReading> = {}): PageReading => ({ page: n, source: 'text', text, confidence: null, hash: '0'.repeat(64), ink: 0.05, ...extra });
const doc = (id: string, kind: string, pages: PageReading[]) => ({ documentId: id, filename: `${id}.pdf`, kind, pageCount: pages.length, pages });
const materials = (over: Partial<ReviewMaterials>): ReviewMaterials => ({
  claimAmount: '12345.60',
  defendants: [{ name: '李四' }, { name: '北京某某科技有限公司' }],
  filer: { name: '张三', idNumber: FILER_ID },
  documents: [doc('c', 'complaint', [page(1, COMPLAINT)])],
  pagesSkipped: 0,
  maxPages: 60,
  today: new Date('2026-02-01T00:00:00Z'),
  ...over,
});

describe('the complaint reader', () => {
  it('finds the parties, the claims with their amount, the signature and the date', () => {
    const r = readComplaint([{ documentId: 'c', filename: 'c.pdf', page: 1, text: COMPLAINT }]);
    expect(r.recognised).toBe(true);
    expect(r.plaintiffs.map((p) => p.value)).toEqual(['张三']);
    expect(r.defendants.map((p) => p.value)).toEqual(['李四', '北京某某科技有限公司']);
    expect(claimedAmount(r)?.fen).toBe(1234560n);
    expect(r.signature?.value).toBe('张三');
    expect(r.date?.value).toBe('2026-01-05');
  });

  it('reports nothing on a complaint that agrees with the form', () => {
    const out = readingFindings(materials({}));
    expect(out.findings).toEqual([]);
  });

  it('reports an amount that differs from the form, quoting it with file and page', () => {
    const out = readingFindings(materials({ claimAmount: '10000' }));
    expect(out.findings.map((f) => f.code)).toEqual(['COMPLAINT_AMOUNT_MISMATCH']);
    const f = out.findings[0]!;
    expect(f.location).toMatchObject({ documentId: 'c', page: 1, quote: '人民币12,345.60元' });
    expect(f.messageZh).toContain('人民币12,345.60元');
    expect(f.messageZh).toContain('10000.00元');
    expect(f.message).toContain('CNY 12345.60');
  });

  it('reports a defendant of the complaint missing from the form, and a missing signature and date', () => {
    const unsigned = COMPLAINT.replace('具状人:张三\n2026年1月5日', '');
    const out = readingFindings(materials({ defendants: [{ name: '李四' }], documents: [doc('c', 'complaint', [page(1, unsigned)])] }));
    expect(out.findings.map((f) => f.code).sort()).toEqual(['COMPLAINT_DEFENDANT_NOT_IN_FORM', 'COMPLAINT_NOT_DATED', 'COMPLAINT_NOT_SIGNED']);
    expect(out.findings.find((f) => f.code === 'COMPLAINT_DEFENDANT_NOT_IN_FORM')?.message).toContain('北京某某科技有限公司');
  });

  it('says nothing blocking about a paper it could not read', () => {
    const out = readingFindings(materials({ documents: [{ ...doc('c', 'complaint', [page(1, '', { source: 'none', error: 'bad' })]), error: 'The PDF could not be opened.' }] }));
    expect(out.findings).toEqual([]);
    expect(out.notes.map((n) => n.code)).toEqual(['DOCUMENT_NOT_READ']);
  });
});

describe('the ID card reader', () => {
  const card = (name: string, number: string, until = '2036.01.01') => `居民身份证\n姓名 ${name}\n性别 男 民族 汉\n公民身份号码 ${number}\n有效期限 2016.01.01-${until}`;

  it('reads the name, the number (check digit verified) and the validity', () => {
    const r = readIdCard([{ documentId: 'i', filename: 'i.png', page: 1, text: card('张三', FILER_ID) }], new Date('2026-01-01'));
    expect(r.name?.value).toBe('张三');
    expect(r.idNumber?.value).toBe(FILER_ID);
    expect(r.validUntil?.value).toBe('2036-01-01');
  });

  it('reports a name other than the registered one, and an expired card', () => {
    const out = readingFindings(materials({ documents: [doc('c', 'complaint', [page(1, COMPLAINT)]), doc('i', 'idProof', [page(1, card('王五', FILER_ID, '2025.12.31'))])] }));
    expect(out.findings.map((f) => f.code).sort()).toEqual(['ID_CARD_EXPIRED', 'ID_NAME_MISMATCH']);
    expect(out.findings.find((f) => f.code === 'ID_NAME_MISMATCH')?.location?.quote).toContain('王五');
  });

  it('reports a number that is neither the filer\'s nor a defendant\'s, masked', () => {
    const other = idNumber('11010519900101123');
    const out = readingFindings(materials({ documents: [doc('i', 'idProof', [page(1, card('张三', other))])] }));
    const f = out.findings.find((x) => x.code === 'ID_NUMBER_MISMATCH');
    expect(f?.message).toContain('110105********');
    expect(f?.message).not.toContain(other);
  });

  it('compares a defendant\'s card with the defendant data given', () => {
    const defId = idNumber('11010519900101123');
    const out = readingFindings(materials({ defendants: [{ name: '李四', idNumber: defId }, { name: '北京某某科技有限公司' }], documents: [doc('i', 'idProof', [page(1, card('李肆', defId))])] }));
    expect(out.findings.map((f) => f.code)).toEqual(['ID_DEFENDANT_NAME_MISMATCH']);
  });
});

describe('the evidence reader', () => {
  const hashA = 'f0'.repeat(32);
  const hashB = '0f'.repeat(32);
  it('reports blank and duplicate pages and drafts the evidence list', () => {
    const out = readingFindings(
      materials({
        documents: [
          doc('e1', 'evidence', [page(1, '借条\n今借到张三人民币12,345.60元', { hash: hashA }), page(2, '', { source: 'ocr', ink: 0.0001, hash: hashB })]),
          doc('e2', 'evidence', [page(1, '借条\n今借到张三人民币12,345.60元', { hash: hashA })]),
        ],
      }),
    );
    expect(out.findings.map((f) => [f.code, f.location?.documentId, f.location?.page])).toEqual([
      ['EVIDENCE_BLANK_PAGE', 'e1', 2],
      ['EVIDENCE_DUPLICATE_PAGE', 'e2', 1],
    ]);
    expect(out.evidenceList).toEqual([
      { documentId: 'e1', title: '借条', pageCount: 2, excerpt: '今借到张三人民币12,345.60元' },
      { documentId: 'e2', title: '借条', pageCount: 1, excerpt: '今借到张三人民币12,345.60元' },
    ]);
  });

  it('does not take two different pages of one layout for duplicates', () => {
    const out = readingFindings(materials({ documents: [doc('e1', 'evidence', [page(1, '银行转账凭证第一页内容甲乙丙丁', { hash: hashA }), page(2, '聊天记录截图另一份内容戊己庚辛', { hash: hashA })])] }));
    expect(out.findings).toEqual([]);
  });
});
