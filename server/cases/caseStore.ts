import type { Connection, Model } from 'mongoose';
import { errors } from '../errors.js';
import { createCaseEvents, type CaseCommitted, type CaseEvents } from './caseEvents.js';
import { caseModel, type CaseDoc, type CaseState } from './caseModel.js';
import { CaseListIndex } from './caseListIndex.js';
import { GENESIS_HASH, type ChainVerification } from '../hashChain.js';
import { buildEntry, caseLogModel, verifyChain, type CaseLogEntry, type LogActor, type LogPayload } from './caseLog.js';

export interface Change {
  type: string;
  actor: LogActor;
  at: string;
  data: Record<string, unknown>;
  /** The complete case fields after the change. */
  state: CaseState;
}

/**
 * Writes cases without multi-document transactions (the database may not have
 * them). The log entry is the commit point:
 *   1. insert log entry seq = version + 1 (a unique index on (case, seq) makes
 *      a concurrent writer of the same version fail: optimistic concurrency);
 *   2. replace the case document if it is still at `version` (the projection);
 *   3. mark the entry applied.
 * A crash between 1 and 3 leaves an unapplied entry; it is rolled forward on
 * the next read of that case and by the start-up sweep, so nothing that was
 * acknowledged is lost and nothing half-written is visible.
 * Every applied entry is published on `events` (caseEvents.ts), which side effects subscribe to.
 */
export class CaseStore {
  private readonly cases: Model<CaseDoc>;
  private readonly log: Model<CaseLogEntry>;
  /** The rows every case list reads (caseListIndex.ts), updated here, where every case is saved. */
  readonly listIndex: CaseListIndex;

  constructor(
    connection: Connection,
    /** Where applied entries are published; app.ts subscribes the side effects. */
    readonly events: CaseEvents = createCaseEvents(),
  ) {
    this.cases = caseModel(connection);
    this.log = caseLogModel(connection);
    this.listIndex = new CaseListIndex(connection);
  }

  get model(): Model<CaseDoc> {
    return this.cases;
  }

  async get(caseId: string): Promise<CaseDoc | null> {
    await this.rollForward({ caseId, applied: false });
    return this.cases.findById(caseId).lean<CaseDoc>().exec();
  }

  async create(caseId: string, change: Change): Promise<CaseDoc> {
    return this.write(caseId, 0, GENESIS_HASH, change);
  }

  async commit(current: CaseDoc, change: Change): Promise<CaseDoc> {
    const last = await this.log.findOne({ caseId: current._id, seq: current.version }).lean<CaseLogEntry>().exec();
    if (!last) throw new Error(`case ${current._id} has no log entry ${current.version}`);
    return this.write(current._id, current.version, last.hash, change);
  }

  async entries(caseId: string): Promise<CaseLogEntry[]> {
    return this.log.find({ caseId }).sort({ seq: 1 }).lean<CaseLogEntry[]>().exec();
  }

  async verify(caseId: string): Promise<ChainVerification> {
    return verifyChain(caseId, await this.entries(caseId));
  }

  /** Applied entries written at or after `since` (ISO instant), oldest first, each with the case as it stood after it. */
  async appliedSince(since: string): Promise<CaseCommitted[]> {
    const entries = await this.log.find({ at: { $gte: since }, applied: true }).sort({ at: 1, seq: 1 }).lean<CaseLogEntry[]>().exec();
    return entries.map((e) => {
      const { state, type, at, actor, data } = JSON.parse(e.payload) as LogPayload;
      return { doc: { _id: e.caseId, version: e.seq, ...state }, entry: { seq: e.seq, type, at, actor, data } };
    });
  }

  /** Start-up sweep: apply every entry a crash left unapplied. Returns how many were applied. */
  async recover(): Promise<number> {
    return this.rollForward({ applied: false });
  }

  private async write(caseId: string, version: number, prevHash: string, change: Change): Promise<CaseDoc> {
    const payload: LogPayload = {
      caseId,
      seq: version + 1,
      type: change.type,
      actor: change.actor,
      at: change.at,
      data: change.data,
      state: change.state,
    };
    const entry = buildEntry(payload, prevHash);
    try {
      await this.log.create(entry);
    } catch (err) {
      if (isDuplicateKey(err)) {
        throw errors.conflict('The case was changed by someone else at the same time. Reload it and try again.', 'CASE_CHANGED');
      }
      throw err;
    }
    return this.apply(entry);
  }

  private async rollForward(filter: Record<string, unknown>): Promise<number> {
    const pending = await this.log.find(filter).sort({ caseId: 1, seq: 1 }).lean<CaseLogEntry[]>().exec();
    for (const entry of pending) await this.apply(entry);
    return pending.length;
  }

  private async apply(entry: CaseLogEntry): Promise<CaseDoc> {
    const { state, type, at, actor, data } = JSON.parse(entry.payload) as LogPayload;
    const doc: CaseDoc = { _id: entry.caseId, version: entry.seq, ...state };
    try {
      await this.cases
        .replaceOne({ _id: entry.caseId, version: entry.seq - 1 }, doc, { upsert: entry.seq === 1 })
        .exec();
    } catch (err) {
      // Upsert of entry 1 racing a roll-forward of the same entry: the document exists; fine.
      if (!isDuplicateKey(err)) throw err;
    }
    await this.log.updateOne({ _id: entry._id }, { $set: { applied: true } }).exec();
    // Before the writer's answer, so the next list shows the change (the row keeps the newest version).
    this.listIndex.put(doc);
    // Not awaited: the writer's answer does not wait for notices (the notifier tracks its own
    // deliveries: caseNotifier.settled()); publish never rejects.
    void this.events.publish({ doc, entry: { seq: entry.seq, type, at, actor, data } });
    return doc;
  }
}

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
