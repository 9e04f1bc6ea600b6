import type { Namespace } from 'socket.io';
import type { WorkerPool } from '../../media/workerPool.js';
import { SYSTEM_ACTOR } from '../../state-machines/case/caseMachine.js';
import type { CaseService } from '../cases/caseService.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HearingClientToServer, HearingServerToClient } from '../../protocol/hearing.js';
import type { Connection } from 'mongoose';
import { HearingRecorder } from '../recordings/hearingRecorder.js';
import type { HearingEvent, LiveState } from './hearingModel.js';
import type { HearingProcedure } from './hearingProcedure.js';
import { HearingSession } from './hearingSession.js';
import type { HearingService } from './hearingService.js';

export type HearingNamespace = Namespace<HearingClientToServer, HearingServerToClient>;

export const userChannel = (hearingId: string, userId: string) => `u:${hearingId}:${userId}`;
export const hearingChannel = (hearingId: string) => `h:${hearingId}`;

/** The live sessions of this process, created on first join (serialised per hearing). */
export class HearingSessions {
  private readonly sessions = new Map<string, Promise<HearingSession>>();
  /** The same sessions once opened, for synchronous look-ups (REST shows the live state). */
  private readonly live = new Map<string, HearingSession>();
  private namespace?: HearingNamespace;
  /**
   * Audit writes of one hearing happen in order, as one write per batch: what
   * arrives while a write is in flight goes into the next single write, so a
   * close never waits behind thousands of queued writes.
   */
  private readonly writes = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, { events: HearingEvent[]; state?: HearingSession['state']; live?: LiveState }>();

  constructor(
    private readonly deps: {
      pool: WorkerPool;
      logger: Logger;
      hearings: HearingService;
      cases: CaseService;
      connection: Connection;
      recordingsDir: string;
      now: () => Date;
      /** The lawful order before a hearing opens (every defendant served, 3-day summons). */
      procedure?: HearingProcedure;
      /** Several nodes: a session opens only on the node the hearing is placed on. */
      holds?: (hearingId: string) => Promise<boolean>;
    },
  ) {}

  attach(namespace: HearingNamespace): void {
    this.namespace = namespace;
  }

  /**
   * Push an event to some participants of a hearing (each of their connections), whether or not
   * its session is live in this process: the record (server/records) goes to the court staff only.
   */
  emitToUsers<E extends keyof HearingServerToClient>(hearingId: string, userIds: readonly string[], event: E, ...args: Parameters<HearingServerToClient[E]>): void {
    if (!this.namespace || userIds.length === 0) return;
    this.namespace.to(userIds.map((u) => userChannel(hearingId, u))).emit(event, ...args);
  }

  /** The session if it is live in this process, without opening it. */
  liveSession(hearingId: string): HearingSession | undefined {
    return this.live.get(hearingId);
  }

  stateOf(hearingId: string): HearingSession['state'] | undefined {
    return this.live.get(hearingId)?.state;
  }

  get(hearingId: string): Promise<HearingSession> {
    let pending = this.sessions.get(hearingId);
    if (!pending) {
      pending = this.open(hearingId);
      this.sessions.set(hearingId, pending);
      pending.catch(() => this.sessions.delete(hearingId));
    }
    return pending;
  }

