import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinResult, ParticipantView, TransportInfo } from '../../../protocol/hearing.js';
import type { Ack } from '../../../protocol/ack.js';
import { hearingModel } from '../../../server/hearings/hearingModel.js';
import { ask, joinToken, nextEvent, openSocket, scheduledHearing, type HearingFixture, type HearingSocket } from '../../support/hearing.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * Reproductions of the signalling abuse found by the outside probe (issue 14):
 * a waiting party flooding the hearing, codec parameters that crashed into
 * INTERNAL, unbounded transports, and a dismissal dodged by reconnecting.
 */
const statusOf = (list: ParticipantView[], userId: string) => list.find((p) => p.userId === userId)?.status;
type Loose = { emit: (event: string, ...args: unknown[]) => void };
const opus = (ssrc: number, extra: Record<string, unknown> = {}) => ({
  mid: String(ssrc),
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [], ...extra }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: 'probe', reducedSize: true },
});

describe('hearing signalling under abuse', () => {
  let server: TestServer;
  let fx: HearingFixture;
  const sockets: HearingSocket[] = [];
  let judge: HearingSocket;
  let party: HearingSocket;
  let other: HearingSocket;
  const open = async (token: string) => {
    const s = await openSocket(server, token);
    sockets.push(s);
    return s;
  };
  const admit = async (who: HearingSocket, userId: string) => {
    const admitted = nextEvent(who, 'hearing:me', (p) => p.me.status === 'admitted');
    expect(await ask(judge, 'host:admit', { userId })).toEqual({ ok: true, data: {} });
    await admitted;
  };

  beforeAll(async () => {
    server = await startTestServer();
    fx = await scheduledHearing(server, 'hearing', 41);
    judge = await open(await joinToken(fx.judge, fx.hearingId));
    expect((await ask(judge, 'hearing:join')).ok).toBe(true);
    party = await open(await joinToken(fx.plaintiff, fx.hearingId));
    expect((await ask(party, 'hearing:join')).ok).toBe(true);
    other = await open(await joinToken(fx.defendant, fx.hearingId));
    expect((await ask(other, 'hearing:join')).ok).toBe(true);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.destroy();
  });

  it('a dismissal holds when the participant drops before it and comes back within the grace period', async () => {
    await admit(party, fx.ids.plaintiff);
    const gone = nextEvent(judge, 'hearing:participants', (p) => statusOf(p.participants, fx.ids.plaintiff) === 'disconnected');
    party.disconnect();
    await gone;
    expect(await ask(judge, 'host:dismiss', { userId: fx.ids.plaintiff })).toEqual({ ok: true, data: {} });
    party = await open(await joinToken(fx.plaintiff, fx.hearingId));
    const back = await ask<JoinResult>(party, 'hearing:join');
    expect(back.ok && back.data.me.status).toBe('waiting');
    expect(await ask(party, 'media:createTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'NOT_ADMITTED' } });
  });

  it('a removal holds across reconnects until the host admits again', async () => {
    await admit(party, fx.ids.plaintiff);
    const removed = nextEvent(party, 'hearing:removed');
    expect(await ask(judge, 'host:remove', { userId: fx.ids.plaintiff })).toEqual({ ok: true, data: {} });
    await removed;
    party = await open(await joinToken(fx.plaintiff, fx.hearingId));
    const back = await ask<JoinResult>(party, 'hearing:join');
    expect(back.ok && back.data.me.status).toBe('waiting');
    await admit(party, fx.ids.plaintiff);
  });

  it('refuses bad codec parameters with a clear code, accepts good ones, and caps producers and transports', async () => {
    const send = await ask<TransportInfo>(party, 'media:createTransport', { direction: 'send' });
    expect(send.ok).toBe(true);
    const transportId = send.ok ? send.data.id : '';
    const produce = (rtpParameters: unknown) => ask<{ producerId: string }>(party, 'media:produce', { transportId, kind: 'audio', rtpParameters });

    expect(await produce({ ...opus(1001), codecs: [{ mimeType: 'audio/evil', payloadType: 111, clockRate: 48000 }] })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_CODEC' } });
    expect(await produce(opus(1002, { clockRate: 0 }))).toMatchObject({ ok: false, error: { code: 'INVALID_RTP_PARAMETERS' } });
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 3000; i++) deep = { nested: deep };
    expect(await produce(opus(1003, { parameters: deep }))).toMatchObject({ ok: false, error: { code: 'INVALID_RTP_PARAMETERS' } });
    expect(await produce({ ...opus(1004), encodings: [deep] })).toMatchObject({ ok: false, error: { code: 'INVALID_RTP_PARAMETERS' } });

    const results: Ack<{ producerId: string }>[] = [];
    for (let i = 0; i < 5; i++) results.push(await produce(opus(2000 + i)));
    expect(results.slice(0, 4).every((r) => r.ok)).toBe(true);
    expect(results[4]).toMatchObject({ ok: false, error: { code: 'TOO_MANY_PRODUCERS' } });

    const transports: Ack<TransportInfo>[] = [];
    for (let i = 0; i < 4; i++) transports.push(await ask<TransportInfo>(party, 'media:createTransport', { direction: 'recv' }));
    expect(transports.slice(0, 3).every((t) => t.ok)).toBe(true);
    expect(transports[3]).toMatchObject({ ok: false, error: { code: 'TOO_MANY_TRANSPORTS' } });
    // Still serving the party and the others.
    expect((await ask(party, 'media:listProducers')).ok).toBe(true);
  });

  it('a flood from one participant is refused RATE_LIMITED and does not flood the others with broadcasts', async () => {
    let broadcasts = 0;
    const count = () => broadcasts++;
    judge.on('hearing:participants', count);
    const acks = await Promise.all(Array.from({ length: 150 }, (_, i) => ask(other, i % 2 === 0 ? 'hand:raise' : 'hand:lower')));
    await new Promise((r) => setTimeout(r, 300));
    judge.off('hearing:participants', count);
    const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThan(110);
    expect(broadcasts).toBeLessThan(40);
    // The host's own commands have their own budget.
    expect((await ask(judge, 'host:lowerAllHands')).ok).toBe(true);
  });

  it('a participant flooding past the packet ceiling is cut off with RATE_LIMITED, cannot reconnect at once, and the host is still answered', async () => {
    // Unknown events reach no request handler and no per-event bucket: only the ceiling counts them.
    const throttled = nextEvent(other, 'hearing:throttled');
    const cut = new Promise<string>((resolve) => other.once('disconnect', (reason) => resolve(reason)));
    for (let i = 0; i < 1000; i++) (other as unknown as Loose).emit('no:such:event', { i });
    // The host's command sent right behind the flood gets its answer.
    expect(await ask(judge, 'host:lowerAllHands')).toEqual({ ok: true, data: {} });
    expect(await throttled).toMatchObject({ code: 'RATE_LIMITED' });
    await cut;
    // Reconnecting at once is refused with the same stable code, in the handshake ...
    const token = await joinToken(fx.defendant, fx.hearingId);
    const refused = await openSocket(server, token).then(
      (s) => (s.disconnect(), 'connected'),
      (err: Error & { data?: { code?: string } }) => err.data?.code,
    );
    expect(refused).toBe('RATE_LIMITED');
    // ... for a few seconds only: the participant is not locked out, and keeps its place.
    let back: HearingSocket | undefined;
    for (let i = 0; i < 20 && !back; i++) {
      await new Promise((r) => setTimeout(r, 500));
      back = await openSocket(server, token).catch(() => undefined);
    }
    expect(back).toBeDefined();
    other = back!;
    sockets.push(other);
    const joined = await ask<JoinResult>(other, 'hearing:join');
    expect(joined.ok && joined.data.me.status).toBe('waiting');
    // The host's connection was never touched.
    expect(judge.connected).toBe(true);
    expect((await ask(judge, 'host:lowerAllHands')).ok).toBe(true);
  });

  it("a waiting party's consent flood (600 messages; the probe sends 2,000) neither grows the record nor holds up the host's commands, and the flooder is cut off", async () => {
    // The other party is waiting: dismissed back to the waiting room.
    await admit(other, fx.ids.defendant);
    expect((await ask(judge, 'host:dismiss', { userId: fx.ids.defendant })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1500)); // let its bucket refill
    const before = (await hearingModel(server.db.connection).findById(fx.hearingId).lean())?.events.length ?? 0;
    const acks: Ack<unknown>[] = [];
    const disconnected = new Promise<void>((resolve) => other.once('disconnect', () => resolve()));
    const throttled = nextEvent(other, 'hearing:throttled');
    for (let i = 0; i < 600; i++) (other as unknown as Loose).emit('recording:consent', { consent: i % 2 === 0 }, (a: Ack<unknown>) => acks.push(a));
    // A host command right behind the flood is answered, and so is the close, which waits until the
    // hearing record is stored: not behind one write per consent (before the fix, 101.5 s after 2,000
    // consents; how long it takes is measured by `npm run bench -- probe`).
    expect(await ask(judge, 'host:lowerAllHands')).toEqual({ ok: true, data: {} });
    expect(await ask<{ state: string }>(judge, 'host:session', { action: 'close' })).toEqual({ ok: true, data: { state: 'closed' } });
    const after = (await hearingModel(server.db.connection).findById(fx.hearingId).lean())?.events.length ?? 0;
    expect(after - before).toBeLessThan(60);
    // The flooder was cut off with the stable reason. Only its first requests were served: the rest were
    // refused RATE_LIMITED or, once the connection was cut, dropped unanswered (which of the two depends
    // on how the burst arrived; refusals are asserted by the hand-raise test above).
    expect(await throttled).toMatchObject({ code: 'RATE_LIMITED' });
    await disconnected;
    expect(acks.filter((a) => a.ok).length).toBeLessThan(30);
    expect(acks.every((a) => a.ok || a.error.code === 'RATE_LIMITED')).toBe(true);
  });
});
