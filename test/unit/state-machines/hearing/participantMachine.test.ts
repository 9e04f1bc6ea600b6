import { describe, expect, it } from 'vitest';
import {
  PARTICIPANT_STATUSES,
  applyParticipantEvent,
  createParticipant,
  handledIn,
} from '../../../../state-machines/hearing/participantMachine.js';
import type {
  ParticipantEvent,
  ParticipantEventType,
  ParticipantInput,
  ParticipantSnapshot,
} from '../../../../state-machines/hearing/participantMachine.js';
import { HEARING_ROLES, RECONNECT_GRACE_MS } from '../../../../state-machines/hearing/participantRules.js';
import type { ParticipantStatus } from '../../../../protocol/hearing.js';

const T0 = Date.parse('2025-06-02T09:00:00+08:00');

const party: ParticipantInput = { kind: 'hearing', role: 'party', side: 'plaintiff' };
const mediationParty: ParticipantInput = { kind: 'mediation', role: 'party', side: 'plaintiff' };

/** Applies each event in turn; any refusal fails the test. */
function after(input: ParticipantInput, ...events: ParticipantEvent[]): ParticipantSnapshot {
  let s = createParticipant(input);
  for (const e of events) {
    const r = applyParticipantEvent(s, e);
    if (!r.ok) throw new Error(`${e.type} refused in ${s.status}: ${r.error.code}`);
    s = r.snapshot;
  }
  return s;
}

function apply(s: ParticipantSnapshot, e: ParticipantEvent): ParticipantSnapshot {
  const r = applyParticipantEvent(s, e);
  if (!r.ok) throw new Error(`${e.type} refused in ${s.status}: ${r.error.code}`);
  return r.snapshot;
}

function refusal(s: ParticipantSnapshot, e: ParticipantEvent): string {
  const r = applyParticipantEvent(s, e);
  if (r.ok) throw new Error(`${e.type} was applied in ${s.status}`);
  return r.error.code;
}

const join = (at = T0): ParticipantEvent => ({ type: 'JOIN', at });
const disconnect = (at = T0): ParticipantEvent => ({ type: 'DISCONNECT', at });

/** A plaintiff party of a mediation in each status (inCaucus: in its own caucus). */
function inStatus(status: ParticipantStatus): ParticipantSnapshot {
  switch (status) {
    case 'absent':
      return createParticipant(mediationParty);
    case 'waiting':
      return after(mediationParty, join());
    case 'admitted':
      return after(mediationParty, join(), { type: 'ADMIT' });
    case 'inCaucus':
      return after(mediationParty, join(), { type: 'ADMIT' }, { type: 'MOVE', room: 'caucus:plaintiff' });
    case 'disconnected':
      return after(mediationParty, join(), { type: 'ADMIT' }, disconnect());
  }
}

const EVENTS: ParticipantEvent[] = [
  join(),
  disconnect(),
  { type: 'GRACE_EXPIRED' },
  { type: 'ADMIT' },
  { type: 'DISMISS' },
  { type: 'RELEASE_HOLD' },
  { type: 'REMOVE' },
  { type: 'MOVE', room: 'caucus:plaintiff' },
  { type: 'HOST_DROPPED' },
  { type: 'HOST_RETURNED' },
];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('createParticipant', () => {
  it('starts absent in the joint room with nothing held', () => {
    expect(createParticipant(party)).toEqual({
      status: 'absent',
      context: { kind: 'hearing', role: 'party', side: 'plaintiff', room: 'joint', heldForHost: false },
    });
  });

  it('omits a missing side rather than storing undefined', () => {
    expect(Object.keys(createParticipant({ kind: 'hearing', role: 'witness' }).context)).not.toContain('side');
  });
});

describe('JOIN', () => {
  it.each(HEARING_ROLES)('a %s arriving waits unless it is the host or the clerk', (role) => {
    for (const kind of ['hearing', 'mediation'] as const) {
      const staff = role === 'clerk' || (kind === 'hearing' ? role === 'judge' : role === 'mediator');
      expect(after({ kind, role }, join()).status).toBe(staff ? 'admitted' : 'waiting');
    }
  });

  it.each(['waiting', 'admitted', 'inCaucus'] as const)('one more socket of someone %s changes nothing', (status) => {
    const s = inStatus(status);
    expect(apply(s, join())).toEqual(s);
  });

  it.each(['admitted', 'inCaucus'] as const)('a reconnection within the grace period (inclusive) gives the %s place back', (status) => {
    const dropped = apply(inStatus(status), disconnect(T0));
    expect(apply(dropped, join(T0 + RECONNECT_GRACE_MS)).status).toBe(status);
  });

  it('after the grace period a participant waits again, the host is admitted', () => {
    const late = T0 + RECONNECT_GRACE_MS + 1;
    expect(apply(apply(inStatus('admitted'), disconnect(T0)), join(late)).status).toBe('waiting');
    const host = after({ kind: 'mediation', role: 'mediator' }, join(), { type: 'MOVE', room: 'caucus:defendant' }, disconnect(T0));
    expect(host.context.previous).toBe('inCaucus');
    expect(apply(host, join(late)).status).toBe('admitted');
  });

  it('someone who dropped from the waiting room comes back to it, even within the grace period', () => {
    const dropped = apply(inStatus('waiting'), disconnect(T0));
    expect(apply(dropped, join(T0 + 1)).status).toBe('waiting');
  });
});

