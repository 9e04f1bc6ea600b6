import { assign, setup, transition } from 'xstate';
import type { HearingKind, HearingRole, ParticipantStatus, RoomName, Side } from './hearingTypes.js';
import { canMoveTo, isHostRole, reconnectOutcome } from './participantRules.js';

/**
 * Where one participant of a live session stands:
 *
 *   absent -JOIN-> waiting | admitted (the host and the clerk never wait)
 *   waiting -ADMIT-> admitted | inCaucus (by the room the host put it in)
 *   admitted | inCaucus -DISMISS-> waiting
 *   admitted | inCaucus -HOST_DROPPED-> waiting (held) -HOST_RETURNED-> its place again
 *   admitted <-MOVE-> inCaucus
 *   present -DISCONNECT-> disconnected -JOIN-> its place within the grace period, else waiting
 *   disconnected -GRACE_EXPIRED-> absent
 *   any -REMOVE-> absent (back only through the waiting room)
 *
 * The session applies every status change through here, as it applies the
 * session's own through sessionMachine.ts. Pure: the machine never reads a
 * clock, JOIN and DISCONNECT carry their own time (epoch milliseconds).
 */

export const PARTICIPANT_STATUSES = [
  'absent',
  'waiting',
  'admitted',
  'inCaucus',
  'disconnected',
] as const satisfies readonly ParticipantStatus[];

// Fail to compile if the protocol gains a status that is not listed here.
type MissingStatus = Exclude<ParticipantStatus, (typeof PARTICIPANT_STATUSES)[number]>;
const _allStatusesListed: MissingStatus extends never ? true : false = true;
void _allStatusesListed;

export type ParticipantEvent =
  /** A socket of this participant joined: first arrival, a reconnection, or one more socket. */
  | { type: 'JOIN'; at: number }
  /** The participant's last socket went away. */
  | { type: 'DISCONNECT'; at: number }
  | { type: 'GRACE_EXPIRED' }
  | { type: 'ADMIT' }
  | { type: 'DISMISS' }
  /** Takes away a place held for the host's return; a dismissal does this even when it is refused. */
  | { type: 'RELEASE_HOLD' }
  | { type: 'REMOVE' }
  | { type: 'MOVE'; room: RoomName }
  | { type: 'HOST_DROPPED' }
  | { type: 'HOST_RETURNED' };

export type ParticipantEventType = ParticipantEvent['type'];

/** Plain data; optional keys are omitted, never `undefined`. */
export interface ParticipantContext {
  kind: HearingKind;
  role: HearingRole;
  side?: Side;
  room: RoomName;
  /** The status before the last disconnection or host drop: the place a return gives back. */
  previous?: ParticipantStatus;
  disconnectedAt?: number;
  /** Sent to the waiting room because the host dropped; re-admitted when the host returns. */
  heldForHost: boolean;
}

export interface ParticipantSnapshot {
  status: ParticipantStatus;
  context: ParticipantContext;
}

export type ParticipantErrorCode = 'NOT_WAITING' | 'NOT_IN_ROOM' | 'NO_CAUCUS' | 'ROOM_NOT_ALLOWED' | 'INVALID_STATE';

export type ParticipantResult =
  | { ok: true; snapshot: ParticipantSnapshot }
  | { ok: false; error: { code: ParticipantErrorCode; message: string } };

export interface ParticipantInput {
  kind: HearingKind;
  role: HearingRole;
  side?: Side;
}

type Ctx = ParticipantContext;
type Of<T extends ParticipantEventType> = Extract<ParticipantEvent, { type: T }>;

/** The host and the clerk assisting it are court staff: they never wait to be admitted. */
const isStaff = (c: Ctx) => isHostRole(c.kind, c.role) || c.role === 'clerk';
const hadPlace = (s: ParticipantStatus | undefined) => s === 'admitted' || s === 'inCaucus';

/** xstate merges what an action assigns, so a key is cleared as `undefined` and dropped here. */
function compact(c: Ctx): Ctx {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as unknown as Ctx;
}

