import { assign, initialTransition, setup, transition } from 'xstate';
import type { HearingKind, HearingRole, SessionState } from './hearingTypes.js';
import { isInstant } from '../rules/periods.js';
import { HEARING_ROLES, isHostRole } from './participantRules.js';

/**
 * The video session of one hearing or mediation:
 *
 *   scheduled -OPEN-> open -START-> inSession <-PAUSE/RESUME-> paused
 *   inSession | paused -SUSPEND-> suspended -RESUME-> inSession
 *   inSession -HOST_DROPPED-> paused   (HOST_RETURNED only clears the flag)
 *   any but closed -CLOSE-> closed     (final)
 *
 * Pure: the machine never reads a clock, every event carries its own `at`.
 */

export const SESSION_STATES = [
  'scheduled',
  'open',
  'inSession',
  'paused',
  'suspended',
  'closed',
] as const satisfies readonly SessionState[];

export interface SessionActor {
  userId: string;
  role: HearingRole | 'system';
  /** Set by the signalling layer for the presiding judge or the mediator; checked against the role. */
  isHost: boolean;
}

interface Envelope {
  actor: SessionActor;
  /** ISO 8601 instant with an offset. */
  at: string;
}

export type SessionEvent = Envelope &
  (
    | { type: 'OPEN' }
    | { type: 'START' }
    | { type: 'PAUSE' }
    | { type: 'RESUME' }
    | { type: 'SUSPEND' }
    | { type: 'CLOSE' }
    | { type: 'HOST_DROPPED' }
    | { type: 'HOST_RETURNED' }
  );

export type SessionEventType = SessionEvent['type'];

export const SESSION_EVENT_TYPES = [
  'OPEN',
  'START',
  'PAUSE',
  'RESUME',
  'SUSPEND',
  'CLOSE',
  'HOST_DROPPED',
  'HOST_RETURNED',
] as const satisfies readonly SessionEventType[];

// Fail to compile if a state or an event type is missing from the lists above.
type MissingState = Exclude<SessionState, (typeof SESSION_STATES)[number]>;
type MissingEventType = Exclude<SessionEventType, (typeof SESSION_EVENT_TYPES)[number]>;
const _allStatesListed: MissingState extends never ? true : false = true;
const _allEventTypesListed: MissingEventType extends never ? true : false = true;
void _allStatesListed;
void _allEventTypesListed;

/** Plain JSON only: it is persisted as is. Optional keys are omitted, never `undefined`. */
export interface SessionContext {
  hearingId: string;
  kind: HearingKind;
  /** When the host first started the session; a later RESUME does not move it. */
  startedAt?: string;
  closedAt?: string;
  /** The session is paused (or was suspended while paused) because the host's connection dropped. */
  pausedByHostDrop: boolean;
  /** Every state the session entered, the initial `scheduled` included. */
  history: { state: SessionState; at: string }[];
}

export interface SessionInput {
  hearingId: string;
  kind: HearingKind;
  at: string;
}

/** The stored form: our own shape, so a stored session survives xstate upgrades. */
export type SessionSnapshotJson = { schemaVersion: 1; state: SessionState; context: SessionContext };

export type SessionErrorCode = 'FORBIDDEN' | 'INVALID_STATE';

export interface SessionError {
  code: SessionErrorCode;
  message: string;
}

export type SessionResult = { ok: true; snapshot: SessionSnapshotJson } | { ok: false; error: SessionError };

/** Who may send an event: the host, the system (signalling layer, media monitor), or anyone present. */
export interface SessionPermit {
  host?: true;
  system?: true;
  /** Any participant or the system: the first one to join opens the waiting room. */
  anyone?: true;
}

export const SESSION_PERMITS: Readonly<Record<SessionEventType, SessionPermit>> = {
  OPEN: { anyone: true },
  // The judge (or mediator) stays in control of the proceedings.
  START: { host: true },
  PAUSE: { host: true },
  RESUME: { host: true },
  // A technical problem may be declared by the host or detected by the system.
  SUSPEND: { host: true, system: true },
  CLOSE: { host: true, system: true },
  // Reported by the signalling layer when the host's connection drops or comes back.
  HOST_DROPPED: { system: true },
  HOST_RETURNED: { system: true },
};

const KINDS: readonly HearingKind[] = ['hearing', 'mediation'];
const ACTOR_ROLES: readonly (HearingRole | 'system')[] = [...HEARING_ROLES, 'system'];

/** The host is the judge of a hearing or the mediator of a mediation, and must be flagged as host. */
function actsAsHost(kind: HearingKind, actor: SessionActor): boolean {
  return actor.isHost === true && actor.role !== 'system' && isHostRole(kind, actor.role);
}

