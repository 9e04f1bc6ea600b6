import type { types } from 'mediasoup';
import { MediaRoom, MediaRoomError } from '../../media/mediaRoom.js';
import type { WorkerPool } from '../../media/workerPool.js';
import {
  canControl,
  canMoveTo,
  isHostRole,
  mayReceiveMedia,
  reconnectOutcome,
  RECONNECT_GRACE_MS,
  type ControlAction,
} from '../../state-machines/hearing/participantRules.js';
import { applySessionEvent, createSession, type SessionEvent, type SessionSnapshotJson } from '../../state-machines/hearing/sessionMachine.js';
import { errors, type AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HearingServerToClient, JoinResult, ParticipantStatus, ParticipantView, RoomName, SessionState } from '../../protocol/hearing.js';
import type { HearingRecorder } from '../recordings/hearingRecorder.js';
import type { HearingDoc, HearingEvent, HearingParticipant } from './hearingModel.js';
import { assertCodecsSupported, rtpParametersSchema } from './rtpParameters.js';

type Emit = <E extends keyof HearingServerToClient>(event: E, ...args: Parameters<HearingServerToClient[E]>) => void;

export interface SessionDeps {
  pool: WorkerPool;
  logger: Logger;
  /** Push to one participant's socket(s), or to everyone in the hearing. */
  toUser(userId: string): { emit: Emit; disconnect(): void };
  toAll(): { emit: Emit };
  /** Audit trail and persisted state of the hearing. */
  record(event: HearingEvent, state?: SessionState): void;
  /** Tell the case that the session started or ended. */
  caseHook(what: 'started' | 'ended'): void;
  /** Records the joint room; never given a caucus room. */
  recorder: HearingRecorder;
  now: () => Date;
}

interface Live {
  info: HearingParticipant;
  status: ParticipantStatus;
  room: RoomName;
  handRaised: boolean;
  mutedByHost: boolean;
  locked: boolean;
  connected: boolean;
  previous?: ParticipantStatus;
  disconnectedAt?: number;
  graceTimer?: NodeJS.Timeout;
  /** Sent back to the waiting room because the host dropped; re-admitted when the host returns. */
  heldForHost?: boolean;
}

/**
 * One live hearing or mediation: who is where, what the host decided, and
 * the media rooms (a router each: the joint room and, in a mediation, one
 * caucus per side). Media of a room can only reach peers in that room.
 */
export class HearingSession {
  private session: SessionSnapshotJson;
  private readonly live = new Map<string, Live>();
  private readonly rooms = new Map<RoomName, Promise<MediaRoom>>();
  private readonly recordingConsent = new Map<string, boolean>();
  private closed = false;
  /** A participant-list broadcast is pending for the end of this tick (see broadcastParticipants). */
  private broadcastPending = false;

  constructor(
    readonly doc: HearingDoc,
    private readonly deps: SessionDeps,
  ) {
    this.session = createSession({ hearingId: doc._id, kind: doc.kind, at: deps.now().toISOString() });
    for (const p of doc.participants) {
      this.live.set(p.userId, { info: p, status: 'absent', room: 'joint', handRaised: false, mutedByHost: false, locked: false, connected: false });
    }
  }

  get id(): string {
    return this.doc._id;
  }

  get state(): SessionState {
    return this.session.state;
  }

  // ---- presence -------------------------------------------------------------------------

  join(userId: string): JoinResult {
    if (this.closed || this.state === 'closed') throw errors.invalidState('This hearing has closed.', 'HEARING_CLOSED');
    const p = this.participant(userId);
    const host = this.isHost(p);
    clearTimeout(p.graceTimer);
    const wasConnected = p.connected;
    p.connected = true;
    if (p.status === 'disconnected') {
      p.status = reconnectOutcome(p.disconnectedAt ?? 0, this.deps.now().getTime(), p.previous ?? 'waiting', host);
      this.audit('RECONNECTED', userId, { status: p.status });
    } else if (!wasConnected && p.status === 'absent') {
      // The host and the clerk assisting it are court staff: they never wait to be admitted.
      p.status = host || p.info.role === 'clerk' ? 'admitted' : 'waiting';
      this.audit('JOINED', userId, { status: p.status });
    }
    if (this.state === 'scheduled') this.applySession({ type: 'OPEN' }, userId);
    if (host) this.hostReturned(userId);
    this.broadcastParticipants();
    return { hearing: this.hearingView(), me: this.view(p), participants: this.participantViews(), recording: this.recordingState() };
  }

