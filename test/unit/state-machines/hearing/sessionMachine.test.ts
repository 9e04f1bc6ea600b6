import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  SESSION_EVENT_TYPES,
  allowedSessionEvents,
  applySessionEvent,
  createSession,
  sessionMachine,
  sessionStateOf,
} from '../../../../state-machines/hearing/sessionMachine.js';
import type {
  SessionActor,
  SessionErrorCode,
  SessionEvent,
  SessionEventType,
  SessionResult,
  SessionSnapshotJson,
} from '../../../../state-machines/hearing/sessionMachine.js';
import type { HearingKind, SessionState } from '../../../../protocol/hearing.js';

const CREATED_AT = '2025-06-02T09:00:00+08:00';

const judgeHost: SessionActor = { userId: 'u-judge', role: 'judge', isHost: true };
const panelJudge: SessionActor = { userId: 'u-judge-2', role: 'judge', isHost: false };
const mediatorHost: SessionActor = { userId: 'u-mediator', role: 'mediator', isHost: true };
const clerk: SessionActor = { userId: 'u-clerk', role: 'clerk', isHost: false };
const clerkFlaggedHost: SessionActor = { userId: 'u-clerk', role: 'clerk', isHost: true };
const plaintiff: SessionActor = { userId: 'u-plaintiff', role: 'party', isHost: false };
const witness: SessionActor = { userId: 'u-witness', role: 'witness', isHost: false };
const observer: SessionActor = { userId: 'u-observer', role: 'observer', isHost: false };
const system: SessionActor = { userId: 'signalling', role: 'system', isHost: false };
const systemFlaggedHost: SessionActor = { userId: 'signalling', role: 'system', isHost: true };

const HOST: Record<HearingKind, SessionActor> = { hearing: judgeHost, mediation: mediatorHost };

/** Everyone but the real host; in a hearing the mediator is no host, in a mediation the judge is none. */
function nonHosts(kind: HearingKind): SessionActor[] {
  const wrongHost: SessionActor =
    kind === 'hearing'
      ? { userId: 'u-mediator', role: 'mediator', isHost: true }
      : { userId: 'u-judge', role: 'judge', isHost: true };
  const unflaggedHost: SessionActor = { ...HOST[kind], isHost: false };
  return [wrongHost, unflaggedHost, panelJudge, clerk, clerkFlaggedHost, plaintiff, witness, observer];
}

type UntimedEvent = Omit<SessionEvent, 'at'> & { at?: string };

function newSession(kind: HearingKind = 'hearing'): SessionSnapshotJson {
  return createSession({ hearingId: 'h-1', kind, at: CREATED_AT });
}

function lastAt(snapshot: SessionSnapshotJson): string {
  const last = snapshot.context.history.at(-1);
  if (last === undefined) throw new Error('empty history');
  return last.at;
}

/** One minute after the last recorded state change. */
function minuteAfter(snapshot: SessionSnapshotJson, minutes = 1): string {
  return new Date(Date.parse(lastAt(snapshot)) + minutes * 60_000).toISOString();
}

function timed(snapshot: SessionSnapshotJson, partial: UntimedEvent): SessionEvent {
  return { ...partial, at: partial.at ?? minuteAfter(snapshot) } as SessionEvent;
}

function apply(snapshot: SessionSnapshotJson, partial: UntimedEvent): SessionSnapshotJson {
  const result = applySessionEvent(snapshot, timed(snapshot, partial));
  if (!result.ok) throw new Error(`${partial.type} unexpectedly refused: ${result.error.code} ${result.error.message}`);
  return result.snapshot;
}

function applyAll(snapshot: SessionSnapshotJson, events: readonly UntimedEvent[]): SessionSnapshotJson {
  return events.reduce(apply, snapshot);
}

function expectRefused(result: SessionResult, code: SessionErrorCode, message?: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  if (message) expect(result.error.message).toMatch(message);
}

/** Where a session can be, with the pause/suspension caused by a host drop as separate starting points. */
type Start = SessionState | 'pausedByDrop' | 'suspendedByDrop';

function pathTo(start: Start, kind: HearingKind): UntimedEvent[] {
  const host = HOST[kind];
  const open: UntimedEvent[] = [{ type: 'OPEN', actor: plaintiff }];
  const inSession: UntimedEvent[] = [...open, { type: 'START', actor: host }];
  const drop: UntimedEvent = { type: 'HOST_DROPPED', actor: system };
  switch (start) {
    case 'scheduled':
      return [];
    case 'open':
      return open;
    case 'inSession':
      return inSession;
    case 'paused':
      return [...inSession, { type: 'PAUSE', actor: host }];
    case 'pausedByDrop':
      return [...inSession, drop];
    case 'suspended':
      return [...inSession, { type: 'SUSPEND', actor: system }];
    case 'suspendedByDrop':
      return [...inSession, drop, { type: 'SUSPEND', actor: system }];
    case 'closed':
      return [...inSession, { type: 'CLOSE', actor: host }];
  }
}

