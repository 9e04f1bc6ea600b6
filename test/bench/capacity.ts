/**
 * Capacity benchmark: how many consumers one mediasoup worker (one core)
 * forwards before it loses packets or runs out of CPU.
 *
 * Load: 8 "speakers", each an ffmpeg process that streams a pre-encoded
 * VP8 + Opus clip with `-c copy` (no encoding during the measurement) into
 * two PlainTransport producers. Receivers are PlainTransports with 14
 * consumers each (the 7 other speakers' audio and video, as a participant
 * of an 8-party hearing gets), sending to local UDP sinks that count packets.
 * Receivers are added step by step; each step settles, then measures the
 * worker's CPU (/proc/<pid>/stat deltas) and the loss (producers' lost
 * packets on the way in, sequence gaps of every consumer stream on the way out).
 *
 * Four ramps: our MediaRoom (router from our WorkerPool with our codecs and
 * the ActiveSpeakerObserver fed with the audio producers) and a bare
 * mediasoup worker + router with the same codecs, each with plain RTP and
 * with SRTP on every transport; then, per transport, ours and bare measured
 * alternately at the same load on fresh worker processes. The worker is pinned to CPU 0, this process
 * (the sinks) and the ffmpeg processes to CPU 1.
 */
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../../media/codecs.js';
import { MediaRoom } from '../../media/mediaRoom.js';
import { WorkerPool } from '../../media/workerPool.js';
import { allowedCpus, canPin, loadAverage, pin, progress, round, sleep, spawnTracked, stopChild, type BenchReport } from './common.js';

const SPEAKERS = 8;
/** Each receiver consumes the audio and video of the 7 other speakers. */
const CONSUMERS_PER_RECEIVER = (SPEAKERS - 1) * 2;
const CONSUMERS_PER_HEARING = SPEAKERS * CONSUMERS_PER_RECEIVER;
const START_RECEIVERS = SPEAKERS;
/** Smallest step: 4 receivers = 56 consumers. */
const MIN_STEP_RECEIVERS = 4;
const MAX_RECEIVERS = 700;
const SETTLE_MS = 2_000;
const MEASURE_MS = 3_000;
/** Stepping stops after this long in each of the four runs (less when the whole budget is short). */
const RUN_BUDGET_MS = 45_000;
/**
 * The whole benchmark ends within this many seconds on any machine (default 10 min,
 * BENCH_CAPACITY_BUDGET_S to change): every wait on the worker is bounded, each
 * step's size is bounded by the consumer-creation rate measured so far, and the
 * phases get shares of what is left.
 */
const DEFAULT_BUDGET_S = 600;
/** The largest step: at most this many new receivers, whatever the CPU estimate says. */
const MAX_STEP_RECEIVERS = 60;
/** A step may spend at most this long creating its consumers (at the creation rate measured so far). */
const STEP_CREATE_MS = 8_000;
/** A worker request (stats, a transport, a consumer) not answered by then counts as an unresponsive worker. */
const WORKER_ANSWER_MS = 5_000;
/** Kept back from every phase's deadline for closing rigs (ffmpeg, workers). */
const CLOSE_RESERVE_MS = 8_000;
/** Past 60 % CPU the next step aims straight at this, so that one step lands above the limit to interpolate. */
const OVERSHOOT_PCT = 92;
/** The equal-load comparison: ours and bare alternately, this many fresh workers each, at this share of the bare capacity. */
const AB_ROUNDS = 3;
const AB_LOAD = 0.7;
const LOSS_LIMIT = 0.01;
/** This process's CPU from which loss on the way out is blamed on the sinks. */
const SINK_SATURATED_PCT = 85;
const CPU_LIMIT_PCT = 85;
const SINKS = 4;
const SRTP_SUITE: types.SrtpCryptoSuite = 'AES_CM_128_HMAC_SHA1_80';
const PT = { audio: 100, video: 101 } as const;
/** USER_HZ of /proc/<pid>/stat (100 on every Linux we run on). */
const CLOCK_TICKS = 100;
/** Opus at 20 ms a frame: exactly 50 packets a second per audio producer, whatever the clip. */
const AUDIO_PPS = 50;
/** A reading whose senders deviate more than this from real time (a starved ffmpeg catching up) is measured again. */
const GENERATOR_TOLERANCE = 0.1;
const CLIP = { seconds: 6, width: 640, height: 360, fps: 30, videoKbps: 500, audioKbps: 32 };

type Kind = 'audio' | 'video';
type Flavour = 'ours' | 'bare';

interface Sfu {
  worker: types.Worker;
  router: types.Router;
  /** What happens to a new audio producer besides producing (ours: the active speaker observer). */
  onAudioProducer(producer: types.Producer): Promise<void>;
  close(): Promise<void>;
}

async function workerExit(worker: types.Worker): Promise<void> {
  if (worker.subprocessClosed) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 3000);
    worker.once('subprocessclose', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.close();
  });
}

async function oursSfu(): Promise<Sfu> {
  const pool = await WorkerPool.start({
    numWorkers: 1,
    listenIp: '127.0.0.1',
    announcedIp: undefined,
    webRtcPort: 0,
    rtcMinPort: 20000,
    rtcMaxPort: 29999,
    logLevel: 'error',
  });
  const slot = pool.workers()[0]!;
  // MediaRoom keeps its observer private; the mediasoup observer API shows it to us as it is created.
  let speakerObserver: types.RtpObserver | undefined;
  slot.worker.observer.once('newrouter', (router) => router.observer.once('newrtpobserver', (o) => (speakerObserver = o)));
  const room = await MediaRoom.create(pool, 'bench/joint');
  if (!speakerObserver) throw new Error('MediaRoom created no RTP observer');
  const observer = speakerObserver;
  return {
    worker: slot.worker,
    router: room.router,
    onAudioProducer: async (producer) => observer.addProducer({ producerId: producer.id }),
    close: async () => {
      room.close();
      await pool.close();
    },
  };
}

