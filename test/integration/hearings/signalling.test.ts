import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinResult, ParticipantView } from '../../../protocol/hearing.js';
import type { HearingRecord } from '../../../protocol/hearingViews.js';
import { signJoinToken } from '../../../server/hearings/joinTokens.js';
import { ask, joinToken, nextEvent, openSocket, scheduledHearing, type HearingFixture, type HearingSocket } from '../../support/hearing.js';
import { registerParty } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const statusOf = (list: ParticipantView[], userId: string) => list.find((p) => p.userId === userId)?.status;

describe('hearing signalling: access, waiting room and courtroom controls', () => {
  let server: TestServer;
  let fx: HearingFixture;
  const sockets: HearingSocket[] = [];
  let judge: HearingSocket;
  let party: HearingSocket;
  const open = async (token: string) => {
    const s = await openSocket(server, token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startTestServer();
    fx = await scheduledHearing(server, 'hearing');
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.destroy();
  });

  it('schedules only at the right stage and tells the case', async () => {
    const view = await fx.plaintiff.get<{ status: string; timeline: { type: string }[] }>(`/api/cases/${fx.caseId}`);
    expect(view.body.status).toBe('hearingScheduled');
    // The summons is served after scheduling (lawful order, issue 12): its notes follow the step.
    expect(view.body.timeline.filter((e) => e.type === 'SCHEDULE_HEARING')).toHaveLength(1);
    const byParty = await fx.plaintiff.post(`/api/cases/${fx.caseId}/hearings`, { kind: 'hearing', startsAt: new Date(Date.now() + 3_600_000).toISOString(), participants: [] });
    expect(byParty.status).toBe(400);
  });

  it('the hearing names its case for the room: case number and parties with sides, for everyone summoned', async () => {
    const caseView = await fx.plaintiff.get<{ caseNumber: string }>(`/api/cases/${fx.caseId}`);
    for (const who of [fx.plaintiff, fx.defendant, fx.judge]) {
      const res = await who.get<HearingRecord>(`/api/hearings/${fx.hearingId}`);
      expect(res.status).toBe(200);
      expect(res.body.case?.caseNumber).toBe(caseView.body.caseNumber);
      expect(res.body.case?.parties).toEqual([
        { name: '原告甲', side: 'plaintiff' },
        { name: '被告乙', side: 'defendant' },
      ]);
    }
    // Not summoned and not staff of the court: neither the hearing nor its case.
    const outsider = await registerParty(server, '13529990001', 399, '旁人');
    expect((await outsider.get(`/api/hearings/${fx.hearingId}`)).status).toBe(404);
  });

  it('refuses join tokens to non-participants and refuses forged, expired and foreign tokens', async () => {
    const outsider = await fx.mediator.post<{ error: { code: string } }>(`/api/hearings/${fx.hearingId}/join-token`);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('NOT_A_PARTICIPANT');

    const expectRefused = async (token: string, code: string) => {
      await expect(openSocket(server, token)).rejects.toMatchObject({ data: { code } });
    };
    await expectRefused('not-a-token', 'JOIN_TOKEN_INVALID');
    await expectRefused(signJoinToken({ userId: fx.ids.plaintiff, hearingId: fx.hearingId, role: 'judge' }, 'another-secret-another-secret-12345'), 'JOIN_TOKEN_INVALID');
    await expectRefused(signJoinToken({ userId: fx.ids.plaintiff, hearingId: fx.hearingId, role: 'party' }, server.config.jwtSecret, -10), 'JOIN_TOKEN_EXPIRED');
    // A login token is not a join token.
    await expectRefused(fx.plaintiff.token!, 'JOIN_TOKEN_INVALID');
    // A token for another hearing opens only that one: here, a hearing that does not exist.
    const other = await open(signJoinToken({ userId: fx.ids.plaintiff, hearingId: 'other-hearing', role: 'party' }, server.config.jwtSecret));
    const ack = await ask(other, 'hearing:join');
    expect(ack).toMatchObject({ ok: false, error: { code: 'HEARING_NOT_FOUND' } });
    // An unsigned token with alg none is refused.
    const none = jwt.sign({ hid: fx.hearingId, role: 'judge' }, '', { algorithm: 'none', subject: fx.ids.plaintiff, audience: 'microcourt-hearing', issuer: 'microcourt' });
    await expectRefused(none, 'JOIN_TOKEN_INVALID');
  });

  it('a party waits and gets no media until the judge admits it', async () => {
    judge = await open(await joinToken(fx.judge, fx.hearingId));
    const judgeJoin = await ask<JoinResult>(judge, 'hearing:join');
    expect(judgeJoin.ok && judgeJoin.data.me.status).toBe('admitted');
    expect(judgeJoin.ok && judgeJoin.data.hearing.state).toBe('open');

    party = await open(await joinToken(fx.plaintiff, fx.hearingId));
    const seen = nextEvent(judge, 'hearing:participants', (p) => statusOf(p.participants, fx.ids.plaintiff) === 'waiting');
    const partyJoin = await ask<JoinResult>(party, 'hearing:join');
    expect(partyJoin.ok && partyJoin.data.me.status).toBe('waiting');
    await seen;
    for (const [event, payload] of [
      ['media:getRouterRtpCapabilities', {}],
      ['media:createTransport', { direction: 'recv' }],
      ['media:listProducers', {}],
    ] as const) {
      expect(await ask(party, event, payload)).toMatchObject({ ok: false, error: { code: 'NOT_ADMITTED' } });
    }
    // A party cannot admit itself or use host controls.
    expect(await ask(party, 'host:admit', { userId: fx.ids.plaintiff })).toMatchObject({ ok: false, error: { code: 'NOT_HOST' } });
    expect(await ask(party, 'host:session', { action: 'start' })).toMatchObject({ ok: false, error: { code: 'NOT_HOST' } });

    const admitted = nextEvent(party, 'hearing:me', (p) => p.me.status === 'admitted');
    expect(await ask(judge, 'host:admit', { userId: fx.ids.plaintiff })).toEqual({ ok: true, data: {} });
    await admitted;
    const caps = await ask<{ rtpCapabilities: { codecs: unknown[] } }>(party, 'media:getRouterRtpCapabilities');
    expect(caps.ok && caps.data.rtpCapabilities.codecs.length).toBeGreaterThan(0);
  });

  it('validates every payload and survives garbage without affecting others', async () => {
    expect(await ask(party, 'media:createTransport', { direction: 'sideways' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await ask(party, 'media:connectTransport', { transportId: 'nope', dtlsParameters: { role: 'client', fingerprints: [] } })).toMatchObject({
      ok: false,
      error: { code: 'TRANSPORT_NOT_FOUND' },
    });
    expect(await ask(party, 'host:move', { userId: fx.ids.plaintiff, room: 'caucus:plaintiff' })).toMatchObject({ ok: false });
    (party as unknown as { emit: (e: string, ...a: unknown[]) => void }).emit('no:such:event', { x: 1 }, () => undefined);
    (party as unknown as { emit: (e: string, ...a: unknown[]) => void }).emit('media:produce', 'not an object');
    // Still serving.
    expect((await ask(party, 'hand:raise')).ok).toBe(true);
  });

  it('the judge runs the session; the case hears that the hearing started', async () => {
    const started = await ask<{ state: string }>(judge, 'host:session', { action: 'start' });
    expect(started).toEqual({ ok: true, data: { state: 'inSession' } });
    expect(await ask(judge, 'host:session', { action: 'start' })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect((await ask(judge, 'host:session', { action: 'pause' })).ok).toBe(true);
    expect((await ask(judge, 'host:session', { action: 'resume' })).ok).toBe(true);
    expect((await ask(judge, 'host:lowerAllHands')).ok).toBe(true);
    await expect.poll(async () => (await fx.plaintiff.get<{ status: string }>(`/api/cases/${fx.caseId}`)).body.status).toBe('inHearing');
  });

  it('when the judge drops, the session pauses and others wait; the judge returns in control', async () => {
    const backToWaiting = nextEvent(party, 'hearing:me', (p) => p.me.status === 'waiting');
    const paused = nextEvent(party, 'hearing:state', (p) => p.state === 'paused');
    judge.disconnect();
    await backToWaiting;
    await paused;

    judge = await open(await joinToken(fx.judge, fx.hearingId));
    const readmitted = nextEvent(party, 'hearing:me', (p) => p.me.status === 'admitted');
    const rejoin = await ask<JoinResult>(judge, 'hearing:join');
    expect(rejoin.ok && rejoin.data.me.status).toBe('admitted');
    await readmitted;
    // The judge, not the system, resumes.
    expect(rejoin.ok && rejoin.data.hearing.state).toBe('paused');
    expect(await ask(judge, 'host:session', { action: 'resume' })).toEqual({ ok: true, data: { state: 'inSession' } });
  });

  it('a party that reconnects within the grace period gets its place back without admission', async () => {
    const gone = nextEvent(judge, 'hearing:participants', (p) => statusOf(p.participants, fx.ids.plaintiff) === 'disconnected');
    party.disconnect();
    await gone;
    party = await open(await joinToken(fx.plaintiff, fx.hearingId));
    const join = await ask<JoinResult>(party, 'hearing:join');
    expect(join.ok && join.data.me.status).toBe('admitted');
  });

  it('the judge mutes with a lock; the party cannot unmute until unlocked; closing is final', async () => {
    const muted = nextEvent(party, 'hearing:participants', (p) => p.participants.find((x) => x.userId === fx.ids.plaintiff)?.locked === true);
    expect((await ask(judge, 'host:mute', { userId: fx.ids.plaintiff, lock: true })).ok).toBe(true);
    await muted;
    expect(await ask(judge, 'host:mute', { userId: fx.ids.judge })).toMatchObject({ ok: false, error: { code: 'TARGET_IS_HOST' } });
    expect((await ask(judge, 'host:unlock', { userId: fx.ids.plaintiff })).ok).toBe(true);

    const removed = nextEvent(party, 'hearing:removed');
    expect(await ask(judge, 'host:session', { action: 'close' })).toEqual({ ok: true, data: { state: 'closed' } });
    await removed;
    await expect.poll(async () => (await fx.plaintiff.get<{ status: string }>(`/api/cases/${fx.caseId}`)).body.status).toBe('awaitingDecision');
    const token = await fx.plaintiff.post<{ error: { code: string } }>(`/api/hearings/${fx.hearingId}/join-token`);
    expect(token.body.error.code).toBe('HEARING_CLOSED');
    const hearing = await fx.judge.get<{ state: string }>(`/api/hearings/${fx.hearingId}`);
    expect(hearing.body.state).toBe('closed');
  });
});
