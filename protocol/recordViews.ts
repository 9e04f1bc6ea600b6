/**
 * The hearing record (庭审笔录) as the REST API renders it (server/records) and the
 * `record:paragraph` push of the /hearing namespace carries it. The client imports these types.
 */
import type { HearingKind, HearingRole, SessionState } from '../state-machines/hearing/hearingTypes.js';

/** Who spoke a paragraph, as they were summoned to the hearing. */
export interface RecordSpeaker {
  userId: string;
  name: string;
  role: HearingRole;
}

export interface RecordParagraphView {
  /** Chosen by the writer's client (a UUID), so a retried autosave never writes twice. */
  id: string;
  hearingId: string;
  /** Starts at 1; a write must name the version it was based on (0 for a new paragraph). */
  version: number;
  /** The hearing time the paragraph was stamped with (ISO instant). */
  at: string;
  speaker: RecordSpeaker;
  text: string;
  /**
   * Where the recording has this moment: seconds from the start of the hearing's first
   * recording segment (the earliest `startedAt` of GET /api/cases/:id/recordings for this
   * hearing). Absent while nothing was being recorded.
   */
  recording?: { hearingId: string; offsetSeconds: number };
  updatedAt: string;
  updatedBy: { userId: string; name: string };
}

export type RecordActKind = 'signed' | 'objected';

/** A party's signature or objection. */
export interface RecordActView {
  userId: string;
  name: string;
  kind: RecordActKind;
  at: string;
  /** The SHA-256 of the record text the party read (textSha256). */
  textSha256: string;
  objection?: string;
  reauthenticatedBy: 'password';
}

export type RecordStatus = 'writing' | 'signing' | 'filed';

export interface HearingRecordView {
  hearingId: string;
  caseId: string;
  kind: HearingKind;
  /** The hearing's state: parties may read the record only once it is 'closed'. */
  hearingState: SessionState;
  /** writing: paragraphs may change; signing: the first party acted and the text is fixed; filed: closed and on the case file. */
  status: RecordStatus;
  paragraphs: RecordParagraphView[];
  /** SHA-256 (hex) of the record text (paragraphs in order, each with time, speaker and text): what a signature binds. */
  textSha256: string;
  /** The parties summoned, who each sign or object. */
  signatories: { userId: string; name: string }[];
  acts: RecordActView[];
  filed?: { documentId: string; sha256: string; filedAt: string; pdf: string };
}

/** GET /api/cases/:id/records?q=: the records of the case with the paragraphs that match. */
export interface RecordSearchView {
  results: { hearingId: string; kind: HearingKind; startsAt: string; status: RecordStatus; paragraphs: RecordParagraphView[] }[];
}
