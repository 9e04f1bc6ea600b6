import type { types } from 'mediasoup';
import { MediaRoom, MediaRoomError } from '../../../media/mediaRoom.js';
import { mayReceiveMedia } from '../../../state-machines/hearing/participantRules.js';
import { errors } from '../../errors.js';
import type { HearingServerToClient, RoomName } from '../../../protocol/hearing.js';
import { assertCodecsSupported, rtpParametersSchema } from '../rtpParameters.js';
import type { Live, SessionCore } from './sessionCore.js';

/**
 * The media rooms of a session (a router each: the joint room and, in a
 * mediation, one caucus per side) and who may use them: media of a room can
 * only reach peers in that room, and only while they are admitted.
 */
export class SessionMedia {
  private readonly rooms = new Map<RoomName, Promise<MediaRoom>>();

  constructor(private readonly core: SessionCore) {}

  /** The room whose media this participant may use now, or an error saying why not. */
  async mediaRoom(userId: string): Promise<MediaRoom> {
    const p = this.core.participant(userId);
    if (!mayReceiveMedia(p.status, this.core.state)) {
      throw errors.invalidState('You are in the waiting room; media starts when the host admits you.', 'NOT_ADMITTED');
    }
    return this.room(p.room);
  }

  async produce(userId: string, transportId: string, kind: 'audio' | 'video', rtpParameters: types.RtpParameters): Promise<string> {
    const p = this.core.participant(userId);
    const room = await this.mediaRoom(userId);
    const parsed = rtpParametersSchema.safeParse(rtpParameters);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw errors.validation(`The media parameters are not valid${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}.`, undefined, 'INVALID_RTP_PARAMETERS');
    }
    assertCodecsSupported(kind, parsed.data, room.rtpCapabilities);
    // A locked participant's new microphone starts muted: re-joining must not unmute.
    const info = await room.produce(userId, transportId, kind, rtpParameters, kind === 'audio' && p.mutedByHost);
    for (const other of this.core.live.values()) {
      if (other.info.userId === userId || other.room !== p.room || !mayReceiveMedia(other.status, this.core.state)) continue;
      this.core.deps.toUser(other.info.userId).emit('media:newProducer', { producerId: info.producerId, participantId: userId, kind });
    }
    if (p.room === 'joint') void this.core.deps.recorder.mediaChanged(userId);
    return info.producerId;
  }

  async setOwnProducerPaused(userId: string, producerId: string, paused: boolean): Promise<void> {
    const p = this.core.participant(userId);
    const producer = (await this.mediaRoom(userId)).ownProducer(userId, producerId);
    if (!paused && producer.kind === 'audio' && p.locked) {
      throw errors.forbidden('The host has muted you; you can unmute when the host allows it.', 'MUTED_BY_HOST');
    }
    if (paused) await producer.pause();
    else {
      await producer.resume();
      if (producer.kind === 'audio') p.mutedByHost = false;
    }
    this.core.broadcastParticipants();
  }

  /** Producers this participant may consume: its room's, not its own. */
  async consumableProducers(userId: string) {
    const room = await this.mediaRoom(userId);
    return room
      .producers()
      .filter((p) => p.peerId !== userId)
      .map((p) => ({ producerId: p.producerId, participantId: p.peerId, kind: p.kind }));
  }

  /** The host muted this participant: its microphones pause where it is now. */
  async pauseAudioOf(p: Live): Promise<void> {
    const room = await this.existingRoom(p.room);
    for (const producer of room?.producersOf(p.info.userId) ?? []) {
      if (producer.kind === 'audio' && !producer.paused) await producer.pause();
    }
  }

  /** The participant leaves its room's media (waiting room, another room, gone). */
  async closeMedia(p: Live): Promise<void> {
    const room = await this.existingRoom(p.room);
    if (!room) return;
    if (p.room === 'joint') await this.core.deps.recorder.participantLeaving(p.info.userId);
    room.closePeer(p.info.userId);
  }

  room(name: RoomName): Promise<MediaRoom> {
    if (this.core.closed) return Promise.reject(errors.invalidState('This hearing has closed.', 'HEARING_CLOSED'));
    let pending = this.rooms.get(name);
    if (!pending) {
      // Serialised per room: concurrent first requests share one router.
      pending = MediaRoom.create(this.core.deps.pool, `${this.core.id}/${name}`).then((room) => this.watch(name, room));
      this.rooms.set(name, pending);
      pending.catch(() => this.rooms.delete(name));
    }
    return pending;
  }

  /** Closes every router; recordings must be finalised before. */
  async closeAll(): Promise<void> {
    const rooms = await Promise.all([...this.rooms.values()].map((r) => r.catch(() => undefined)));
    for (const room of rooms) room?.close();
    this.rooms.clear();
  }

  /** The room if someone has opened it (and it was not lost), without creating it. */
  async existingRoom(name: RoomName): Promise<MediaRoom | undefined> {
    return this.rooms.get(name)?.catch(() => undefined);
  }

  private watch(name: RoomName, room: MediaRoom): MediaRoom {
    room.on('consumerClosed', (peerId, consumerId) => this.core.deps.toUser(peerId).emit('media:consumerClosed', { consumerId }));
    room.on('producerPaused', (peerId, producerId) => this.emitToRoom(name, 'media:producerPaused', { producerId, byHost: this.core.live.get(peerId)?.mutedByHost ?? false }));
    room.on('producerResumed', (_peerId, producerId) => this.emitToRoom(name, 'media:producerResumed', { producerId }));
    room.on('activeSpeaker', (peerId) => this.emitToRoom(name, 'media:activeSpeaker', { userId: peerId }));
    if (name === 'joint') room.on('producerClosed', (peerId) => void this.core.deps.recorder.mediaChanged(peerId));
    room.once('lost', () => void this.replaceLostRoom(name));
    return room;
  }

  /** The worker under this room died: a new router on a live worker, and everyone in it sets up media again. */
  private async replaceLostRoom(name: RoomName): Promise<void> {
    this.rooms.delete(name);
    if (this.core.closed) return;
    this.core.audit('MEDIA_SERVER_REPLACED', 'system', { room: name });
    try {
      await this.room(name);
    } catch (err) {
      this.core.deps.logger.error({ err, hearing: this.core.id, room: name }, 'could not re-create a room after a worker died');
    }
    this.emitToRoom(name, 'hearing:rejoin', { reason: 'The media server was restarted; reconnecting your audio and video.' });
  }

  private emitToRoom<E extends keyof HearingServerToClient>(name: RoomName, event: E, ...args: Parameters<HearingServerToClient[E]>): void {
    for (const p of this.core.live.values()) {
      if (p.room === name && p.connected && mayReceiveMedia(p.status, this.core.state)) this.core.deps.toUser(p.info.userId).emit(event, ...args);
    }
  }
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
