import type { ParticipantEvent } from '../../../state-machines/hearing/participantMachine.js';
import { RECONNECT_GRACE_MS } from '../../../state-machines/hearing/participantRules.js';
import { errors } from '../../errors.js';
import type { ParticipantView } from '../../../protocol/hearing.js';
import type { SessionMedia } from './media.js';
import { changeStatus } from './participantStatus.js';
import type { Live, SessionCore } from './sessionCore.js';

/**
 * Who is connected, and the waiting room: joining, dropping out and coming
 * back within the grace period, and what the host's own drop does to everyone
 * else (sent to the waiting room, re-admitted when the host returns).
 */
export class Presence {
  constructor(
    private readonly core: SessionCore,
    private readonly media: SessionMedia,
  ) {}

  /** A socket of this participant joined; its view of itself. */
  join(userId: string): ParticipantView {
    const { core } = this;
    if (core.closed || core.state === 'closed') throw errors.invalidState('This hearing has closed.', 'HEARING_CLOSED');
    const p = core.participant(userId);
    const host = core.isHost(p);
    clearTimeout(p.graceTimer);
    const before = p.status;
    p.connected = true;
    core.applyParticipant(p, { type: 'JOIN', at: core.deps.now().getTime() });
    if (before === 'disconnected') core.audit('RECONNECTED', userId, { status: p.status });
    else if (before === 'absent') core.audit('JOINED', userId, { status: p.status });
    if (core.state === 'scheduled') core.applySession({ type: 'OPEN' }, userId);
    if (host) this.hostReturned(userId);
    core.broadcastParticipants();
    return core.view(p);
  }

  /** The participant's socket went away: keep its place for the grace period. */
  disconnected(userId: string): void {
    const { core } = this;
    const p = core.live.get(userId);
    if (!p || !p.connected || core.closed) return;
    if (!core.applyParticipantIfAllowed(p, { type: 'DISCONNECT', at: core.deps.now().getTime() })) {
      // Unreachable: whoever is connected has joined. Logged, as a socket event has no one to tell.
      core.deps.logger.error({ hearing: core.id, userId, status: p.status }, 'a connected participant without a place disconnected');
      return;
    }
    p.connected = false;
    void this.media.closeMedia(p);
    core.audit('DISCONNECTED', userId);
    if (core.isHost(p)) this.hostDropped(userId);
    this.startGrace(p);
    core.broadcastParticipants();
  }

  /** Places carried over from another node (SessionCore.restore) are kept for the grace period from now. */
  carriedOver(userIds: readonly string[]): void {
    for (const userId of userIds) {
      const p = this.core.live.get(userId);
      if (p?.status === 'disconnected') this.startGrace(p);
    }
  }

  private startGrace(p: Live): void {
    const { core } = this;
    p.graceTimer = setTimeout(() => {
      if (p.status !== 'disconnected') return;
      core.applyParticipant(p, { type: 'GRACE_EXPIRED' });
      p.handRaised = false;
      core.audit('LEFT', p.info.userId);
      core.broadcastParticipants();
    }, RECONNECT_GRACE_MS + 10);
    p.graceTimer.unref();
  }

  /** Session closed or server stopping: no grace period runs out after it. */
  stopTimers(): void {
    for (const p of this.core.live.values()) clearTimeout(p.graceTimer);
  }

  /** Only those the event moves are told: someone without a place has nothing held for it. */
  private sendIfMoved(p: Live, event: ParticipantEvent): void {
    const next = this.core.tryParticipant(p, event);
    if (next.ok && next.snapshot.status !== p.status) void changeStatus(this.core, this.media, p, event);
  }

  private hostDropped(hostId: string): void {
    const { core } = this;
    if (core.state === 'inSession') core.applySession({ type: 'HOST_DROPPED' }, 'system');
    for (const p of core.live.values()) {
      if (p.info.userId !== hostId) this.sendIfMoved(p, { type: 'HOST_DROPPED' });
    }
    core.audit('HOST_DROPPED', hostId);
  }

  private hostReturned(hostId: string): void {
    const { core } = this;
    if (core.pausedByHostDrop) core.applySession({ type: 'HOST_RETURNED' }, 'system');
    for (const p of core.live.values()) this.sendIfMoved(p, { type: 'HOST_RETURNED' });
    core.audit('HOST_RETURNED', hostId);
  }
}
