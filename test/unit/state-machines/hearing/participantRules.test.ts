import { describe, expect, it } from 'vitest';
import {
  CONTROL_ACTIONS,
  HEARING_ROLES,
  RECONNECT_GRACE_MS,
  SIDES,
  allowedRooms,
  canControl,
  canMoveTo,
  isHostRole,
  mayReceiveMedia,
  reconnectOutcome,
} from '../../../../state-machines/hearing/participantRules.js';
import type { ControlAction } from '../../../../state-machines/hearing/participantRules.js';
import type {
  HearingKind,
  HearingRole,
  ParticipantStatus,
  RoomName,
  SessionState,
  Side,
} from '../../../../protocol/hearing.js';

const KINDS: HearingKind[] = ['hearing', 'mediation'];
const ROOMS: RoomName[] = ['joint', 'caucus:plaintiff', 'caucus:defendant'];
const STATUSES: ParticipantStatus[] = ['absent', 'waiting', 'admitted', 'inCaucus', 'disconnected'];
const SESSION_STATES: SessionState[] = ['scheduled', 'open', 'inSession', 'paused', 'suspended', 'closed'];

describe('isHostRole', () => {
  it.each(HEARING_ROLES)('%s hosts only its own kind of session', (role) => {
    expect(isHostRole('hearing', role)).toBe(role === 'judge');
    expect(isHostRole('mediation', role)).toBe(role === 'mediator');
  });

  it('never makes the system a host', () => {
    expect(isHostRole('hearing', 'system')).toBe(false);
    expect(isHostRole('mediation', 'system')).toBe(false);
  });
});

describe('canControl', () => {
  /** Written out by hand: every (kind, role) pair not listed controls nothing. */
  const EXPECTED: Partial<Record<HearingKind, Partial<Record<HearingRole, readonly ControlAction[]>>>> = {
    hearing: {
      judge: ['admit', 'dismiss', 'mute', 'unlock', 'remove', 'session', 'lowerAllHands'],
      clerk: ['admit', 'dismiss', 'mute'],
    },
    mediation: {
      mediator: ['admit', 'dismiss', 'mute', 'unlock', 'remove', 'session', 'lowerAllHands', 'move'],
    },
  };

  const cases = KINDS.flatMap((kind) => HEARING_ROLES.map((role) => [kind, role] as const));

  it.each(cases)('%s: %s', (kind, role) => {
    const allowed = EXPECTED[kind]?.[role] ?? [];
    for (const action of CONTROL_ACTIONS) {
      expect(canControl(kind, role, action), action).toBe(allowed.includes(action));
    }
  });

  it('lets the clerk assist the judge but not run the session, remove or unlock', () => {
    expect(canControl('hearing', 'clerk', 'admit')).toBe(true);
    expect(canControl('hearing', 'clerk', 'dismiss')).toBe(true);
    expect(canControl('hearing', 'clerk', 'mute')).toBe(true);
    expect(canControl('hearing', 'clerk', 'session')).toBe(false);
    expect(canControl('hearing', 'clerk', 'remove')).toBe(false);
    expect(canControl('hearing', 'clerk', 'unlock')).toBe(false);
  });

  it('has no room moves in a court hearing, not even for the judge', () => {
    expect(canControl('hearing', 'judge', 'move')).toBe(false);
    expect(canControl('mediation', 'mediator', 'move')).toBe(true);
  });

  it('gives a judge or a clerk no controls in a mediation, and the system none anywhere', () => {
    for (const action of CONTROL_ACTIONS) {
      expect(canControl('mediation', 'judge', action)).toBe(false);
      expect(canControl('mediation', 'clerk', action)).toBe(false);
      expect(canControl('hearing', 'system', action)).toBe(false);
      expect(canControl('mediation', 'system', action)).toBe(false);
    }
  });
});

describe('allowedRooms', () => {
  it('keeps everyone in the joint room of a court hearing, whatever the side', () => {
    for (const role of HEARING_ROLES) {
      expect(allowedRooms('hearing', role)).toStrictEqual(['joint']);
      for (const side of SIDES) expect(allowedRooms('hearing', role, side)).toStrictEqual(['joint']);
    }
  });

  it('lets the mediator into the joint room and every caucus', () => {
    expect(allowedRooms('mediation', 'mediator')).toStrictEqual(['joint', 'caucus:plaintiff', 'caucus:defendant']);
  });

  it.each([
    ['party', 'plaintiff', ['joint', 'caucus:plaintiff']],
    ['party', 'defendant', ['joint', 'caucus:defendant']],
    ['representative', 'plaintiff', ['joint', 'caucus:plaintiff']],
    ['representative', 'defendant', ['joint', 'caucus:defendant']],
  ] as const)('lets a %s of the %s side into its own caucus only', (role, side, rooms) => {
    expect(allowedRooms('mediation', role, side)).toStrictEqual(rooms);
  });

  it('keeps a party without a side, and every other role, in the joint room of a mediation', () => {
    expect(allowedRooms('mediation', 'party')).toStrictEqual(['joint']);
    expect(allowedRooms('mediation', 'representative')).toStrictEqual(['joint']);
    for (const role of ['judge', 'clerk', 'witness', 'interpreter', 'observer'] as const) {
      expect(allowedRooms('mediation', role)).toStrictEqual(['joint']);
      for (const side of SIDES) expect(allowedRooms('mediation', role, side)).toStrictEqual(['joint']);
    }
  });

  it('ignores a side that is not one', () => {
    expect(allowedRooms('mediation', 'party', 'appellant' as Side)).toStrictEqual(['joint']);
  });

  it('returns a fresh array each time', () => {
    const rooms = allowedRooms('mediation', 'mediator');
    rooms.pop();
    expect(allowedRooms('mediation', 'mediator')).toHaveLength(3);
  });
});