function sessionIn(start: Start, kind: HearingKind = 'hearing'): SessionSnapshotJson {
  return applyAll(newSession(kind), pathTo(start, kind));
}

type Who = 'anyone' | 'host' | 'hostOrSystem' | 'system';
type Move = { to: SessionState; by: Who };

const closeMove: Move = { to: 'closed', by: 'hostOrSystem' };
const pausedMoves: Partial<Record<SessionEventType, Move>> = {
  RESUME: { to: 'inSession', by: 'host' },
  SUSPEND: { to: 'suspended', by: 'hostOrSystem' },
  CLOSE: closeMove,
};
const suspendedMoves: Partial<Record<SessionEventType, Move>> = {
  RESUME: { to: 'inSession', by: 'host' },
  CLOSE: closeMove,
};

/** The chart, written out by hand: anything not listed must be INVALID_STATE. */
const ALLOWED: Record<Start, Partial<Record<SessionEventType, Move>>> = {
  scheduled: { OPEN: { to: 'open', by: 'anyone' }, CLOSE: closeMove },
  open: { START: { to: 'inSession', by: 'host' }, CLOSE: closeMove },
  inSession: {
    PAUSE: { to: 'paused', by: 'host' },
    SUSPEND: { to: 'suspended', by: 'hostOrSystem' },
    HOST_DROPPED: { to: 'paused', by: 'system' },
    CLOSE: closeMove,
  },
  // HOST_RETURNED is only taken while a host drop is pending.
  paused: pausedMoves,
  pausedByDrop: { ...pausedMoves, HOST_RETURNED: { to: 'paused', by: 'system' } },
  suspended: suspendedMoves,
  suspendedByDrop: { ...suspendedMoves, HOST_RETURNED: { to: 'suspended', by: 'system' } },
  closed: {},
};

const STARTS = Object.keys(ALLOWED) as Start[];
const KINDS: HearingKind[] = ['hearing', 'mediation'];

const cases = KINDS.flatMap((kind) =>
  STARTS.flatMap((start) => SESSION_EVENT_TYPES.map((type) => [kind, start, type] as const)),
);

describe('every transition, allowed and refused', () => {
  it.each(cases)('%s: %s + %s', (kind, start, type) => {
    const from = sessionIn(start, kind);
    const move = ALLOWED[start][type];
    const everyone = [HOST[kind], system, systemFlaggedHost, ...nonHosts(kind)];

    for (const actor of everyone) {
      const result = applySessionEvent(from, timed(from, { type, actor }));
      if (move === undefined) {
        expectRefused(result, 'INVALID_STATE');
        continue;
      }
      const isHost = actor === HOST[kind];
      const isSystem = actor.role === 'system';
      const may =
        move.by === 'anyone' ||
        (move.by === 'host' && isHost) ||
        (move.by === 'system' && isSystem) ||
        (move.by === 'hostOrSystem' && (isHost || isSystem));
      if (!may) {
        expectRefused(result, 'FORBIDDEN', new RegExp(`${type} may only be sent by`));
        continue;
      }
      expect(result.ok, `${actor.role}${actor.isHost ? ' (host)' : ''}`).toBe(true);
      if (result.ok) expect(result.snapshot.state).toBe(move.to);
    }
  });

  it('lists allowed events consistently with the chart', () => {
    for (const kind of KINDS) {
      for (const start of STARTS) {
        const from = sessionIn(start, kind);
        const expected = (who: Who[]): SessionEventType[] =>
          SESSION_EVENT_TYPES.filter((type) => {
            const move = ALLOWED[start][type];
            return move !== undefined && who.includes(move.by);
          });
        expect(allowedSessionEvents(from, HOST[kind])).toStrictEqual(expected(['anyone', 'host', 'hostOrSystem']));
        expect(allowedSessionEvents(from, system)).toStrictEqual(expected(['anyone', 'system', 'hostOrSystem']));
        expect(allowedSessionEvents(from, plaintiff)).toStrictEqual(expected(['anyone']));
      }
    }
  });
});

