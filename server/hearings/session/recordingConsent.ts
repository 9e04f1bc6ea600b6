import { errors } from '../../errors.js';
import type { SessionMedia } from './media.js';
import type { SessionCore } from './sessionCore.js';

/**
 * Recording of the joint room, controlled by the host, and the parties'
 * consent to it: a mediation is recorded only once every party consented.
 */
export class RecordingConsent {
  private readonly consent = new Map<string, boolean>();

  constructor(
    private readonly core: SessionCore,
    private readonly media: SessionMedia,
  ) {}

  state() {
    const startedAt = this.core.deps.recorder.startedAt;
    return { active: this.core.deps.recorder.active, ...(startedAt ? { startedAt } : {}) };
  }

  setConsent(userId: string, consent: boolean): void {
    const p = this.core.participant(userId);
    if (p.info.role !== 'party' && p.info.role !== 'representative') throw errors.validation('Only parties give or refuse consent to recording.', undefined, 'NOT_A_PARTY');
    // Saying the same thing again changes nothing and writes nothing.
    if (this.consent.get(userId) === consent) return;
    this.consent.set(userId, consent);
    this.core.audit(consent ? 'RECORDING_CONSENTED' : 'RECORDING_CONSENT_REFUSED', userId);
  }

  /**
   * The joint room was being recorded on the node that held the hearing before (it died, or
   * this server restarted): recording goes on here, each participant in a new segment once
   * its media is back.
   */
  async carryOver(): Promise<void> {
    await this.core.deps.recorder.start(await this.media.room('joint'));
    this.core.audit('RECORDING_CARRIED_OVER', 'system');
    this.core.deps.toAll().emit('hearing:recording', this.state());
  }

  async control(actorId: string, action: 'start' | 'stop') {
    const { core } = this;
    const actor = core.participant(actorId);
    if (!core.isHost(actor)) throw errors.forbidden('Only the judge (or the mediator) controls recording.', 'NOT_HOST');
    if (action === 'start') {
      if (core.doc.kind === 'mediation') {
        const parties = [...core.live.values()].filter((p) => p.info.role === 'party' || p.info.role === 'representative');
        const missing = parties.filter((p) => this.consent.get(p.info.userId) !== true);
        if (missing.length > 0) {
          throw errors.invalidState(`A mediation is recorded only with every party's consent; still missing: ${missing.map((p) => p.info.name).join(', ')}.`, 'CONSENT_MISSING');
        }
      }
      // The joint room only, whatever anyone asks: caucus rooms are never recorded.
      await core.deps.recorder.start(await this.media.room('joint'));
    } else {
      await core.deps.recorder.stop();
    }
    core.audit(action === 'start' ? 'RECORDING_STARTED' : 'RECORDING_STOPPED', actorId);
    core.keepLive();
    const state = this.state();
    core.deps.toAll().emit('hearing:recording', state);
    return state;
  }
}
