import type { types } from 'mediasoup';
import type { MediaRoom } from '../../media/mediaRoom.js';
import type { ControlAction } from '../../state-machines/hearing/participantRules.js';
import type { JoinResult, ParticipantView, RoomName, SessionState } from '../../protocol/hearing.js';
import type { HearingDoc, LiveState } from './hearingModel.js';
import { Caucus } from './session/caucus.js';
import { SessionMedia } from './session/media.js';
import { Moderation, type SessionAction } from './session/moderation.js';
import { Presence } from './session/presence.js';
import { RecordingConsent } from './session/recordingConsent.js';
import { SessionCore, type SessionDeps } from './session/sessionCore.js';

export type { SessionDeps } from './session/sessionCore.js';
export { mediaError } from './session/media.js';

/**
 * One live hearing or mediation, composed of its features (in session/):
 * presence and the waiting room, moderation, recording and consent, media,
 * and caucus rooms, over a shared core that holds the session and
 * participant states. This class is the one face the signalling layer sees.
 */
export class HearingSession {
  private readonly core: SessionCore;
  private readonly media: SessionMedia;
  private readonly presence: Presence;
  private readonly moderation: Moderation;
  private readonly recorder: RecordingConsent;
  /** Participants whose place came from another node and who have not joined here yet. */
  private readonly carried = new Set<string>();

  constructor(
    readonly doc: HearingDoc,
    private readonly deps: SessionDeps,
  ) {
    this.core = new SessionCore(doc, deps);
    this.media = new SessionMedia(this.core);
    this.presence = new Presence(this.core, this.media);
    this.moderation = new Moderation(this.core, this.media, new Caucus(this.core, this.media), () => this.shutdown('The hearing has closed.'));
    this.recorder = new RecordingConsent(this.core, this.media);
  }

  get id(): string {
    return this.core.id;
  }

  get state(): SessionState {
    return this.core.state;
  }

  // ---- presence -------------------------------------------------------------------------

  join(userId: string): JoinResult {
    const me = this.presence.join(userId);
    const carried = this.carried.delete(userId) && (me.status === 'admitted' || me.status === 'inCaucus');
    return {
      hearing: this.core.hearingView(),
      me,
      participants: this.core.participantViews(),
      recording: this.recorder.state(),
      ...(carried ? { placeCarriedOver: true } : {}),
    };
  }

  /**
   * Carry on from the live state the previous holder stored (its node died, or this server
   * restarted): the session's state, everyone's place for the grace period, and recording.
   */
  async carryOver(live: LiveState): Promise<void> {
    const places = this.core.restore(live);
    if (!places) return;
    this.presence.carriedOver(places.map((p) => p.userId));
    for (const p of places) this.carried.add(p.userId);
    this.core.audit('PLACES_CARRIED_OVER', 'system', { places, state: this.state, from: live.savedAt });
    if (live.recording) {
      await this.recorder.carryOver().catch((err: unknown) => this.deps.logger.error({ err, hearing: this.id }, 'could not carry recording over'));
    }
  }

  disconnected(userId: string): void {
    this.presence.disconnected(userId);
  }

  participantViews(): ParticipantView[] {
    return this.core.participantViews();
  }

  // ---- moderation -----------------------------------------------------------------------

  control(actorId: string, action: ControlAction, targetId?: string, options: { lock?: boolean; room?: RoomName } = {}): Promise<void> {
    return this.moderation.control(actorId, action, targetId, options);
  }

  sessionAction(actorId: string, action: SessionAction): Promise<SessionState> {
    return this.moderation.sessionAction(actorId, action);
  }

  setHand(userId: string, raised: boolean): void {
    this.moderation.setHand(userId, raised);
  }

  // ---- recording and consent ------------------------------------------------------------

  recordingState() {
    return this.recorder.state();
  }

  setRecordingConsent(userId: string, consent: boolean): void {
    this.recorder.setConsent(userId, consent);
  }

  recording(actorId: string, action: 'start' | 'stop') {
    return this.recorder.control(actorId, action);
  }

  // ---- media ----------------------------------------------------------------------------

  mediaRoom(userId: string): Promise<MediaRoom> {
    return this.media.mediaRoom(userId);
  }

  produce(userId: string, transportId: string, kind: 'audio' | 'video', rtpParameters: types.RtpParameters): Promise<string> {
    return this.media.produce(userId, transportId, kind, rtpParameters);
  }

  setOwnProducerPaused(userId: string, producerId: string, paused: boolean): Promise<void> {
    return this.media.setOwnProducerPaused(userId, producerId, paused);
  }

  consumableProducers(userId: string) {
    return this.media.consumableProducers(userId);
  }

  /**
   * The joint room for the public gallery on other nodes (server/gallery/publicGallery.ts), once
   * someone has opened it: watching never opens a room nor reaches a caucus.
   */
  async galleryRoom(): Promise<MediaRoom | undefined> {
    if (this.core.closed) return undefined;
    const room = await this.media.existingRoom('joint');
    return room && !room.isClosed ? room : undefined;
  }

  /** Close every room and tell everyone (session closed, or server shutting down). Safe twice. */
  async shutdown(reason: string): Promise<void> {
    if (this.core.closed) return;
    this.core.closed = true;
    this.presence.stopTimers();
    // Finalise recordings while their routers still exist.
    await this.deps.recorder.stop();
    await this.media.closeAll();
    if (this.state === 'closed') {
      this.deps.caseHook('ended');
      this.deps.toAll().emit('hearing:removed', { reason });
    }
  }
}
