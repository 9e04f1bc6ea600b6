import type { Connection, Model } from 'mongoose';
import type { SessionState } from '../../protocol/hearing.js';
import type { HearingRecordView, RecordParagraphView, RecordSearchView } from '../../protocol/recordViews.js';
import type { AuthUser } from '../auth/tokens.js';
import type { CaseService } from '../cases/caseService.js';
import { isDuplicateKey } from '../cases/caseStore.js';
import { AppError, errors } from '../errors.js';
import { hearingModel, type HearingDoc } from '../hearings/hearingModel.js';
import type { Logger } from '../logger.js';
import { recordingModel } from '../recordings/recordingModel.js';
import { RecordAccess, staffOf, type RecordContext } from './recordAccess.js';
import { recordModels, type ParagraphDoc, type RecordActDoc, type RecordDoc } from './recordModel.js';
import { paragraphView, recordView, statusOf } from './recordViews.js';

export interface RecordServiceDeps {
  connection: Connection;
  cases: CaseService;
  logger: Logger;
  now: () => Date;
  /** The live state of a hearing running in this process (HearingSessions.stateOf). */
  liveState: (hearingId: string) => SessionState | undefined;
  /** Pushes a written paragraph to these users' connections in the hearing (HearingSessions.emitToUsers). */
  push: (hearingId: string, userIds: string[], paragraph: RecordParagraphView) => void;
}

export interface ParagraphWrite {
  /** The version the writer's text was based on: 0 for a new paragraph. */
  baseVersion: number;
  text: string;
  speakerId: string;
}

/** A stale write: 409 with the paragraph as stored now and the text that was refused, so neither is lost. */
function paragraphConflict(theirs: ParagraphDoc, yours: ParagraphWrite): AppError {
  return new AppError('invalidState', 'RECORD_PARAGRAPH_CONFLICT', 'Someone else changed this paragraph since you loaded it; compare both texts and save again.', {
    theirs: paragraphView(theirs),
    yours,
  });
}

const locked = () => errors.conflict('The parties have begun signing the record; its text can no longer change.', 'RECORD_LOCKED');

/**
 * Writing and reading the hearing record (庭审笔录). The server is the source of truth: each
 * paragraph is stored on every autosave, with a version that a concurrent writer's stale
 * save cannot overwrite (the version is in the update filter). Signing and filing are in
 * recordSigning.ts.
 */
export class RecordService {
  readonly access: RecordAccess;
  readonly records: Model<RecordDoc>;
  readonly paragraphs: Model<ParagraphDoc>;
  readonly acts: Model<RecordActDoc>;

  constructor(private readonly deps: RecordServiceDeps) {
    this.access = new RecordAccess(deps);
    const models = recordModels(deps.connection);
    this.records = models.records;
    this.paragraphs = models.paragraphs;
    this.acts = models.acts;
  }

  async view(user: AuthUser, hearingId: string): Promise<HearingRecordView> {
    const ctx = await this.access.context(user, hearingId);
    this.access.assertMayRead(ctx);
    return this.viewOf(ctx);
  }

  async viewOf(ctx: RecordContext): Promise<HearingRecordView> {
    const id = ctx.hearing._id;
    const [record, paragraphs, acts] = await Promise.all([
      this.records.findById(id).lean<RecordDoc>().exec(),
      this.paragraphsOf(id),
      this.acts.find({ hearingId: id }).lean<RecordActDoc[]>().exec(),
    ]);
    return recordView(ctx.hearing, ctx.state, record, paragraphs, acts);
  }

  paragraphsOf(hearingId: string): Promise<ParagraphDoc[]> {
    return this.paragraphs.find({ hearingId }).lean<ParagraphDoc[]>().exec();
  }

  /** The record's own document, created by its first write or signature. */
  async ensureRecord(ctx: RecordContext): Promise<RecordDoc> {
    const existing = await this.records.findById(ctx.hearing._id).lean<RecordDoc>().exec();
    if (existing) return existing;
    const doc: RecordDoc = { _id: ctx.hearing._id, caseId: ctx.hearing.caseId, courtId: ctx.hearing.courtId, kind: ctx.hearing.kind, createdAt: this.deps.now().toISOString(), state: 'open' };
    try {
      await this.records.collection.insertOne(doc as never);
      return doc;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return (await this.records.findById(ctx.hearing._id).lean<RecordDoc>().exec()) ?? doc;
    }
  }

