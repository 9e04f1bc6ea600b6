/** The case side of hearings: the machine decides whether the case is ready for one, and records when it starts and ends. */
import { SYSTEM_ACTOR, type CaseRole } from '../../state-machines/case/caseMachine.js';
import type { AuthUser } from '../auth/tokens.js';
import { actorAs } from './caseAccess.js';
import type { CaseDoc } from './caseModel.js';
import type { CaseParts } from './caseParts.js';

export class CaseScheduling {
  constructor(private readonly parts: CaseParts) {}

  async scheduleHearing(user: AuthUser, caseId: string, hearingId: string, startsAt: string): Promise<CaseDoc> {
    const doc = await this.parts.access.get(user, caseId);
    const role: CaseRole = user.roles.includes('judge') ? 'judge' : 'clerk';
    const actor = actorAs(user, role);
    return this.parts.commands.apply(doc, (_d, at) => ({ event: { type: 'SCHEDULE_HEARING', hearingId, startsAt, actor, at } }));
  }

  /**
   * Events reported by the platform itself (a hearing started or ended). The
   * machine may refuse one (the case moved on meanwhile); the caller logs that.
   */
  recordSystemEvent(caseId: string, event: { type: 'HEARING_STARTED' | 'HEARING_ENDED'; hearingId: string }): Promise<CaseDoc> {
    return this.parts.commands.apply(caseId, (_d, at) => ({ event: { ...event, actor: SYSTEM_ACTOR, at } }));
  }
}