describe('named refusals', () => {
  it('refuses START by anyone but the host with FORBIDDEN', () => {
    const open = sessionIn('open');
    for (const actor of [clerk, clerkFlaggedHost, panelJudge, plaintiff, system]) {
      expectRefused(applySessionEvent(open, timed(open, { type: 'START', actor })), 'FORBIDDEN', /presiding judge/);
    }
    const mediation = sessionIn('open', 'mediation');
    expectRefused(
      applySessionEvent(mediation, timed(mediation, { type: 'START', actor: judgeHost })),
      'FORBIDDEN',
      /mediator/,
    );
  });

  it('refuses START from scheduled with INVALID_STATE, even by the host: the waiting room opens first', () => {
    const scheduled = newSession();
    expectRefused(
      applySessionEvent(scheduled, timed(scheduled, { type: 'START', actor: judgeHost })),
      'INVALID_STATE',
      /Cannot START a session that is scheduled/,
    );
  });

  it('refuses everything after CLOSE with INVALID_STATE, whoever sends it', () => {
    const closed = sessionIn('closed');
    for (const type of SESSION_EVENT_TYPES) {
      for (const actor of [judgeHost, system, plaintiff]) {
        expectRefused(applySessionEvent(closed, timed(closed, { type, actor })), 'INVALID_STATE', /closed/);
      }
    }
    expect(allowedSessionEvents(closed, judgeHost)).toStrictEqual([]);
  });

  it('checks the state before the actor', () => {
    const scheduled = newSession();
    expectRefused(applySessionEvent(scheduled, timed(scheduled, { type: 'PAUSE', actor: plaintiff })), 'INVALID_STATE');
  });

  it('does not change the stored snapshot when refusing or applying', () => {
    const open = sessionIn('open');
    const copy = structuredClone(open);
    applySessionEvent(open, timed(open, { type: 'START', actor: plaintiff }));
    applySessionEvent(open, timed(open, { type: 'START', actor: judgeHost }));
    expect(open).toStrictEqual(copy);
  });
});

describe('lifecycle record', () => {
  it('creates a scheduled session with a one-entry history', () => {
    expect(newSession('mediation')).toStrictEqual({
      schemaVersion: 1,
      state: 'scheduled',
      context: {
        hearingId: 'h-1',
        kind: 'mediation',
        pausedByHostDrop: false,
        history: [{ state: 'scheduled', at: CREATED_AT }],
      },
    });
  });

  it('refuses to create a session without an id, with an unknown kind or a zoneless time', () => {
    expect(() => createSession({ hearingId: ' ', kind: 'hearing', at: CREATED_AT })).toThrow(/hearingId/);
    expect(() => createSession({ hearingId: 'h', kind: 'trial' as HearingKind, at: CREATED_AT })).toThrow(/kind/);
    expect(() => createSession({ hearingId: 'h', kind: 'hearing', at: '2025-06-02T09:00:00' })).toThrow(/ISO instant/);
  });

  it('records every state entered, startedAt once and closedAt', () => {
    const s = applyAll(newSession(), [
      { type: 'OPEN', actor: judgeHost, at: '2025-06-02T09:50:00+08:00' },
      { type: 'START', actor: judgeHost, at: '2025-06-02T10:00:00+08:00' },
      { type: 'PAUSE', actor: judgeHost, at: '2025-06-02T10:30:00+08:00' },
      { type: 'RESUME', actor: judgeHost, at: '2025-06-02T10:45:00+08:00' },
      { type: 'SUSPEND', actor: system, at: '2025-06-02T11:00:00+08:00' },
      { type: 'RESUME', actor: judgeHost, at: '2025-06-02T11:05:00+08:00' },
      { type: 'CLOSE', actor: judgeHost, at: '2025-06-02T12:00:00+08:00' },
    ]);
    expect(s.state).toBe('closed');
    expect(s.context.startedAt).toBe('2025-06-02T10:00:00+08:00');
    expect(s.context.closedAt).toBe('2025-06-02T12:00:00+08:00');
    expect(s.context.history).toStrictEqual([
      { state: 'scheduled', at: CREATED_AT },
      { state: 'open', at: '2025-06-02T09:50:00+08:00' },
      { state: 'inSession', at: '2025-06-02T10:00:00+08:00' },
      { state: 'paused', at: '2025-06-02T10:30:00+08:00' },
      { state: 'inSession', at: '2025-06-02T10:45:00+08:00' },
      { state: 'suspended', at: '2025-06-02T11:00:00+08:00' },
      { state: 'inSession', at: '2025-06-02T11:05:00+08:00' },
      { state: 'closed', at: '2025-06-02T12:00:00+08:00' },
    ]);
  });

  it('lets the system close a session that never started (cancelled hearing) without a startedAt', () => {
    const s = apply(newSession(), { type: 'CLOSE', actor: system });
    expect(s.state).toBe('closed');
    expect(s.context).not.toHaveProperty('startedAt');
    expect(s.context.closedAt).toBe(lastAt(s));
  });

  it('lets any participant open the waiting room, including a witness or an observer', () => {
    for (const actor of [witness, observer, plaintiff, clerk, judgeHost, system]) {
      expect(apply(newSession(), { type: 'OPEN', actor }).state).toBe('open');
    }
  });

  it('suspends a paused session and resumes it straight into the session', () => {
    const s = applyAll(sessionIn('paused'), [
      { type: 'SUSPEND', actor: judgeHost },
      { type: 'RESUME', actor: judgeHost },
    ]);
    expect(s.state).toBe('inSession');
  });
});

