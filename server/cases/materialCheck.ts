import { checkIdNumber } from '../../state-machines/rules/idNumber.js';
import type { Finding } from '../../state-machines/case/caseMachine.js';
import type { FiledDocumentKind } from '../../protocol/caseViews.js';

/** What the automatic check looks at: the structured filing and its stored documents. */
export interface FilingMaterials {
  caseType: string;
  claimAmount?: string;
  defendants: { name: string; idNumber?: string }[];
  documents: { kind: DocumentKind; filename: string; readable: boolean }[];
}

/** What a party files (a defendant: the answer 答辩状), and the decisions a judge files (judgment 判决书, ruling 裁定书). */
export type DocumentKind = FiledDocumentKind;

/** Case types whose fee depends on the amount claimed. */
const AMOUNT_REQUIRED = new Set(['property']);

/**
 * The automatic material check run at filing and at every resubmission. It
 * lists every problem at once, so the party gets one consolidated correction
 * notice instead of a drip of rejections.
 */
export function checkMaterials(m: FilingMaterials, today: Date): Finding[] {
  const findings: Finding[] = [];
  const docs = (kind: DocumentKind) => m.documents.filter((d) => d.kind === kind);

  if (docs('complaint').length === 0) {
    findings.push({
      code: 'MISSING_COMPLAINT',
      field: 'complaint',
      message: 'The complaint (起诉状) is missing. Upload it as a PDF, OFD or image.',
      messageZh: '缺少起诉状，请上传 PDF、OFD 或图片格式的起诉状。',
    });
  }
  if (docs('idProof').length === 0) {
    findings.push({
      code: 'MISSING_ID_PROOF',
      field: 'idProof',
      message: 'Proof of identity is missing. Upload a copy of your ID card.',
      messageZh: '缺少身份证明材料，请上传身份证复印件。',
    });
  }
  for (const d of m.documents.filter((doc) => !doc.readable)) {
    findings.push({
      code: 'UNREADABLE_FILE',
      field: d.kind,
      message: `The file "${d.filename}" is damaged or incomplete and cannot be read. Upload it again.`,
      messageZh: `文件“${d.filename}”已损坏或不完整，无法读取，请重新上传。`,
    });
  }
  if (AMOUNT_REQUIRED.has(m.caseType) && (m.claimAmount === undefined || m.claimAmount === '')) {
    findings.push({
      code: 'AMOUNT_MISSING',
      field: 'claimAmount',
      message: 'A property case needs the amount claimed, which also sets the court fee.',
      messageZh: '财产案件须写明诉讼请求金额，诉讼费依此计算。',
    });
  }
  if (m.defendants.length === 0) {
    findings.push({
      code: 'MISSING_DEFENDANT',
      field: 'defendants',
      message: 'Name at least one defendant.',
      messageZh: '请至少列明一名被告。',
    });
  }
  m.defendants.forEach((d, i) => {
    if (d.idNumber === undefined) return;
    const check = checkIdNumber(d.idNumber, today);
    if (!check.ok) {
      findings.push({
        code: 'INVALID_DEFENDANT_ID_NUMBER',
        field: `defendants.${i}.idNumber`,
        message: `Defendant ${d.name}: ${check.message}`,
        messageZh: `被告${d.name}：${check.messageZh}`,
      });
    }
  });
  return findings;
}
