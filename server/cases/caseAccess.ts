/**
 * Who may see a case and who may act on it, in one place. A user stands to a case as its
 * filer, as a defendant the court recognised (an account confirmed by access code or by a
 * clerk: defendantAccess.ts, never by a matching ID number alone), or as staff of its court.
 * Anyone else learns nothing, not even that the case exists.
 */
import { allowedEventTypes, type CaseActor, type CaseEventType, type CaseRole } from '../../state-machines/case/caseMachine.js';
import type { HolidayCalendar } from '../../state-machines/rules/periods.js';
import { hasStaffRole, type AuthUser, type Role } from '../auth/tokens.js';
import { errors } from '../errors.js';
import type { CaseDoc } from './caseModel.js';
import type { CaseStore } from './caseStore.js';
import type { CaseViewer } from './caseView.js';

/** The side a user is on as a party: the filer is the plaintiff; a recognised defendant account is a defendant. */
export function partySideOf(doc: Pick<CaseDoc, 'filerId' | 'defendants'>, userId: string): 'plaintiff' | 'defendant' | undefined {
  if (doc.filerId === userId) return 'plaintiff';
  return doc.defendants.some((d) => d.userId === userId) ? 'defendant' : undefined;
}

export function isStaffOfCourt(user: AuthUser, courtId: string): boolean {
  return user.courtId === courtId && hasStaffRole(user.roles);
}

export function viewerOf(user: AuthUser, doc: CaseDoc): CaseViewer | undefined {
  if (doc.filerId === user.id) return 'filer';
  if (isStaffOfCourt(user, doc.courtId)) return 'court';
  return user.roles.includes('party') && partySideOf(doc, user.id) === 'defendant' ? 'defendant' : undefined;
}

/** The user acting in `role`; refused unless they hold it (a party's role is anyone's). The machine checks the court. */
export function actorAs(user: AuthUser, role: CaseRole): CaseActor {
  if (role !== 'party' && !user.roles.includes(role as Role)) {
    throw errors.forbidden(`Only a ${role} can do this.`);
  }
  return { userId: user.id, role, ...(user.courtId ? { courtId: user.courtId } : {}) };
}

/**
 * Who answers for a defendant: the defendant themself (a party's act), or a clerk of the court
 * entering what a defendant delivered on paper or said to the court. The filer and other staff may not.
 */
export function defendantOrClerk(user: AuthUser, as: CaseViewer, refusal: string): CaseActor {
  if (as === 'filer' || (as === 'court' && !user.roles.includes('clerk'))) throw errors.forbidden(refusal, 'NOT_A_DEFENDANT');
  return as === 'defendant' ? { userId: user.id, role: 'party' } : actorAs(user, 'clerk');
}

/** Acts only the party who filed the case may take (adding material, paying the fee). */
export function assertFiler(user: AuthUser, doc: CaseDoc, refusal: string): void {
  if (doc.filerId !== user.id) throw errors.forbidden(refusal);
}

/** The payments of a case are for the party who filed it and the court, not for a defendant. */
export function assertMaySeePayments(as: CaseViewer): void {
  if (as === 'defendant') throw errors.forbidden('The payments of a case are for the party who filed it and the court.');
}

/** Whose cases a user may list: their court's queue for staff, their own cases for a party. */
export type ListScope = { courtId: string } | { partyId: string };

export function listScope(user: AuthUser): ListScope {
  if (hasStaffRole(user.roles) && user.courtId) return { courtId: user.courtId };
  return { partyId: user.id };
}

/**
 * Whether a case is within the scope: staff see their court's cases; a party the cases they
 * filed and those naming them as a defendant once the court recognised the account
 * (defendantAccess.ts), never by a matching ID number.
 */
export function inListScope(scope: ListScope, row: { courtId: string; filerId: string; defendantUserIds: readonly string[] }): boolean {
  if ('courtId' in scope) return row.courtId === scope.courtId;
  return row.filerId === scope.partyId || row.defendantUserIds.includes(scope.partyId);
}

export class CaseAccess {
  constructor(private readonly deps: { store: CaseStore; calendar: HolidayCalendar; now: () => Date }) {}

  /** The case and how the user stands to it, or 404: whether it exists is itself not disclosed. */
  async access(user: AuthUser, caseId: string): Promise<{ doc: CaseDoc; as: CaseViewer }> {
    const doc = await this.deps.store.get(caseId);
    const as = doc ? viewerOf(user, doc) : undefined;
    if (!doc || !as) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    return { doc, as };
  }

  async get(user: AuthUser, caseId: string): Promise<CaseDoc> {
    return (await this.access(user, caseId)).doc;
  }

  /** What this user could do next on this case (for clients; the server checks again on each request). */
  allowedActions(user: AuthUser, doc: CaseDoc, as: CaseViewer): CaseEventType[] {
    const roles: CaseRole[] = as === 'court' ? user.roles.filter((r) => r !== 'party') : ['party'];
    const actions = new Set<CaseEventType>();
    const at = this.deps.now().toISOString();
    for (const role of roles) {
      const actor: CaseActor = { userId: user.id, role, ...(user.courtId ? { courtId: user.courtId } : {}) };
      for (const t of allowedEventTypes(doc.snapshot, actor, this.deps.calendar, at)) actions.add(t);
    }
    return [...actions];
  }
}