function describePermit(kind: HearingKind, permit: SessionPermit): string {
  if (permit.anyone) return 'anyone';
  const who: string[] = [];
  if (permit.host) who.push(`the host (${kind === 'hearing' ? 'the presiding judge' : 'the mediator'})`);
  if (permit.system) who.push('the system');
  return who.join(' or ');
}

/** Why `actor` may not send `type` in a session of this kind, or null when allowed. */
export function sessionAuthorizationFailure(
  kind: HearingKind,
  type: SessionEventType,
  actor: SessionActor,
): string | null {
  const permit = SESSION_PERMITS[type];
  if (permit.anyone) return null;
  if (permit.system && actor.role === 'system') return null;
  if (permit.host && actsAsHost(kind, actor)) return null;
  const claim = actor.isHost ? ' (flagged as host)' : '';
  return `${type} may only be sent by ${describePermit(kind, permit)}, not by ${actor.role} ${actor.userId}${claim}`;
}

/** Conditions beyond the state itself, or null when met. */
function preconditionFailure(context: SessionContext, type: SessionEventType): string | null {
  if (type === 'HOST_RETURNED' && !context.pausedByHostDrop) {
    return 'HOST_RETURNED: the session is not paused by a host drop';
  }
  return null;
}

function permitted(context: SessionContext, event: SessionEvent): boolean {
  return (
    preconditionFailure(context, event.type) === null &&
    sessionAuthorizationFailure(context.kind, event.type, event.actor) === null
  );
}

function entered(context: SessionContext, event: SessionEvent, state: SessionState): SessionContext {
  const next: SessionContext = {
    ...context,
    history: [...context.history, { state, at: event.at }],
    // Only a drop sets the flag; a suspension while paused by a drop keeps it;
    // the host resuming, pausing or closing settles it.
    pausedByHostDrop: event.type === 'HOST_DROPPED' || (event.type === 'SUSPEND' && context.pausedByHostDrop),
  };
  if (event.type === 'START') next.startedAt = event.at;
  if (state === 'closed') next.closedAt = event.at;
  return next;
}

const step = <T extends SessionState>(target: T) =>
  ({ target, guard: 'permitted', actions: { type: 'enter', params: { state: target } } }) as const;

const closable = { CLOSE: step('closed') } as const;

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
  },
  guards: {
    permitted: ({ context, event }) => permitted(context, event),
  },
  actions: {
    enter: assign(({ context, event }, params: { state: SessionState }) => entered(context, event, params.state)),
    clearHostDrop: assign({ pausedByHostDrop: false }),
  },
}).createMachine({
  id: 'hearingSession',
  initial: 'scheduled',
  context: ({ input }) => ({
    hearingId: input.hearingId,
    kind: input.kind,
    pausedByHostDrop: false,
    history: [{ state: 'scheduled', at: input.at }],
  }),
  states: {
    scheduled: { on: { OPEN: step('open'), ...closable } },
    // The waiting room is active; the host admits people, then starts.
    open: { on: { START: step('inSession'), ...closable } },
    inSession: {
      on: {
        PAUSE: step('paused'),
        SUSPEND: step('suspended'),
        HOST_DROPPED: step('paused'),
        ...closable,
      },
    },
    paused: {
      on: {
        RESUME: step('inSession'),
        SUSPEND: step('suspended'),
        // No automatic resumption: the returning host decides when to go on.
        HOST_RETURNED: { guard: 'permitted', actions: 'clearHostDrop' },
        ...closable,
      },
    },
    suspended: {
      on: {
        RESUME: step('inSession'),
        HOST_RETURNED: { guard: 'permitted', actions: 'clearHostDrop' },
        ...closable,
      },
    },
    closed: { type: 'final' },
  },
});

type MachineSnapshot = ReturnType<typeof sessionMachine.resolveState>;

function toJson(snapshot: MachineSnapshot): SessionSnapshotJson {
  // A deep copy, so a caller editing the result cannot reach into xstate's snapshot.
  return { schemaVersion: 1, state: snapshot.value as SessionState, context: structuredClone(snapshot.context) };
}

function contextProblem(context: unknown): string | null {
  if (typeof context !== 'object' || context === null) return 'has no context';
  const c = context as Partial<Record<keyof SessionContext, unknown>>;
  if (typeof c.hearingId !== 'string' || c.hearingId === '') return 'has no hearingId';
  if (!KINDS.includes(c.kind as HearingKind)) return `has unknown kind ${String(c.kind)}`;
  if (typeof c.pausedByHostDrop !== 'boolean') return 'has no pausedByHostDrop flag';
  if (!Array.isArray(c.history)) return 'has no history';
  return null;
}