describe('DISCONNECT and GRACE_EXPIRED', () => {
  it.each(['waiting', 'admitted', 'inCaucus'] as const)('dropping from %s remembers the place and the time', (status) => {
    const s = apply(inStatus(status), disconnect(T0 + 5));
    expect(s.status).toBe('disconnected');
    expect(s.context.previous).toBe(status);
    expect(s.context.disconnectedAt).toBe(T0 + 5);
  });

  it.each(['absent', 'disconnected'] as const)('someone %s cannot disconnect', (status) => {
    expect(refusal(inStatus(status), disconnect())).toBe('INVALID_STATE');
  });

  it('the grace period running out makes a dropped participant absent', () => {
    expect(apply(inStatus('disconnected'), { type: 'GRACE_EXPIRED' }).status).toBe('absent');
  });

  it.each(['absent', 'waiting', 'admitted', 'inCaucus'] as const)('no grace period runs for someone %s', (status) => {
    expect(refusal(inStatus(status), { type: 'GRACE_EXPIRED' })).toBe('INVALID_STATE');
  });
});

describe('ADMIT', () => {
  it('admits from the waiting room to the joint room', () => {
    expect(apply(inStatus('waiting'), { type: 'ADMIT' }).status).toBe('admitted');
  });

  it('admits into the caucus the mediator moved the participant to while it waited', () => {
    const s = apply(inStatus('waiting'), { type: 'MOVE', room: 'caucus:plaintiff' });
    expect(s.status).toBe('waiting');
    expect(apply(s, { type: 'ADMIT' }).status).toBe('inCaucus');
  });

  it.each(['absent', 'admitted', 'inCaucus', 'disconnected'] as const)('refuses someone %s with NOT_WAITING', (status) => {
    expect(refusal(inStatus(status), { type: 'ADMIT' })).toBe('NOT_WAITING');
  });
});

describe('DISMISS and RELEASE_HOLD', () => {
  it.each(['admitted', 'inCaucus'] as const)('sends someone %s to the waiting room, keeping its room', (status) => {
    const s = apply(inStatus(status), { type: 'DISMISS' });
    expect(s.status).toBe('waiting');
    expect(s.context.room).toBe(inStatus(status).context.room);
  });

  it('takes away the place of someone who dropped with one', () => {
    const s = apply(inStatus('disconnected'), { type: 'DISMISS' });
    expect(s.status).toBe('disconnected');
    expect(s.context.previous).toBe('waiting');
    expect(apply(s, join(T0 + 1)).status).toBe('waiting');
  });

  it.each([
    ['absent', inStatus('absent')],
    ['waiting', inStatus('waiting')],
    ['disconnected from the waiting room', apply(inStatus('waiting'), disconnect())],
  ] as const)('refuses someone %s with NOT_IN_ROOM', (_label, s) => {
    expect(refusal(s, { type: 'DISMISS' })).toBe('NOT_IN_ROOM');
  });

  it.each(PARTICIPANT_STATUSES)('RELEASE_HOLD clears a hold and nothing else in %s', (status) => {
    const s = inStatus(status);
    const held = { ...s, context: { ...s.context, heldForHost: true } };
    expect(apply(held, { type: 'RELEASE_HOLD' })).toEqual(s);
  });
});

