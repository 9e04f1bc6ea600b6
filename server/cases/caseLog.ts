import { Schema, type Connection, type Model } from 'mongoose';
import { CHAINED_ENTRY_FIELDS, chainEntry, verifyHashChain, type ChainedEntry, type ChainVerification } from '../hashChain.js';
import type { CaseState } from './caseModel.js';

/** Who caused a log entry; names are not stored here (they are personal data). */
export interface LogActor {
  userId: string;
  role: string;
}

/** What an entry records: the event and the case state it produced. */
export interface LogPayload {
  caseId: string;
  seq: number;
  type: string;
  actor: LogActor;
  at: string;
  data: Record<string, unknown>;
  /** The complete set of case fields after this entry: replaying it restores the case. */
  state: CaseState;
}

/** `payload` is the canonical JSON of LogPayload; the hash covers these exact bytes, so reading it back cannot alter them. */
export interface CaseLogEntry extends ChainedEntry {
  _id: string;
  caseId: string;
  /** False until the case document reflects this entry (see caseStore.ts). Not hashed: it is bookkeeping. */
  applied: boolean;
}

const logSchema = new Schema<CaseLogEntry>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    ...CHAINED_ENTRY_FIELDS,
    applied: { type: Boolean, required: true },
  },
  { versionKey: false },
);
// One entry per (case, seq): two concurrent writers of the same version cannot both succeed,
// so the chain never forks.
logSchema.index({ caseId: 1, seq: 1 }, { unique: true });
logSchema.index({ applied: 1 });
// Notifications catch up on recent entries after a restart (notifications/caseNotifier.ts).
logSchema.index({ at: 1 });

export function caseLogModel(connection: Connection): Model<CaseLogEntry> {
  return (
    (connection.models.CaseLogEntry as Model<CaseLogEntry> | undefined) ??
    connection.model<CaseLogEntry>('CaseLogEntry', logSchema, 'case_log')
  );
}

export function buildEntry(payload: LogPayload, prevHash: string): CaseLogEntry {
  return { ...chainEntry(payload.caseId, payload, prevHash), caseId: payload.caseId, applied: false };
}

export function verifyChain(caseId: string, entries: CaseLogEntry[]): ChainVerification {
  return verifyHashChain<LogPayload>(entries, (p) => p.caseId === caseId);
}