  /** The participant's socket went away: keep its place for the grace period. */
  disconnected(userId: string): void {
    const p = this.live.get(userId);
    if (!p || !p.connected || this.closed) return;
    p.connected = false;
    p.previous = p.status;
    p.status = 'disconnected';
    p.disconnectedAt = this.deps.now().getTime();
    void this.closeMedia(p);
    this.audit('DISCONNECTED', userId);
    if (this.isHost(p)) this.hostDropped(userId);
    p.graceTimer = setTimeout(() => {
      if (p.status !== 'disconnected') return;
      p.status = 'absent';
      p.handRaised = false;
      this.audit('LEFT', userId);
      this.broadcastParticipants();
    }, RECONNECT_GRACE_MS + 10);
    p.graceTimer.unref();
    this.broadcastParticipants();
  }

  private hostDropped(hostId: string): void {
    if (this.state === 'inSession') this.applySession({ type: 'HOST_DROPPED' }, 'system');
    for (const p of this.live.values()) {
      if (p.info.userId === hostId || (p.status !== 'admitted' && p.status !== 'inCaucus')) continue;
      p.heldForHost = true;
      p.previous = p.status;
      void this.setStatus(p, 'waiting');
    }
    this.audit('HOST_DROPPED', hostId);
  }

  private hostReturned(hostId: string): void {
    if (this.session.context.pausedByHostDrop) this.applySession({ type: 'HOST_RETURNED' }, 'system');
    for (const p of this.live.values()) {
      if (!p.heldForHost || p.status !== 'waiting') continue;
      p.heldForHost = false;
      void this.setStatus(p, p.previous === 'inCaucus' ? 'inCaucus' : 'admitted');
    }
    this.audit('HOST_RETURNED', hostId);
  }

  // ---- host controls ---------------------------------------------------------------------

  async control(actorId: string, action: ControlAction, targetId?: string, options: { lock?: boolean; room?: RoomName } = {}): Promise<void> {
    const actor = this.participant(actorId);
    if (!canControl(this.doc.kind, actor.info.role, action)) throw errors.forbidden(`Only the host can ${action} here.`, 'NOT_HOST');
    const target = targetId === undefined ? undefined : this.participant(targetId);
    if (target && this.isHost(target) && action !== 'move') throw errors.forbidden('The host cannot be moderated.', 'TARGET_IS_HOST');
    switch (action) {
      case 'admit':
        if (!target || target.status !== 'waiting') throw errors.invalidState('That participant is not in the waiting room.', 'NOT_WAITING');
        await this.setStatus(target, target.room === 'joint' ? 'admitted' : 'inCaucus');
        break;
      case 'dismiss':
        if (!target) throw errors.invalidState('That participant is not in the room.', 'NOT_IN_ROOM');
        // Held for the host's return, or dropped with a place kept: the dismissal
        // takes that place away, so a reconnect lands in the waiting room.
        target.heldForHost = false;
        if (target.status === 'disconnected' && (target.previous === 'admitted' || target.previous === 'inCaucus')) {
          target.previous = 'waiting';
          break;
        }
        if (target.status !== 'admitted' && target.status !== 'inCaucus') throw errors.invalidState('That participant is not in the room.', 'NOT_IN_ROOM');
        await this.setStatus(target, 'waiting');
        break;
      case 'mute':
        if (!target) throw errors.validation('Name the participant to mute.');
        await this.mute(target, options.lock ?? false);
        break;
      case 'unlock':
        if (!target) throw errors.validation('Name the participant to unlock.');
        target.locked = false;
        break;
      case 'remove':
        if (!target) throw errors.validation('Name the participant to remove.');
        await this.closeMedia(target);
        // Back only through the waiting room, whenever and however it reconnects.
        clearTimeout(target.graceTimer);
        target.status = 'absent';
        target.previous = undefined;
        target.heldForHost = false;
        target.handRaised = false;
        target.connected = false;
        this.deps.toUser(target.info.userId).emit('hearing:removed', { reason: 'The host removed you from the hearing.' });
        this.deps.toUser(target.info.userId).disconnect();
        break;
      case 'lowerAllHands':
        for (const p of this.live.values()) p.handRaised = false;
        break;
      case 'move':
        if (!target || !options.room) throw errors.validation('Name the participant and the room.');
        await this.move(target, options.room);
        break;
      case 'session':
        throw errors.validation('Use the session action request.');
    }
    this.audit(action.toUpperCase(), actorId, { ...(targetId ? { target: targetId } : {}), ...options });
    this.broadcastParticipants();
  }

