import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COURT_DOCUMENT_KINDS, generateCourtDocument, type CourtDocumentInput } from '../../../../server/documents/courtDocuments.js';
import { CJK_FONT_NAME, CJK_FONT_PATH } from '../../../../server/documents/pdf.js';
import { extractText } from '../../../support/pdfText.js';

const hasFont = fs.existsSync(CJK_FONT_PATH);

function input(kind: CourtDocumentInput['kind']): CourtDocumentInput {
  return {
    kind,
    courtNameZh: '北京市朝阳区人民法院',
    caseNumber: '（2026）京0105民初123号',
    causeZh: '劳动争议',
    plaintiffs: ['原告甲'],
    defendants: ['被告乙'],
    addressees: kind === 'summons' || kind === 'evidenceNotice' ? ['被告乙'] : ['原告甲'],
    issuedAt: '2026-03-02T09:30:00+08:00',
    fee: { amount: '10.00', breakdown: [{ labelZh: '案件受理费', amount: '10.00' }], dueBy: '2026-03-09' },
    hearing: { kind: 'hearing', startsAt: '2026-03-20T06:30:00Z', joinUrl: 'https://court.example/hearings/h-1' },
    verifyBaseUrl: 'https://court.example',
  };
}

function pdftotext(pdf: Buffer): string | undefined {
  const file = path.join(os.tmpdir(), `mc-${crypto.randomUUID()}.pdf`);
  try {
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } catch {
    return undefined; // poppler-utils not installed: the extractor above still checks the text
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describe.skipIf(!hasFont)('court documents as PDF', () => {
  it.each(COURT_DOCUMENT_KINDS)('%s carries its Chinese title, the case number, the court and its printed fingerprint', async (kind) => {
    const doc = await generateCourtDocument(input(kind));
    expect(doc.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(doc.sha256).toBe(crypto.createHash('sha256').update(doc.bytes).digest('hex'));
    // The CJK font is embedded (a subset), not merely referenced.
    const raw = doc.bytes.toString('latin1');
    expect(raw).toMatch(new RegExp(`/FontName /[A-Z]{6}\\+${CJK_FONT_NAME}`));
    expect(raw).toContain('/FontFile3');

    const text = extractText(doc.bytes).replace(/\s+/g, '');
    const title = { acceptanceNotice: '受理通知书', feeNotice: '交纳诉讼费用通知书', evidenceNotice: '举证通知书', summons: '传票' }[kind];
    expect(doc.title).toBe(title);
    expect(text).toContain(title);
    expect(text).toContain('（2026）京0105民初123号');
    expect(text).toContain('北京市朝阳区人民法院');
    expect(text).toContain('2026年3月2日');
    expect(text).toContain(doc.contentHash);

    const poppler = pdftotext(doc.bytes);
    if (poppler !== undefined) {
      const flat = poppler.replace(/\s+/g, '');
      expect(flat).toContain(title);
      expect(flat).toContain('（2026）京0105民初123号');
    }
  });

  it('a summons prints the hearing time in Beijing time and the join link; a fee notice its amount and due date', async () => {
    const summons = extractText((await generateCourtDocument(input('summons'))).bytes).replace(/\s+/g, '');
    expect(summons).toContain('2026年3月20日14:30');
    expect(summons).toContain('https://court.example/hearings/h-1');
    expect(summons).toContain('被告乙');
    const fee = extractText((await generateCourtDocument(input('feeNotice'))).bytes).replace(/\s+/g, '');
    expect(fee).toContain('人民币10.00元');
    expect(fee).toContain('2026年3月9日');
  });

  it('the same input gives the same bytes (reproducible hash); a different input does not', async () => {
    const a = await generateCourtDocument(input('acceptanceNotice'));
    const b = await generateCourtDocument(input('acceptanceNotice'));
    expect(b.sha256).toBe(a.sha256);
    expect(b.contentHash).toBe(a.contentHash);
    expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
    const other = await generateCourtDocument({ ...input('acceptanceNotice'), caseNumber: '（2026）京0105民初124号' });
    expect(other.sha256).not.toBe(a.sha256);
    expect(other.contentHash).not.toBe(a.contentHash);
  });
});
