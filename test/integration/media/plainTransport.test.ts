import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { startTestServer, type TestServer } from '../../support/server.js';
import { sendOpusRtp } from '../../support/ffmpeg.js';

const OPUS: types.RouterRtpCodecCapability = { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 };

async function packetCount(producer: types.Producer): Promise<number> {
  const stats = await producer.getStats();
  return stats.reduce((sum, s) => sum + s.packetCount, 0);
}

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms (last value ${String(v)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('mediasoup through the server worker pool', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('a PlainTransport receives the RTP that ffmpeg sends', async () => {
    const { router } = await server.workers.createRouter([OPUS]);
    const transport = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: false,
      comedia: true,
    });
    const producer = await transport.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 101, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: 22222222 }],
      },
    });
    const ffmpeg = sendOpusRtp({
      host: '127.0.0.1',
      rtpPort: transport.tuple.localPort,
      rtcpPort: transport.rtcpTuple!.localPort,
      payloadType: 101,
      ssrc: 22222222,
    });
    try {
      const first = await waitFor(() => packetCount(producer), (n) => n > 0);
      // 20 ms Opus frames: about 50 packets a second keep arriving.
      const later = await waitFor(() => packetCount(producer), (n) => n >= first + 25);
      expect(later).toBeGreaterThan(first);
      const transportStats = await transport.getStats();
      expect(transportStats[0]?.bytesReceived).toBeGreaterThan(0);
      expect(server.workers.workers().reduce((n, w) => n + w.routers.size, 0)).toBe(1);
    } finally {
      ffmpeg.kill('SIGKILL');
      router.close();
    }
    expect(server.workers.workers().reduce((n, w) => n + w.routers.size, 0)).toBe(0);
  });

  it('assigns new routers to the least loaded worker', async () => {
    const routers = [];
    for (let i = 0; i < server.workers.size * 2; i++) routers.push((await server.workers.createRouter([OPUS])).router);
    for (const w of server.workers.workers()) expect(w.routers.size).toBe(2);
    for (const r of routers) r.close();
  });
});
