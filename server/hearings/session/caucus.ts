import type { RoomName } from '../../../protocol/hearing.js';
import type { SessionMedia } from './media.js';
import type { Live, SessionCore } from './sessionCore.js';

/**
 * Caucus rooms of a mediation: the mediator moves a party (or its
 * representative) into its own side's caucus and back to the joint room.
 * Who may enter which room is decided by participantMachine.ts (MOVE).
 */
export class Caucus {
  constructor(
    private readonly core: SessionCore,
    private readonly media: SessionMedia,
  ) {}

  async move(target: Live, room: RoomName): Promise<void> {
    const checked = this.core.tryParticipant(target, { type: 'MOVE', room });
    if (checked.ok && target.room === room) return;
    if (checked.ok) await this.media.closeMedia(target);
    this.core.applyParticipant(target, { type: 'MOVE', room });
    this.core.deps.toUser(target.info.userId).emit('hearing:me', { me: this.core.view(target) });
  }
}