/** Reads a stored snapshot; throws on data that no version of this module wrote. */
export function sessionStateOf(json: SessionSnapshotJson): SessionState {
  if (json?.schemaVersion !== 1) throw new TypeError('Unknown session snapshot schema version');
  if (!(SESSION_STATES as readonly string[]).includes(json.state)) {
    throw new TypeError(`Stored session snapshot has unknown state ${String(json.state)}`);
  }
  const problem = contextProblem(json.context);
  if (problem !== null) throw new TypeError(`Stored session snapshot ${problem}`);
  return json.state;
}

function restore(json: SessionSnapshotJson): MachineSnapshot {
  const state = sessionStateOf(json);
  return sessionMachine.resolveState({ value: state, context: structuredClone(json.context) });
}

/** Event types the machine handles in `state`, whatever the guards say. */
function handledIn(state: SessionState): SessionEventType[] {
  const own = new Set<string>(sessionMachine.root.states[state]?.ownEvents ?? []);
  return SESSION_EVENT_TYPES.filter((type) => own.has(type));
}

/** A malformed event is a bug in the caller (the signalling layer builds every event), not a refusal. */
function assertWellFormed(event: unknown): asserts event is SessionEvent {
  if (typeof event !== 'object' || event === null) throw new TypeError('A session event must be an object');
  const { type, actor, at } = event as Partial<SessionEvent>;
  if (typeof type !== 'string' || !(SESSION_EVENT_TYPES as readonly string[]).includes(type)) {
    throw new TypeError(`Unknown session event type ${String(type)}`);
  }
  if (typeof actor !== 'object' || actor === null) throw new TypeError(`${type}: the event has no actor`);
  if (typeof actor.userId !== 'string' || actor.userId === '') throw new TypeError(`${type}: the actor has no userId`);
  if (!ACTOR_ROLES.includes(actor.role)) throw new TypeError(`${type}: unknown actor role ${String(actor.role)}`);
  if (typeof actor.isHost !== 'boolean') throw new TypeError(`${type}: the actor's isHost must be a boolean`);
  if (!isInstant(at)) throw new TypeError(`${type}: at must be an ISO instant with an offset`);
}

export function createSession(input: SessionInput): SessionSnapshotJson {
  if (typeof input.hearingId !== 'string' || input.hearingId.trim() === '') {
    throw new TypeError('createSession: hearingId is required');
  }
  if (!KINDS.includes(input.kind)) throw new TypeError(`createSession: unknown kind ${String(input.kind)}`);
  if (!isInstant(input.at)) throw new TypeError('createSession: at must be an ISO instant with an offset');
  const [snapshot] = initialTransition(sessionMachine, { hearingId: input.hearingId, kind: input.kind, at: input.at });
  return toJson(snapshot);
}

/**
 * The one way to change a session. Every event is either applied or refused,
 * never dropped: INVALID_STATE when the session cannot take it now (checked
 * first, so anything after CLOSE is INVALID_STATE whoever sends it),
 * FORBIDDEN when the actor may not send it. Throws on a corrupt snapshot or a
 * malformed event. The stored snapshot passed in is never modified.
 */
export function applySessionEvent(s: SessionSnapshotJson, e: SessionEvent): SessionResult {
  const current = restore(s);
  assertWellFormed(e);
  const state = current.value as SessionState;
  if (!handledIn(state).includes(e.type)) {
    return { ok: false, error: { code: 'INVALID_STATE', message: `Cannot ${e.type} a session that is ${state}` } };
  }
  const unmet = preconditionFailure(current.context, e.type);
  if (unmet !== null) return { ok: false, error: { code: 'INVALID_STATE', message: unmet } };
  const forbidden = sessionAuthorizationFailure(current.context.kind, e.type, e.actor);
  if (forbidden !== null) return { ok: false, error: { code: 'FORBIDDEN', message: forbidden } };
  const [next] = transition(sessionMachine, current, e);
  if (next === current || next.status === 'error') {
    // Unreachable while the chart and the checks agree; kept so a drift shows up as an error.
    return { ok: false, error: { code: 'INVALID_STATE', message: `Cannot ${e.type} a session that is ${state}` } };
  }
  return { ok: true, snapshot: toJson(next) };
}

/** Event types `actor` may send now, e.g. to enable the host's session controls. */
export function allowedSessionEvents(s: SessionSnapshotJson, actor: SessionActor): SessionEventType[] {
  const current = restore(s);
  return handledIn(current.value as SessionState).filter(
    (type) =>
      preconditionFailure(current.context, type) === null &&
      sessionAuthorizationFailure(current.context.kind, type, actor) === null,
  );
}
