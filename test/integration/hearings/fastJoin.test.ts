import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH, type ParticipantView } from '../../../protocol/hearing.js';
import { FfmpegRtpSource, WeriftParticipant, type RtpSource } from '../../support/weriftParticipant.js';
import { joinToken, scheduledHearing, type HearingFixture } from '../../support/hearing.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { weriftRecvRtpCapabilities } from '../../support/weriftSdp.js';
import type { types } from 'mediasoup';

/**
 * The fast join (issue #20): media:setup, media:consumeMany and media:resumeConsumers,
 * through the real signalling, real mediasoup workers and real WebRTC peers (werift).
 * The older messages keep working beside them.
 */
describe('fast join: one setup request, consumers in batches', () => {
  let server: TestServer;
  let sources: Record<'audio' | 'video', RtpSource>;
  let fx: HearingFixture;
  const people: WeriftParticipant[] = [];
  const connect = async (client: HearingFixture['judge'], fastJoin = true) => {
    const p = await WeriftParticipant.connect({ url: server.url, token: await joinToken(client, fx.hearingId), sources, fastJoin });
    people.push(p);
    return p;
  };
  const admit = async (judge: WeriftParticipant, p: WeriftParticipant, userId: string) => {
    // Court staff enter directly; parties wait for the judge.
    if (p.me?.status === 'admitted') return;
    const mark = p.mark();
    expect((await judge.request('host:admit', { userId })).ok).toBe(true);
    await p.waitForEvent('hearing:me', (e) => (e as { me: ParticipantView }).me.status === 'admitted', 10_000, mark);
  };
  const flowing = (receiver: WeriftParticipant, userId: string, kind: 'audio' | 'video') =>
    receiver.waitForPackets(() => receiver.packetsFromUser(userId, kind) >= 10, 15_000);

  let judge: WeriftParticipant;
  let plaintiff: WeriftParticipant;

  beforeAll(async () => {
    server = await startTestServer();
    sources = { audio: await FfmpegRtpSource.start('audio'), video: await FfmpegRtpSource.start('video') };
    fx = await scheduledHearing(server, 'hearing', 41);
  });
  afterAll(async () => {
    for (const p of people) await p.close();
    await sources?.audio.stop();
    await sources?.video.stop();
    await server?.destroy();
  });

  it('a waiting participant gets NOT_ADMITTED for every fast-join request', async () => {
    judge = await connect(fx.judge);
    await judge.join();
    await judge.joinMedia();
    plaintiff = await connect(fx.plaintiff);
    expect((await plaintiff.join()).me.status).toBe('waiting');
    expect(await plaintiff.request('media:setup', {})).toMatchObject({ ok: false, error: { code: 'NOT_ADMITTED' } });
    expect(await plaintiff.request('media:consumeMany', { transportId: 'x', rtpCapabilities: { codecs: [] } })).toMatchObject({ ok: false, error: { code: 'NOT_ADMITTED' } });
    expect(await plaintiff.request('media:resumeConsumers', { consumerIds: ['x'] })).toMatchObject({ ok: false, error: { code: 'NOT_ADMITTED' } });
  });

  it('once admitted, one media:setup and one media:consumeMany bring both sides\' audio and video', async () => {
    await admit(judge, plaintiff, fx.ids.plaintiff);
    const answeredBefore = judge.keyFramesAnswered;
    await plaintiff.joinMedia();
    expect(plaintiff.mediaRoom).toBe('joint');
    // The plaintiff asked for setup, produce and a batch; never a transport or a consumer one by one.
    await flowing(plaintiff, fx.ids.judge, 'audio');
    await flowing(plaintiff, fx.ids.judge, 'video');
    await flowing(judge, fx.ids.plaintiff, 'audio');
    await flowing(judge, fx.ids.plaintiff, 'video');
    // Resuming the plaintiff's video consumer asked the judge's sender for a key frame, and it answered at once.
    expect(judge.keyFramesAnswered).toBeGreaterThan(answeredBefore);
  });

  it('a participant on the older messages and one on the new ones see each other', async () => {
    const clerk = await connect(fx.clerk, false);
    await clerk.join();
    await admit(judge, clerk, fx.ids.clerk);
    await clerk.setupMedia();
    await clerk.produce(['audio', 'video']);
    await clerk.consumeAll();
    await flowing(clerk, fx.ids.plaintiff, 'video');
    await flowing(plaintiff, fx.ids.clerk, 'audio');
    await flowing(plaintiff, fx.ids.clerk, 'video');
  });

  describe('by hand, as a client would misuse them', () => {
    let defendant: WeriftParticipant;
    let setup: { send: { id: string }; recv: { id: string }; rtpCapabilities: unknown; room: string };
    let rtpCapabilities: types.RtpCapabilities;

    beforeAll(async () => {
      defendant = await connect(fx.defendant);
      await defendant.join();
      await admit(judge, defendant, fx.ids.defendant);
    });

    it('media:setup answers the router capabilities and two distinct transports; a participant holds at most two pairs', async () => {
      const ack = await defendant.request('media:setup', {});
      if (!ack.ok) throw new Error(ack.error.code);
      setup = ack.data;
      expect(setup.room).toBe('joint');
      expect(setup.send.id).not.toBe(setup.recv.id);
      expect((setup.rtpCapabilities as types.RtpCapabilities).codecs?.length).toBeGreaterThan(0);
      rtpCapabilities = weriftRecvRtpCapabilities(setup.rtpCapabilities as types.RtpCapabilities);
      expect((await defendant.request('media:setup', {})).ok).toBe(true);
      // A third pair would pass the limit of four transports: refused whole, nothing half-made.
      expect(await defendant.request('media:setup', {})).toMatchObject({ ok: false, error: { code: 'TOO_MANY_TRANSPORTS' } });
      expect(await defendant.request('media:createTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'TOO_MANY_TRANSPORTS' } });
    });

    it('media:consumeMany consumes what is named, skips a vanished producer, and never consumes a producer twice', async () => {
      const judgeAudio = judge.producerIds.audio!;
      const named = await defendant.request('media:consumeMany', { transportId: setup.recv.id, rtpCapabilities, producerIds: [judgeAudio, 'gone-producer'] });
      if (!named.ok) throw new Error(named.error.code);
      expect(named.data.consumers.map((c) => [c.producerId, c.participantId, c.kind])).toEqual([[judgeAudio, fx.ids.judge, 'audio']]);
      expect(named.data.skipped).toEqual([{ producerId: 'gone-producer', code: 'PRODUCER_NOT_FOUND' }]);

      const rest = await defendant.request('media:consumeMany', { transportId: setup.recv.id, rtpCapabilities });
      if (!rest.ok) throw new Error(rest.error.code);
      const got = rest.data.consumers.map((c) => c.producerId).sort();
      const expected = [judge.producerIds.video!, ...Object.values(plaintiff.producerIds)].sort();
      // Every other producer of the room (the clerk's too), but not the judge's audio consumed above.
      expect(got).toEqual(expect.arrayContaining(expected));
      expect(got).not.toContain(judgeAudio);
      expect(new Set(got).size).toBe(got.length);

      const again = await defendant.request('media:consumeMany', { transportId: setup.recv.id, rtpCapabilities });
      expect(again).toMatchObject({ ok: true, data: { consumers: [], skipped: [] } });

      const ids = [named.data.consumers[0]!.consumerId, ...rest.data.consumers.map((c) => c.consumerId)];
      // One unknown id: refused whole with a stable code.
      expect(await defendant.request('media:resumeConsumers', { consumerIds: [ids[0]!, 'not-mine'] })).toMatchObject({ ok: false, error: { code: 'CONSUMER_NOT_FOUND' } });
      expect(await defendant.request('media:resumeConsumers', { consumerIds: ids })).toEqual({ ok: true, data: {} });
    });

    it('malformed batches are refused with VALIDATION_FAILED; an unknown transport with TRANSPORT_NOT_FOUND', async () => {
      const tooMany = Array.from({ length: MAX_BATCH + 1 }, (_, i) => `c${i}`);
      expect(await defendant.request('media:resumeConsumers', { consumerIds: tooMany })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await defendant.request('media:resumeConsumers', { consumerIds: [] })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await defendant.request('media:consumeMany', { transportId: setup.recv.id, rtpCapabilities, producerIds: tooMany })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await defendant.request('media:setup', { extra: 1 } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await defendant.request('media:consumeMany', { transportId: 'nope', rtpCapabilities })).toMatchObject({ ok: false, error: { code: 'TRANSPORT_NOT_FOUND' } });
    });

    it('the batched requests are charged to the media bucket like the others: a flood is refused RATE_LIMITED', async () => {
      const acks = await Promise.all(Array.from({ length: 260 }, () => defendant.request('media:resumeConsumers', { consumerIds: ['flood'] })));
      expect(acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
    });
  });
});
