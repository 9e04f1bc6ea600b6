import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Connection } from 'mongoose';
import type { MediaRoom } from '../../media/mediaRoom.js';
import { SegmentRecorder } from '../../media/recording/segmentRecorder.js';
import type { Logger } from '../logger.js';
import { fileFacts } from './probe.js';
import { recordingModel, type RecordingDoc } from './recordingModel.js';

export interface HearingRecorderDeps {
  connection: Connection;
  logger: Logger;
  dir: string;
  hearingId: string;
  caseId: string;
  nameOf(userId: string): string;
  /** Tell the host something went wrong (ffmpeg died, file stalled). */
  alert(message: string, participantId: string): void;
  /** A segment was finalised: its facts go into the case log (awaited: a stop is acknowledged after it). */
  finalised(doc: RecordingDoc): Promise<void>;
}

const START_SETTLE_MS = 800;

interface Running {
  recorder: SegmentRecorder;
  doc: RecordingDoc;
  producerIds: string;
}

/**
 * Records the joint room of one hearing: one WebM per participant, a new
 * segment whenever that participant's media changes (joins, starts video) or
 * ffmpeg had to be restarted. Earlier segments are finalised and kept intact.
 * Caucus rooms are never given to this recorder.
 */
export class HearingRecorder {
  private readonly running = new Map<string, Running>();
  private readonly segments = new Map<string, number>();
  /** Changes of one participant are applied one after another. */
  private readonly chains = new Map<string, Promise<void>>();
  private room?: MediaRoom;
  startedAt?: string;

  constructor(private readonly deps: HearingRecorderDeps) {}

  get active(): boolean {
    return this.room !== undefined;
  }

  async start(room: MediaRoom): Promise<void> {
    if (this.room) return;
    this.room = room;
    this.startedAt = new Date().toISOString();
    await fs.mkdir(path.join(this.deps.dir, this.deps.hearingId), { recursive: true });
    const peers = new Set(room.producers().map((p) => p.peerId));
    await Promise.all([...peers].map((peerId) => this.mediaChanged(peerId)));
  }

  /** Stop and finalise everything (stop button, session closed, server shutdown). */
  async stop(): Promise<void> {
    if (!this.room) return;
    this.room = undefined;
    this.startedAt = undefined;
    await Promise.all([...this.chains.values()]);
    await Promise.all([...this.running.keys()].map((userId) => this.enqueue(userId, () => this.finishSegment(userId))));
  }

  /**
   * The participant's producers in the recorded room changed (or may have).
   * A first segment waits a moment so that a microphone and a camera started
   * together land in one file; a change to a running segment (a producer
   * closed: left the room, moved to a caucus) applies at once.
   */
  mediaChanged(userId: string): Promise<void> {
    if (!this.running.has(userId)) {
      return new Promise((resolve) => setTimeout(resolve, START_SETTLE_MS)).then(() => this.applyChange(userId));
    }
    return this.applyChange(userId);
  }

  /**
   * Finalise the participant's segment now, while its media still flows
   * (it is about to leave the room): ffmpeg then ends the file normally.
   */
  participantLeaving(userId: string): Promise<void> {
    if (!this.running.has(userId)) return Promise.resolve();
    return this.enqueue(userId, () => this.finishSegment(userId));
  }

  private applyChange(userId: string): Promise<void> {
    return this.enqueue(userId, async () => {
      const room = this.room;
      if (!room) return;
      const producers = room.producersOf(userId).filter((p) => !p.closed);
      const ids = producers.map((p) => p.id).sort().join(',');
      const current = this.running.get(userId);
      if (current?.producerIds === ids) return;
      if (current) await this.finishSegment(userId);
      if (producers.length > 0 && this.room === room) await this.startSegment(userId, room, ids);
    });
  }