describe('HOST_DROPPED and HOST_RETURNED', () => {
  it.each(['admitted', 'inCaucus'] as const)('someone %s waits for the host and gets its place back', (status) => {
    const held = apply(inStatus(status), { type: 'HOST_DROPPED' });
    expect(held.status).toBe('waiting');
    expect(held.context).toMatchObject({ heldForHost: true, previous: status });
    const back = apply(held, { type: 'HOST_RETURNED' });
    expect(back.status).toBe(status);
    expect(back.context.heldForHost).toBe(false);
  });

  it.each(['absent', 'waiting', 'disconnected'] as const)('someone %s has no place to hold', (status) => {
    const s = inStatus(status);
    expect(apply(s, { type: 'HOST_DROPPED' })).toEqual(s);
  });

  it('a participant who was waiting anyway stays waiting when the host returns', () => {
    const s = inStatus('waiting');
    expect(apply(s, { type: 'HOST_RETURNED' })).toEqual(s);
  });

  it('a dismissal (even a refused one) releases the hold, so the host returning admits nobody', () => {
    const held = apply(inStatus('admitted'), { type: 'HOST_DROPPED' });
    expect(refusal(held, { type: 'DISMISS' })).toBe('NOT_IN_ROOM');
    const released = apply(held, { type: 'RELEASE_HOLD' });
    expect(apply(released, { type: 'HOST_RETURNED' }).status).toBe('waiting');
  });
});

describe('REMOVE', () => {
  it.each(PARTICIPANT_STATUSES)('makes someone %s absent with no place and no hold', (status) => {
    const s = apply(inStatus(status), { type: 'REMOVE' });
    expect(s.status).toBe('absent');
    expect(s.context.heldForHost).toBe(false);
    expect(Object.keys(s.context)).not.toContain('previous');
    // Back only through the waiting room.
    expect(apply(s, join()).status).toBe('waiting');
  });
});

describe('MOVE', () => {
  it('a court hearing has no caucus', () => {
    expect(refusal(after(party, join(), { type: 'ADMIT' }), { type: 'MOVE', room: 'caucus:plaintiff' })).toBe('NO_CAUCUS');
  });

  it("a party never enters the other side's caucus, a witness no caucus", () => {
    expect(refusal(inStatus('admitted'), { type: 'MOVE', room: 'caucus:defendant' })).toBe('ROOM_NOT_ALLOWED');
    const witness = after({ kind: 'mediation', role: 'witness' }, join(), { type: 'ADMIT' });
    expect(refusal(witness, { type: 'MOVE', room: 'caucus:plaintiff' })).toBe('ROOM_NOT_ALLOWED');
  });

  it('moves an admitted participant into its caucus and back', () => {
    const inCaucus = apply(inStatus('admitted'), { type: 'MOVE', room: 'caucus:plaintiff' });
    expect([inCaucus.status, inCaucus.context.room]).toEqual(['inCaucus', 'caucus:plaintiff']);
    const back = apply(inCaucus, { type: 'MOVE', room: 'joint' });
    expect([back.status, back.context.room]).toEqual(['admitted', 'joint']);
  });

  it('moving to the room one is in returns the same snapshot', () => {
    const s = inStatus('inCaucus');
    expect(apply(s, { type: 'MOVE', room: 'caucus:plaintiff' })).toBe(s);
  });

  it.each(['absent', 'waiting', 'disconnected'] as const)('moving someone %s changes only its room', (status) => {
    const s = apply(inStatus(status), { type: 'MOVE', room: 'caucus:plaintiff' });
    expect(s.status).toBe(status);
    expect(s.context.room).toBe('caucus:plaintiff');
  });
});

describe('applyParticipantEvent', () => {
  it.each(PARTICIPANT_STATUSES)('applies or refuses every event in %s, never modifying the snapshot passed in', (status) => {
    for (const e of EVENTS) {
      const s = deepFreeze(inStatus(status));
      const copy = structuredClone(s);
      const r = applyParticipantEvent(s, e);
      expect(s).toEqual(copy);
      if (r.ok) {
        expect(PARTICIPANT_STATUSES).toContain(r.snapshot.status);
        expect(Object.values(r.snapshot.context)).not.toContain(undefined);
      } else {
        expect(r.error.message).not.toBe('');
      }
    }
  });

  it('lists as not taken exactly the events the chart has no transition for', () => {
    const expected: Record<ParticipantStatus, ParticipantEventType[]> = {
      absent: ['DISCONNECT', 'GRACE_EXPIRED', 'ADMIT', 'DISMISS'],
      waiting: ['GRACE_EXPIRED', 'DISMISS'],
      admitted: ['GRACE_EXPIRED', 'ADMIT'],
      inCaucus: ['GRACE_EXPIRED', 'ADMIT'],
      disconnected: ['DISCONNECT', 'ADMIT'],
    };
    for (const status of PARTICIPANT_STATUSES) {
      const notHandled = EVENTS.map((e) => e.type).filter((t) => !handledIn(status).has(t));
      expect([status, notHandled.sort()]).toEqual([status, [...expected[status]].sort()]);
    }
  });
});