async function bareSfu(): Promise<Sfu> {
  const worker = await mediasoup.createWorker({ logLevel: 'error', rtcMinPort: 30000, rtcMaxPort: 39999 });
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  return { worker, router, onAudioProducer: async () => undefined, close: () => workerExit(worker) };
}

// ---------------------------------------------------------------------------
// Load generator: the clip, ffmpeg senders and UDP sinks
// ---------------------------------------------------------------------------

async function runFfmpeg(args: string[]): Promise<void> {
  const child = spawnTracked('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`ffmpeg exited with ${String(code)}: ${stderr}`);
}

/** Encode the clip once; every sender copies it from then on. */
async function encodeClip(dir: string): Promise<string> {
  const file = path.join(dir, 'clip.webm');
  await runFfmpeg([
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${CLIP.width}x${CLIP.height}:rate=${CLIP.fps}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(CLIP.seconds),
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', `${CLIP.videoKbps}k`, '-g', String(CLIP.fps),
    '-c:a', 'libopus', '-b:a', `${CLIP.audioKbps}k`, '-ac', '2',
    file,
  ]);
  return file;
}

interface StreamCount {
  /** Extended (wrap-counted) sequence numbers: the first and the highest seen. */
  first: number;
  max: number;
  received: number;
}

/**
 * A UDP socket that counts RTP per SSRC: each consumer's stream has its own
 * SSRC and gap-free sequence numbers, so gaps are packets lost between the
 * SFU and here, whatever the timing. SRTP headers are clear text too.
 */
interface Sink {
  socket: dgram.Socket;
  port: number;
  streams: Map<number, StreamCount>;
}

async function openSink(): Promise<Sink> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const streams = new Map<number, StreamCount>();
  socket.on('message', (msg) => {
    const b1 = msg[1];
    // RTCP (SR, RR, SDES, BYE...) has packet types 192-223 where RTP has marker + payload type.
    if (msg.length < 12 || b1 === undefined || (b1 >= 192 && b1 <= 223)) return;
    const seq = msg.readUInt16BE(2);
    const ssrc = msg.readUInt32BE(8);
    const s = streams.get(ssrc);
    if (!s) {
      streams.set(ssrc, { first: seq, max: seq, received: 1 });
      return;
    }
    s.received++;
    const ahead = (seq - (s.max & 0xffff)) & 0xffff;
    if (ahead > 0 && ahead < 0x8000) s.max += ahead;
  });
  socket.on('error', () => undefined);
  return { socket, port: socket.address().port, streams };
}

function sinkTotals(sinks: Sink[]): { received: number; expected: number } {
  let received = 0;
  let expected = 0;
  for (const sink of sinks) {
    for (const s of sink.streams.values()) {
      received += s.received;
      expected += s.max - s.first + 1;
    }
  }
  return { received, expected };
}

/** utime + stime of a process from /proc, in ms: read on the spot, unlike a request to the worker. */
function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

const srtpKey = () => crypto.randomBytes(30).toString('base64');

interface Speaker {
  producers: Record<Kind, types.Producer>;
  stop(): Promise<void>;
}

/** One ffmpeg streaming the clip's video and audio (copied, not encoded) into two PlainTransport producers. */
async function startSpeaker(sfu: Sfu, clip: string, srtp: boolean): Promise<Speaker> {
  const outputs: string[] = [];
  const producers = {} as Record<Kind, types.Producer>;
  for (const kind of ['video', 'audio'] as const) {
    // ffmpeg sends RTCP from a second socket: no rtcp-mux, and comedia latches the RTP source.
    const transport = await sfu.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true, enableSrtp: srtp });
    const key = srtpKey();
    if (srtp) await transport.connect({ srtpParameters: { cryptoSuite: SRTP_SUITE, keyBase64: key } });
    const ssrc = crypto.randomInt(1, 2 ** 31);
    const codec =
      kind === 'audio'
        ? { mimeType: 'audio/opus', payloadType: PT.audio, clockRate: 48000, channels: 2 }
        : { mimeType: 'video/VP8', payloadType: PT.video, clockRate: 90000 };
    const producer = await transport.produce({ kind, rtpParameters: { codecs: [codec], encodings: [{ ssrc }] } });
    if (kind === 'audio') await sfu.onAudioProducer(producer);
    producers[kind] = producer;
    const query = `rtcpport=${transport.rtcpTuple!.localPort}&pkt_size=1200`;
    outputs.push(
      '-map', kind === 'video' ? '0:v:0' : '0:a:0', '-c', 'copy', '-payload_type', String(PT[kind]), '-ssrc', String(ssrc),
      ...(srtp ? ['-srtp_out_suite', SRTP_SUITE, '-srtp_out_params', key] : []),
      '-f', 'rtp', `${srtp ? 'srtp' : 'rtp'}://127.0.0.1:${transport.tuple.localPort}?${query}`,
    );
  }
  // Started after this process was pinned to CPU 1, so ffmpeg inherits that affinity.
  const child = spawnTracked('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', clip, ...outputs], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  return {
    producers,
    stop: async () => {
      await stopChild(child, 1000);
      for (const p of Object.values(producers)) p.close();
    },
  };
}

// ---------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------

interface Reading {
  receivers: number;
  consumers: number;
  /** Worker CPU over the window, % of one core. */
  cpuPct: number;
  /** RTP packets per second the sinks received. */
  forwardedPps: number;
  /** Packets lost between the senders and the worker (producers' packetsLost). */
  ingressLossPct: number;
  /** Packets lost between the worker and the sinks (sequence gaps per consumer stream). */
  egressLossPct: number;
  lossPct: number;
  /**
   * Loss on the way out while this process (the sinks) used a whole core:
   * the load generator, not the SFU, dropped those packets (on loopback the
   * worker never drops after the fact; a saturated worker loses on the way in).
   */
  sinkLimited: boolean;
  /** The loss the limits judge: all of it, or only the ingress loss when sinkLimited. */
  sfuLossPct: number;
  /** Worker CPU time per forwarded packet, in microseconds. */
  cpuUsPerPacket: number;
  /** Audio packets sent per second (received + lost at the producers) over the 50/s of real time: 1 when the senders keep time. */
  generatorRate: number;
  generatorOk: boolean;
  /** This process (the sinks), % of a core: near 100 means the load generator, not the SFU, limits. */
  sinkCpuPct: number;
  /** Kernel UDP receive-buffer drops over the window (machine-wide). */
  udpRcvbufErrors: number;
  load1: number;
  /** Consumers created per second while adding this step's receivers (0 for a repeated reading). */
  createdPerS: number;
}

