import crypto from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
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

export interface CaseLogEntry {
  _id: string;
  caseId: string;
  seq: number;
  type: string;
  at: string;
  /** Canonical JSON of LogPayload; the hash covers these exact bytes, so reading it back cannot alter them. */
  payload: string;
  prevHash: string;
  hash: string;
  /** False until the case document reflects this entry (see caseStore.ts). Not hashed: it is bookkeeping. */
  applied: boolean;
}

export const GENESIS_HASH = '0'.repeat(64);

const logSchema = new Schema<CaseLogEntry>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    at: { type: String, required: true },
    payload: { type: String, required: true },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
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

/** JSON with object keys sorted, so the same payload always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function entryHash(prevHash: string, payload: string): string {
  return crypto.createHash('sha256').update(prevHash).update('\n').update(payload).digest('hex');
}

/**
 * The chained part of the entry for `payload` after `prevHash`: the canonical text, its hash,
 * and the copies of seq, type and time that are indexed. `_id` is `${ownerId}:${seq}`.
 */
export function chainEntry(ownerId: string, payload: { seq: number; type: string; at: string }, prevHash: string): ChainedEntry & { _id: string } {
  const text = canonicalJson(payload);
  return { _id: `${ownerId}:${payload.seq}`, seq: payload.seq, type: payload.type, at: payload.at, payload: text, prevHash, hash: entryHash(prevHash, text) };
}

export function buildEntry(payload: LogPayload, prevHash: string): CaseLogEntry {
  return { ...chainEntry(payload.caseId, payload, prevHash), caseId: payload.caseId, applied: false };
}

export interface ChainVerification {
  valid: boolean;
  entries: number;
  /** The first entry that does not verify, and why. */
  firstInvalid?: { seq: number; reason: string };
}

/** What every hash-chained log entry has (case log, service delivery log). */
export interface ChainedEntry {
  seq: number;
  type: string;
  at: string;
  payload: string;
  prevHash: string;
  hash: string;
}

/**
 * Recompute a chain: each entry's hash, its link to the previous one, and
 * that its indexed copies (seq, type, time, owner) match the hashed content.
 */
export function verifyHashChain<P extends { seq: number; type: string; at: string }>(
  entries: ChainedEntry[],
  belongsToOwner: (payload: P) => boolean,
): ChainVerification {
  let prevHash = GENESIS_HASH;
  for (const [i, e] of entries.entries()) {
    const fail = (reason: string): ChainVerification => ({ valid: false, entries: entries.length, firstInvalid: { seq: e.seq, reason } });
    if (e.seq !== i + 1) return fail(`entry ${i + 1} is missing`);
    if (e.prevHash !== prevHash) return fail('does not link to the previous entry');
    if (entryHash(e.prevHash, e.payload) !== e.hash) return fail('content does not match its hash');
    let payload: P;
    try {
      payload = JSON.parse(e.payload) as P;
    } catch {
      return fail('content is not valid JSON');
    }
    if (!belongsToOwner(payload) || payload.seq !== e.seq || payload.type !== e.type || payload.at !== e.at) {
      return fail('indexed fields differ from the hashed content');
    }
    prevHash = e.hash;
  }
  return { valid: true, entries: entries.length };
}

export function verifyChain(caseId: string, entries: CaseLogEntry[]): ChainVerification {
  return verifyHashChain<LogPayload>(entries, (p) => p.caseId === caseId);
}
