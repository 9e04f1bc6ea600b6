import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinResult, ParticipantView } from '../../../protocol/hearing.js';
import { ApiClient } from '../../support/api.js';
import { hearingModel } from '../../../server/hearings/hearingModel.js';
import { ask, joinToken, nextEvent, openSocket, scheduledHearing, type HearingFixture, type HearingSocket } from '../../support/hearing.js';
import { restartTestServer, startTestServer, type TestServer } from '../../support/server.js';

/**
 * A live session goes on where another server left it (a node died and another took the
 * hearing over, or this server restarted): the session's state and who had a place in which
 * room come back from the database, so the host does not admit everyone again. Signalling only.
 */
describe('places carried over to the server that takes a hearing over', () => {
  let server: TestServer;
  let fx: HearingFixture;
  const sockets: HearingSocket[] = [];
  const open = async (token: string) => {
    const s = await openSocket(server, token);
    sockets.push(s);
    return s;
  };
  const join = async (token: string) => (await ask<JoinResult>(await open(token), 'hearing:join')) as { ok: true; data: JoinResult };

  beforeAll(async () => {
    server = await startTestServer();
    fx = await scheduledHearing(server, 'mediation', 83);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.destroy();
  });

  it('the party admitted into its caucus is back there, the one admitted to the joint room too, one still waiting waits; the session stays started', async () => {
    const mediatorToken = await joinToken(fx.mediator, fx.hearingId);
    const plaintiffToken = await joinToken(fx.plaintiff, fx.hearingId);
    const defendantToken = await joinToken(fx.defendant, fx.hearingId);
    const mediator = await open(mediatorToken);
    expect((await ask(mediator, 'hearing:join')).ok).toBe(true);
    const plaintiff = await open(plaintiffToken);
    expect((await ask<JoinResult>(plaintiff, 'hearing:join')).ok).toBe(true);
    const inCaucus = nextEvent(plaintiff, 'hearing:me', (p) => p.me.status === 'inCaucus');
    expect(await ask(mediator, 'host:move', { userId: fx.ids.plaintiff, room: 'caucus:plaintiff' })).toEqual({ ok: true, data: {} });
    expect(await ask(mediator, 'host:admit', { userId: fx.ids.plaintiff })).toEqual({ ok: true, data: {} });
    await inCaucus;
    expect(await ask(mediator, 'host:session', { action: 'start' })).toMatchObject({ ok: true });
    // The defendant only reaches the waiting room.
    expect((await join(defendantToken)).data.me.status).toBe('waiting');

    // What a node taking over reads: stored with the audit trail as the places changed.
    await new Promise((r) => setImmediate(r));
    await server.services.sessions.flush(fx.hearingId);
    const stored = await hearingModel(server.db.connection).findById(fx.hearingId).lean().exec();
    expect(stored?.live?.places).toHaveLength(2);
    expect(stored?.live?.places).toEqual(
      expect.arrayContaining([
        { userId: fx.ids.plaintiff, status: 'inCaucus', room: 'caucus:plaintiff' },
        { userId: fx.ids.mediator, status: 'admitted', room: 'joint' },
      ]),
    );
    expect(stored?.live?.session.state).toBe('inSession');

    for (const s of sockets.splice(0)) s.disconnect();
    server = await restartTestServer(server);
    // The restarted server listens on a new port: the same users, through it.
    const via = (client: ApiClient) => new ApiClient(server.url, client.token);

    // The party comes back first: into its caucus, without the mediator admitting it again.
    const back = await join(await joinToken(via(fx.plaintiff), fx.hearingId));
    expect(back.ok).toBe(true);
    expect(back.data.me).toMatchObject({ status: 'inCaucus', room: 'caucus:plaintiff' });
    expect(back.data.placeCarriedOver).toBe(true);
    expect(back.data.hearing.state).toBe('inSession');
    // The defendant had no place: it waits, and is not told of a carried-over place.
    const waiting = await join(await joinToken(via(fx.defendant), fx.hearingId));
    expect(waiting.data.me.status).toBe('waiting');
    expect(waiting.data.placeCarriedOver).toBeUndefined();
    const mediatorBack = await join(await joinToken(via(fx.mediator), fx.hearingId));
    expect(mediatorBack.data.me.status).toBe('admitted');
    const plaintiffView = mediatorBack.data.participants.find((p: ParticipantView) => p.userId === fx.ids.plaintiff);
    expect(plaintiffView).toMatchObject({ status: 'inCaucus', room: 'caucus:plaintiff' });
  });
});