describe('host drop', () => {
  it('pauses a running session and remembers why', () => {
    const s = apply(sessionIn('inSession'), { type: 'HOST_DROPPED', actor: system });
    expect(s.state).toBe('paused');
    expect(s.context.pausedByHostDrop).toBe(true);
    expect(s.context.history.at(-1)?.state).toBe('paused');
  });

  it('does not resume when the host comes back: it only clears the flag', () => {
    const dropped = sessionIn('pausedByDrop');
    const returned = apply(dropped, { type: 'HOST_RETURNED', actor: system });
    expect(returned.state).toBe('paused');
    expect(returned.context.pausedByHostDrop).toBe(false);
    // Not a state change, so nothing is added to the history.
    expect(returned.context.history).toStrictEqual(dropped.context.history);

    const resumed = apply(returned, { type: 'RESUME', actor: judgeHost });
    expect(resumed.state).toBe('inSession');
    expect(resumed.context.pausedByHostDrop).toBe(false);
  });

  it('refuses a second HOST_RETURNED and one without a drop', () => {
    const returned = apply(sessionIn('pausedByDrop'), { type: 'HOST_RETURNED', actor: system });
    expectRefused(
      applySessionEvent(returned, timed(returned, { type: 'HOST_RETURNED', actor: system })),
      'INVALID_STATE',
      /not paused by a host drop/,
    );
    const paused = sessionIn('paused');
    expect(paused.context.pausedByHostDrop).toBe(false);
    expectRefused(applySessionEvent(paused, timed(paused, { type: 'HOST_RETURNED', actor: system })), 'INVALID_STATE');
  });

  it('refuses HOST_DROPPED outside a running session and from anyone but the system', () => {
    for (const start of ['scheduled', 'open', 'paused', 'pausedByDrop', 'suspended', 'closed'] as const) {
      const s = sessionIn(start);
      expectRefused(applySessionEvent(s, timed(s, { type: 'HOST_DROPPED', actor: system })), 'INVALID_STATE');
    }
    const running = sessionIn('inSession');
    expectRefused(
      applySessionEvent(running, timed(running, { type: 'HOST_DROPPED', actor: judgeHost })),
      'FORBIDDEN',
      /the system/,
    );
  });

  it('clears the flag when the host resumes before its return was reported', () => {
    const s = apply(sessionIn('pausedByDrop'), { type: 'RESUME', actor: judgeHost });
    expect(s.state).toBe('inSession');
    expect(s.context.pausedByHostDrop).toBe(false);
  });

  it('keeps the flag through a suspension, until the host returns', () => {
    const suspended = sessionIn('suspendedByDrop');
    expect(suspended.state).toBe('suspended');
    expect(suspended.context.pausedByHostDrop).toBe(true);
    const returned = apply(suspended, { type: 'HOST_RETURNED', actor: system });
    expect(returned.state).toBe('suspended');
    expect(returned.context.pausedByHostDrop).toBe(false);
    expect(apply(returned, { type: 'RESUME', actor: judgeHost }).state).toBe('inSession');
  });

  it('lets the system close a session whose host never came back', () => {
    const closed = apply(sessionIn('pausedByDrop'), { type: 'CLOSE', actor: system });
    expect(closed.state).toBe('closed');
    expect(closed.context.pausedByHostDrop).toBe(false);
  });

  it('pauses a mediation when the mediator drops', () => {
    const s = apply(sessionIn('inSession', 'mediation'), { type: 'HOST_DROPPED', actor: system });
    expect(s.state).toBe('paused');
    expect(s.context.pausedByHostDrop).toBe(true);
  });

  it('does not touch the flag on a host PAUSE', () => {
    const s = sessionIn('paused');
    expect(s.context.pausedByHostDrop).toBe(false);
  });
});

