/**
 * The append-only, hash-chained log shared by every log the court must be able to re-verify:
 * the case log (cases/caseLog.ts), the delivery log of electronic service
 * (service/deliveryLog.ts) and the holiday-arrangement log (calendar/calendarLog.ts).
 * It sits at the bottom of server/ and imports nothing of ours, so each of those folders
 * (and documents/, which hashes canonical content) can use it without depending on another.
 */
import crypto from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

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

/** What every hash-chained log entry has (case log, service delivery log, calendar log). */
export interface ChainedEntry {
  seq: number;
  type: string;
  at: string;
  payload: string;
  prevHash: string;
  hash: string;
}

/**
 * The chained part of the entry for `payload` after `prevHash`: the canonical text, its hash,
 * and the copies of seq, type and time that are indexed. `_id` is `${ownerId}:${seq}`.
 */
export function chainEntry(ownerId: string, payload: { seq: number; type: string; at: string }, prevHash: string): ChainedEntry & { _id: string } {
  const text = canonicalJson(payload);
  return { _id: `${ownerId}:${payload.seq}`, seq: payload.seq, type: payload.type, at: payload.at, payload: text, prevHash, hash: entryHash(prevHash, text) };
}

export interface ChainVerification {
  valid: boolean;
  entries: number;
  /** The first entry that does not verify, and why. */
  firstInvalid?: { seq: number; reason: string };
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

/** The mongoose field definitions of a chained entry, shared by every log that keeps one. */
export const CHAINED_ENTRY_FIELDS = {
  seq: { type: Number, required: true },
  type: { type: String, required: true },
  at: { type: String, required: true },
  payload: { type: String, required: true },
  prevHash: { type: String, required: true },
  hash: { type: String, required: true },
} as const;