describe('canMoveTo', () => {
  it('never moves a plaintiff party or representative into the defendant caucus', () => {
    for (const kind of KINDS) {
      for (const role of ['party', 'representative'] as const) {
        expect(canMoveTo(kind, role, 'plaintiff', 'caucus:defendant')).toBe(false);
        expect(canMoveTo(kind, role, 'defendant', 'caucus:plaintiff')).toBe(false);
      }
    }
    expect(canMoveTo('mediation', 'party', 'plaintiff', 'caucus:plaintiff')).toBe(true);
    expect(canMoveTo('mediation', 'party', 'plaintiff', 'joint')).toBe(true);
  });

  it('keeps a witness in a mediation in the joint room, whichever side called it', () => {
    expect(canMoveTo('mediation', 'witness', undefined, 'joint')).toBe(true);
    for (const side of [undefined, ...SIDES]) {
      expect(canMoveTo('mediation', 'witness', side, 'caucus:plaintiff')).toBe(false);
      expect(canMoveTo('mediation', 'witness', side, 'caucus:defendant')).toBe(false);
    }
  });

  it('allows no caucus in a court hearing', () => {
    for (const role of HEARING_ROLES) {
      expect(canMoveTo('hearing', role, 'plaintiff', 'joint')).toBe(true);
      expect(canMoveTo('hearing', role, 'plaintiff', 'caucus:plaintiff')).toBe(false);
    }
  });

  it('agrees with allowedRooms for every combination', () => {
    for (const kind of KINDS) {
      for (const role of HEARING_ROLES) {
        for (const side of [undefined, ...SIDES]) {
          const rooms = allowedRooms(kind, role, side);
          for (const room of ROOMS) expect(canMoveTo(kind, role, side, room)).toBe(rooms.includes(room));
        }
      }
    }
  });

  it('refuses a room that does not exist', () => {
    expect(canMoveTo('mediation', 'mediator', undefined, 'caucus:appellant' as RoomName)).toBe(false);
  });
});

describe('mayReceiveMedia', () => {
  const cases = STATUSES.flatMap((status) => SESSION_STATES.map((session) => [status, session] as const));

  it.each(cases)('%s participant, %s session', (status, session) => {
    const expected = (status === 'admitted' || status === 'inCaucus') && session !== 'closed';
    expect(mayReceiveMedia(status, session)).toBe(expected);
  });

  it('gives a waiting participant nothing, even while the session runs', () => {
    expect(mayReceiveMedia('waiting', 'inSession')).toBe(false);
  });

  it('cuts everyone off once the session is closed', () => {
    expect(mayReceiveMedia('admitted', 'closed')).toBe(false);
    expect(mayReceiveMedia('inCaucus', 'closed')).toBe(false);
  });
});

describe('reconnectOutcome', () => {
  const dropped = 1_750_000_000_000;

  it('uses a 30 second grace period', () => {
    expect(RECONNECT_GRACE_MS).toBe(30_000);
  });

  it.each([
    [29_999, 'admitted', 'admitted'],
    [30_000, 'admitted', 'admitted'],
    [30_001, 'admitted', 'waiting'],
    [29_999, 'inCaucus', 'inCaucus'],
    [30_000, 'inCaucus', 'inCaucus'],
    [30_001, 'inCaucus', 'waiting'],
  ] as const)('after %i ms a participant that was %s becomes %s', (elapsed, previous, outcome) => {
    expect(reconnectOutcome(dropped, dropped + elapsed, previous)).toBe(outcome);
  });

  it('sends someone who was waiting or had no place back to the waiting room', () => {
    for (const previous of ['waiting', 'absent', 'disconnected'] as const) {
      expect(reconnectOutcome(dropped, dropped + 1, previous)).toBe('waiting');
      expect(reconnectOutcome(dropped, dropped + 60_000, previous)).toBe('waiting');
    }
  });

  it.each([29_999, 30_000, 30_001, 3_600_000])('always admits the host back, after %i ms', (elapsed) => {
    for (const previous of ['admitted', 'waiting', 'absent', 'disconnected'] as const) {
      expect(reconnectOutcome(dropped, dropped + elapsed, previous, true)).toBe('admitted');
    }
  });

  it('returns a mediator to its caucus within the grace period, and to the joint status after it', () => {
    expect(reconnectOutcome(dropped, dropped + 30_000, 'inCaucus', true)).toBe('inCaucus');
    expect(reconnectOutcome(dropped, dropped + 30_001, 'inCaucus', true)).toBe('admitted');
  });

  it('treats a clock running backwards as within the grace period and an unreadable time as after it', () => {
    expect(reconnectOutcome(dropped, dropped - 500, 'admitted')).toBe('admitted');
    expect(reconnectOutcome(Number.NaN, dropped, 'admitted')).toBe('waiting');
  });
});