function udpRcvbufErrors(): number {
  const lines = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const [names, values] = lines.map((l) => l.split(/\s+/).slice(1));
  const i = names?.indexOf('RcvbufErrors') ?? -1;
  return i >= 0 ? Number(values?.[i] ?? 0) : 0;
}

interface Run {
  flavour: Flavour;
  srtp: boolean;
  readings: Reading[];
  stopReason: string;
  /** The largest clean step (loss <= 1 %, CPU <= 85 %, senders on pace). */
  capacity: Reading | undefined;
  /**
   * Consumers one worker holds: the largest clean step when CPU or loss
   * stopped the run, otherwise (time or receiver cap) that step extrapolated
   * linearly to the CPU limit.
   */
  consumersAtLimit: number;
  limitedBy: 'cpu' | 'loss' | 'extrapolated';
  fit: CpuFit | undefined;
  /** Consumer creation over the whole run, and in its last step (the most loaded one). */
  creation: { consumers: number; seconds: number; perS: number; lastStepPerS: number };
  /** How long this run was allowed to step (RUN_BUDGET_MS or the share of the budget left). */
  budgetMs: number;
}

/** Least-squares line through the steps without loss: worker CPU % = fixedPct + perConsumerPct x consumers. */
interface CpuFit {
  fixedPct: number;
  perConsumerPct: number;
  /** Where the line reaches the CPU limit. */
  consumersAtLimit: number;
  points: number;
}

function fitCpu(readings: Reading[]): CpuFit | undefined {
  const points = readings.filter((r) => r.generatorOk && r.sfuLossPct <= LOSS_LIMIT * 100);
  if (points.length < 3) return undefined;
  const mx = points.reduce((n, r) => n + r.consumers, 0) / points.length;
  const my = points.reduce((n, r) => n + r.cpuPct, 0) / points.length;
  const sxx = points.reduce((n, r) => n + (r.consumers - mx) ** 2, 0);
  const sxy = points.reduce((n, r) => n + (r.consumers - mx) * (r.cpuPct - my), 0);
  if (sxx === 0 || sxy <= 0) return undefined;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  return {
    fixedPct: round(intercept, 2) ?? 0,
    perConsumerPct: round(slope, 5) ?? 0,
    consumersAtLimit: Math.round((CPU_LIMIT_PCT - intercept) / slope),
    points: points.length,
  };
}

/** Consumers one worker would carry at the CPU limit if its CPU grows linearly with them (it grows a little less). */
const atCpuLimit = (r: Reading) => Math.round((r.consumers * CPU_LIMIT_PCT) / Math.max(r.cpuPct, 1));

const pct = (part: number, whole: number) => (whole > 0 ? Math.max(0, (part / whole) * 100) : 0);

/** A worker that stopped answering in time: the step (or the run) ends there instead of waiting on it. */
class WorkerTimeout extends Error {}

/**
 * Waits for a worker request at most until `deadline` (and WORKER_ANSWER_MS): a
 * saturated worker may take minutes to answer, and the benchmark must end on
 * time. A request left behind completes or fails on its own; closing the rig
 * closes the worker.
 */
function bounded<T>(what: string, request: Promise<T>, deadline = Number.POSITIVE_INFINITY): Promise<T> {
  const ms = Math.max(0, Math.min(WORKER_ANSWER_MS, deadline - performance.now()));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WorkerTimeout(`${what}: no answer from the worker in ${Math.round(ms)} ms`)), ms);
  });
  request.catch(() => undefined);
  return Promise.race([request, timeout]).finally(() => clearTimeout(timer));
}

/** Consumers created per second of creating them. */
interface CreationRate {
  consumers: number;
  ms: number;
}
const ratePerS = (r: CreationRate) => (r.ms > 0 ? r.consumers / (r.ms / 1000) : 0);

/** One SFU under load: its ffmpeg speakers, its receivers and their sinks. */
class Rig {
  readonly label: string;
  private readonly sinks: Sink[] = [];
  private readonly speakers: Speaker[] = [];
  private readonly receivers: types.PlainTransport[] = [];
  private nextReceiver = 0;
  consumers = 0;

  private constructor(
    readonly flavour: Flavour,
    readonly srtp: boolean,
    private readonly sfu: Sfu,
  ) {
    this.label = `${flavour}/${srtp ? 'srtp' : 'rtp'}`;
  }

  static async start(flavour: Flavour, srtp: boolean, clip: string): Promise<Rig> {
    const rig = new Rig(flavour, srtp, flavour === 'ours' ? await oursSfu() : await bareSfu());
    try {
      if (await canPin()) await pin(rig.sfu.worker.pid, '0');
      for (let i = 0; i < SINKS; i++) rig.sinks.push(await openSink());
      for (let i = 0; i < SPEAKERS; i++) rig.speakers.push(await startSpeaker(rig.sfu, clip, srtp));
      const deadline = performance.now() + 10_000;
      while ((await Promise.all(rig.producers.map(async (p) => (await p.getStats())[0]?.packetCount ?? 0))).some((n) => n === 0)) {
        if (performance.now() > deadline) throw new Error(`${rig.label}: the ffmpeg senders produced no RTP in 10 s`);
        await sleep(100);
      }
    } catch (err) {
      await rig.close();
      throw err;
    }
    return rig;
  }

