/**
 * A hearing participant for integration tests and benchmarks: it joins through
 * the real `/hearing` socket.io signalling, sends real RTP (ffmpeg-encoded Opus
 * and VP8) over real WebRTC (werift) into the SFU, and counts the RTP packets
 * it receives from every producer it consumes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { io, type Socket } from 'socket.io-client';
import type { Ack, AckCallback } from '../../protocol/ack.js';
import type {
  ConsumerInfo,
  HearingClientToServer,
  HearingServerToClient,
  JoinResult,
  ParticipantView,
  ProducerAnnouncement,
  RoomName,
  TransportInfo,
} from '../../protocol/hearing.js';
import { KeyFrameCache, TrackFeed } from './keyFrames.js';
import {
  WeriftRecvTransport,
  WeriftSendTransport,
  weriftRecvRtpCapabilities,
  type LocalProducer,
  type MediaKind,
  type RemoteTransportParams,
} from './weriftSdp.js';

export type { MediaKind } from './weriftSdp.js';

// ---------------------------------------------------------------------------
// RTP sources
// ---------------------------------------------------------------------------

/** Anything that emits RTP packets (payload type and SSRC are rewritten by werift). */
export interface RtpSource {
  readonly kind: MediaKind;
  subscribe(onPacket: (packet: Buffer) => void): () => void;
  stop(): Promise<void>;
  /** Video: the packets of the latest complete key frame, re-sent when a receiver asks for one. */
  keyFrame?(): Buffer[] | undefined;
}

export interface FfmpegRtpSourceOptions {
  ffmpegPath?: string;
  /** Video only. Defaults: 320x240, 15 fps, 300 kbit/s, one key frame a second. */
  width?: number;
  height?: number;
  fps?: number;
  bitrateKbps?: number;
  /** Wait this long for the first packet before failing (ffmpeg missing, codec missing...). */
  startTimeoutMs?: number;
}

/** Every ffmpeg we start, so that none outlives the test process even if a test forgets close(). */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
}

/**
 * A real encoder: ffmpeg encodes a test pattern (libvpx VP8) or a sine tone
 * (libopus) in real time and sends RTP to a local UDP socket; every packet is
 * handed to the subscribers. One source can feed many participants.
 */
export class FfmpegRtpSource implements RtpSource {
  private readonly subscribers = new Set<(packet: Buffer) => void>();
  private stopping: Promise<void> | undefined;
  private stderr = '';
  /** RTP packets received from ffmpeg so far. */
  packets = 0;
  private readonly keyFrames = new KeyFrameCache();

  private constructor(
    readonly kind: MediaKind,
    private readonly socket: dgram.Socket,
    private readonly child: ChildProcess,
  ) {}

