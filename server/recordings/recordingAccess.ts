import type { AuthUser } from '../auth/tokens.js';
import type { CaseService } from '../cases/caseService.js';
import { AppError } from '../errors.js';

const HEARING_ROLES_THAT_MAY_PLAY = new Set(['judge', 'clerk', 'mediator', 'party', 'representative']);
const COURT_ROLES_THAT_MAY_PLAY = ['judge', 'clerk'] as const;

/**
 * Who took part in a hearing, read through the hearing service (hearings/hearingService.ts)
 * that app.ts hands in: hearings/ records through recordings/, so recordings/ does not import it.
 */
export interface HearingLookup {
  load(hearingId: string): Promise<{ caseId: string; courtId: string; participants: { userId: string; role: string }[] } | null>;
}

/**
 * Recordings (each segment, and a hearing's combined file) are for the judge and the clerk of
 * the court, the parties of the case and the people who took part in that hearing (e.g. its
 * mediator); anyone else gets 404, so whether a recording exists is not disclosed either.
 */
export async function accessible(hearings: HearingLookup, cases: CaseService, user: AuthUser, rec: { hearingId: string; caseId: string }): Promise<boolean> {
  const hearing = await hearings.load(rec.hearingId);
  if (!hearing) return false;
  if (hearing.participants.some((p) => p.userId === user.id && HEARING_ROLES_THAT_MAY_PLAY.has(p.role))) return true;
  if (user.courtId === hearing.courtId && COURT_ROLES_THAT_MAY_PLAY.some((r) => user.roles.includes(r))) return true;
  try {
    return (await cases.get(user, rec.caseId)).filerId === user.id;
  } catch (err) {
    if (err instanceof AppError && err.kind === 'notFound') return false;
    throw err;
  }
}