describe('persisted snapshots', () => {
  const viaJson = (s: SessionSnapshotJson): SessionSnapshotJson => JSON.parse(JSON.stringify(s)) as SessionSnapshotJson;

  it.each(STARTS)('survive a JSON round trip in %s', (start) => {
    const original = sessionIn(start);
    const restored = viaJson(original);
    expect(restored).toStrictEqual(original);
    expect(sessionStateOf(restored)).toBe(original.state);
    for (const type of SESSION_EVENT_TYPES) {
      for (const actor of [judgeHost, system, plaintiff]) {
        const event = timed(original, { type, actor });
        expect(applySessionEvent(restored, event)).toStrictEqual(applySessionEvent(original, event));
      }
    }
  });

  it('holds nothing but plain data', () => {
    const s = sessionIn('suspendedByDrop');
    expect(Object.keys(s).sort()).toStrictEqual(['context', 'schemaVersion', 'state']);
    expect(Object.keys(s.context).sort()).toStrictEqual(['hearingId', 'history', 'kind', 'pausedByHostDrop', 'startedAt']);
    expect(JSON.stringify(s)).not.toMatch(/_nodes|historyValue|machine|undefined/);
  });

  it('returns a copy the caller may edit without affecting later results', () => {
    const open = sessionIn('open');
    const result = applySessionEvent(open, timed(open, { type: 'START', actor: judgeHost }));
    if (!result.ok) throw new Error('START refused');
    result.snapshot.context.history.length = 0;
    const again = applySessionEvent(open, timed(open, { type: 'START', actor: judgeHost }));
    expect(again.ok && again.snapshot.context.history).toHaveLength(3);
  });

  it('rejects data that no version wrote', () => {
    const s = sessionIn('open');
    expect(() => sessionStateOf({ ...s, schemaVersion: 2 } as unknown as SessionSnapshotJson)).toThrow(/schema version/);
    expect(() => sessionStateOf({ ...s, state: 'adjourned' } as unknown as SessionSnapshotJson)).toThrow(/unknown state/);
    expect(() => sessionStateOf({ ...s, context: null } as unknown as SessionSnapshotJson)).toThrow(/no context/);
    expect(() =>
      applySessionEvent({ ...s, context: { ...s.context, kind: 'trial' } } as unknown as SessionSnapshotJson, {
        type: 'START',
        actor: judgeHost,
        at: minuteAfter(s),
      }),
    ).toThrow(/unknown kind/);
  });
});

describe('malformed events', () => {
  const open = sessionIn('open');
  const at = minuteAfter(open);

  it('throws instead of answering, since the signalling layer builds every event', () => {
    expect(() => applySessionEvent(open, { type: 'ADJOURN', actor: judgeHost, at } as unknown as SessionEvent)).toThrow(
      /Unknown session event type/,
    );
    expect(() => applySessionEvent(open, { type: 'START', at } as unknown as SessionEvent)).toThrow(/no actor/);
    expect(() =>
      applySessionEvent(open, { type: 'START', actor: { ...judgeHost, role: 'king' }, at } as unknown as SessionEvent),
    ).toThrow(/unknown actor role/);
    expect(() =>
      applySessionEvent(open, { type: 'START', actor: { userId: 'u', role: 'judge' }, at } as unknown as SessionEvent),
    ).toThrow(/isHost/);
    expect(() => applySessionEvent(open, { type: 'START', actor: judgeHost, at: 'yesterday' })).toThrow(/ISO instant/);
  });
});

describe('the machine on its own', () => {
  it('refuses a non-host START even when driven directly', () => {
    const actor = createActor(sessionMachine, { input: { hearingId: 'h-2', kind: 'hearing', at: CREATED_AT } });
    actor.start();
    actor.send({ type: 'OPEN', actor: plaintiff, at: '2025-06-02T09:50:00+08:00' });
    actor.send({ type: 'START', actor: plaintiff, at: '2025-06-02T10:00:00+08:00' });
    expect(actor.getSnapshot().value).toBe('open');
    actor.send({ type: 'START', actor: judgeHost, at: '2025-06-02T10:00:00+08:00' });
    expect(actor.getSnapshot().value).toBe('inSession');
    actor.send({ type: 'HOST_RETURNED', actor: system, at: '2025-06-02T10:01:00+08:00' });
    expect(actor.getSnapshot().value).toBe('inSession');
    actor.stop();
  });
});