  async sessionAction(actorId: string, action: 'start' | 'pause' | 'resume' | 'suspend' | 'close'): Promise<SessionState> {
    const actor = this.participant(actorId);
    if (!canControl(this.doc.kind, actor.info.role, 'session')) throw errors.forbidden('Only the host runs the session.', 'NOT_HOST');
    const firstStart = action === 'start' && !this.session.context.startedAt;
    const type = action.toUpperCase() as 'START' | 'PAUSE' | 'RESUME' | 'SUSPEND' | 'CLOSE';
    this.applySession({ type }, actorId);
    if (firstStart) this.deps.caseHook('started');
    if (type === 'CLOSE') await this.shutdown('The hearing has closed.');
    return this.state;
  }

  // ---- recording ------------------------------------------------------------------------

  recordingState() {
    const startedAt = this.deps.recorder.startedAt;
    return { active: this.deps.recorder.active, ...(startedAt ? { startedAt } : {}) };
  }

  setRecordingConsent(userId: string, consent: boolean): void {
    const p = this.participant(userId);
    if (p.info.role !== 'party' && p.info.role !== 'representative') throw errors.validation('Only parties give or refuse consent to recording.', undefined, 'NOT_A_PARTY');
    // Saying the same thing again changes nothing and writes nothing.
    if (this.recordingConsent.get(userId) === consent) return;
    this.recordingConsent.set(userId, consent);
    this.audit(consent ? 'RECORDING_CONSENTED' : 'RECORDING_CONSENT_REFUSED', userId);
  }

  async recording(actorId: string, action: 'start' | 'stop') {
    const actor = this.participant(actorId);
    if (!this.isHost(actor)) throw errors.forbidden('Only the judge (or the mediator) controls recording.', 'NOT_HOST');
    if (action === 'start') {
      if (this.doc.kind === 'mediation') {
        const parties = [...this.live.values()].filter((p) => p.info.role === 'party' || p.info.role === 'representative');
        const missing = parties.filter((p) => this.recordingConsent.get(p.info.userId) !== true);
        if (missing.length > 0) {
          throw errors.invalidState(`A mediation is recorded only with every party's consent; still missing: ${missing.map((p) => p.info.name).join(', ')}.`, 'CONSENT_MISSING');
        }
      }
      // The joint room only, whatever anyone asks: caucus rooms are never recorded.
      await this.deps.recorder.start(await this.room('joint'));
    } else {
      await this.deps.recorder.stop();
    }
    this.audit(action === 'start' ? 'RECORDING_STARTED' : 'RECORDING_STOPPED', actorId);
    const state = this.recordingState();
    this.deps.toAll().emit('hearing:recording', state);
    return state;
  }

  setHand(userId: string, raised: boolean): void {
    const p = this.participant(userId);
    if (p.handRaised === raised) return;
    p.handRaised = raised;
    this.broadcastParticipants();
  }

  private async mute(target: Live, lock: boolean): Promise<void> {
    target.mutedByHost = true;
    target.locked = lock;
    const room = await this.existingRoom(target.room);
    for (const producer of room?.producersOf(target.info.userId) ?? []) {
      if (producer.kind === 'audio' && !producer.paused) await producer.pause();
    }
  }

  private async move(target: Live, room: RoomName): Promise<void> {
    if (this.doc.kind !== 'mediation') throw errors.invalidState('Only a mediation has caucus rooms.', 'NO_CAUCUS');
    if (!canMoveTo(this.doc.kind, target.info.role, target.info.side, room)) {
      throw errors.forbidden('That participant may not enter that room.', 'ROOM_NOT_ALLOWED');
    }
    if (target.room === room) return;
    await this.closeMedia(target);
    target.room = room;
    if (target.status === 'admitted' || target.status === 'inCaucus') target.status = room === 'joint' ? 'admitted' : 'inCaucus';
    this.deps.toUser(target.info.userId).emit('hearing:me', { me: this.view(target) });
  }

  // ---- media ----------------------------------------------------------------------------

