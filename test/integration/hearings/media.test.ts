import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegRtpSource, WeriftParticipant, type RtpSource } from '../../support/weriftParticipant.js';
import { joinToken, scheduledHearing, type HearingFixture } from '../../support/hearing.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/** Packets that arrive from `userId` over `ms`, as seen by `receiver`. */
async function packetsDuring(receiver: WeriftParticipant, userId: string, kind: 'audio' | 'video', ms: number): Promise<number> {
  const before = receiver.packetsFromUser(userId, kind);
  await new Promise((r) => setTimeout(r, ms));
  return receiver.packetsFromUser(userId, kind) - before;
}

describe('hearing media through the SFU with real WebRTC peers', () => {
  let server: TestServer;
  let sources: Record<'audio' | 'video', RtpSource>;
  const people: WeriftParticipant[] = [];
  const join = async (fxClient: HearingFixture['judge'], hearingId: string) => {
    const p = await WeriftParticipant.connect({ url: server.url, token: await joinToken(fxClient, hearingId), sources });
    people.push(p);
    return p;
  };
  const flowing = (receiver: WeriftParticipant, userId: string, kind: 'audio' | 'video', min = 10) =>
    receiver.waitForPackets(() => receiver.packetsFromUser(userId, kind) >= min, 15_000);

  beforeAll(async () => {
    server = await startTestServer();
    sources = { audio: await FfmpegRtpSource.start('audio'), video: await FfmpegRtpSource.start('video') };
  });
  afterAll(async () => {
    for (const p of people) await p.close();
    await sources?.audio.stop();
    await sources?.video.stop();
    await server?.destroy();
  });

  describe('a hearing', () => {
    let fx: HearingFixture;
    let judge: WeriftParticipant;
    let party: WeriftParticipant;

    beforeAll(async () => {
      fx = await scheduledHearing(server, 'hearing', 31);
    });

    it('the party waits and receives nothing; once admitted, each receives the other\'s audio and video', async () => {
      judge = await join(fx.judge, fx.hearingId);
      await judge.join();
      await judge.setupMedia();
      await judge.produce(['audio', 'video']);
      await judge.consumeAll();

      party = await join(fx.plaintiff, fx.hearingId);
      const joined = await party.join();
      expect(joined.me.status).toBe('waiting');
      expect(await party.request('media:createTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'NOT_ADMITTED' } });
      await new Promise((r) => setTimeout(r, 500));
      expect(party.packetsFromUser(fx.ids.judge)).toBe(0);

      const mark = party.mark();
      expect((await judge.request('host:admit', { userId: fx.ids.plaintiff })).ok).toBe(true);
      await party.waitForEvent('hearing:me', (p) => (p as { me: { status: string } }).me.status === 'admitted', 10_000, mark);
      await party.setupMedia();
      await party.produce(['audio', 'video']);
      await party.consumeAll();

      await flowing(party, fx.ids.judge, 'audio');
      await flowing(party, fx.ids.judge, 'video');
      await flowing(judge, fx.ids.plaintiff, 'audio');
      await flowing(judge, fx.ids.plaintiff, 'video');
    });

    it('mute stops the muted producer reaching others; mute-and-lock refuses the party\'s unmute', async () => {
      expect((await judge.request('host:mute', { userId: fx.ids.plaintiff, lock: true })).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 500)); // packets already in flight
      expect(await packetsDuring(judge, fx.ids.plaintiff, 'audio', 1500)).toBe(0);
      expect(await packetsDuring(judge, fx.ids.plaintiff, 'video', 1500)).toBeGreaterThan(0);

      const audioProducer = party.producerIds.audio!;
      expect(await party.request('media:resumeProducer', { producerId: audioProducer })).toMatchObject({ ok: false, error: { code: 'MUTED_BY_HOST' } });
      expect(await packetsDuring(judge, fx.ids.plaintiff, 'audio', 1000)).toBe(0);

      expect((await judge.request('host:unlock', { userId: fx.ids.plaintiff })).ok).toBe(true);
      expect((await party.request('media:resumeProducer', { producerId: audioProducer })).ok).toBe(true);
      expect(await packetsDuring(judge, fx.ids.plaintiff, 'audio', 1500)).toBeGreaterThan(10);
    });

    it('a killed mediasoup worker is replaced; participants are told to rejoin and media flows again', async () => {
      const hosting = server.workers.workers().filter((w) => w.routers.size > 0);
      expect(hosting.length).toBeGreaterThan(0);
      const deadPids = hosting.map((w) => w.worker.pid);
      const markJ = judge.mark();
      const markP = party.mark();
      for (const pid of deadPids) process.kill(pid, 'SIGKILL');

      await judge.waitForEvent('hearing:rejoin', () => true, 15_000, markJ);
      await party.waitForEvent('hearing:rejoin', () => true, 15_000, markP);
      await expect.poll(() => server.workers.workers().map((w) => w.worker.pid).filter((pid) => !deadPids.includes(pid)).length, { timeout: 10_000 }).toBe(
        server.workers.size,
      );
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as { workers: { pid: number }[] };
      expect(health.workers).toHaveLength(server.workers.size);
      expect(health.workers.some((w) => deadPids.includes(w.pid))).toBe(false);

      await judge.mediaIdle();
      await party.mediaIdle();
      expect(await packetsDuring(judge, fx.ids.plaintiff, 'video', 3000)).toBeGreaterThan(0);
      expect(await packetsDuring(party, fx.ids.judge, 'audio', 1500)).toBeGreaterThan(0);
    });
  });

  describe('a mediation with caucus rooms', () => {
    let fx: HearingFixture;
    let mediator: WeriftParticipant;
    let plaintiff: WeriftParticipant;
    let defendant: WeriftParticipant;

    beforeAll(async () => {
      fx = await scheduledHearing(server, 'mediation', 32);
      mediator = await join(fx.mediator, fx.hearingId);
      await mediator.join();
      await mediator.setupMedia();
      await mediator.produce(['audio']);
      await mediator.consumeAll();
      plaintiff = await join(fx.plaintiff, fx.hearingId);
      defendant = await join(fx.defendant, fx.hearingId);
      for (const [p, id] of [[plaintiff, fx.ids.plaintiff], [defendant, fx.ids.defendant]] as const) {
        await p.join();
        const mark = p.mark();
        await mediator.request('host:admit', { userId: id });
        await p.waitForEvent('hearing:me', (e) => (e as { me: { status: string } }).me.status === 'admitted', 10_000, mark);
        await p.setupMedia();
        await p.produce(['audio']);
        await p.consumeAll();
      }
      await flowing(defendant, fx.ids.plaintiff, 'audio');
    });

    it('a party can only be moved to its own side\'s caucus', async () => {
      expect(await mediator.request('host:move', { userId: fx.ids.plaintiff, room: 'caucus:defendant' })).toMatchObject({
        ok: false,
        error: { code: 'ROOM_NOT_ALLOWED' },
      });
      expect(await plaintiff.request('host:move', { userId: fx.ids.plaintiff, room: 'caucus:plaintiff' })).toMatchObject({ ok: false, error: { code: 'NOT_HOST' } });
    });

    it('in the plaintiff\'s caucus the mediator hears the plaintiff, and the defendant hears none of it', async () => {
      const markP = plaintiff.mark();
      expect((await mediator.request('host:move', { userId: fx.ids.plaintiff, room: 'caucus:plaintiff' })).ok).toBe(true);
      expect((await mediator.request('host:move', { userId: fx.ids.mediator, room: 'caucus:plaintiff' })).ok).toBe(true);
      await plaintiff.waitForEvent('hearing:me', (e) => (e as { me: { room: string } }).me.room === 'caucus:plaintiff', 10_000, markP);
      await plaintiff.mediaIdle();
      await mediator.mediaIdle();

      const mediatorBefore = mediator.packetsFromUser(fx.ids.plaintiff, 'audio');
      await flowing(mediator, fx.ids.plaintiff, 'audio', mediatorBefore + 20);
      await flowing(plaintiff, fx.ids.mediator, 'audio', plaintiff.packetsFromUser(fx.ids.mediator, 'audio') + 20);
      await new Promise((r) => setTimeout(r, 300));
      // Caucus media never reaches the other side: nothing from the plaintiff or the mediator.
      expect(await packetsDuring(defendant, fx.ids.plaintiff, 'audio', 2000)).toBe(0);
      expect(await packetsDuring(defendant, fx.ids.mediator, 'audio', 500)).toBe(0);
      const list = await defendant.request('media:listProducers', {});
      expect(list.ok && list.data.producers.map((p) => p.participantId)).toEqual([]);
    });
  });
});
