/**
 * Who is who on a case, for service. The case itself knows only its filer; a defendant is a
 * name (and maybe an ID number) in the complaint until they register. A user counts as a
 * party to be served when any of these holds:
 *   - they filed the case (plaintiff);
 *   - the court recognised their account as a defendant (access code or clerk: cases/defendantAccess.ts);
 *     an account carrying the same ID number as the complaint is not enough;
 *   - the clerk has already served them on this case, naming their side;
 *   - they take part in a hearing or mediation of the case as a party or representative.
 * The clerk may also name the side explicitly when serving: the court identifies the people it serves.
 */
import type { AuthUser } from '../auth/tokens.js';
import { isStaffOfCourt, partySideOf } from '../cases/caseAccess.js';
import type { CaseDoc } from '../cases/caseModel.js';
import { errors } from '../errors.js';
import { hearingModel, type HearingDoc } from '../hearings/hearingModel.js';
import { findUserById } from '../users/userService.js';
import type { UserDoc } from '../users/userModel.js';
import type { ServiceDeps } from './serviceDeps.js';
import type { RecipientSide, ServiceDoc } from './serviceModels.js';

/** Staff of the case's court (cases/caseAccess.ts). */
export const isStaffOf = isStaffOfCourt;

export function isClerkOf(user: AuthUser, courtId: string): boolean {
  return user.courtId === courtId && user.roles.includes('clerk');
}

export class CaseParties {
  constructor(private readonly deps: ServiceDeps) {}

  async user(userId: string): Promise<UserDoc | null> {
    return findUserById(this.deps, userId);
  }

  /** The case, if this user is its court's staff or one of its parties; 404 otherwise (existence is not disclosed). */
  async caseFor(user: AuthUser, caseId: string): Promise<{ doc: CaseDoc; staff: boolean; side: RecipientSide | null }> {
    const doc = await this.deps.caseStore.get(caseId);
    if (!doc) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    if (isStaffOf(user, doc.courtId)) return { doc, staff: true, side: null };
    const side = await this.sideOf(doc, user.id);
    if (!side) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    return { doc, staff: false, side };
  }

  /** The side a user is on in this case, or null when they are not known as a party. */
  async sideOf(doc: CaseDoc, userId: string): Promise<RecipientSide | null> {
    const party = partySideOf(doc, userId);
    if (party === 'plaintiff') return party;
    const user = await this.user(userId);
    if (!user) return null;
    if (party) return party;
    const served = await this.deps.models.services
      .findOne({ caseId: doc._id, 'recipients.userId': userId })
      .sort({ createdAt: -1 })
      .lean<ServiceDoc>()
      .exec();
    const asRecipient = served?.recipients.find((r) => r.userId === userId);
    if (asRecipient) return asRecipient.side;
    const hearings = await hearingModel(this.deps.connection).find({ caseId: doc._id, 'participants.userId': userId }).lean<HearingDoc[]>().exec();
    for (const h of hearings) {
      const p = h.participants.find((x) => x.userId === userId);
      if (p && (p.role === 'party' || p.role === 'representative')) return p.side ?? 'other';
    }
    return null;
  }
}
