import type { ParticipantEvent } from '../../../state-machines/hearing/participantMachine.js';
import type { SessionMedia } from './media.js';
import { participantError, type Live, type SessionCore } from './sessionCore.js';

/**
 * A status change that the participant is told about: into or out of the
 * waiting room. Checked first (a refusal changes nothing), then the media of
 * someone sent to the waiting room is closed, then the event is applied.
 */
export async function changeStatus(core: SessionCore, media: SessionMedia, p: Live, event: ParticipantEvent): Promise<void> {
  const checked = core.tryParticipant(p, event);
  if (!checked.ok) throw participantError(checked.error);
  if (checked.snapshot.status === 'waiting') await media.closeMedia(p);
  // Applied to the place as it is now: if the participant dropped meanwhile, that change stands.
  core.applyParticipantIfAllowed(p, event);
  if (p.connected) core.deps.toUser(p.info.userId).emit('hearing:me', { me: core.view(p) });
  core.broadcastParticipants();
}
