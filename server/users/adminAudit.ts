/**
 * The audit log of administration: staff accounts created, deactivated, reactivated; court
 * settings changed; judges and clerks assigned to cases; courts created. Append-only and
 * hash-chained like the case log (hashChain.ts), one chain per court (`admin:<courtId>`) and
 * one for the platform (`admin:platform`): every entry says who, when, and the values before
 * and after, and `verify` recomputes the chain.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { CHAINED_ENTRY_FIELDS, GENESIS_HASH, chainEntry, verifyHashChain, type ChainVerification, type ChainedEntry } from '../hashChain.js';

export const PLATFORM_CHAIN = 'platform';

export type AdminAction = 'STAFF_CREATED' | 'STAFF_DEACTIVATED' | 'STAFF_REACTIVATED' | 'COURT_SETTINGS_CHANGED' | 'COURT_CREATED' | 'CASE_OFFICERS_ASSIGNED';

export interface AdminLogPayload {
  chain: string;
  seq: number;
  type: AdminAction;
  at: string;
  actor: { userId: string; name: string };
  /** What was changed: a staff account, the court, a case. */
  subject: { kind: 'user' | 'court' | 'case'; id: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AdminLogEntry extends ChainedEntry {
  _id: string;
  chain: string;
}

const schema = new Schema<AdminLogEntry>({ _id: { type: String, required: true }, chain: { type: String, required: true }, ...CHAINED_ENTRY_FIELDS }, { versionKey: false });
// `_id` is `admin:<chain>:<seq>`: two administrators acting at once cannot take the same seq.
schema.index({ chain: 1, seq: 1 });

export function adminLogModel(connection: Connection): Model<AdminLogEntry> {
  return (connection.models.AdminLogEntry as Model<AdminLogEntry> | undefined) ?? connection.model<AdminLogEntry>('AdminLogEntry', schema, 'admin_log');
}

const ATTEMPTS = 10;

export class AdminAudit {
  constructor(private readonly connection: Connection) {}

  /** Appends an entry to the chain of `courtId` (or the platform's); retries when another writer took the seq. */
  async record(courtId: string, entry: Omit<AdminLogPayload, 'chain' | 'seq' | 'at'> & { at?: string }): Promise<AdminLogEntry> {
    const model = adminLogModel(this.connection);
    const chain = `admin:${courtId}`;
    for (let attempt = 1; ; attempt++) {
      const last = await model.findOne({ chain }).sort({ seq: -1 }).lean<AdminLogEntry>().exec();
      const payload: AdminLogPayload = { chain, seq: (last?.seq ?? 0) + 1, at: entry.at ?? new Date().toISOString(), type: entry.type, actor: entry.actor, subject: entry.subject, before: entry.before, after: entry.after };
      const built = { ...chainEntry(chain, payload, last?.hash ?? GENESIS_HASH), chain };
      try {
        await model.create(built);
        return built;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000 || attempt >= ATTEMPTS) throw err;
      }
    }
  }

  /** The chain of `courtId` (or the platform's), oldest first, with its verification. */
  async history(courtId: string): Promise<{ verification: ChainVerification; entries: (AdminLogPayload & { hash: string })[] }> {
    const chain = `admin:${courtId}`;
    const entries = await adminLogModel(this.connection).find({ chain }).sort({ seq: 1 }).limit(10_000).lean<AdminLogEntry[]>().exec();
    return {
      verification: verifyHashChain<AdminLogPayload>(entries, (p) => p.chain === chain),
      entries: entries.map((e) => ({ ...(JSON.parse(e.payload) as AdminLogPayload), hash: e.hash })),
    };
  }
}
