import { endOfDayShanghai } from '../../state-machines/rules/periods.js';
import type { CaseDeadlines } from '../../state-machines/case/caseMachine.js';
import { maskIdNumber, maskPhone } from '../../state-machines/rules/idNumber.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import type { CaseLogEntry, LogPayload } from './caseLog.js';
import type { CaseDoc } from './caseModel.js';

const DEADLINE_LABELS: Record<keyof CaseDeadlines, { zh: string; en: string }> = {
  docketBy: { zh: '立案审查期限', en: 'Court decides on docketing by' },
  correctBy: { zh: '补正期限', en: 'Correct the filing by' },
  feeDueBy: { zh: '交纳诉讼费期限', en: 'Pay the court fee by' },
  answerBy: { zh: '答辩期限', en: 'Defendant answers by' },
};

/** Deadlines as people need them: the last day, and the exact last moment (Asia/Shanghai). */
export function deadlineView(deadlines: CaseDeadlines) {
  return (Object.keys(DEADLINE_LABELS) as (keyof CaseDeadlines)[])
    .filter((k) => deadlines[k])
    .map((k) => ({
      kind: k,
      date: deadlines[k] as string,
      endsAt: endOfDayShanghai(deadlines[k] as string).toISOString(),
      labelZh: DEADLINE_LABELS[k].zh,
      labelEn: DEADLINE_LABELS[k].en,
    }));
}

export function timelineView(entries: CaseLogEntry[]) {
  return entries.map((e) => {
    const payload = JSON.parse(e.payload) as LogPayload;
    return { seq: e.seq, type: e.type, at: e.at, by: payload.actor.role, status: payload.state.status, details: payload.data };
  });
}

export function caseSummary(doc: CaseDoc) {
  const context = doc.snapshot.context;
  return {
    id: doc._id,
    status: doc.status,
    ...(doc.caseNumber ? { caseNumber: doc.caseNumber } : {}),
    courtId: doc.courtId,
    caseType: doc.caseType,
    ...(doc.claimAmount ? { claimAmount: doc.claimAmount } : {}),
    ...(doc.fee ? { fee: { amount: doc.fee.amount, currency: doc.fee.currency } } : {}),
    deadlines: deadlineView(context.deadlines),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** The full case as its parties and court staff see it; other people's personal data is masked. */
export function caseView(doc: CaseDoc, entries: CaseLogEntry[], cipher: PersonalDataCipher, allowedActions: string[]) {
  const context = doc.snapshot.context;
  return {
    ...caseSummary(doc),
    typeCode: doc.typeCode,
    claims: doc.claims,
    facts: doc.facts,
    defendants: doc.defendants.map((d) => ({
      name: d.name,
      ...(d.idNumberEnc ? { idNumber: maskIdNumber(cipher.decrypt(d.idNumberEnc)) } : {}),
      ...(d.phoneEnc ? { phone: maskPhone(cipher.decrypt(d.phoneEnc)) } : {}),
    })),
    ...(doc.fee ? { fee: doc.fee } : {}),
    ...(context.feeSettlement ? { feeSettlement: context.feeSettlement } : {}),
    findings: doc.findings,
    ...(context.correction ? { correction: context.correction } : {}),
    ...(context.rejectionReasons ? { rejectionReasons: context.rejectionReasons } : {}),
    ...(context.withdrawal ? { withdrawal: context.withdrawal } : {}),
    documents: doc.documents.map((d) => ({
      id: d.id,
      kind: d.kind,
      filename: d.filename,
      sha256: d.sha256,
      size: d.size,
      mediaType: d.mediaType,
      readable: d.readable,
      uploadedAt: d.uploadedAt,
    })),
    timeline: timelineView(entries),
    allowedActions,
    version: doc.version,
  };
}