  private enqueue(userId: string, work: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(userId) ?? Promise.resolve())
      .then(work)
      .catch((err: unknown) => this.deps.logger.error({ err, hearing: this.deps.hearingId, userId }, 'recording step failed'));
    this.chains.set(userId, next);
    return next;
  }

  /**
   * Segments left 'recording' by a server that no longer writes them (the hearing's node died,
   * or this server was killed): each is closed with what was written, hashed so the finished
   * part stays verifiable, and logged in the case. Called when this server opens the hearing,
   * before it records anything; one conditional write per segment, so of two servers doing it
   * at once only one closes it.
   */
  async closeInterrupted(): Promise<number> {
    const model = recordingModel(this.deps.connection);
    const open = await model.find({ hearingId: this.deps.hearingId, status: 'recording' }).lean<RecordingDoc[]>().exec();
    let closed = 0;
    for (const doc of open) {
      const file = path.join(this.deps.dir, doc.file);
      const [facts, stat] = await Promise.all([fileFacts(file).catch(() => undefined), fs.stat(file).catch(() => undefined)]);
      const done: RecordingDoc = {
        ...doc,
        status: 'finalised',
        interrupted: true,
        clean: false,
        endedAt: (stat?.mtime ?? new Date()).toISOString(),
        ...(facts
          ? { sha256: facts.sha256, size: facts.size, codecs: facts.codecs, ...(facts.durationSeconds !== undefined ? { durationSeconds: facts.durationSeconds } : {}) }
          : {}),
      };
      const won = await model.replaceOne({ _id: doc._id, status: 'recording' }, done).exec();
      if (won.modifiedCount !== 1) continue;
      closed += 1;
      this.deps.logger.warn({ hearing: this.deps.hearingId, recording: doc._id, file: doc.file, hashed: !!facts }, 'closed a recording segment its server left unfinished');
      await this.deps.finalised(done);
    }
    return closed;
  }

  /** The next segment number of a participant: after every segment stored, whichever server wrote it. */
  private async nextSegment(userId: string): Promise<number> {
    let last = this.segments.get(userId);
    if (last === undefined) {
      const stored = await recordingModel(this.deps.connection)
        .findOne({ hearingId: this.deps.hearingId, participantId: userId }, { segment: 1 })
        .sort({ segment: -1 })
        .lean<Pick<RecordingDoc, 'segment'>>()
        .exec();
      last = stored?.segment ?? 0;
    }
    this.segments.set(userId, last + 1);
    return last + 1;
  }

  private async startSegment(userId: string, room: MediaRoom, producerIds: string): Promise<void> {
    const segment = await this.nextSegment(userId);
    const relative = path.join(this.deps.hearingId, `${userId}-${segment}.webm`);
    const file = path.join(this.deps.dir, relative);
    const recorder = await SegmentRecorder.start({ router: room.router, producers: room.producersOf(userId), file });
    const doc: RecordingDoc = {
      _id: crypto.randomUUID(),
      hearingId: this.deps.hearingId,
      caseId: this.deps.caseId,
      participantId: userId,
      participantName: this.deps.nameOf(userId),
      segment,
      file: relative,
      status: 'recording',
      startedAt: recorder.startedAt.toISOString(),
    };
    await recordingModel(this.deps.connection).create(doc);
    this.running.set(userId, { recorder, doc, producerIds });
    recorder.once('failed', (reason) => {
      this.deps.alert(`Recording of ${doc.participantName} failed (${reason}); it restarts in a new segment.`, userId);
      void this.enqueue(userId, async () => {
        if (this.running.get(userId)?.recorder !== recorder) return;
        await this.finishSegment(userId);
        const room = this.room;
        if (room && room.producersOf(userId).length > 0) await this.startSegment(userId, room, producerIds);
      });
    });
  }

  private async finishSegment(userId: string): Promise<void> {
    const current = this.running.get(userId);
    if (!current) return;
    this.running.delete(userId);
    const result = await current.recorder.stop();
    const facts = await fileFacts(path.join(this.deps.dir, current.doc.file)).catch(() => undefined);
    const doc: RecordingDoc = {
      ...current.doc,
      status: 'finalised',
      endedAt: result.endedAt.toISOString(),
      // Clean only if ffmpeg finished the file itself and wrote its duration.
      clean: result.clean && facts?.durationSeconds !== undefined,
      ...(facts
        ? { sha256: facts.sha256, size: facts.size, codecs: facts.codecs, ...(facts.durationSeconds !== undefined ? { durationSeconds: facts.durationSeconds } : {}) }
        : {}),
    };
    if (!doc.clean) {
      this.deps.logger.warn({ hearing: this.deps.hearingId, recording: doc._id, ffmpeg: result.exit, durationSeconds: facts?.durationSeconds, size: facts?.size }, 'recording segment finalised unclean');
    }
    await recordingModel(this.deps.connection).replaceOne({ _id: doc._id }, doc).exec();
    await this.deps.finalised(doc);
  }
}