  /** The room whose media this participant may use now, or an error saying why not. */
  async mediaRoom(userId: string): Promise<MediaRoom> {
    const p = this.participant(userId);
    if (!mayReceiveMedia(p.status, this.state)) {
      throw errors.invalidState('You are in the waiting room; media starts when the host admits you.', 'NOT_ADMITTED');
    }
    return this.room(p.room);
  }

  async produce(userId: string, transportId: string, kind: 'audio' | 'video', rtpParameters: types.RtpParameters): Promise<string> {
    const p = this.participant(userId);
    const room = await this.mediaRoom(userId);
    const parsed = rtpParametersSchema.safeParse(rtpParameters);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw errors.validation(`The media parameters are not valid${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}.`, undefined, 'INVALID_RTP_PARAMETERS');
    }
    assertCodecsSupported(kind, parsed.data, room.rtpCapabilities);
    // A locked participant's new microphone starts muted: re-joining must not unmute.
    const info = await room.produce(userId, transportId, kind, rtpParameters, kind === 'audio' && p.mutedByHost);
    for (const other of this.live.values()) {
      if (other.info.userId === userId || other.room !== p.room || !mayReceiveMedia(other.status, this.state)) continue;
      this.deps.toUser(other.info.userId).emit('media:newProducer', { producerId: info.producerId, participantId: userId, kind });
    }
    if (p.room === 'joint') void this.deps.recorder.mediaChanged(userId);
    return info.producerId;
  }

  async setOwnProducerPaused(userId: string, producerId: string, paused: boolean): Promise<void> {
    const p = this.participant(userId);
    const producer = (await this.mediaRoom(userId)).ownProducer(userId, producerId);
    if (!paused && producer.kind === 'audio' && p.locked) {
      throw errors.forbidden('The host has muted you; you can unmute when the host allows it.', 'MUTED_BY_HOST');
    }
    if (paused) await producer.pause();
    else {
      await producer.resume();
      if (producer.kind === 'audio') p.mutedByHost = false;
    }
    this.broadcastParticipants();
  }

  /** Producers this participant may consume: its room's, not its own. */
  async consumableProducers(userId: string) {
    const room = await this.mediaRoom(userId);
    return room
      .producers()
      .filter((p) => p.peerId !== userId)
      .map((p) => ({ producerId: p.producerId, participantId: p.peerId, kind: p.kind }));
  }

  // ---- rooms ----------------------------------------------------------------------------

  private room(name: RoomName): Promise<MediaRoom> {
    if (this.closed) return Promise.reject(errors.invalidState('This hearing has closed.', 'HEARING_CLOSED'));
    let pending = this.rooms.get(name);
    if (!pending) {
      // Serialised per room: concurrent first requests share one router.
      pending = MediaRoom.create(this.deps.pool, `${this.id}/${name}`).then((room) => this.watch(name, room));
      this.rooms.set(name, pending);
      pending.catch(() => this.rooms.delete(name));
    }
    return pending;
  }

  private async existingRoom(name: RoomName): Promise<MediaRoom | undefined> {
    return this.rooms.get(name)?.catch(() => undefined);
  }

  private watch(name: RoomName, room: MediaRoom): MediaRoom {
    room.on('consumerClosed', (peerId, consumerId) => this.deps.toUser(peerId).emit('media:consumerClosed', { consumerId }));
    room.on('producerPaused', (peerId, producerId) => this.emitToRoom(name, 'media:producerPaused', { producerId, byHost: this.live.get(peerId)?.mutedByHost ?? false }));
    room.on('producerResumed', (_peerId, producerId) => this.emitToRoom(name, 'media:producerResumed', { producerId }));
    room.on('activeSpeaker', (peerId) => this.emitToRoom(name, 'media:activeSpeaker', { userId: peerId }));
    if (name === 'joint') room.on('producerClosed', (peerId) => void this.deps.recorder.mediaChanged(peerId));
    room.once('lost', () => void this.replaceLostRoom(name));
    return room;
  }

  /** The worker under this room died: a new router on a live worker, and everyone in it sets up media again. */
  private async replaceLostRoom(name: RoomName): Promise<void> {
    this.rooms.delete(name);
    if (this.closed) return;
    this.audit('MEDIA_SERVER_REPLACED', 'system', { room: name });
    try {
      await this.room(name);
    } catch (err) {
      this.deps.logger.error({ err, hearing: this.id, room: name }, 'could not re-create a room after a worker died');
    }
    this.emitToRoom(name, 'hearing:rejoin', { reason: 'The media server was restarted; reconnecting your audio and video.' });
  }

  private emitToRoom<E extends keyof HearingServerToClient>(name: RoomName, event: E, ...args: Parameters<HearingServerToClient[E]>): void {
    for (const p of this.live.values()) {
      if (p.room === name && p.connected && mayReceiveMedia(p.status, this.state)) this.deps.toUser(p.info.userId).emit(event, ...args);
    }
  }

  private async closeMedia(p: Live): Promise<void> {
    const room = await this.existingRoom(p.room);
    if (!room) return;
    if (p.room === 'joint') await this.deps.recorder.participantLeaving(p.info.userId);
    room.closePeer(p.info.userId);
  }

  private async setStatus(p: Live, status: ParticipantStatus): Promise<void> {
    if (status === 'waiting') await this.closeMedia(p);
    p.status = status;
    if (p.connected) this.deps.toUser(p.info.userId).emit('hearing:me', { me: this.view(p) });
    this.broadcastParticipants();
  }

  /** Close every room and tell everyone (session closed, or server shutting down). Safe twice. */
  async shutdown(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.live.values()) clearTimeout(p.graceTimer);
    // Finalise recordings while their routers still exist.
    await this.deps.recorder.stop();
    const rooms = await Promise.all([...this.rooms.values()].map((r) => r.catch(() => undefined)));
    for (const room of rooms) room?.close();
    this.rooms.clear();
    if (this.state === 'closed') {
      this.deps.caseHook('ended');
      this.deps.toAll().emit('hearing:removed', { reason });
    }
  }

  // ---- views and bookkeeping -------------------------------------------------------------

  private applySession(event: { type: SessionEvent['type'] }, actorId: string): void {
    const actor =
      actorId === 'system'
        ? { userId: 'system', role: 'system' as const, isHost: false }
        : { userId: actorId, role: this.participant(actorId).info.role, isHost: this.isHost(this.participant(actorId)) };
    const result = applySessionEvent(this.session, { ...event, actor, at: this.deps.now().toISOString() } as SessionEvent);
    if (!result.ok) throw sessionError(result.error);
    this.session = result.snapshot;
    this.deps.record({ type: `SESSION_${event.type}`, at: this.deps.now().toISOString(), actorId }, this.state);
    this.deps.toAll().emit('hearing:state', { state: this.state });
  }

  private audit(type: string, actorId: string, data?: Record<string, unknown>): void {
    this.deps.record({ type, at: this.deps.now().toISOString(), actorId, ...(data ? { data } : {}) });
  }

  private participant(userId: string): Live {
    const p = this.live.get(userId);
    if (!p) throw errors.forbidden('You are not a participant of this hearing.', 'NOT_A_PARTICIPANT');
    return p;
  }

  private isHost(p: Live): boolean {
    return isHostRole(this.doc.kind, p.info.role);
  }

  private view(p: Live): ParticipantView {
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

  private hearingView() {
    return { id: this.id, caseId: this.doc.caseId, kind: this.doc.kind, state: this.state, startsAt: this.doc.startsAt };
  }

  /**
   * Everyone gets the participant list once per tick however many changes
   * happened in it: 5,000 hand raises are not 5,000 full-list broadcasts.
   */
  private broadcastParticipants(): void {
    if (this.broadcastPending) return;
    this.broadcastPending = true;
    setImmediate(() => {
      this.broadcastPending = false;
      this.deps.toAll().emit('hearing:participants', { participants: this.participantViews() });
    });
  }
}

function sessionError(error: { code: string; message: string }): AppError {
  return error.code === 'FORBIDDEN' ? errors.forbidden(error.message, 'NOT_HOST') : errors.invalidState(error.message);
}

/** mediasoup's own messages never reach a client: translate what a participant can act on. */
export function mediaError(err: unknown): unknown {
  if (err instanceof MediaRoomError) {
    if (err.code === 'ROOM_CLOSED') return errors.invalidState(err.message, err.code);
    if (err.code.startsWith('TOO_MANY_')) return errors.rateLimited(err.message, err.code);
    return errors.validation(err.message, undefined, err.code);
  }
  if (err instanceof TypeError) return errors.validation('The media parameters were not accepted.', undefined, 'MEDIA_REJECTED');
  return err;
}