  get receiverCount(): number {
    return this.receivers.length;
  }

  private get producers(): types.Producer[] {
    return this.speakers.flatMap((s) => Object.values(s.producers));
  }

  private async producerTotals(): Promise<{ packets: number; lost: number; audio: number }> {
    let packets = 0;
    let lost = 0;
    let audio = 0;
    await Promise.all(
      this.producers.map(async (p) => {
        for (const s of await bounded('producer stats', p.getStats())) {
          packets += s.packetCount;
          lost += Math.max(0, s.packetsLost);
          // Sent, as far as the worker can tell: what arrived plus the gaps (a saturated worker loses packets, which is loss, not a slow sender).
          if (p.kind === 'audio') audio += s.packetCount + Math.max(0, s.packetsLost);
        }
      }),
    );
    return { packets, lost, audio };
  }

  /** A receiver: one PlainTransport to a sink, consuming the audio and video of every speaker but "its own" (fewer if `deadline` passes). */
  private async addReceiver(deadline: number): Promise<void> {
    // Taken before the first await: receivers are added 8 at a time.
    const index = this.nextReceiver++;
    const transport = await bounded(
      'createPlainTransport',
      this.sfu.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false, enableSrtp: this.srtp }),
      deadline,
    );
    this.receivers.push(transport);
    const sink = this.sinks[index % SINKS]!;
    await bounded('connect', transport.connect({ ip: '127.0.0.1', port: sink.port, ...(this.srtp ? { srtpParameters: { cryptoSuite: SRTP_SUITE, keyBase64: srtpKey() } } : {}) }), deadline);
    const own = index % SPEAKERS;
    for (const [s, speaker] of this.speakers.entries()) {
      if (s === own) continue;
      for (const producer of Object.values(speaker.producers)) {
        if (performance.now() > deadline) return;
        await bounded('consume', transport.consume({ producerId: producer.id, rtpCapabilities: this.sfu.router.rtpCapabilities }), deadline);
        this.consumers++;
      }
    }
  }

  /**
   * Adds receivers until `count` are added or `deadline` passes (a starved worker
   * answers slowly, or not at all). Returns whether all were added and how fast
   * consumers were created.
   */
  async addReceivers(count: number, deadline: number): Promise<{ complete: boolean; rate: CreationRate }> {
    const before = this.consumers;
    const started = performance.now();
    let complete = true;
    try {
      for (let i = 0; i < count; i += 8) {
        await Promise.all(Array.from({ length: Math.min(8, count - i) }, () => this.addReceiver(deadline)));
        if (performance.now() > deadline) {
          complete = false;
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof WorkerTimeout)) throw err;
      complete = false;
    }
    return { complete, rate: { consumers: this.consumers - before, ms: performance.now() - started } };
  }

  async measure(): Promise<Reading> {
    // The sinks and /proc are read on the spot; the producers' counters only serve ratios (loss, sender pace), so their delay does not matter.
    const snapshot = async () => {
      const producers = await this.producerTotals();
      return { producers, sinks: sinkTotals(this.sinks), cpuMs: processCpuMs(this.sfu.worker.pid), own: process.cpuUsage(), drops: udpRcvbufErrors(), at: performance.now() };
    };
    const a = await snapshot();
    await sleep(MEASURE_MS);
    const b = await snapshot();
    const seconds = (b.at - a.at) / 1000;
    const received = b.sinks.received - a.sinks.received;
    const expected = b.sinks.expected - a.sinks.expected;
    const inPackets = b.producers.packets - a.producers.packets;
    const inLost = b.producers.lost - a.producers.lost;
    const ingress = pct(inLost, inPackets + inLost);
    const egress = pct(expected - received, expected);
    const cpuMs = b.cpuMs - a.cpuMs;
    const ownUs = b.own.user + b.own.system - (a.own.user + a.own.system);
    const generatorRate = (b.producers.audio - a.producers.audio) / seconds / (AUDIO_PPS * SPEAKERS);
    const sinkCpuPct = ownUs / 1e4 / seconds;
    const sinkLimited = egress > LOSS_LIMIT * 100 && sinkCpuPct >= SINK_SATURATED_PCT;
    return {
      receivers: this.receivers.length,
      consumers: this.consumers,
      cpuPct: round(cpuMs / 10 / seconds, 1) ?? 0,
      forwardedPps: Math.round(received / seconds),
      ingressLossPct: round(ingress, 2) ?? 0,
      egressLossPct: round(egress, 2) ?? 0,
      lossPct: round(100 - ((100 - ingress) * (100 - egress)) / 100, 2) ?? 0,
      sinkLimited,
      sfuLossPct: round(sinkLimited ? ingress : 100 - ((100 - ingress) * (100 - egress)) / 100, 2) ?? 0,
      cpuUsPerPacket: round(received > 0 ? (cpuMs * 1000) / received : 0, 2) ?? 0,
      generatorRate: round(generatorRate, 3) ?? 0,
      generatorOk: Math.abs(generatorRate - 1) <= GENERATOR_TOLERANCE,
      sinkCpuPct: round(sinkCpuPct, 1) ?? 0,
      udpRcvbufErrors: b.drops - a.drops,
      load1: loadAverage()[0],
      createdPerS: 0,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.speakers.map((s) => s.stop()));
    for (const t of this.receivers) t.close();
    for (const s of this.sinks) s.socket.close();
    await this.sfu.close();
  }
}

const describe = (r: Reading) =>
  `${r.consumers} consumers, worker CPU ${r.cpuPct}%, ${r.forwardedPps} pkt/s, ${r.cpuUsPerPacket} us/pkt, loss ${r.lossPct}% (in ${r.ingressLossPct}, out ${r.egressLossPct}${r.sinkLimited ? ', sinks saturated' : ''}), ` +
  `senders ${r.generatorRate}x, sinks CPU ${r.sinkCpuPct}%, load ${r.load1}`;