  static async start(kind: MediaKind, opts: FfmpegRtpSourceOptions = {}): Promise<FfmpegRtpSource> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const port = socket.address().port;
    const fps = opts.fps ?? 15;
    const input =
      kind === 'video'
        ? ['-f', 'lavfi', '-i', `testsrc=size=${opts.width ?? 320}x${opts.height ?? 240}:rate=${fps}`,
           '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1',
           '-b:v', `${opts.bitrateKbps ?? 300}k`, '-g', String(fps), '-an']
        : ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
           '-c:a', 'libopus', '-ac', '2', '-b:a', '32k', '-vn'];
    const child = spawn(
      opts.ffmpegPath ?? 'ffmpeg',
      [
        '-hide_banner', '-loglevel', 'error', '-nostdin', '-re', ...input,
        '-payload_type', '96', '-f', 'rtp',
        // RTCP goes to the same port and is dropped below; 1200 bytes leave room for SRTP and extensions.
        `rtp://127.0.0.1:${port}?pkt_size=1200&rtcpport=${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    trackChild(child);
    const source = new FfmpegRtpSource(kind, socket, child);
    child.stderr?.on('data', (chunk: Buffer) => {
      source.stderr = (source.stderr + chunk.toString()).slice(-4000);
    });
    socket.on('message', (msg) => source.onMessage(msg));
    socket.on('error', () => undefined);
    try {
      await source.firstPacket(opts.startTimeoutMs ?? 10_000);
    } catch (err) {
      await source.stop();
      throw err;
    }
    return source;
  }

  private onMessage(msg: Buffer): void {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
    const pt = msg[1]!;
    if (pt >= 192 && pt <= 223) return; // RTCP (SR/RR/SDES/BYE/APP)
    this.packets++;
    if (this.kind === 'video') this.keyFrames.add(msg);
    for (const s of this.subscribers) s(msg);
  }

  keyFrame(): Buffer[] | undefined {
    return this.kind === 'video' ? this.keyFrames.keyFrame() : undefined;
  }

  private firstPacket(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.socket.off('message', onMsg);
        this.child.off('exit', onExit);
        if (err) reject(err);
        else resolve();
      };
      const onMsg = () => done();
      const onExit = (code: number | null) =>
        done(new Error(`ffmpeg (${this.kind}) exited with ${String(code)} before sending RTP:\n${this.stderr}`));
      const timer = setTimeout(
        () => done(new Error(`ffmpeg (${this.kind}) sent no RTP in ${timeoutMs} ms:\n${this.stderr}`)),
        timeoutMs,
      );
      this.socket.on('message', onMsg);
      this.child.once('exit', onExit);
    });
  }

  subscribe(onPacket: (packet: Buffer) => void): () => void {
    this.subscribers.add(onPacket);
    return () => this.subscribers.delete(onPacket);
  }

  /** Kills ffmpeg (SIGKILL) and closes the socket; safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.subscribers.clear();
      if (this.child.exitCode === null && this.child.signalCode === null) {
        const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
        this.child.kill('SIGKILL');
        await exited;
      }
      await new Promise<void>((resolve) => {
        try {
          this.socket.close(() => resolve());
        } catch {
          resolve();
        }
      });
    })();
    return this.stopping;
  }
}

// ---------------------------------------------------------------------------
// Participant
// ---------------------------------------------------------------------------

type ClientEvent = keyof HearingClientToServer;
export type PayloadOf<E extends ClientEvent> = Parameters<HearingClientToServer[E]>[0];
export type AckDataOf<E extends ClientEvent> = Parameters<HearingClientToServer[E]>[1] extends AckCallback<infer R> ? R : never;
export type ServerEvent = keyof HearingServerToClient;
export type ServerPayloadOf<E extends ServerEvent> = Parameters<HearingServerToClient[E]>[0];

export interface ReceivedEvent {
  name: string;
  payload: unknown;
  /** Date.now() when it arrived. */
  at: number;
}

export interface WeriftParticipantOptions {
  /** Server base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  /** Hearing join token (POST /api/hearings/:id/join-token). */
  token: string;
  /** Shared sources (e.g. one ffmpeg per kind for a whole benchmark); close() does not stop them. */
  sources?: Partial<Record<MediaKind, RtpSource>>;
  /** Options for the ffmpeg sources the participant starts itself when `sources` lacks a kind. */
  ffmpeg?: FfmpegRtpSourceOptions;
  /** Extra local addresses for werift ICE host candidates (default 127.0.0.1). */
  iceAddresses?: string[];
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /**
   * The fast join (default): media:setup, media:consumeMany and media:resumeConsumers.
   * false: the older messages, one request per transport and per consumer.
   */
  fastJoin?: boolean;
  /** socket.io reconnection; off by default so that a closed server cannot keep timers alive. */
  reconnection?: boolean;
}

interface ProducedMedia {
  producerId: string;
  local: LocalProducer;
  unsubscribe: () => void;
}

interface ConsumedMedia {
  consumerId: string;
  producerId: string;
  participantId: string;
  kind: MediaKind;
}

interface MediaSession {
  room: RoomName;
  routerRtpCapabilities: types.RtpCapabilities;
  recvRtpCapabilities: types.RtpCapabilities;
  send: WeriftSendTransport;
  recv: WeriftRecvTransport;
  producers: Map<MediaKind, ProducedMedia>;
  consumers: Map<string, ConsumedMedia>;
  consumedProducers: Set<string>;
  /** Value of `stateSeq` when the session started being built. */
  builtAtSeq: number;
}

export interface ProducerPackets {
  producerId: string;
  participantId: string;
  kind: MediaKind;
  packets: number;
  bytes: number;
}

/** RTCP payload-specific feedback (PT 206) that asks the sender for a key frame: PLI (FMT 1, RFC 4585) and FIR (FMT 4, RFC 5104). */
const PAYLOAD_SPECIFIC_FEEDBACK = 206;
const KEY_FRAME_REQUESTS = new Set([1, 4]);

const MEDIA_STATUSES = new Set<ParticipantView['status']>(['admitted', 'inCaucus']);

export function toRemote(info: TransportInfo): RemoteTransportParams {
  return {
    id: info.id,
    iceParameters: info.iceParameters as types.IceParameters,
    iceCandidates: info.iceCandidates as types.IceCandidate[],
    dtlsParameters: info.dtlsParameters as types.DtlsParameters,
  };
}

/** The subset of the socket API used with a dynamic event name. */
interface LooseEmitter {
  emitWithAck(event: string, payload: unknown): Promise<unknown>;
}

export class WeriftParticipant {
  /** Every server event, in arrival order (also re-emitted on `emitter` under its own name). */
  readonly events: ReceivedEvent[] = [];
  readonly emitter = new EventEmitter();
  /** Errors of automatic media work (re-setup, auto-consume); explicit calls throw instead. */
  readonly mediaErrors: Error[] = [];
  me: ParticipantView | undefined;
  joinResult: JoinResult | undefined;

  private session: MediaSession | undefined;
  private mediaQueue: Promise<unknown> = Promise.resolve();
  private wantMedia = false;
  private readonly wantKinds = new Set<MediaKind>();
  private wantConsume = false;
  /** Bumped by every event that requires media to be rebuilt. */
  private stateSeq = 0;
  private readonly ownSources = new Map<MediaKind, Promise<RtpSource>>();
  private readonly myProducerIds = new Set<string>();
  private readonly stats = new Map<string, ProducerPackets>();
  private closing: Promise<void> | undefined;
  /** Key-frame requests (PLI/FIR) from the SFU answered by re-sending the latest key frame. */
  keyFramesAnswered = 0;
  /**
   * performance.now() of the steps of the latest media setup, for the join benchmark's
   * breakdown: setup (transports known), sendIce / recvIce (ICE up), sendConnected /
   * recvConnected (ICE+DTLS up), produced, consumed (consumers known), resumed.
   */
  readonly marks: Partial<Record<'setup' | 'sendIce' | 'recvIce' | 'sendConnected' | 'recvConnected' | 'produced' | 'consumed' | 'resumed', number>> = {};

  private constructor(
    readonly socket: Socket<HearingServerToClient, HearingClientToServer>,
    private readonly opts: WeriftParticipantOptions,
  ) {
    socket.onAny((name: string, payload: unknown) => this.onServerEvent(name, payload));
    socket.on('disconnect', (reason) => this.record('disconnect', { reason }));
  }

  static async connect(opts: WeriftParticipantOptions): Promise<WeriftParticipant> {
    const socket: Socket<HearingServerToClient, HearingClientToServer> = io(`${opts.url}/hearing`, {
      auth: { token: opts.token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: opts.reconnection ?? false,
    });
    const participant = new WeriftParticipant(socket, opts);
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    try {
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          clearTimeout(timer);
          socket.off('connect', onConnect);
          socket.off('connect_error', onError);
          if (err) reject(err);
          else resolve();
        };
        const onConnect = () => done();
        const onError = (err: Error) => done(new Error(`/hearing connection refused: ${err.message}`));
        const timer = setTimeout(() => done(new Error(`/hearing not connected after ${timeoutMs} ms`)), timeoutMs);
        socket.on('connect', onConnect);
        socket.on('connect_error', onError);
      });
    } catch (err) {
      socket.disconnect();
      throw err;
    }
    return participant;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  get userId(): string | undefined {
    return this.me?.userId;
  }

  /** The room of the current media session, if any. */
  get mediaRoom(): RoomName | undefined {
    return this.session?.room;
  }

  /** Producer ids of what this participant currently sends. */
  get producerIds(): Partial<Record<MediaKind, string>> {
    const out: Partial<Record<MediaKind, string>> = {};
    for (const [kind, p] of this.session?.producers ?? []) out[kind] = p.producerId;
    return out;
  }

  /** Consumers of the current media session. */
  get consumers(): ConsumedMedia[] {
    return [...(this.session?.consumers.values() ?? [])];
  }

  // --- signalling ---------------------------------------------------------

  /** Sends a request and returns its Ack; throws only on timeout or a closed socket. */
  async request<E extends ClientEvent>(event: E, payload: PayloadOf<E>): Promise<Ack<AckDataOf<E>>> {
    const ms = this.opts.requestTimeoutMs ?? 10_000;
    // socket.io would buffer the request until a reconnection that never comes.
    if (!this.socket.connected) throw new Error(`${event}: socket is not connected`);
    try {
      const emitter = this.socket.timeout(ms) as unknown as LooseEmitter;
      return (await emitter.emitWithAck(event, payload)) as Ack<AckDataOf<E>>;
    } catch (err) {
      throw new Error(`${event}: no acknowledgement in ${ms} ms (${(err as Error).message})`);
    }
  }

  /** Like request(), but returns the data and throws on `{ ok: false }`. */
  async call<E extends ClientEvent>(event: E, payload: PayloadOf<E>): Promise<AckDataOf<E>> {
    const ack = await this.request(event, payload);
    if (!ack.ok) {
      const err = new Error(`${event} failed: ${ack.error.code}: ${ack.error.message}`) as Error & { code: string };
      err.code = ack.error.code;
      throw err;
    }
    return ack.data;
  }

  async join(): Promise<JoinResult> {
    const result = await this.call('hearing:join', {});
    this.joinResult = result;
    this.me = result.me;
    return result;
  }

  private record(name: string, payload: unknown): void {
    this.events.push({ name, payload, at: Date.now() });
    this.emitter.emit(name, payload);
  }

  private onServerEvent(name: string, payload: unknown): void {
    this.record(name, payload);
    if (this.closing) return;
    switch (name) {
      case 'hearing:me':
        this.onMe((payload as ServerPayloadOf<'hearing:me'>).me);
        break;
      case 'hearing:rejoin':
        if (this.wantMedia) {
          const seq = ++this.stateSeq;
          this.background(() => this.rebuild(seq));
        }
        break;
      case 'hearing:removed':
        this.background(() => this.teardown());
        break;
      case 'media:newProducer': {
        const ann = payload as ProducerAnnouncement;
        this.noteOwner(ann.producerId, ann.participantId, ann.kind);
        if (this.wantConsume) this.background(() => this.consumeOne(ann));
        break;
      }
      case 'media:producerClosed': {
        const { producerId } = payload as ServerPayloadOf<'media:producerClosed'>;
        this.dropConsumers((c) => c.producerId === producerId);
        break;
      }
      case 'media:consumerClosed': {
        const { consumerId } = payload as ServerPayloadOf<'media:consumerClosed'>;
        this.dropConsumers((c) => c.consumerId === consumerId);
        break;
      }
    }
  }

  private onMe(me: ParticipantView): void {
    const prev = this.me;
    this.me = me;
    if (!this.wantMedia) return;
    const was = prev !== undefined && MEDIA_STATUSES.has(prev.status);
    const is = MEDIA_STATUSES.has(me.status);
    if (is && (!was || prev?.room !== me.room)) {
      const seq = ++this.stateSeq;
      this.background(() => this.rebuild(seq));
    } else if (!is && was) {
      ++this.stateSeq;
      this.background(() => this.teardown());
    }
  }

  // --- media --------------------------------------------------------------

  /** Runs media work one step at a time; hearing:me / rejoin handling shares this queue. */
  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.mediaQueue.then(fn, fn);
    this.mediaQueue = next.catch(() => undefined);
    return next;
  }

  private background(fn: () => Promise<void>): void {
    this.enqueue(fn).catch((err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      this.mediaErrors.push(error);
      this.emitter.emit('mediaError', error);
    });
  }

  /** Resolves once all queued media work (including automatic re-setup) has finished. */
  async mediaIdle(): Promise<void> {
    let tail: Promise<unknown>;
    do {
      tail = this.mediaQueue;
      await tail;
    } while (tail !== this.mediaQueue);
  }

  /**
   * Gets the router capabilities, creates the send and receive transports
   * (two werift peers) and keeps doing so whenever hearing:me / hearing:rejoin
   * require it. Transports connect (DTLS) with the first produce / consume.
   */
  setupMedia(): Promise<void> {
    this.wantMedia = true;
    const seq = this.stateSeq;
    return this.enqueue(() => this.build(seq));
  }

  /**
   * Everything a joining participant does at once: set up media, send `kinds`
   * and consume everyone, with producing and consuming in parallel (they use
   * different transports).
   */
  joinMedia(kinds: MediaKind[] = ['audio', 'video']): Promise<void> {
    this.wantMedia = true;
    this.wantConsume = true;
    for (const k of kinds) this.wantKinds.add(k);
    const seq = this.stateSeq;
    return this.enqueue(() => this.build(seq));
  }

  /** Starts sending real RTP for each kind (once per kind) and returns the producer ids. */
  async produce(kinds: MediaKind[] = ['audio', 'video']): Promise<Partial<Record<MediaKind, string>>> {
    for (const k of kinds) this.wantKinds.add(k);
    return this.enqueue(async () => {
      const session = this.requireSession();
      for (const kind of kinds) if (!session.producers.has(kind)) await this.produceOne(session, kind);
      const out: Partial<Record<MediaKind, string>> = {};
      for (const kind of kinds) out[kind] = session.producers.get(kind)?.producerId;
      return out;
    });
  }

  /** Consumes every producer listed now, and from now on every `media:newProducer` (resumed). */
  consumeAll(): Promise<void> {
    this.wantConsume = true;
    return this.enqueue(async () => {
      await this.consumeExisting(this.requireSession());
    });
  }

  private requireSession(): MediaSession {
    if (!this.session) throw new Error('media is not set up: call setupMedia() first');
    return this.session;
  }

  private async rebuild(seq: number): Promise<void> {
    // A session started after this event already reflects it (e.g. setupMedia() right after admission).
    if (this.session && this.session.builtAtSeq >= seq) return;
    await this.build(seq);
  }

  private async build(seq: number): Promise<void> {
    await this.teardown();
    if (this.closing) return;
    let room: RoomName;
    let routerRtpCapabilities: types.RtpCapabilities;
    let sendInfo: RemoteTransportParams;
    let recvInfo: RemoteTransportParams;
    if (this.fast) {
      const setup = await this.call('media:setup', {});
      room = setup.room;
      routerRtpCapabilities = setup.rtpCapabilities as types.RtpCapabilities;
      sendInfo = toRemote(setup.send);
      recvInfo = toRemote(setup.recv);
    } else {
      const caps = await this.call('media:getRouterRtpCapabilities', {});
      room = caps.room;
      routerRtpCapabilities = caps.rtpCapabilities as types.RtpCapabilities;
      sendInfo = toRemote(await this.call('media:createTransport', { direction: 'send' }));
      recvInfo = toRemote(await this.call('media:createTransport', { direction: 'recv' }));
    }
    this.marks.setup = performance.now();
    const connect = (transportId: string) => async (dtlsParameters: types.DtlsParameters) => {
      await this.call('media:connectTransport', { transportId, dtlsParameters });
    };
    if (this.closing) return;
    const transportOpts = this.opts.iceAddresses ? { iceAddresses: this.opts.iceAddresses } : {};
    const session: MediaSession = {
      room,
      routerRtpCapabilities,
      recvRtpCapabilities: weriftRecvRtpCapabilities(routerRtpCapabilities),
      send: new WeriftSendTransport(sendInfo, connect(sendInfo.id), transportOpts),
      recv: new WeriftRecvTransport(recvInfo, connect(recvInfo.id), transportOpts),
      producers: new Map(),
      consumers: new Map(),
      consumedProducers: new Set(),
      builtAtSeq: seq,
    };
    session.recv.onPacket = (consumerId, bytes) => {
      const c = session.consumers.get(consumerId);
      const s = c && this.stats.get(c.producerId);
      if (s) {
        s.packets++;
        s.bytes += bytes;
      }
    };
    for (const [direction, transport] of [['send', session.send], ['recv', session.recv]] as const) {
      const sub = transport.pc.connectionStateChange.subscribe((state) => {
        if (state !== 'connected') return;
        this.marks[`${direction}Connected`] = performance.now();
        sub.unSubscribe();
      });
      const iceSub = transport.pc.iceConnectionStateChange.subscribe((state) => {
        if (state !== 'connected') return;
        this.marks[`${direction}Ice`] = performance.now();
        iceSub.unSubscribe();
      });
    }
    this.session = session;
    if (this.fast) {
      // Different transports: sending and receiving need not wait for each other.
      await Promise.all([
        Promise.all([...this.wantKinds].map((kind) => this.produceOne(session, kind))).then(() => {
          this.marks.produced = performance.now();
        }),
        this.wantConsume ? this.consumeExisting(session) : undefined,
      ]);
    } else {
      for (const kind of this.wantKinds) await this.produceOne(session, kind);
      this.marks.produced = performance.now();
      if (this.wantConsume) await this.consumeExisting(session);
    }
  }

  private get fast(): boolean {
    return this.opts.fastJoin ?? true;
  }

  private async teardown(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    for (const p of session.producers.values()) {
      p.unsubscribe();
      this.myProducerIds.delete(p.producerId);
    }
    await Promise.all([session.send.close(), session.recv.close()]);
  }

  private source(kind: MediaKind): Promise<RtpSource> {
    const shared = this.opts.sources?.[kind];
    if (shared) return Promise.resolve(shared);
    let own = this.ownSources.get(kind);
    if (!own) {
      own = FfmpegRtpSource.start(kind, this.opts.ffmpeg);
      this.ownSources.set(kind, own);
      own.catch(() => this.ownSources.delete(kind));
    }
    return own;
  }

  private async produceOne(session: MediaSession, kind: MediaKind): Promise<void> {
    const source = await this.source(kind);
    const local = await session.send.produce(kind);
    const { producerId } = await this.call('media:produce', {
      transportId: session.send.id,
      kind,
      rtpParameters: local.rtpParameters,
    });
    this.myProducerIds.add(producerId);
    const write = (packet: Buffer) => {
      if (!local.track.stopped) local.track.writeRtp(packet);
    };
    let unsubscribe: () => void;
    if (source.keyFrame) {
      // Like a browser's encoder: a key-frame request (PLI or FIR) is answered at once with a key frame.
      const feed = new TrackFeed(write, () => source.keyFrame?.(), () => this.keyFramesAnswered++);
      const unsubscribeSource = source.subscribe((packet) => feed.push(packet));
      const rtcp = local.transceiver.sender.onRtcp.subscribe((packet) => {
        if (packet.type === PAYLOAD_SPECIFIC_FEEDBACK && KEY_FRAME_REQUESTS.has(packet.feedback.count)) feed.request();
      });
      unsubscribe = () => {
        unsubscribeSource();
        rtcp.unSubscribe();
      };
    } else {
      unsubscribe = source.subscribe(write);
    }
    session.producers.set(kind, { producerId, local, unsubscribe });
  }

  private async consumeExisting(session: MediaSession): Promise<void> {
    if (this.fast) return this.consumeAllAtOnce(session);
    const { producers } = await this.call('media:listProducers', {});
    for (const ann of producers) {
      this.noteOwner(ann.producerId, ann.participantId, ann.kind);
      await this.consumeOne(ann, session);
    }
  }

  /** media:consumeMany for every producer not consumed yet, one renegotiation, then media:resumeConsumers. */
  private async consumeAllAtOnce(session: MediaSession): Promise<void> {
    if (session !== this.session) return;
    const { consumers } = await this.call('media:consumeMany', { transportId: session.recv.id, rtpCapabilities: session.recvRtpCapabilities });
    const fresh = consumers.filter((c) => !session.consumedProducers.has(c.producerId) && !this.myProducerIds.has(c.producerId));
    for (const info of fresh) {
      session.consumedProducers.add(info.producerId);
      this.noteOwner(info.producerId, info.participantId, info.kind);
      session.consumers.set(info.consumerId, { consumerId: info.consumerId, producerId: info.producerId, participantId: info.participantId, kind: info.kind });
    }
    this.marks.consumed = performance.now();
    if (fresh.length === 0) return;
    await session.recv.consumeMany(fresh.map((info) => ({ consumerId: info.consumerId, kind: info.kind, rtpParameters: info.rtpParameters as types.RtpParameters })));
    await this.call('media:resumeConsumers', { consumerIds: fresh.map((c) => c.consumerId) });
    this.marks.resumed = performance.now();
  }

  private async consumeOne(ann: ProducerAnnouncement, session = this.session): Promise<void> {
    if (!session || session !== this.session) return;
    if (session.consumedProducers.has(ann.producerId) || this.myProducerIds.has(ann.producerId)) return;
    session.consumedProducers.add(ann.producerId);
    let info: ConsumerInfo;
    try {
      info = await this.call('media:consume', {
        transportId: session.recv.id,
        producerId: ann.producerId,
        rtpCapabilities: session.recvRtpCapabilities,
      });
    } catch (err) {
      session.consumedProducers.delete(ann.producerId);
      throw err;
    }
    this.noteOwner(info.producerId, info.participantId, info.kind);
    session.consumers.set(info.consumerId, {
      consumerId: info.consumerId,
      producerId: info.producerId,
      participantId: info.participantId,
      kind: info.kind,
    });
    await session.recv.consume({
      consumerId: info.consumerId,
      kind: info.kind,
      rtpParameters: info.rtpParameters as types.RtpParameters,
    });
    await this.call('media:resumeConsumer', { consumerId: info.consumerId });
  }

  private dropConsumers(match: (c: ConsumedMedia) => boolean): void {
    const session = this.session;
    if (!session) return;
    for (const c of [...session.consumers.values()]) {
      if (!match(c)) continue;
      session.consumers.delete(c.consumerId);
      session.consumedProducers.delete(c.producerId);
      this.background(() => session.recv.closeConsumer(c.consumerId));
    }
  }

  private noteOwner(producerId: string, participantId: string, kind: MediaKind): void {
    if (!this.stats.has(producerId)) this.stats.set(producerId, { producerId, participantId, kind, packets: 0, bytes: 0 });
  }

  // --- counting -----------------------------------------------------------

  /** RTP packets received so far from a producer (over all media sessions). */
  packetsFrom(producerId: string): number {
    return this.stats.get(producerId)?.packets ?? 0;
  }

  /** RTP packets received so far from all producers of a participant (`participantId` of the server's announcements). */
  packetsFromUser(userId: string, kind?: MediaKind): number {
    let n = 0;
    for (const s of this.stats.values()) if (s.participantId === userId && (!kind || s.kind === kind)) n += s.packets;
    return n;
  }

  /** Per-producer counters (a copy). */
  receivedStats(): ProducerPackets[] {
    return [...this.stats.values()].map((s) => ({ ...s }));
  }

  /** Polls `predicate` every 50 ms; on timeout the error lists what was received and any media errors. */
  async waitForPackets(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) {
        throw new Error(
          `packets condition not met in ${timeoutMs} ms; received ${JSON.stringify(this.receivedStats())}` +
            (this.mediaErrors.length ? `; media errors: ${this.mediaErrors.map((e) => e.message).join(' | ')}` : ''),
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Index to pass to waitForEvent() so that only events after this point match. */
  mark(): number {
    return this.events.length;
  }

  /**
   * Resolves with the payload of the first event `name` (at index >= `since`,
   * so by default also one that already arrived) that satisfies `predicate`.
   */
  waitForEvent<E extends ServerEvent>(
    name: E,
    predicate?: (payload: ServerPayloadOf<E>) => boolean,
    timeoutMs?: number,
    since?: number,
  ): Promise<ServerPayloadOf<E>>;
  waitForEvent(name: string, predicate?: (payload: unknown) => boolean, timeoutMs?: number, since?: number): Promise<unknown>;
  waitForEvent(name: string, predicate: (payload: unknown) => boolean = () => true, timeoutMs = 10_000, since = 0): Promise<unknown> {
    for (let i = since; i < this.events.length; i++) {
      const e = this.events[i]!;
      if (e.name === name && predicate(e.payload)) return Promise.resolve(e.payload);
    }
    return new Promise((resolve, reject) => {
      const onEvent = (payload: unknown) => {
        if (!predicate(payload)) return;
        clearTimeout(timer);
        this.emitter.off(name, onEvent);
        resolve(payload);
      };
      const timer = setTimeout(() => {
        this.emitter.off(name, onEvent);
        reject(new Error(`no matching ${name} in ${timeoutMs} ms; events: ${this.events.map((e) => e.name).join(', ')}`));
      }, timeoutMs);
      this.emitter.on(name, onEvent);
    });
  }

  /** Disconnects, closes both werift peers and kills the participant's own ffmpeg processes; safe twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // Disconnecting first makes pending and further requests fail at once, so the queue drains quickly.
      this.socket.disconnect();
      await this.mediaQueue;
      await this.teardown().catch(() => undefined);
      const own = [...this.ownSources.values()];
      this.ownSources.clear();
      await Promise.all(own.map((p) => p.then((s) => s.stop(), () => undefined)));
    })();
    return this.closing;
  }
}
