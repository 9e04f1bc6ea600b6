/**
 * One participant of the join benchmark, in its own process (test/bench/join.ts
 * forks one per seat), so that the participants' WebRTC stacks do not share the
 * server's event loop as they did. The media comes from the parent's two ffmpeg
 * encoders over loopback UDP; this process keeps the latest key frame itself
 * and answers the SFU's key-frame requests with it, as a browser encoder would.
 *
 * Protocol (IPC): parent -> child `run` (one join, answered by `sample`), `leave`
 * (close the participant, answered by `left`), `exit`. The child first sends
 * `ready` with the UDP ports the parent should send RTP to.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { ParticipantView } from '../../protocol/hearing.js';
import { KeyFrameCache } from '../support/keyFrames.js';
import { WeriftParticipant, type MediaKind, type RtpSource } from '../support/weriftParticipant.js';

export interface RunOrder {
  type: 'run';
  url: string;
  token: string;
  isJudge: boolean;
  /** A participant that has received no remote RTP by then has failed. */
  timeoutMs: number;
  /** Beyond the first packet, how long to keep waiting for the first video packet. */
  videoWaitMs: number;
}

/** Milliseconds from the start of the socket connection, per step. */
export interface JoinTimes {
  connectedMs?: number;
  joinedMs?: number;
  admittedMs?: number;
  /** media:setup answered: capabilities and both transports known. */
  setupMs?: number;
  /** ICE connected on both transports. */
  iceMs?: number;
  /** Both transports connected (ICE + DTLS). */
  transportsMs?: number;
  /** media:consumeMany answered. */
  consumedMs?: number;
  /** media:resumeConsumers answered. */
  resumedMs?: number;
  firstRtpMs?: number;
  firstVideoMs?: number;
  error?: string;
}

export type ChildMessage = { type: 'ready'; ports: Record<MediaKind, number> } | { type: 'sample'; times: JoinTimes } | { type: 'left' };
export type ParentMessage = RunOrder | { type: 'leave' } | { type: 'exit' };

/** RTP arriving from the parent on a local UDP port. */
class UdpRtpSource implements RtpSource {
  private readonly subscribers = new Set<(packet: Buffer) => void>();
  private readonly keyFrames = new KeyFrameCache();

  private constructor(
    readonly kind: MediaKind,
    private readonly socket: dgram.Socket,
  ) {
    socket.on('message', (packet) => {
      if (kind === 'video') this.keyFrames.add(packet);
      for (const s of this.subscribers) s(packet);
    });
  }

  static async open(kind: MediaKind): Promise<UdpRtpSource> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpRtpSource(kind, socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  subscribe(onPacket: (packet: Buffer) => void): () => void {
    this.subscribers.add(onPacket);
    return () => this.subscribers.delete(onPacket);
  }

  keyFrame(): Buffer[] | undefined {
    return this.kind === 'video' ? this.keyFrames.keyFrame() : undefined;
  }

  async stop(): Promise<void> {
    this.subscribers.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

function packets(p: WeriftParticipant, kind?: MediaKind): number {
  return p.receivedStats().reduce((sum, s) => sum + (!kind || s.kind === kind ? s.packets : 0), 0);
}

/** The judge's automation: admit whoever is waiting, once each. */
function autoAdmit(judge: WeriftParticipant): (participants: ParticipantView[]) => void {
  const asked = new Set<string>();
  const admitWaiting = (participants: ParticipantView[]) => {
    for (const p of participants) {
      if (p.status !== 'waiting' || asked.has(p.userId)) continue;
      asked.add(p.userId);
      judge.request('host:admit', { userId: p.userId }).then(
        (ack) => {
          if (!ack.ok) asked.delete(p.userId);
        },
        () => asked.delete(p.userId),
      );
    }
  };
  judge.emitter.on('hearing:participants', (payload: { participants: ParticipantView[] }) => admitWaiting(payload.participants));
  return admitWaiting;
}

async function run(order: RunOrder, sources: Record<MediaKind, RtpSource>, keep: (p: WeriftParticipant) => void): Promise<JoinTimes> {
  const times: JoinTimes = {};
  const t0 = performance.now();
  const at = (t: number | undefined) => (t === undefined ? undefined : Math.round((t - t0) * 10) / 10);
  // The first packets are stamped from a 2 ms timer, whatever the participant is doing meanwhile.
  let participant: WeriftParticipant | undefined;
  let gotVideo: () => void = () => undefined;
  const videoSeen = new Promise<void>((resolve) => (gotVideo = resolve));
  const timer = setInterval(() => {
    if (!participant) return;
    const now = performance.now();
    if (times.firstRtpMs === undefined && packets(participant) > 0) times.firstRtpMs = at(now);
    if (times.firstVideoMs === undefined && packets(participant, 'video') > 0) {
      times.firstVideoMs = at(now);
      gotVideo();
    }
  }, 2);
  try {
    const p = await WeriftParticipant.connect({ url: order.url, token: order.token, sources });
    participant = p;
    keep(p);
    times.connectedMs = at(performance.now());
    const admitWaiting = order.isJudge ? autoAdmit(p) : undefined;
    const joined = await p.join();
    times.joinedMs = at(performance.now());
    admitWaiting?.(joined.participants);
    if (joined.me.status !== 'admitted') await p.waitForEvent('hearing:me', ({ me }) => me.status === 'admitted', order.timeoutMs);
    times.admittedMs = at(performance.now());
    await p.joinMedia(['audio', 'video']);
    times.setupMs = at(p.marks.setup);
    times.consumedMs = at(p.marks.consumed);
    times.resumedMs = at(p.marks.resumed);
    await Promise.race([videoSeen, new Promise((r) => setTimeout(r, Math.max(0, order.timeoutMs + order.videoWaitMs - (performance.now() - t0))))]);
    const { sendConnected, recvConnected, sendIce, recvIce } = p.marks;
    if (sendIce !== undefined && recvIce !== undefined) times.iceMs = at(Math.max(sendIce, recvIce));
    if (sendConnected !== undefined && recvConnected !== undefined) times.transportsMs = at(Math.max(sendConnected, recvConnected));
    if (times.firstRtpMs === undefined) {
      throw new Error(`no remote RTP within ${order.timeoutMs} ms${p.mediaErrors.length ? `: ${p.mediaErrors.map((e) => e.message).join(' | ')}` : ''}`);
    }
  } catch (err) {
    times.error = err instanceof Error ? err.message : String(err);
  } finally {
    clearInterval(timer);
  }
  return times;
}

async function main(): Promise<void> {
  const send = (m: ChildMessage) => process.send?.(m);
  const [audio, video] = await Promise.all([UdpRtpSource.open('audio'), UdpRtpSource.open('video')]);
  const sources = { audio, video };
  let current: WeriftParticipant | undefined;
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'run') {
      void run(m, sources, (p) => (current = p)).then((times) => send({ type: 'sample', times }));
    } else if (m.type === 'leave') {
      const p = current;
      current = undefined;
      void (p ? p.close() : Promise.resolve()).catch(() => undefined).then(() => send({ type: 'left' }));
    } else {
      void Promise.all([current?.close(), audio.stop(), video.stop()]).finally(() => process.exit(0));
    }
  });
  // The parent's end is ours too.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', ports: { audio: audio.port, video: video.port } });
}

void main();