/**
 * Receivers the next step may add: at most MAX_STEP_RECEIVERS, and no more than
 * the consumers the worker was last seen to create in STEP_CREATE_MS (or in the
 * time left before the run must measure), so that no step can sit for minutes
 * creating consumers on a saturated worker.
 */
function boundedStep(wanted: number, lastRate: CreationRate | undefined, runEnd: number): number {
  let step = Math.min(wanted, MAX_STEP_RECEIVERS);
  if (lastRate && lastRate.consumers > 0) {
    const ms = Math.min(STEP_CREATE_MS, runEnd - performance.now() - SETTLE_MS - MEASURE_MS);
    step = Math.min(step, Math.floor((ratePerS(lastRate) * Math.max(0, ms)) / 1000 / CONSUMERS_PER_RECEIVER));
  }
  return Math.max(MIN_STEP_RECEIVERS, step);
}

/** Add receivers step by step until the worker's CPU or the loss passes its limit (or time is up). */
async function ramp(flavour: Flavour, srtp: boolean, clip: string, budgetMs: number): Promise<Run> {
  const rig = await Rig.start(flavour, srtp, clip);
  try {
    const readings: Reading[] = [];
    const runEnd = performance.now() + budgetMs;
    let target = START_RECEIVERS;
    let stopReason = 'time budget';
    let lossy = 0;
    const total: CreationRate = { consumers: 0, ms: 0 };
    let lastRate: CreationRate | undefined;
    for (;;) {
      // A step creates its consumers before the run's last measurement must start, and within twice its creation allowance.
      const stepDeadline = Math.min(runEnd - SETTLE_MS - MEASURE_MS, performance.now() + 2 * STEP_CREATE_MS);
      const added = await rig.addReceivers(target - rig.receiverCount, stepDeadline);
      total.consumers += added.rate.consumers;
      total.ms += added.rate.ms;
      lastRate = added.rate;
      if (!added.complete) {
        stopReason = `time budget (adding consumers was slow: ${round(ratePerS(added.rate), 1)} consumers/s)`;
        break;
      }
      await sleep(SETTLE_MS);
      let r: Reading;
      try {
        r = await rig.measure();
        // ffmpeg that was starved of CPU sends in bursts to catch up: measure such a step again (twice at most).
        for (let retry = 0; retry < 2 && !r.generatorOk && performance.now() + MEASURE_MS < runEnd; retry++) {
          progress(`capacity ${rig.label}: senders off pace (${r.generatorRate}x real time), measuring again`);
          readings.push(r);
          r = await rig.measure();
        }
      } catch (err) {
        if (!(err instanceof WorkerTimeout)) throw err;
        stopReason = `worker unresponsive (${err.message})`;
        break;
      }
      r.createdPerS = round(ratePerS(added.rate), 1) ?? 0;
      readings.push(r);
      progress(`capacity ${rig.label}: ${describe(r)}, created ${r.createdPerS} consumers/s`);
      if (r.generatorOk) lossy = r.sfuLossPct > LOSS_LIMIT * 100 ? lossy + 1 : 0;
      if (r.generatorOk && r.cpuPct > CPU_LIMIT_PCT) {
        stopReason = `worker CPU above ${CPU_LIMIT_PCT}%`;
        break;
      }
      if (lossy >= 2) {
        stopReason = `loss above ${LOSS_LIMIT * 100}% twice in a row`;
        break;
      }
      if (rig.receiverCount >= MAX_RECEIVERS) {
        stopReason = `receiver cap (${MAX_RECEIVERS})`;
        break;
      }
      if (performance.now() + SETTLE_MS + MEASURE_MS > runEnd) break;
      const n = rig.receiverCount;
      let step: number;
      if (lossy > 0 || !r.generatorOk) {
        // One small step to confirm (or not) a loss.
        step = MIN_STEP_RECEIVERS;
      } else if (r.cpuPct >= 60) {
        step = Math.round(n * (OVERSHOOT_PCT / r.cpuPct - 1));
      } else {
        // 70 % of the way to the estimated limit, at most doubling.
        step = Math.min(n, Math.round((n * CPU_LIMIT_PCT) / Math.max(r.cpuPct, 1) - n) * 0.7);
      }
      target = Math.min(MAX_RECEIVERS, n + boundedStep(Math.round(step), lastRate, runEnd));
    }
    const good = readings.filter((r) => r.generatorOk && r.sfuLossPct <= LOSS_LIMIT * 100 && r.cpuPct <= CPU_LIMIT_PCT);
    const capacity = good.reduce<Reading | undefined>((best, r) => (!best || r.consumers > best.consumers ? r : best), undefined);
    const limitedBy = stopReason.startsWith('worker CPU') ? 'cpu' : stopReason.startsWith('loss') ? 'loss' : 'extrapolated';
    const fit = fitCpu(readings);
    let consumersAtLimit = 0;
    if (capacity && limitedBy === 'cpu') {
      // Between the last step under the limit and the one over it.
      const over = readings.at(-1)!;
      consumersAtLimit =
        over.consumers > capacity.consumers && over.cpuPct > capacity.cpuPct
          ? Math.round(capacity.consumers + ((CPU_LIMIT_PCT - capacity.cpuPct) * (over.consumers - capacity.consumers)) / (over.cpuPct - capacity.cpuPct))
          : capacity.consumers;
    } else if (capacity) {
      consumersAtLimit = limitedBy === 'loss' ? capacity.consumers : (fit?.consumersAtLimit ?? atCpuLimit(capacity));
    }
    const creation = {
      consumers: total.consumers,
      seconds: round(total.ms / 1000, 1) ?? 0,
      perS: round(ratePerS(total), 1) ?? 0,
      lastStepPerS: round(lastRate ? ratePerS(lastRate) : 0, 1) ?? 0,
    };
    return { flavour, srtp, readings, stopReason, capacity, consumersAtLimit, limitedBy, fit, creation, budgetMs: Math.round(budgetMs) };
  } finally {
    await rig.close();
  }
}

