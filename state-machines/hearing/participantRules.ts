import type { HearingKind, HearingRole, ParticipantStatus, RoomName, SessionState, Side } from './hearingTypes.js';
import { SIDES } from './hearingTypes.js';

/**
 * Who may do what inside a hearing room, as pure functions: the signalling
 * layer asks these before it touches a participant, a room or a media stream.
 */

// The lists live with the types they define; kept reachable here for existing callers.
export { HEARING_ROLES, SIDES } from './hearingTypes.js';

export const CONTROL_ACTIONS = [
  'admit',
  'dismiss',
  'mute',
  'unlock',
  'remove',
  'session',
  'lowerAllHands',
  'move',
] as const;

export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/** How long a dropped participant keeps its place in the room. */
export const RECONNECT_GRACE_MS = 30_000;

const HOST_ROLE: Readonly<Record<HearingKind, HearingRole>> = { hearing: 'judge', mediation: 'mediator' };

/** What the clerk may do for the judge in a court hearing; in a mediation the clerk has no controls. */
const CLERK_ASSISTS: readonly ControlAction[] = ['admit', 'dismiss', 'mute'];

/** The judge hosts a hearing, the mediator a mediation. */
export function isHostRole(kind: HearingKind, role: HearingRole | 'system'): boolean {
  return role === HOST_ROLE[kind];
}

export function canControl(kind: HearingKind, actorRole: HearingRole | 'system', action: ControlAction): boolean {
  // Moving people between caucus rooms only exists in a mediation.
  if (action === 'move' && kind !== 'mediation') return false;
  if (isHostRole(kind, actorRole)) return true;
  return kind === 'hearing' && actorRole === 'clerk' && CLERK_ASSISTS.includes(action);
}

/**
 * Rooms a participant may be in. A court hearing has only the joint room. In a
 * mediation the mediator visits every caucus, and a party or its representative
 * may meet the mediator in its own side's caucus, never in the other side's.
 * Everyone else (witnesses, interpreters, observers, a party with no side) stays joint.
 * Returns a fresh array.
 */
export function allowedRooms(kind: HearingKind, role: HearingRole, side?: Side): RoomName[] {
  if (kind !== 'mediation') return ['joint'];
  if (role === 'mediator') return ['joint', ...SIDES.map((s): RoomName => `caucus:${s}`)];
  if ((role === 'party' || role === 'representative') && side !== undefined && SIDES.includes(side)) {
    return ['joint', `caucus:${side}`];
  }
  return ['joint'];
}

export function canMoveTo(kind: HearingKind, role: HearingRole, side: Side | undefined, room: RoomName): boolean {
  return allowedRooms(kind, role, side).includes(room);
}

/**
 * Whether media may flow to and from a participant: only once admitted to the
 * joint room or a caucus, and never after the session closed. A participant in
 * the waiting room neither sends nor receives anything.
 */
export function mayReceiveMedia(status: ParticipantStatus, session: SessionState): boolean {
  if (session === 'closed') return false;
  return status === 'admitted' || status === 'inCaucus';
}

/**
 * Where a participant lands when it comes back after a disconnection.
 * Within the grace period (inclusive: back after exactly RECONNECT_GRACE_MS
 * still counts) it gets its previous place back; after it, it waits to be
 * admitted again. The host never waits: outside the grace period, or when it
 * had no place, it is admitted. A clock running backwards counts as within the
 * grace period; an unreadable time (NaN) as outside it.
 */
export function reconnectOutcome(
  disconnectedAt: number,
  now: number,
  previous: ParticipantStatus,
  isHost = false,
): ParticipantStatus {
  const withinGrace = now - disconnectedAt <= RECONNECT_GRACE_MS;
  const hadPlace = previous === 'admitted' || previous === 'inCaucus';
  if (withinGrace && hadPlace) return previous;
  return isHost ? 'admitted' : 'waiting';
}
