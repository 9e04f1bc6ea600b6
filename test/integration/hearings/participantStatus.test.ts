import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinResult, ParticipantView } from '../../../protocol/hearing.js';
import { ask, joinToken, nextEvent, openSocket, scheduledHearing, type HearingFixture, type HearingSocket } from '../../support/hearing.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Participant status over real signalling, where it goes beyond the waiting
 * room and admission: the place a host's drop holds (a caucus too), and what
 * a dismissal does to a held place. Signalling only, no media.
 */
const find = (list: ParticipantView[], userId: string) => list.find((p) => p.userId === userId);

describe('participant status through host drops, caucus rooms and dismissals', () => {
  let server: TestServer;
  const sockets: HearingSocket[] = [];
  const open = async (token: string) => {
    const s = await openSocket(server, token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.destroy();
  });

  describe('a mediation', () => {
    let fx: HearingFixture;
    let mediator: HearingSocket;
    let plaintiff: HearingSocket;

    beforeAll(async () => {
      fx = await scheduledHearing(server, 'mediation', 61);
      mediator = await open(await joinToken(fx.mediator, fx.hearingId));
      expect((await ask(mediator, 'hearing:join')).ok).toBe(true);
      plaintiff = await open(await joinToken(fx.plaintiff, fx.hearingId));
      const joined = await ask<JoinResult>(plaintiff, 'hearing:join');
      expect(joined.ok && joined.data.me.status).toBe('waiting');
    });

    it('a party moved to its caucus while waiting is admitted into the caucus', async () => {
      const moved = nextEvent(plaintiff, 'hearing:me', (p) => p.me.room === 'caucus:plaintiff');
      expect(await ask(mediator, 'host:move', { userId: fx.ids.plaintiff, room: 'caucus:plaintiff' })).toEqual({ ok: true, data: {} });
      expect((await moved).me.status).toBe('waiting');
      const admitted = nextEvent(plaintiff, 'hearing:me', (p) => p.me.status === 'inCaucus');
      expect(await ask(mediator, 'host:admit', { userId: fx.ids.plaintiff })).toEqual({ ok: true, data: {} });
      expect((await admitted).me.room).toBe('caucus:plaintiff');
    });

    it('when the mediator drops the party waits, and gets its caucus back when the mediator returns', async () => {
      const held = nextEvent(plaintiff, 'hearing:me', (p) => p.me.status === 'waiting');
      mediator.disconnect();
      expect((await held).me.room).toBe('caucus:plaintiff');

      mediator = await open(await joinToken(fx.mediator, fx.hearingId));
      const back = nextEvent(plaintiff, 'hearing:me', (p) => p.me.status === 'inCaucus');
      const rejoin = await ask<JoinResult>(mediator, 'hearing:join');
      expect(rejoin.ok && find(rejoin.data.participants, fx.ids.plaintiff)?.status).toBe('inCaucus');
      expect((await back).me.room).toBe('caucus:plaintiff');
    });

    it('a dismissal keeps the room; moving back to the joint room makes the party admitted', async () => {
      const dismissed = nextEvent(plaintiff, 'hearing:me', (p) => p.me.status === 'waiting');
      expect(await ask(mediator, 'host:dismiss', { userId: fx.ids.plaintiff })).toEqual({ ok: true, data: {} });
      expect((await dismissed).me.room).toBe('caucus:plaintiff');
      expect(await ask(mediator, 'host:dismiss', { userId: fx.ids.plaintiff })).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });

      const readmitted = nextEvent(plaintiff, 'hearing:me', (p) => p.me.status === 'inCaucus');
      expect(await ask(mediator, 'host:admit', { userId: fx.ids.plaintiff })).toEqual({ ok: true, data: {} });
      await readmitted;
      expect(await ask(mediator, 'host:admit', { userId: fx.ids.plaintiff })).toMatchObject({ ok: false, error: { code: 'NOT_WAITING' } });

      const joint = nextEvent(plaintiff, 'hearing:me', (p) => p.me.room === 'joint');
      expect(await ask(mediator, 'host:move', { userId: fx.ids.plaintiff, room: 'joint' })).toEqual({ ok: true, data: {} });
      expect((await joint).me.status).toBe('admitted');
    });
  });

  describe('a court hearing', () => {
    let fx: HearingFixture;
    let judge: HearingSocket;
    let clerk: HearingSocket;
    let party: HearingSocket;

    beforeAll(async () => {
      fx = await scheduledHearing(server, 'hearing', 62);
      judge = await open(await joinToken(fx.judge, fx.hearingId));
      expect((await ask(judge, 'hearing:join')).ok).toBe(true);
      clerk = await open(await joinToken(fx.clerk, fx.hearingId));
      const clerkJoin = await ask<JoinResult>(clerk, 'hearing:join');
      // Court staff never wait.
      expect(clerkJoin.ok && clerkJoin.data.me.status).toBe('admitted');
      party = await open(await joinToken(fx.plaintiff, fx.hearingId));
      expect((await ask(party, 'hearing:join')).ok).toBe(true);
      const admitted = nextEvent(party, 'hearing:me', (p) => p.me.status === 'admitted');
      expect(await ask(judge, 'host:admit', { userId: fx.ids.plaintiff })).toEqual({ ok: true, data: {} });
      await admitted;
    });

    it("the clerk's dismissal of a party held for the judge takes its place away: the judge's return does not re-admit it", async () => {
      const held = nextEvent(party, 'hearing:me', (p) => p.me.status === 'waiting');
      judge.disconnect();
      await held;
      // The party is in the waiting room, so the dismissal is refused as ever, but the held place is gone.
      expect(await ask(clerk, 'host:dismiss', { userId: fx.ids.plaintiff })).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });

      judge = await open(await joinToken(fx.judge, fx.hearingId));
      const judgeBack = nextEvent(clerk, 'hearing:participants', (p) => find(p.participants, fx.ids.judge)?.status === 'admitted');
      const rejoin = await ask<JoinResult>(judge, 'hearing:join');
      expect(rejoin.ok && find(rejoin.data.participants, fx.ids.plaintiff)?.status).toBe('waiting');
      expect(find((await judgeBack).participants, fx.ids.plaintiff)?.status).toBe('waiting');
    });
  });
});
