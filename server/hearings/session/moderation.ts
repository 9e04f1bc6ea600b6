import { canControl, type ControlAction } from '../../../state-machines/hearing/participantRules.js';
import { errors } from '../../errors.js';
import type { RoomName, SessionState } from '../../../protocol/hearing.js';
import type { Caucus } from './caucus.js';
import type { SessionMedia } from './media.js';
import { changeStatus } from './participantStatus.js';
import type { Live, SessionCore } from './sessionCore.js';

export type SessionAction = 'start' | 'pause' | 'resume' | 'suspend' | 'close';

/**
 * What the host (and, in a court hearing, the clerk assisting the judge)
 * decides: admitting and dismissing, muting, removing, hands, moving people
 * between rooms, and running the session. Everyone raises and lowers its own hand.
 */
export class Moderation {
  constructor(
    private readonly core: SessionCore,
    private readonly media: SessionMedia,
    private readonly caucus: Caucus,
    /** Called once the session closed: the session shuts down. */
    private readonly onClose: () => Promise<void>,
  ) {}

  async control(actorId: string, action: ControlAction, targetId?: string, options: { lock?: boolean; room?: RoomName } = {}): Promise<void> {
    const { core } = this;
    const actor = core.participant(actorId);
    if (!canControl(core.doc.kind, actor.info.role, action)) throw errors.forbidden(`Only the host can ${action} here.`, 'NOT_HOST');
    const target = targetId === undefined ? undefined : core.participant(targetId);
    if (target && core.isHost(target) && action !== 'move') throw errors.forbidden('The host cannot be moderated.', 'TARGET_IS_HOST');
    switch (action) {
      case 'admit':
        if (!target) throw errors.invalidState('That participant is not in the waiting room.', 'NOT_WAITING');
        await changeStatus(core, this.media, target, { type: 'ADMIT' });
        break;
      case 'dismiss':
        if (!target) throw errors.invalidState('That participant is not in the room.', 'NOT_IN_ROOM');
        // A place held for the host's return is taken away even when the dismissal itself is refused.
        core.applyParticipant(target, { type: 'RELEASE_HOLD' });
        // Dropped with a place kept, the participant is not told now: its reconnect lands in the waiting room.
        if (target.status === 'disconnected') core.applyParticipant(target, { type: 'DISMISS' });
        else await changeStatus(core, this.media, target, { type: 'DISMISS' });
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
        await this.remove(target);
        break;
      case 'lowerAllHands':
        for (const p of core.live.values()) p.handRaised = false;
        break;
      case 'move':
        if (!target || !options.room) throw errors.validation('Name the participant and the room.');
        await this.caucus.move(target, options.room);
        break;
      case 'session':
        throw errors.validation('Use the session action request.');
    }
    core.audit(action.toUpperCase(), actorId, { ...(targetId ? { target: targetId } : {}), ...options });
    core.broadcastParticipants();
  }

  async sessionAction(actorId: string, action: SessionAction): Promise<SessionState> {
    const { core } = this;
    const actor = core.participant(actorId);
    if (!canControl(core.doc.kind, actor.info.role, 'session')) throw errors.forbidden('Only the host runs the session.', 'NOT_HOST');
    const firstStart = action === 'start' && !core.startedAt;
    const type = action.toUpperCase() as 'START' | 'PAUSE' | 'RESUME' | 'SUSPEND' | 'CLOSE';
    core.applySession({ type }, actorId);
    if (firstStart) core.deps.caseHook('started');
    if (type === 'CLOSE') await this.onClose();
    return core.state;
  }

  setHand(userId: string, raised: boolean): void {
    const p = this.core.participant(userId);
    if (p.handRaised === raised) return;
    p.handRaised = raised;
    this.core.broadcastParticipants();
  }

  private async mute(target: Live, lock: boolean): Promise<void> {
    target.mutedByHost = true;
    target.locked = lock;
    await this.media.pauseAudioOf(target);
  }

  /** Back only through the waiting room, whenever and however it reconnects. */
  private async remove(target: Live): Promise<void> {
    await this.media.closeMedia(target);
    clearTimeout(target.graceTimer);
    this.core.applyParticipant(target, { type: 'REMOVE' });
    target.handRaised = false;
    target.connected = false;
    this.core.deps.toUser(target.info.userId).emit('hearing:removed', { reason: 'The host removed you from the hearing.' });
    this.core.deps.toUser(target.info.userId).disconnect();
  }
}