  /** Create (baseVersion 0) or change one paragraph; a retried save of the same text answers the stored paragraph. */
  async write(user: AuthUser, hearingId: string, paragraphId: string, input: ParagraphWrite): Promise<RecordParagraphView> {
    const ctx = await this.access.context(user, hearingId);
    this.access.assertWriter(user, ctx);
    if (ctx.state === 'scheduled') throw errors.conflict('The record is written once the hearing has opened.', 'HEARING_NOT_STARTED');
    const record = await this.ensureRecord(ctx);
    if (record.frozenSha256 || record.state !== 'open') throw locked();
    const summoned = ctx.hearing.participants.find((p) => p.userId === input.speakerId);
    if (!summoned) throw errors.validation('The speaker must be one of the people summoned to the hearing.', { speakerId: input.speakerId }, 'UNKNOWN_SPEAKER');
    const speaker = { userId: summoned.userId, name: summoned.name, role: summoned.role };
    const now = this.deps.now().toISOString();
    const updatedBy = { userId: user.id, name: user.name };
    const same = (p: ParagraphDoc) => p.text === input.text && p.speaker.userId === speaker.userId && p.updatedBy.userId === user.id;

    let previous: ParagraphDoc | null = null;
    let written: ParagraphDoc;
    if (input.baseVersion === 0) {
      const offset = await this.recordingOffset(hearingId, now);
      written = { _id: paragraphId, hearingId, caseId: ctx.hearing.caseId, version: 1, at: now, speaker, text: input.text, ...(offset !== undefined ? { recordingOffsetSeconds: offset } : {}), updatedAt: now, updatedBy };
      try {
        await this.paragraphs.collection.insertOne(written as never);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const stored = await this.paragraphs.findById(paragraphId).lean<ParagraphDoc>().exec();
        if (!stored || stored.hearingId !== hearingId) throw errors.conflict('This paragraph id is taken; create the paragraph with a new id.', 'PARAGRAPH_ID_TAKEN');
        if (stored.version === 1 && same(stored)) return paragraphView(stored);
        throw paragraphConflict(stored, input);
      }
    } else {
      previous = await this.paragraphs.findOne({ _id: paragraphId, hearingId }).lean<ParagraphDoc>().exec();
      if (!previous) throw errors.notFound('The paragraph', 'PARAGRAPH_NOT_FOUND');
      const changed = await this.paragraphs
        .findOneAndUpdate({ _id: paragraphId, hearingId, version: input.baseVersion }, { $set: { text: input.text, speaker, updatedAt: now, updatedBy }, $inc: { version: 1 } }, { returnDocument: 'after' })
        .lean<ParagraphDoc>()
        .exec();
      if (!changed) {
        const stored = (await this.paragraphs.findById(paragraphId).lean<ParagraphDoc>().exec()) ?? previous;
        if (stored.version === input.baseVersion + 1 && same(stored)) return paragraphView(stored);
        throw paragraphConflict(stored, input);
      }
      written = changed;
    }
    // A party may have signed between the check above and this write: the text they signed must stay.
    const after = await this.records.findById(hearingId, { frozenSha256: 1 }).lean<Pick<RecordDoc, 'frozenSha256'>>().exec();
    if (after?.frozenSha256) {
      if (previous) await this.paragraphs.replaceOne({ _id: paragraphId, version: written.version }, previous).exec();
      else await this.paragraphs.deleteOne({ _id: paragraphId, version: 1 }).exec();
      throw locked();
    }
    const view = paragraphView(written);
    this.deps.push(hearingId, staffOf(ctx.hearing), view);
    return view;
  }

  /** Seconds from the start of the hearing's first recording segment; undefined before anything was recorded. */
  private async recordingOffset(hearingId: string, at: string): Promise<number | undefined> {
    const first = await recordingModel(this.deps.connection).findOne({ hearingId }, { startedAt: 1 }).sort({ startedAt: 1 }).lean<{ startedAt: string }>().exec();
    if (!first) return undefined;
    const seconds = (Date.parse(at) - Date.parse(first.startedAt)) / 1000;
    return seconds >= 0 ? Math.round(seconds * 10) / 10 : undefined;
  }

  /** The paragraphs of a case's records containing `q` (any case), in the records this user may read. */
  async search(user: AuthUser, caseId: string, q: string): Promise<RecordSearchView> {
    const { as } = await this.deps.cases.access(user, caseId);
    const pattern = q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const found = await this.paragraphs.find({ caseId, text: { $regex: pattern, $options: 'i' } }).limit(500).lean<ParagraphDoc[]>().exec();
    const hearingIds = [...new Set(found.map((p) => p.hearingId))];
    const [hearings, records] = await Promise.all([
      hearingModel(this.deps.connection).find({ _id: { $in: hearingIds }, caseId }).lean<HearingDoc[]>().exec(),
      this.records.find({ _id: { $in: hearingIds } }).lean<RecordDoc[]>().exec(),
    ]);
    const recordOf = new Map(records.map((r) => [r._id, r]));
    const results = hearings
      .filter((h) => as === 'court' || this.access.stateOf(h) === 'closed')
      .sort((a, b) => (a.startsAt < b.startsAt ? -1 : 1))
      .map((h) => ({
        hearingId: h._id,
        kind: h.kind,
        startsAt: h.startsAt,
        status: statusOf(recordOf.get(h._id) ?? null),
        paragraphs: recordView(h, this.access.stateOf(h), null, found.filter((p) => p.hearingId === h._id), []).paragraphs,
      }));
    return { results };
  }
}