  private async open(hearingId: string): Promise<HearingSession> {
    const doc = await this.deps.hearings.load(hearingId);
    if (!doc) throw errors.notFound('The hearing', 'HEARING_NOT_FOUND');
    if (doc.state === 'closed') throw errors.invalidState('This hearing has closed.', 'HEARING_CLOSED');
    if (this.deps.holds && !(await this.deps.holds(hearingId))) {
      throw errors.invalidState('This hearing is held by another server; ask for a new join link and connect there.', 'HEARING_ON_OTHER_NODE');
    }
    const ns = () => {
      if (!this.namespace) throw new Error('hearing namespace not attached');
      return this.namespace;
    };
    const names = new Map(doc.participants.map((p) => [p.userId, p.name]));
    const hosts = doc.participants.filter((p) => p.role === 'judge' || p.role === 'clerk' || p.role === 'mediator');
    const recorder = new HearingRecorder({
      connection: this.deps.connection,
      logger: this.deps.logger,
      dir: this.deps.recordingsDir,
      hearingId,
      caseId: doc.caseId,
      nameOf: (userId) => names.get(userId) ?? userId,
      alert: (message, participantId) => {
        this.deps.logger.error({ hearing: hearingId, participantId }, message);
        for (const h of hosts) void ns().to(userChannel(hearingId, h.userId)).emit('recording:alert', { message, participantId });
        this.record(hearingId, { type: 'RECORDING_FAILED', at: this.deps.now().toISOString(), actorId: 'system', data: { participantId, message } });
      },
      finalised: (rec) =>
        this.deps.cases
          .recordNote(doc.caseId, 'RECORDING_FINALISED', SYSTEM_ACTOR, {
            recordingId: rec._id,
            hearingId,
            participantId: rec.participantId,
            segment: rec.segment,
            sha256: rec.sha256,
            size: rec.size,
            durationSeconds: rec.durationSeconds,
            codecs: rec.codecs,
            startedAt: rec.startedAt,
            endedAt: rec.endedAt,
          })
          .then(
            () => undefined,
            (err: unknown) => this.deps.logger.error({ err, recording: rec._id }, 'could not log a recording in the case'),
          ),
    });
    const session = new HearingSession(doc, {
      recorder,
      pool: this.deps.pool,
      logger: this.deps.logger,
      now: this.deps.now,
      toUser: (userId) => ({
        emit: (event, ...args) => void ns().to(userChannel(hearingId, userId)).emit(event, ...args),
        disconnect: () => void ns().in(userChannel(hearingId, userId)).disconnectSockets(true),
      }),
      toAll: () => ({ emit: (event, ...args) => void ns().to(hearingChannel(hearingId)).emit(event, ...args) }),
      record: (event, state) => this.record(hearingId, event, state),
      keep: (live) => this.keep(hearingId, live),
      caseHook: (what) => void this.tellCase(doc.caseId, doc.kind, hearingId, what),
    });
    // The first join opens the room: refused (409 with the reason) until the law allows it. Whatever
    // the previous holder of this hearing left running (its node died) is settled first. The two run
    // at once (the first participants wait on them): only a hearing already open can have recorded,
    // and only a scheduled one is checked.
    await Promise.all([doc.state === 'scheduled' ? this.deps.procedure?.assertMayOpen(doc) : undefined, recorder.closeInterrupted()]);
    if (doc.live) await session.carryOver(doc.live);
    this.live.set(hearingId, session);
    return session;
  }

  private record(hearingId: string, event: HearingEvent, state?: HearingSession['state']): void {
    const batch = this.batch(hearingId);
    batch.events.push(event);
    if (state) batch.state = state;
    if (!this.writes.has(hearingId)) this.writes.set(hearingId, this.drain(hearingId));
  }

  /** The live state goes into the same ordered single write as the audit events; the latest wins. */
  private keep(hearingId: string, live: LiveState): void {
    this.batch(hearingId).live = live;
    if (!this.writes.has(hearingId)) this.writes.set(hearingId, this.drain(hearingId));
  }

  private batch(hearingId: string) {
    let batch = this.queued.get(hearingId);
    if (!batch) {
      batch = { events: [] };
      this.queued.set(hearingId, batch);
    }
    return batch;
  }

  private async drain(hearingId: string): Promise<void> {
    try {
      for (let batch = this.queued.get(hearingId); batch; batch = this.queued.get(hearingId)) {
        this.queued.delete(hearingId);
        await this.deps.hearings
          .record(hearingId, batch.events, batch.state, batch.live)
          .catch((err: unknown) => this.deps.logger.error({ err, hearing: hearingId }, 'could not record a hearing event'));
      }
    } finally {
      this.writes.delete(hearingId);
    }
  }

  private async tellCase(caseId: string, kind: string, hearingId: string, what: 'started' | 'ended'): Promise<void> {
    try {
      if (kind === 'hearing') {
        await this.deps.cases.recordSystemEvent(caseId, { type: what === 'started' ? 'HEARING_STARTED' : 'HEARING_ENDED', hearingId });
      } else {
        await this.deps.cases.recordNote(caseId, what === 'started' ? 'MEDIATION_SESSION_STARTED' : 'MEDIATION_SESSION_ENDED', SYSTEM_ACTOR, { hearingId });
      }
    } catch (err) {
      // The case may have moved on (e.g. withdrawn); the hearing's own log still has the event.
      this.deps.logger.warn({ err, caseId, hearingId, what }, 'case did not accept the hearing event');
    }
  }

  /** Server shutdown: close every room; pending audit writes are awaited. */
  async closeAll(): Promise<void> {
    const sessions = await Promise.all([...this.sessions.values()].map((s) => s.catch(() => undefined)));
    await Promise.all(sessions.map((s) => s?.shutdown('The server is restarting.')));
    await Promise.all(this.writes.values());
  }

  /** Wait until every audit write and state change of this hearing so far is stored. */
  async flush(hearingId: string): Promise<void> {
    await this.writes.get(hearingId);
  }

  /** Drop a closed session so a later request reloads it from the database. */
  forget(hearingId: string): void {
    this.sessions.delete(hearingId);
    this.live.delete(hearingId);
  }
}