const participantMachine = setup({
  types: { context: {} as Ctx, events: {} as ParticipantEvent, input: {} as Ctx },
  guards: {
    staff: ({ context }) => isStaff(context),
    inJointRoom: ({ context }) => context.room === 'joint',
    heldForHost: ({ context }) => context.heldForHost,
    heldFromCaucus: ({ context }) => context.heldForHost && context.previous === 'inCaucus',
    hadPlace: ({ context }) => hadPlace(context.previous),
    movingToJoint: ({ event }) => (event as Of<'MOVE'>).room === 'joint',
    reconnectsTo: ({ context, event }, params: { status: ParticipantStatus }) =>
      reconnectOutcome(context.disconnectedAt ?? 0, (event as Of<'JOIN'>).at, context.previous ?? 'waiting', isHostRole(context.kind, context.role)) ===
      params.status,
  },
  actions: {
    remember: assign(({ context, event }, params: { status: ParticipantStatus }) => ({
      ...context,
      previous: params.status,
      ...(event.type === 'DISCONNECT' ? { disconnectedAt: event.at } : {}),
    })),
    hold: assign({ heldForHost: true }),
    release: assign({ heldForHost: false }),
    placeTakenAway: assign({ previous: 'waiting' as ParticipantStatus, heldForHost: false }),
    toRoom: assign({ room: ({ event }) => (event as Of<'MOVE'>).room }),
    forget: assign({ previous: undefined, heldForHost: false }),
    // Handled, and nothing changes: e.g. one more socket of someone present.
    stay: () => undefined,
  },
}).createMachine({
  id: 'hearingParticipant',
  initial: 'absent',
  context: ({ input }) => input,
  // Handled the same in every status; a status below may handle them its own way.
  on: {
    REMOVE: { target: '.absent', actions: 'forget' },
    RELEASE_HOLD: { actions: 'release' },
    // Moving someone without a place only changes the room it will be admitted to.
    MOVE: { actions: 'toRoom' },
    HOST_DROPPED: { actions: 'stay' },
    HOST_RETURNED: { actions: 'stay' },
  },
  states: {
    absent: {
      on: { JOIN: [{ target: 'admitted', guard: 'staff' }, { target: 'waiting' }] },
    },
    waiting: {
      on: {
        JOIN: { actions: 'stay' },
        DISCONNECT: { target: 'disconnected', actions: { type: 'remember', params: { status: 'waiting' } } },
        ADMIT: [{ target: 'admitted', guard: 'inJointRoom' }, { target: 'inCaucus' }],
        // Back to the place it was held from (an admission since then leaves the hold set, as it always did).
        HOST_RETURNED: [
          { target: 'inCaucus', guard: 'heldFromCaucus', actions: 'release' },
          { target: 'admitted', guard: 'heldForHost', actions: 'release' },
          { actions: 'stay' },
        ],
      },
    },
    admitted: {
      on: {
        JOIN: { actions: 'stay' },
        DISCONNECT: { target: 'disconnected', actions: { type: 'remember', params: { status: 'admitted' } } },
        DISMISS: { target: 'waiting', actions: 'release' },
        HOST_DROPPED: { target: 'waiting', actions: [{ type: 'remember', params: { status: 'admitted' } }, 'hold'] },
        MOVE: [{ target: 'admitted', guard: 'movingToJoint', actions: 'toRoom' }, { target: 'inCaucus', actions: 'toRoom' }],
      },
    },
    inCaucus: {
      on: {
        JOIN: { actions: 'stay' },
        DISCONNECT: { target: 'disconnected', actions: { type: 'remember', params: { status: 'inCaucus' } } },
        DISMISS: { target: 'waiting', actions: 'release' },
        HOST_DROPPED: { target: 'waiting', actions: [{ type: 'remember', params: { status: 'inCaucus' } }, 'hold'] },
        MOVE: [{ target: 'admitted', guard: 'movingToJoint', actions: 'toRoom' }, { target: 'inCaucus', actions: 'toRoom' }],
      },
    },
    disconnected: {
      on: {
        JOIN: [
          { target: 'admitted', guard: { type: 'reconnectsTo', params: { status: 'admitted' } } },
          { target: 'inCaucus', guard: { type: 'reconnectsTo', params: { status: 'inCaucus' } } },
          { target: 'waiting' },
        ],
        GRACE_EXPIRED: { target: 'absent' },
        // Dropped with a place kept: the dismissal takes that place away, so a reconnect lands in the waiting room.
        DISMISS: { guard: 'hadPlace', actions: 'placeTakenAway' },
      },
    },
  },
});

