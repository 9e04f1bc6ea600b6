/**
 * The words of a hearing, defined once: the server, the signalling protocol
 * (protocol/hearing.ts re-exports them) and the client all speak these.
 * Each list is a const array so that validators can be built from it
 * (z.enum(HEARING_ROLES)) and the type is derived from the list, never restated.
 */

/** A court hearing (presided by a judge) or a mediation (hosted by a mediator). */
export const HEARING_KINDS = ['hearing', 'mediation'] as const;
export type HearingKind = (typeof HEARING_KINDS)[number];

export const HEARING_ROLES = [
  'judge',
  'clerk',
  'mediator',
  'party',
  'representative',
  'witness',
  'interpreter',
  'observer',
] as const;
export type HearingRole = (typeof HEARING_ROLES)[number];

export const SIDES = ['plaintiff', 'defendant'] as const;
export type Side = (typeof SIDES)[number];

/** scheduled -> open (waiting room active) -> inSession <-> paused; inSession -> suspended -> inSession; any -> closed. */
export const SESSION_STATES = ['scheduled', 'open', 'inSession', 'paused', 'suspended', 'closed'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const PARTICIPANT_STATUSES = ['absent', 'waiting', 'admitted', 'inCaucus', 'disconnected'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

/** 'joint' or the caucus room of one side, e.g. 'caucus:plaintiff'. */
export type RoomName = 'joint' | `caucus:${Side}`;
export const ROOM_NAMES = ['joint', 'caucus:plaintiff', 'caucus:defendant'] as const satisfies readonly RoomName[];
// Fail to compile if a side gains no caucus room in the list above.
const _everyRoomListed: Exclude<RoomName, (typeof ROOM_NAMES)[number]> extends never ? true : false = true;
void _everyRoomListed;

export const MEDIA_KINDS = ['audio', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