interface Comparison {
  srtp: boolean;
  consumers: number;
  rounds: number;
  /** Why fewer rounds or consumers than planned, if so (the budget). */
  note?: string;
  ours: Reading[];
  bare: Reading[];
  oursUsPerPacket: number | null;
  bareUsPerPacket: number | null;
  /** bare over ours CPU per forwarded packet: the ours/bare capacity when CPU is the limit. */
  ratio: number | null;
}

/**
 * Ours and bare at the same load, alternately, each reading on a fresh worker
 * process: the cost per packet differs by up to 15 % from one worker process
 * to the next (and drifts with background load), more than between ours and
 * bare, so one ramp each cannot tell them apart.
 */
/** Starting a rig (ffmpeg senders, their first packets) and closing it, roughly: counted when fitting rounds into a budget. */
const RIG_OVERHEAD_MS = 6_000;

async function compare(srtp: boolean, clip: string, consumers: number, budgetMs: number, rampCreationPerS: number): Promise<Comparison> {
  // Corrected by every rig: consumers are created more slowly under the heavier load than in a ramp's first steps.
  let creationPerS = rampCreationPerS;
  let lowered = false;
  const end = performance.now() + budgetMs;
  let receivers = Math.max(START_RECEIVERS, Math.floor(consumers / CONSUMERS_PER_RECEIVER));
  // One rig: start, create the consumers at the rate the ramps saw, settle, measure, close.
  const rigMs = (n: number) => RIG_OVERHEAD_MS + (creationPerS > 0 ? ((n * CONSUMERS_PER_RECEIVER) / creationPerS) * 1000 : 0) + SETTLE_MS + MEASURE_MS;
  let rounds = AB_ROUNDS;
  while (rounds > 1 && 2 * rounds * rigMs(receivers) > budgetMs) rounds--;
  const notes: string[] = [];
  if (rounds < AB_ROUNDS) notes.push(`${rounds} round(s) instead of ${AB_ROUNDS}`);
  // Still too long with one round: a lighter equal load, the same for both.
  while (receivers > START_RECEIVERS && 2 * rigMs(receivers) > budgetMs) receivers = Math.max(START_RECEIVERS, Math.floor(receivers * 0.8));
  if (receivers * CONSUMERS_PER_RECEIVER < consumers * 0.99) notes.push(`${receivers * CONSUMERS_PER_RECEIVER} consumers instead of ${Math.round(consumers)}`);
  const readings: Record<Flavour, Reading[]> = { ours: [], bare: [] };
  for (let pass = 0; pass < rounds; pass++) {
    for (const flavour of pass % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const)) {
      // A round only runs whole, so that ours and bare keep the same number of readings.
      if (flavour === (pass % 2 === 0 ? 'ours' : 'bare') && performance.now() + 2 * rigMs(receivers) > end) {
        notes.push(`stopped after ${pass} round(s): budget`);
        pass = rounds;
        break;
      }
      const rig = await Rig.start(flavour, srtp, clip);
      try {
        const added = await rig.addReceivers(receivers, Math.min(end - SETTLE_MS - MEASURE_MS, performance.now() + 30_000));
        if (added.rate.consumers > 0) creationPerS = ratePerS(added.rate);
        if (!added.complete) {
          // Lighter from now on, for both sides alike: what this worker managed in the time. This reading is not kept.
          const fits = Math.floor(rig.consumers / CONSUMERS_PER_RECEIVER);
          if (lowered || pass > 0 || flavour !== 'ours' || fits < START_RECEIVERS) {
            throw new Error(`${rig.label}: adding ${receivers} receivers did not finish in time (${round(creationPerS, 1)} consumers/s)`);
          }
          notes.push(`load lowered to ${fits * CONSUMERS_PER_RECEIVER} consumers (creating ${receivers * CONSUMERS_PER_RECEIVER} took too long at ${round(creationPerS, 1)}/s)`);
          receivers = fits;
          lowered = true;
          progress(`capacity compare ${rig.label}: ${notes.at(-1)}`);
          pass--;
          break;
        }
        await sleep(SETTLE_MS);
        const r = await rig.measure();
        r.createdPerS = round(ratePerS(added.rate), 1) ?? 0;
        readings[flavour].push(r);
        progress(`capacity compare ${rig.label}: ${describe(r)}, created ${r.createdPerS} consumers/s`);
      } finally {
        await rig.close();
      }
    }
  }
  const usPerPacket = (rs: Reading[]) => {
    const ok = rs.filter((r) => r.generatorOk && r.forwardedPps > 0);
    return ok.length ? (round(ok.reduce((n, r) => n + r.cpuUsPerPacket, 0) / ok.length, 2) ?? null) : null;
  };
  const ours = usPerPacket(readings.ours);
  const bare = usPerPacket(readings.bare);
  // A round cut short leaves one side with a reading more: compare equal numbers.
  const pairs = Math.min(readings.ours.length, readings.bare.length);
  readings.ours.length = pairs;
  readings.bare.length = pairs;
  return {
    srtp,
    consumers: receivers * CONSUMERS_PER_RECEIVER,
    rounds: pairs,
    ...(notes.length ? { note: notes.join('; ') } : {}),
    ours: readings.ours,
    bare: readings.bare,
    oursUsPerPacket: ours,
    bareUsPerPacket: bare,
    ratio: ours && bare ? round(bare / ours, 2) : null,
  };
}

/** BENCH_CAPACITY_BUDGET_S, or the default; a malformed value is refused rather than guessed at. */
function budgetSeconds(): number {
  const raw = process.env.BENCH_CAPACITY_BUDGET_S;
  if (raw === undefined || raw === '') return DEFAULT_BUDGET_S;
  const s = Number(raw);
  if (!Number.isFinite(s) || s < 60) throw new Error(`BENCH_CAPACITY_BUDGET_S must be a number of seconds >= 60, not "${raw}"`);
  return s;
}

