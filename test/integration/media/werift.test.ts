import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { FfmpegRtpSource } from '../../support/weriftParticipant.js';
import {
  WeriftRecvTransport,
  WeriftSendTransport,
  weriftRecvRtpCapabilities,
  type MediaKind,
  type RemoteTransportParams,
} from '../../support/weriftSdp.js';

const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

function remoteParams(t: types.WebRtcTransport): RemoteTransportParams {
  return { id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters };
}

async function producerPackets(producer: types.Producer): Promise<number> {
  return (await producer.getStats()).reduce((sum, s) => sum + s.packetCount, 0);
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('werift <-> mediasoup WebRtcTransport', () => {
  let worker: types.Worker;
  let router: types.Router;
  const sources: Partial<Record<MediaKind, FfmpegRtpSource>> = {};
  const closers: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    [sources.audio, sources.video] = await Promise.all([FfmpegRtpSource.start('audio'), FfmpegRtpSource.start('video')]);
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await Promise.all(Object.values(sources).map((s) => s.stop()));
    worker?.close();
  });

  it('a werift sender produces Opus and VP8 that a werift receiver consumes', async () => {
    const listenInfos: types.TransportListenInfo[] = [{ protocol: 'udp', ip: '127.0.0.1' }];
    const sendTransport = await router.createWebRtcTransport({ listenInfos });
    const recvTransport = await router.createWebRtcTransport({ listenInfos });
    const sender = new WeriftSendTransport(remoteParams(sendTransport), async (dtlsParameters) => {
      await sendTransport.connect({ dtlsParameters });
    });
    const receiver = new WeriftRecvTransport(remoteParams(recvTransport), async (dtlsParameters) => {
      await recvTransport.connect({ dtlsParameters });
    });
    closers.push(() => sender.close(), () => receiver.close());

    // Send side: one renegotiation per track, as mediasoup-client does.
    const producers = {} as Record<MediaKind, types.Producer>;
    for (const kind of ['audio', 'video'] as const) {
      const local = await sender.produce(kind);
      expect(local.rtpParameters.mid).toBeTruthy();
      expect(local.rtpParameters.encodings?.[0]?.ssrc).toBeGreaterThan(0);
      producers[kind] = await sendTransport.produce({ kind, rtpParameters: local.rtpParameters });
      sources[kind]!.subscribe((packet) => local.track.writeRtp(packet));
    }
    await sender.waitConnected();
    // mediasoup reports its side of the handshake a moment later.
    await waitUntil(() => sendTransport.dtlsState === 'connected', () => `send dtlsState ${sendTransport.dtlsState}`);
    await waitUntil(
      async () => (await producerPackets(producers.audio)) > 10 && (await producerPackets(producers.video)) > 5,
      () => 'mediasoup producers received no RTP from werift',
    );

    // Receive side: consumers created paused, resumed once werift has answered.
    const rtpCapabilities = weriftRecvRtpCapabilities(router.rtpCapabilities);
    const consumers = {} as Record<MediaKind, types.Consumer>;
    for (const kind of ['audio', 'video'] as const) {
      const consumer = await recvTransport.consume({ producerId: producers[kind].id, rtpCapabilities, paused: true });
      await receiver.consume({ consumerId: consumer.id, kind, rtpParameters: consumer.rtpParameters });
      await consumer.resume();
      consumers[kind] = consumer;
    }
    await receiver.waitConnected();
    await waitUntil(() => recvTransport.dtlsState === 'connected', () => `recv dtlsState ${recvTransport.dtlsState}`);

    const audio = () => receiver.packetsOf(consumers.audio.id);
    const video = () => receiver.packetsOf(consumers.video.id);
    const counts = () => `audio ${audio()} video ${video()}`;
    // Opus: 50 packets/s. VP8 starts at the next key frame (one a second).
    await waitUntil(() => audio() >= 25 && video() >= 10, counts);
    const first = { audio: audio(), video: video() };
    await waitUntil(() => audio() >= first.audio + 25 && video() >= first.video + 10, counts);
    expect(receiver.bytesOf(consumers.video.id)).toBeGreaterThan(receiver.bytesOf(consumers.audio.id));

    // Closing one consumer renegotiates without disturbing the other.
    consumers.audio.close();
    await receiver.closeConsumer(consumers.audio.id);
    const afterClose = video();
    await waitUntil(() => video() >= afterClose + 10, counts);
  });
});
