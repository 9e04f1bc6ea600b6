import type { HearingRecordView, RecordActView, RecordParagraphView, RecordStatus } from '../../protocol/recordViews.js';
import type { HearingDoc } from '../hearings/hearingModel.js';
import type { SessionState } from '../../protocol/hearing.js';
import { signatoriesOf } from './recordAccess.js';
import type { ParagraphDoc, RecordActDoc, RecordDoc } from './recordModel.js';
import { inOrder, recordTextSha256 } from './recordText.js';

export function paragraphView(p: ParagraphDoc): RecordParagraphView {
  return {
    id: p._id,
    hearingId: p.hearingId,
    version: p.version,
    at: p.at,
    speaker: p.speaker,
    text: p.text,
    ...(p.recordingOffsetSeconds !== undefined ? { recording: { hearingId: p.hearingId, offsetSeconds: p.recordingOffsetSeconds } } : {}),
    updatedAt: p.updatedAt,
    updatedBy: p.updatedBy,
  };
}

export function actView(a: RecordActDoc): RecordActView {
  return {
    userId: a.userId,
    name: a.name,
    kind: a.kind,
    at: a.at,
    textSha256: a.textSha256,
    ...(a.objection !== undefined ? { objection: a.objection } : {}),
    reauthenticatedBy: a.reauthenticatedBy,
  };
}

export function statusOf(record: RecordDoc | null): RecordStatus {
  if (record?.state === 'filed') return 'filed';
  return record?.frozenSha256 ? 'signing' : 'writing';
}

export function recordView(hearing: HearingDoc, state: SessionState, record: RecordDoc | null, paragraphs: ParagraphDoc[], acts: RecordActDoc[]): HearingRecordView {
  return {
    hearingId: hearing._id,
    caseId: hearing.caseId,
    kind: hearing.kind,
    hearingState: state,
    status: statusOf(record),
    paragraphs: inOrder(paragraphs).map(paragraphView),
    textSha256: recordTextSha256(paragraphs),
    signatories: signatoriesOf(hearing),
    acts: [...acts].sort((a, b) => (a.at < b.at ? -1 : 1)).map(actView),
    ...(record?.state === 'filed' && record.filed
      ? { filed: { documentId: record.filed.documentId, sha256: record.filed.sha256, filedAt: record.filed.filedAt, pdf: `/api/hearings/${hearing._id}/record/pdf` } }
      : {}),
  };
}
