import type { CaseActor, CaseContext, CaseEventType, CaseRole } from './caseTypes.js';

type CourtRole = Extract<CaseRole, 'clerk' | 'judge' | 'mediator'>;

/**
 * Who may send an event. One table rather than a guard per transition, so the
 * server, the UI (`allowedEventTypes`) and the error messages all read the same rule.
 */
export interface Permit {
  /** Officers who must belong to the case's court. */
  court?: readonly CourtRole[];
  /** The party who filed the case. */
  filer?: true;
  /** Any party other than the filer; the server checks they really are a party. */
  otherParty?: true;
  /** Automatic checks, deadline sweeps, the payment gateway and the hearing room. */
  system?: true;
}

const CLERK = ['clerk'] as const;
const MEDIATION_OFFICERS = ['mediator', 'clerk'] as const;
const BENCH = ['clerk', 'judge'] as const;

export const PERMITS: Readonly<Record<CaseEventType, Permit>> = {
  SUBMIT: { filer: true },
  RESUBMIT: { filer: true },
  WITHDRAW: { filer: true },
  READING_REVIEWED: { system: true },
  // The platform dockets by itself where the court turned automatic docketing on.
  REVIEW_ACCEPT: { court: CLERK, system: true },
  DOCKETING_REVERSED: { court: BENCH },
  REVIEW_CORRECT: { court: CLERK },
  REVIEW_REJECT: { court: CLERK },
  CORRECTION_PERIOD_EXPIRED: { system: true },
  // The gateway's confirmed callback settles online payments without a clerk.
  FEE_PAID: { court: CLERK, system: true },
  // Fee relief (缓交、减交、免交) is decided by the clerk or the judge on the party's application.
  FEE_WAIVED: { court: BENCH },
  FEE_DEFERRED: { court: BENCH },
  FEE_REDUCED: { court: BENCH },
  FEE_PERIOD_EXPIRED: { system: true },
  SERVE_DEFENDANT: { court: CLERK },
  SERVICE_EFFECT_REVISED: { court: CLERK },
  // A clerk may record an answer delivered on paper.
  ANSWER_FILED: { otherParty: true, court: CLERK },
  ANSWER_PERIOD_EXPIRED: { system: true },
  // The defendant states it on the platform, or a clerk records a statement made to the court.
  WAIVE_ANSWER_PERIOD: { otherParty: true, court: CLERK },
  OFFER_MEDIATION: { court: MEDIATION_OFFICERS },
  MEDIATION_ACCEPTED: { court: MEDIATION_OFFICERS },
  MEDIATION_DECLINED: { court: MEDIATION_OFFICERS },
  MEDIATION_FAILED: { court: MEDIATION_OFFICERS },
  MEDIATION_SETTLED: { court: MEDIATION_OFFICERS },
  // Only the judge reviews a signed agreement (CPL Arts. 100-101); a mediator cannot close the case.
  APPROVE_MEDIATION_AGREEMENT: { court: ['judge'] },
  RECORD_AGREEMENT_IN_TRANSCRIPT: { court: ['judge'] },
  REJECT_MEDIATION_AGREEMENT: { court: ['judge'] },
  // The inbox acknowledgement arrives as 'system'; a clerk records a receipt or refusal on paper.
  MEDIATION_DECISION_RECEIVED: { court: CLERK, system: true },
  MEDIATION_DECISION_REFUSED: { court: CLERK },
  SCHEDULE_HEARING: { court: BENCH },
  // The hearing machine reports start and end of the video session as 'system'.
  HEARING_STARTED: { court: BENCH, system: true },
  HEARING_ENDED: { court: BENCH, system: true },
  DECIDE: { court: ['judge'] },
  DECISION_SERVED: { court: CLERK },
  CLOSE: { court: CLERK },
};

function describePermit(permit: Permit, courtId: string): string {
  const who: string[] = [];
  if (permit.filer) who.push('the filing party');
  if (permit.otherParty) who.push('a party other than the filer');
  if (permit.court) who.push(`a ${permit.court.join(' or ')} of court ${courtId}`);
  if (permit.system) who.push('the system');
  return who.join(', or ');
}

function describeActor(actor: CaseActor): string {
  const court = actor.courtId === undefined ? '' : ` of court ${actor.courtId}`;
  return `${actor.role} ${actor.userId}${court}`;
}

/** Returns why `actor` may not send `type` on this case, or null when allowed. */
export function authorizationFailure(
  context: CaseContext,
  type: CaseEventType,
  actor: CaseActor,
): string | null {
  const permit = PERMITS[type];
  if (permit.system && actor.role === 'system') return null;
  if (actor.role === 'party') {
    const isFiler = actor.userId === context.filerId;
    if (permit.filer && isFiler) return null;
    if (permit.otherParty && !isFiler) return null;
  }
  const courtRoles: readonly CaseRole[] = permit.court ?? [];
  if (courtRoles.includes(actor.role)) {
    if (actor.courtId === context.courtId) return null;
    const where = actor.courtId === undefined ? 'is not attached to a court' : 'belongs to another court';
    return `${type} requires ${describePermit(permit, context.courtId)}; ${describeActor(actor)} ${where}`;
  }
  return `${type} may only be sent by ${describePermit(permit, context.courtId)}, not by ${describeActor(actor)}`;
}
