import { isHostRole } from '../../../state-machines/hearing/participantRules.js';
import {
  applyParticipantEvent,
  createParticipant,
  type ParticipantEvent,
  type ParticipantResult,
  type ParticipantSnapshot,
} from '../../../state-machines/hearing/participantMachine.js';
import { applySessionEvent, createSession, sessionStateOf, type SessionEvent, type SessionSnapshotJson } from '../../../state-machines/hearing/sessionMachine.js';
import type { WorkerPool } from '../../../media/workerPool.js';
import { errors, type AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { HearingServerToClient, ParticipantStatus, ParticipantView, RoomName, SessionState } from '../../../protocol/hearing.js';
import type { HearingRecorder } from '../../recordings/hearingRecorder.js';
import type { HearingDoc, HearingEvent, HearingParticipant, KeptPlace, LiveState } from '../hearingModel.js';

export type Emit = <E extends keyof HearingServerToClient>(event: E, ...args: Parameters<HearingServerToClient[E]>) => void;

export interface SessionDeps {
  pool: WorkerPool;
  logger: Logger;
  /** Push to one participant's socket(s), or to everyone in the hearing. */
  toUser(userId: string): { emit: Emit; disconnect(): void };
  toAll(): { emit: Emit };
  /** Audit trail and persisted state of the hearing. */
  record(event: HearingEvent, state?: SessionState): void;
  /** Store what another node needs to carry the session on (latest wins; written with the audit trail). */
  keep(live: LiveState): void;
  /** Tell the case that the session started or ended. */
  caseHook(what: 'started' | 'ended'): void;
  /** Records the joint room; never given a caucus room. */
  recorder: HearingRecorder;
  now: () => Date;
}

/** One participant as the live session sees it: its place (kept by participantMachine.ts) and what the host set. */
export class Live {
  position: ParticipantSnapshot;
  handRaised = false;
  mutedByHost = false;
  locked = false;
  connected = false;
  graceTimer?: NodeJS.Timeout;

  constructor(
    readonly info: HearingParticipant,
    kind: HearingDoc['kind'],
  ) {
    this.position = createParticipant({ kind, role: info.role, ...(info.side ? { side: info.side } : {}) });
  }

  get status(): ParticipantStatus {
    return this.position.status;
  }

  get room(): RoomName {
    return this.position.context.room;
  }
}

/**
 * What every feature of a live session shares: the session state (through
 * sessionMachine.ts), the participants (through participantMachine.ts), the
 * views sent to clients and the audit trail. The features themselves are in
 * the sibling modules; HearingSession composes them.
 */
export class SessionCore {
  private session: SessionSnapshotJson;
  readonly live = new Map<string, Live>();
  closed = false;
  /** A participant-list broadcast is pending for the end of this tick (see broadcastParticipants). */
  private broadcastPending = false;
  /** The live state is to be stored at the end of this tick (see keepLive). */
  private keepPending = false;

  constructor(
    readonly doc: HearingDoc,
    readonly deps: SessionDeps,
  ) {
    this.session = createSession({ hearingId: doc._id, kind: doc.kind, at: deps.now().toISOString() });
    for (const p of doc.participants) this.live.set(p.userId, new Live(p, doc.kind));
  }

  get id(): string {
    return this.doc._id;
  }

  get state(): SessionState {
    return this.session.state;
  }

  get pausedByHostDrop(): boolean {
    return this.session.context.pausedByHostDrop;
  }

  get startedAt(): string | undefined {
    return this.session.context.startedAt;
  }

  applySession(event: { type: SessionEvent['type'] }, actorId: string): void {
    const actor =
      actorId === 'system'
        ? { userId: 'system', role: 'system' as const, isHost: false }
        : { userId: actorId, role: this.participant(actorId).info.role, isHost: this.isHost(this.participant(actorId)) };
    const result = applySessionEvent(this.session, { ...event, actor, at: this.deps.now().toISOString() } as SessionEvent);
    if (!result.ok) throw sessionError(result.error);
    this.session = result.snapshot;
    this.deps.record({ type: `SESSION_${event.type}`, at: this.deps.now().toISOString(), actorId }, this.state);
    this.keepLive();
    this.deps.toAll().emit('hearing:state', { state: this.state });
  }

  /** What `event` would make of the participant's place; nothing is changed. */
  tryParticipant(p: Live, event: ParticipantEvent): ParticipantResult {
    return applyParticipantEvent(p.position, event);
  }

  /**
   * Applies a participant event or throws the refusal as the error the host
   * sees. Nothing else changes a participant's status.
   */
  applyParticipant(p: Live, event: ParticipantEvent): ParticipantStatus {
    const result = applyParticipantEvent(p.position, event);
    if (!result.ok) throw participantError(result.error);
    p.position = result.snapshot;
    this.keepLive();
    return p.status;
  }

  /** Applies a participant event if the machine takes it now; false (and nothing changed) if not. */
  applyParticipantIfAllowed(p: Live, event: ParticipantEvent): boolean {
    const result = applyParticipantEvent(p.position, event);
    if (result.ok) {
      p.position = result.snapshot;
      this.keepLive();
    }
    return result.ok;
  }

  audit(type: string, actorId: string, data?: Record<string, unknown>): void {
    this.deps.record({ type, at: this.deps.now().toISOString(), actorId, ...(data ? { data } : {}) });
  }

  participant(userId: string): Live {
    const p = this.live.get(userId);
    if (!p) throw errors.forbidden('You are not a participant of this hearing.', 'NOT_A_PARTICIPANT');
    return p;
  }

  isHost(p: Live): boolean {
    return isHostRole(this.doc.kind, p.info.role);
  }

  view(p: Live): ParticipantView {
    return {
      userId: p.info.userId,
      name: p.info.name,
      role: p.info.role,
      ...(p.info.side ? { side: p.info.side } : {}),
      status: p.status,
      room: p.room,
      handRaised: p.handRaised,
      audioMutedByHost: p.mutedByHost,
      locked: p.locked,
      isHost: this.isHost(p),
    };
  }

  participantViews(): ParticipantView[] {
    return [...this.live.values()].map((p) => this.view(p));
  }

  hearingView() {
    return { id: this.id, caseId: this.doc.caseId, kind: this.doc.kind, state: this.state, startsAt: this.doc.startsAt };
  }

  /**
   * The live state is stored once per tick however many places changed in it, after the
   * changes: a node taking the hearing over reads the latest (see LiveState).
   */
  keepLive(): void {
    if (this.keepPending || this.closed) return;
    this.keepPending = true;
    setImmediate(() => {
      this.keepPending = false;
      if (!this.closed) this.deps.keep(this.liveState());
    });
  }

  liveState(): LiveState {
    const places: KeptPlace[] = [];
    for (const p of this.live.values()) {
      const status = keptStatus(p);
      if (status) places.push({ userId: p.info.userId, status, room: p.room });
    }
    return { session: this.session, places, recording: this.deps.recorder.active, savedAt: this.deps.now().toISOString() };
  }

  /**
   * Carry on a session another node (or this server before a restart) held: its state as
   * stored, then each kept place given back through the participant machine as if its holder
   * had just disconnected (JOIN, MOVE to its room, ADMIT, DISCONNECT), so that coming back
   * within the grace period returns it there without the host admitting it again.
   * Returns who had a place, or undefined when nothing was restored: a stored state no version
   * of this code wrote (or of another hearing, or closed) is ignored and the session starts afresh.
   */
  restore(live: LiveState): KeptPlace[] | undefined {
    try {
      sessionStateOf(live.session);
    } catch (err) {
      this.deps.logger.error({ err, hearing: this.id }, 'stored live state of a hearing is not readable; the session starts afresh');
      return undefined;
    }
    if (live.session.context.hearingId !== this.id || live.session.state === 'closed') return undefined;
    this.session = live.session;
    const at = this.deps.now().getTime();
    const restored: KeptPlace[] = [];
    for (const kept of live.places) {
      const p = this.live.get(kept.userId);
      if (!p) continue;
      const steps: ParticipantEvent[] = [{ type: 'JOIN', at }];
      if (kept.room !== 'joint') steps.push({ type: 'MOVE', room: kept.room });
      steps.push({ type: 'ADMIT' }, { type: 'DISCONNECT', at });
      let position = p.position;
      for (const step of steps) {
        const next = applyParticipantEvent(position, step);
        // ADMIT is refused for the staff, who are admitted on JOIN already.
        if (next.ok) position = next.snapshot;
      }
      if (position.status !== 'disconnected') continue;
      p.position = position;
      restored.push(kept);
    }
    return restored;
  }

  /**
   * Everyone gets the participant list once per tick however many changes
   * happened in it: 5,000 hand raises are not 5,000 full-list broadcasts.
   */
  broadcastParticipants(): void {
    if (this.broadcastPending) return;
    this.broadcastPending = true;
    setImmediate(() => {
      this.broadcastPending = false;
      this.deps.toAll().emit('hearing:participants', { participants: this.participantViews() });
    });
  }
}

/** The place a participant holds, or would get back on returning now (dropped, or held for the host). */
function keptStatus(p: Live): KeptPlace['status'] | undefined {
  const held = p.status === 'disconnected' || (p.status === 'waiting' && p.position.context.heldForHost) ? p.position.context.previous : p.status;
  return held === 'admitted' || held === 'inCaucus' ? held : undefined;
}

function sessionError(error: { code: string; message: string }): AppError {
  return error.code === 'FORBIDDEN' ? errors.forbidden(error.message, 'NOT_HOST') : errors.invalidState(error.message);
}

export function participantError(error: { code: string; message: string }): AppError {
  return error.code === 'ROOM_NOT_ALLOWED' ? errors.forbidden(error.message, error.code) : errors.invalidState(error.message, error.code);
}
