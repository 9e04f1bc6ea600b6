import { initialTransition, transition } from 'xstate';
import type { HolidayCalendar } from '../rules/periods.js';
import { caseMachine } from './caseChart.js';
import { authorizationFailure } from './casePermits.js';
import { CASE_EVENT_TYPES, CASE_STATUSES } from './caseTypes.js';
import type {
  CaseActor,
  CaseContext,
  CaseEvent,
  CaseEventType,
  CaseInput,
  CaseRole,
  CaseSnapshotJson,
  CaseStatus,
  CaseTransitionResult,
} from './caseTypes.js';
import { isInstant } from '../rules/periods.js';
import { dataFailure } from './caseValidation.js';
import { procedureFailure } from './procedureRules.js';

export { caseMachine } from './caseChart.js';
export { PERMITS } from './casePermits.js';
export { PERIODS } from './caseRecord.js';
export * from './procedureRules.js';
export { CASE_EVENT_TYPES, CASE_STATUSES, SYSTEM_ACTOR } from './caseTypes.js';
export type * from './caseTypes.js';

type MachineSnapshot = ReturnType<typeof caseMachine.resolveState>;

const ROLES: readonly CaseRole[] = ['party', 'clerk', 'judge', 'mediator', 'admin', 'system'];

function toResult(snapshot: MachineSnapshot): { snapshot: CaseSnapshotJson; status: CaseStatus; context: CaseContext } {
  const status = snapshot.value as CaseStatus;
  // A deep copy, so a caller editing the returned context cannot reach into xstate's snapshot.
  const context = structuredClone(snapshot.context);
  return { snapshot: { schemaVersion: 1, status, context }, status, context };
}

/** Reads a stored snapshot; throws on data that no version of this module wrote. */
function restore(json: CaseSnapshotJson): MachineSnapshot {
  const status = caseStatusOf(json);
  if (typeof json.context !== 'object' || json.context === null) {
    throw new TypeError('Stored case snapshot has no context');
  }
  return caseMachine.resolveState({ value: status, context: structuredClone(json.context) });
}

/** Event types the machine handles in `status`, whatever the guards say. */
function handledIn(status: CaseStatus): CaseEventType[] {
  const node = caseMachine.root.states[status];
  const own = new Set<string>(node?.ownEvents ?? []);
  return CASE_EVENT_TYPES.filter((type) => own.has(type));
}

export function createCase(
  input: CaseInput & { calendar: HolidayCalendar },
): { snapshot: CaseSnapshotJson; status: CaseStatus; context: CaseContext } {
  for (const key of ['caseId', 'courtId', 'filerId'] as const) {
    if (typeof input[key] !== 'string' || input[key].trim() === '') throw new TypeError(`createCase: ${key} is required`);
  }
  if (!isInstant(input.at)) throw new TypeError('createCase: at must be an ISO instant with an offset');
  // The calendar is accepted for symmetry: no period starts while a case is a draft.
  const [snapshot] = initialTransition(caseMachine, {
    caseId: input.caseId,
    courtId: input.courtId,
    filerId: input.filerId,
    at: input.at,
  });
  return toResult(snapshot);
}

export function caseStatusOf(snapshot: CaseSnapshotJson): CaseStatus {
  if (snapshot?.schemaVersion !== 1) throw new TypeError('Unknown case snapshot schema version');
  const status = snapshot.status;
  // `submitted` is transient and is never stored.
  if (!(CASE_STATUSES as readonly string[]).includes(status) || status === 'submitted') {
    throw new TypeError(`Stored case snapshot has unknown status ${String(status)}`);
  }
  return status;
}

function envelopeFailure(event: unknown): string | null {
  if (typeof event !== 'object' || event === null) return 'an event must be an object';
  const { type, actor, at } = event as Partial<CaseEvent>;
  if (typeof type !== 'string' || !(CASE_EVENT_TYPES as readonly string[]).includes(type)) {
    return `unknown case event type ${String(type)}`;
  }
  if (typeof actor !== 'object' || actor === null) return 'the event has no actor';
  if (typeof actor.userId !== 'string' || actor.userId === '') return 'the actor has no userId';
  if (!ROLES.includes(actor.role)) return `unknown actor role ${String(actor.role)}`;
  if (actor.courtId !== undefined && typeof actor.courtId !== 'string') return 'the actor courtId must be a string';
  if (!isInstant(at)) return 'at must be an ISO instant with an offset';
  return null;
}

/**
 * The one way to change a case. Refusals are reported, never swallowed:
 * INVALID_STATE when the status does not take this event at all, FORBIDDEN when
 * the actor may not send it, INVALID_EVENT when its data is unacceptable.
 */
export function applyCaseEvent(
  stored: CaseSnapshotJson,
  event: CaseEvent,
  calendar: HolidayCalendar,
): CaseTransitionResult {
  const current = restore(stored);
  const status = current.value as CaseStatus;
  const malformed = envelopeFailure(event);
  if (malformed !== null) return { ok: false, error: { code: 'INVALID_EVENT', message: malformed } };
  if (!handledIn(status).includes(event.type)) {
    return { ok: false, error: { code: 'INVALID_STATE', message: `Cannot ${event.type} a case in state ${status}` } };
  }
  const forbidden = authorizationFailure(current.context, event.type, event.actor);
  if (forbidden !== null) return { ok: false, error: { code: 'FORBIDDEN', message: forbidden } };
  const invalid = dataFailure(current.context, event);
  if (invalid !== null) {
    return { ok: false, error: { code: 'INVALID_EVENT', message: `Cannot ${event.type}: ${invalid}` } };
  }
  const unlawful = procedureFailure(current.context, event, calendar);
  if (unlawful !== null) {
    return { ok: false, error: { code: 'INVALID_STATE', message: unlawful.message, rule: { code: unlawful.code, details: unlawful.details } } };
  }
  const [next] = transition(caseMachine, current, { ...event, calendar });
  if (next === current || next.status === 'error') {
    // Unreachable while the chart and the checks agree; kept so a drift shows up as an error.
    return { ok: false, error: { code: 'INVALID_STATE', message: `Cannot ${event.type} a case in state ${status}` } };
  }
  return { ok: true, ...toResult(next) };
}

/**
 * Event types `actor` may send now, for building UIs. Data-dependent checks are
 * skipped, except that with `at` the deadline-expiry events are only listed once
 * their deadline has passed.
 */
export function allowedEventTypes(
  stored: CaseSnapshotJson,
  actor: CaseActor,
  _calendar: HolidayCalendar,
  at?: string,
): CaseEventType[] {
  const current = restore(stored);
  const context = current.context;
  return handledIn(current.value as CaseStatus).filter((type) => {
    if (authorizationFailure(context, type, actor) !== null) return false;
    if (at === undefined || !isInstant(at)) return true;
    if (type === 'ANSWER_PERIOD_EXPIRED' || type === 'FEE_PERIOD_EXPIRED' || type === 'CORRECTION_PERIOD_EXPIRED') {
      return dataFailure(context, { type, actor, at }) === null;
    }
    return true;
  });
}