/** Weights of the phases in the budget: the equal-load comparison starts and fills six rigs. */
const PHASE_WEIGHT = { ramp: 1, compare: 1.5 } as const;

export async function capacityBench(): Promise<BenchReport> {
  const budgetS = budgetSeconds();
  const started = performance.now();
  const budgetEnd = started + budgetS * 1000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-bench-'));
  // Also when run.ts exits at once on Ctrl-C, without running this function's finally.
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  // Counted before pinning: afterwards this process may use one CPU only.
  const cores = os.availableParallelism();
  const originalCpus = allowedCpus();
  // This process (the sinks) and, by inheritance, every ffmpeg on CPU 1; each worker is moved to CPU 0.
  const pinned = (await canPin()) && (await pin(process.pid, '1'));
  try {
    progress(`capacity: encoding the clip${pinned ? '; worker on CPU 0, senders and sinks on CPU 1' : '; not pinned'}`);
    const clip = await encodeClip(dir);
    const runs: Run[] = [];
    const comparisons: Comparison[] = [];
    // Each phase gets its weight's share of the time left, so an overrun early shortens the later phases instead of the end.
    let unitsLeft = 2 * (2 * PHASE_WEIGHT.ramp + PHASE_WEIGHT.compare);
    const share = (weight: number) => {
      const ms = ((budgetEnd - performance.now()) * weight) / unitsLeft;
      unitsLeft -= weight;
      return ms;
    };
    for (const srtp of [false, true]) {
      for (const flavour of ['ours', 'bare'] as const) {
        const stepping = Math.min(RUN_BUDGET_MS, share(PHASE_WEIGHT.ramp) - RIG_OVERHEAD_MS - CLOSE_RESERVE_MS);
        progress(`capacity ${flavour}/${srtp ? 'srtp' : 'rtp'}: stepping for at most ${Math.round(Math.max(0, stepping) / 1000)} s`);
        runs.push(await ramp(flavour, srtp, clip, Math.max(0, stepping)));
      }
      const compareMs = share(PHASE_WEIGHT.compare) - CLOSE_RESERVE_MS;
      const pair = runs.slice(-2);
      const base = pair[1]!.consumersAtLimit || pair[0]!.consumersAtLimit;
      // The slower of the two ramps' creation rates: the comparison must fit at either.
      const creationPerS = Math.min(...pair.map((r) => r.creation.lastStepPerS || r.creation.perS));
      if (base > 0 && compareMs > 2 * (RIG_OVERHEAD_MS + SETTLE_MS + MEASURE_MS)) {
        try {
          comparisons.push(await compare(srtp, clip, base * AB_LOAD, compareMs, creationPerS));
        } catch (err) {
          progress(`capacity: equal-load comparison (${srtp ? 'SRTP' : 'RTP'}) skipped: ${(err as Error).message}`);
        }
      } else {
        progress(`capacity: equal-load comparison (${srtp ? 'SRTP' : 'RTP'}) skipped: ${base > 0 ? 'no budget left' : 'no capacity measured'}`);
      }
    }
    const elapsedS = round((performance.now() - started) / 1000, 1) ?? 0;
    const find = (flavour: Flavour, srtp: boolean) => runs.find((r) => r.flavour === flavour && r.srtp === srtp)!;
    const ratio = (srtp: boolean) => {
      const ours = find('ours', srtp);
      const bare = find('bare', srtp);
      return {
        equalLoad: comparisons.find((c) => c.srtp === srtp)?.ratio ?? null,
        capacity: ours.consumersAtLimit > 0 && bare.consumersAtLimit > 0 ? round(ours.consumersAtLimit / bare.consumersAtLimit, 2) : null,
        fitted: ours.fit && bare.fit ? round(ours.fit.consumersAtLimit / bare.fit.consumersAtLimit, 2) : null,
      };
    };
    const oursSrtp = find('ours', true);
    const perCore = oursSrtp.consumersAtLimit;
    const hearings = {
      consumersPerHearing: CONSUMERS_PER_HEARING,
      consumersPerCore: perCore,
      limitedBy: oursSrtp.limitedBy,
      perCore: Math.floor(perCore / CONSUMERS_PER_HEARING),
      machine: Math.floor((perCore * cores) / CONSUMERS_PER_HEARING),
      cores,
      goal: { machine: 12, cores: 2 },
    };
    const rows = runs.map((r) => {
      const cap = r.capacity;
      return [
        r.flavour,
        r.srtp ? 'SRTP' : 'RTP',
        cap?.consumers ?? 0,
        cap?.forwardedPps ?? 0,
        cap?.cpuPct ?? 0,
        cap?.cpuUsPerPacket ?? 0,
        cap?.lossPct ?? 0,
        r.stopReason,
        // No clean step at all (every reading lossy or off pace): nothing to interpolate or extrapolate from.
        cap ? `${r.consumersAtLimit}${r.limitedBy === 'cpu' ? ' (interpolated)' : r.limitedBy === 'extrapolated' ? ' (extrapolated)' : ''}` : 'not measured',
        r.fit?.consumersAtLimit ?? '-',
        `${r.creation.perS} (${r.creation.lastStepPerS})`,
      ];
    });
    const rr = ratio(false);
    const rs = ratio(true);
    const spread = (rs: Reading[]) => {
      const v = rs.map((r) => r.cpuUsPerPacket);
      return v.length ? `${Math.min(...v)}-${Math.max(...v)}` : '-';
    };
    return {
      name: 'capacity',
      data: {
        setup: {
          speakers: SPEAKERS,
          consumersPerReceiver: CONSUMERS_PER_RECEIVER,
          clip: CLIP,
          settleMs: SETTLE_MS,
          measureMs: MEASURE_MS,
          lossLimitPct: LOSS_LIMIT * 100,
          cpuLimitPct: CPU_LIMIT_PCT,
          pinned,
        },
        budget: { seconds: budgetS, elapsedS, within: elapsedS <= budgetS, maxStepReceivers: MAX_STEP_RECEIVERS, stepCreateMs: STEP_CREATE_MS, workerAnswerMs: WORKER_ANSWER_MS },
        runs,
        comparisons,
        ratio: { rtp: rr, srtp: rs, target: 0.9 },
        hearings,
      },
      tables: [
        {
          title: `capacity: one mediasoup worker${pinned ? ' (pinned to CPU 0)' : ''}; the largest step with loss <= 1 % and worker CPU <= ${CPU_LIMIT_PCT} %, and the consumers at the limit`,
          columns: ['room', 'transport', 'consumers', 'forwarded pkt/s', 'worker CPU %', 'CPU us/pkt', 'loss %', 'stopped because', `consumers at ${CPU_LIMIT_PCT} %`, 'from CPU fit', 'consumers created/s (last step)'],
          rows,
        },
        {
          title: `capacity: ours and bare alternately at the same load (${AB_ROUNDS} fresh workers each), worker CPU per forwarded packet`,
          columns: ['transport', 'consumers', 'rounds', 'ours us/pkt', 'ours range', 'bare us/pkt', 'bare range', 'ours/bare', 'cut by the budget'],
          rows: comparisons.map((c) => [c.srtp ? 'SRTP' : 'RTP', c.consumers, c.rounds, c.oursUsPerPacket ?? '-', spread(c.ours), c.bareUsPerPacket ?? '-', spread(c.bare), c.ratio ?? '-', c.note ?? '']),
        },
        {
          title: 'capacity: derived',
          columns: ['figure', 'value'],
          rows: [
            ['ours/bare at equal load (bare us/pkt / ours us/pkt), RTP', rr.equalLoad ?? '-'],
            ['ours/bare at equal load, SRTP', rs.equalLoad ?? '-'],
            ['ours/bare consumers at the limit (ramps), RTP', rr.capacity ?? '-'],
            ['ours/bare consumers at the limit (ramps), SRTP', rs.capacity ?? '-'],
            [`SRTP consumers per core (ours, ${oursSrtp.limitedBy === 'cpu' ? `interpolated to ${CPU_LIMIT_PCT} % CPU` : oursSrtp.limitedBy === 'loss' ? 'limited by loss' : `extrapolated to ${CPU_LIMIT_PCT} % CPU`})`, perCore],
            [`8-party full-video hearings (${CONSUMERS_PER_HEARING} consumers) per core`, hearings.perCore],
            [`8-party full-video hearings on this ${cores}-core machine (one worker per core)`, hearings.machine],
            ['consumer creation rate, consumers/s over each ramp (ours SRTP; lowest of the four)', `${oursSrtp.creation.perS}; ${Math.min(...runs.map((r) => r.creation.perS))}`],
            ['consumer creation rate in the last (most loaded) step, consumers/s (ours SRTP; lowest of the four)', `${oursSrtp.creation.lastStepPerS}; ${Math.min(...runs.map((r) => r.creation.lastStepPerS))}`],
            [`time taken / budget (BENCH_CAPACITY_BUDGET_S), s`, `${elapsedS} / ${budgetS}`],
          ],
        },
      ],
      notes: [
        `Each speaker streams a pre-encoded ${CLIP.width}x${CLIP.height}@${CLIP.fps} VP8 ${CLIP.videoKbps} kbit/s + Opus ${CLIP.audioKbps} kbit/s clip with ffmpeg -re -c copy; each receiver is one PlainTransport with ${CONSUMERS_PER_RECEIVER} consumers.`,
        `"consumers at ${CPU_LIMIT_PCT} %": interpolated between the last step under the CPU limit and the first above it (extrapolated along the CPU fit if a run ran out of time); "from CPU fit": where a least-squares line of worker CPU over consumers, through every step without loss, reaches ${CPU_LIMIT_PCT} %.`,
        `The equal-load comparison runs at ${AB_LOAD * 100} % of the bare capacity, ours and bare in turn, ${AB_ROUNDS} fresh worker processes each: per-packet cost differs by up to 15 % between two worker processes of the same code, so this mean is the steadier ours/bare figure.`,
        `Loss = ingress loss (producers' packetsLost) combined with egress loss (sequence gaps in every consumer stream at the sinks). On loopback a saturated worker loses on the way in; loss on the way out while the sinks' process used >= ${SINK_SATURATED_PCT} % of its core is the load generator's and does not stop a ramp (sinkLimited in the JSON). With plain RTP the sinks reach a full core at about 100k packets/s.`,
        'Worker CPU is utime+stime from /proc/<pid>/stat over the measuring window; a step whose ffmpeg senders were off real time by more than 10 % (starved, then bursting) is measured again and never counts as capacity.',
        'PlainTransports have no ICE, DTLS, RTCP feedback or congestion control, so a WebRTC consumer costs somewhat more than measured here; the machine figure also leaves no CPU for the Node process.',
        'Goal: ours/bare >= 0.9 and >= 12 eight-party hearings on 2 cores.',
        `Budget: the whole benchmark ends within BENCH_CAPACITY_BUDGET_S (${budgetS} s here; default ${DEFAULT_BUDGET_S}). Each phase gets its share of the time left; a step adds at most ${MAX_STEP_RECEIVERS} receivers and no more consumers than the worker was last seen to create in ${STEP_CREATE_MS / 1000} s; no wait on the worker lasts over ${WORKER_ANSWER_MS / 1000} s (an unanswered request ends the step, or the run). The equal-load comparison gets fewer rounds or a lighter load when its share is short (see "cut by the budget").`,
        'Consumer creation rate: consumers created per second while adding a step\'s receivers (8 receivers in parallel, each consuming one stream after the other); near saturation it falls, which is what once kept a step busy for minutes.',
      ],
    };
  } finally {
    if (pinned) await pin(process.pid, originalCpus);
    process.off('exit', removeDir);
    removeDir();
  }
}