export function createParticipant(input: ParticipantInput): ParticipantSnapshot {
  return {
    status: 'absent',
    context: { kind: input.kind, role: input.role, ...(input.side ? { side: input.side } : {}), room: 'joint', heldForHost: false },
  };
}

/** Why the event cannot be applied now, or null: the checks that carry a code the host sees. */
function refusal(s: ParticipantSnapshot, e: ParticipantEvent): { code: ParticipantErrorCode; message: string } | null {
  switch (e.type) {
    case 'ADMIT':
      return s.status === 'waiting' ? null : { code: 'NOT_WAITING', message: 'That participant is not in the waiting room.' };
    case 'DISMISS': {
      const inRoom = hadPlace(s.status) || (s.status === 'disconnected' && hadPlace(s.context.previous));
      return inRoom ? null : { code: 'NOT_IN_ROOM', message: 'That participant is not in the room.' };
    }
    case 'MOVE':
      if (s.context.kind !== 'mediation') return { code: 'NO_CAUCUS', message: 'Only a mediation has caucus rooms.' };
      if (!canMoveTo(s.context.kind, s.context.role, s.context.side, e.room)) {
        return { code: 'ROOM_NOT_ALLOWED', message: 'That participant may not enter that room.' };
      }
      return null;
    default:
      return null;
  }
}

/**
 * The one way to change a participant's status. An event is applied, or
 * refused with a code (NOT_WAITING, NOT_IN_ROOM, NO_CAUCUS, ROOM_NOT_ALLOWED,
 * or INVALID_STATE when the status does not take it at all, e.g. GRACE_EXPIRED
 * for someone present). Some events change nothing in some statuses (JOIN of
 * one more socket, HOST_DROPPED for someone without a place): the same
 * snapshot comes back. The snapshot passed in is never modified.
 */
export function applyParticipantEvent(s: ParticipantSnapshot, e: ParticipantEvent): ParticipantResult {
  const refused = refusal(s, e);
  if (refused) return { ok: false, error: refused };
  // Moving to the room one is in changes nothing.
  if (e.type === 'MOVE' && e.room === s.context.room) return { ok: true, snapshot: s };
  if (!handledIn(s.status).has(e.type)) {
    return { ok: false, error: { code: 'INVALID_STATE', message: `A participant who is ${s.status} cannot ${e.type}` } };
  }
  const current = participantMachine.resolveState({ value: s.status, context: { ...s.context } });
  const [next] = transition(participantMachine, current, e);
  if (next.status === 'error') throw new Error(`participant machine failed on ${e.type} in ${s.status}`);
  return { ok: true, snapshot: { status: next.value as ParticipantStatus, context: compact(next.context) } };
}

/** Event types a participant in `status` takes, whatever the guards say. */
export function handledIn(status: ParticipantStatus): ReadonlySet<ParticipantEventType> {
  return HANDLED[status];
}

const handledByChart = (status: ParticipantStatus): ReadonlySet<ParticipantEventType> =>
  new Set([...participantMachine.root.ownEvents, ...(participantMachine.root.states[status]?.ownEvents ?? [])] as ParticipantEventType[]);

const HANDLED: Readonly<Record<ParticipantStatus, ReadonlySet<ParticipantEventType>>> = {
  absent: handledByChart('absent'),
  waiting: handledByChart('waiting'),
  admitted: handledByChart('admitted'),
  inCaucus: handledByChart('inCaucus'),
  disconnected: handledByChart('disconnected'),
};
