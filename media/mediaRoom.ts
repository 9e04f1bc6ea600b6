import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from './codecs.js';
import type { PooledWorker, WorkerPool } from './workerPool.js';

export type MediaKind = 'audio' | 'video';

export interface TransportParams {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface ProducerInfo {
  producerId: string;
  peerId: string;
  kind: MediaKind;
  paused: boolean;
}

interface PeerMedia {
  transports: Map<string, types.WebRtcTransport>;
  producers: Map<string, types.Producer>;
  consumers: Map<string, types.Consumer>;
}

export interface MediaRoomEvents {
  /** A consumer of `peerId` was closed because its producer went away. */
  consumerClosed: [peerId: string, consumerId: string];
  producerClosed: [peerId: string, producerId: string];
  producerPaused: [peerId: string, producerId: string];
  producerResumed: [peerId: string, producerId: string];
  activeSpeaker: [peerId: string | null];
  /** The router died with its worker; the owner re-creates the room. */
  lost: [];
}

/** The failure a caller can explain to a participant; the room never leaks mediasoup's own messages. */
export class MediaRoomError extends Error {
  constructor(
    readonly code:
      | 'TRANSPORT_NOT_FOUND'
      | 'PRODUCER_NOT_FOUND'
      | 'CONSUMER_NOT_FOUND'
      | 'CANNOT_CONSUME'
      | 'ROOM_CLOSED'
      | 'TOO_MANY_TRANSPORTS'
      | 'TOO_MANY_PRODUCERS'
      | 'TOO_MANY_CONSUMERS',
    message: string,
  ) {
    super(message);
    this.name = 'MediaRoomError';
  }
}

/**
 * What one peer may hold in one room. A client needs a send and a receive
 * transport, a microphone and a camera (and perhaps a screen), and one consumer
 * per stream of the others; anything beyond these is a bug or an attack on the
 * media worker, refused before mediasoup allocates anything.
 */
export const PEER_MEDIA_LIMITS = { transports: 4, producers: 4, consumers: 120 } as const;

/**
 * One router (one hearing room or one caucus room) and the media of the peers
 * in it. It knows nothing about who may see whom: the hearing layer decides and
 * only asks this room to consume within itself, so media of another room
 * (another router) can never be forwarded here.
 */
export class MediaRoom extends EventEmitter<MediaRoomEvents> {
  private readonly peers = new Map<string, PeerMedia>();
  private closed = false;

  private constructor(
    readonly name: string,
    readonly router: types.Router,
    readonly worker: PooledWorker,
    private readonly speakerObserver: types.ActiveSpeakerObserver,
  ) {
    super();
    speakerObserver.on('dominantspeaker', ({ producer }) => this.emit('activeSpeaker', (producer.appData.peerId as string) ?? null));
    router.on('workerclose', () => {
      if (this.closed) return;
      this.closed = true;
      this.emit('lost');
    });
  }

  static async create(pool: WorkerPool, name: string): Promise<MediaRoom> {
    const { router, worker } = await pool.createRouter(MEDIA_CODECS, { room: name });
    const observer = await router.createActiveSpeakerObserver({ interval: 300 });
    return new MediaRoom(name, router, worker, observer);
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async createTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportParams> {
    if (this.peer(peerId).transports.size >= PEER_MEDIA_LIMITS.transports) {
      throw new MediaRoomError('TOO_MANY_TRANSPORTS', `At most ${PEER_MEDIA_LIMITS.transports} media connections per participant; set up media again instead.`);
    }
    const transport = await this.router.createWebRtcTransport({
      webRtcServer: this.worker.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      appData: { peerId, direction },
    });
    this.peer(peerId).transports.set(transport.id, transport);
    transport.observer.once('close', () => this.peers.get(peerId)?.transports.delete(transport.id));
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /**
   * Both transports of a joining peer at once (media:setup): created in parallel,
   * so a join costs one worker round trip instead of two. All or nothing: if
   * one fails, the other is closed again.
   */
  async createTransportPair(peerId: string): Promise<{ send: TransportParams; recv: TransportParams }> {
    if (this.peer(peerId).transports.size + 2 > PEER_MEDIA_LIMITS.transports) {
      throw new MediaRoomError('TOO_MANY_TRANSPORTS', `At most ${PEER_MEDIA_LIMITS.transports} media connections per participant; set up media again instead.`);
    }
    const [send, recv] = await Promise.allSettled([this.createTransport(peerId, 'send'), this.createTransport(peerId, 'recv')]);
    if (send.status === 'fulfilled' && recv.status === 'fulfilled') return { send: send.value, recv: recv.value };
    for (const r of [send, recv]) if (r.status === 'fulfilled') this.peers.get(peerId)?.transports.get(r.value.id)?.close();
    throw send.status === 'rejected' ? send.reason : (recv as PromiseRejectedResult).reason;
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.transport(peerId, transportId).connect({ dtlsParameters });
  }

  async produce(
    peerId: string,
    transportId: string,
    kind: MediaKind,
    rtpParameters: types.RtpParameters,
    startPaused = false,
  ): Promise<ProducerInfo> {
    if (this.peer(peerId).producers.size >= PEER_MEDIA_LIMITS.producers) {
      throw new MediaRoomError('TOO_MANY_PRODUCERS', `At most ${PEER_MEDIA_LIMITS.producers} outgoing streams per participant.`);
    }
    const producer = await this.transport(peerId, transportId).produce({ kind, rtpParameters, paused: startPaused, appData: { peerId } });
    const media = this.peer(peerId);
    media.producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      media.producers.delete(producer.id);
      this.emit('producerClosed', peerId, producer.id);
    });
    producer.observer.on('pause', () => this.emit('producerPaused', peerId, producer.id));
    producer.observer.on('resume', () => this.emit('producerResumed', peerId, producer.id));
    if (kind === 'audio') await this.speakerObserver.addProducer({ producerId: producer.id }).catch(() => undefined);
    return { producerId: producer.id, peerId, kind, paused: producer.paused };
  }

  /**
   * A producer that arrives from another node's router through a PipeTransport (media/nodePipe.ts)
   * joins this room as the given peer's, so peers here consume it as any other.
   */
  adoptProducer(peerId: string, producer: types.Producer): void {
    const media = this.peer(peerId);
    media.producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      media.producers.delete(producer.id);
      this.emit('producerClosed', peerId, producer.id);
    });
    producer.observer.on('pause', () => this.emit('producerPaused', peerId, producer.id));
    producer.observer.on('resume', () => this.emit('producerResumed', peerId, producer.id));
  }

  /** Created paused: the client resumes it once its receiver is ready, so no keyframe is lost. */
  async consume(peerId: string, transportId: string, producerId: string, rtpCapabilities: types.RtpCapabilities): Promise<types.Consumer> {
    const transport = this.transport(peerId, transportId);
    if (this.peer(peerId).consumers.size >= PEER_MEDIA_LIMITS.consumers) {
      throw new MediaRoomError('TOO_MANY_CONSUMERS', `At most ${PEER_MEDIA_LIMITS.consumers} incoming streams per participant.`);
    }
    const producer = this.findProducer(producerId);
    if (!producer || producer.appData.peerId === peerId) {
      throw new MediaRoomError('PRODUCER_NOT_FOUND', 'That media stream is not available in this room.');
    }
    if (!this.router.canConsume({ producerId, rtpCapabilities })) {
      throw new MediaRoomError('CANNOT_CONSUME', 'Your device cannot play this media stream (no common codec).');
    }
    const consumer = await transport.consume({ producerId, rtpCapabilities, paused: true, appData: { peerId, producerPeerId: producer.appData.peerId } });
    const media = this.peer(peerId);
    media.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => media.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      consumer.close();
      this.emit('consumerClosed', peerId, consumer.id);
    });
    return consumer;
  }

  /**
   * Consumers of many producers in one go (media:consumeMany), created in
   * parallel. `producerIds` omitted means every producer of the room but the
   * peer's own. A producer this peer already consumes is not consumed twice, so
   * the request can be repeated safely. A producer that went away meanwhile, or
   * one the device cannot play, is reported in `skipped` rather than failing
   * the join; any other failure closes what this call created.
   */
  async consumeMany(
    peerId: string,
    transportId: string,
    producerIds: string[] | undefined,
    rtpCapabilities: types.RtpCapabilities,
  ): Promise<{ consumers: types.Consumer[]; skipped: { producerId: string; code: MediaRoomError['code'] }[] }> {
    this.transport(peerId, transportId);
    const media = this.peer(peerId);
    const already = new Set([...media.consumers.values()].map((c) => c.producerId));
    const wanted = [...new Set(producerIds ?? this.producers().filter((p) => p.peerId !== peerId).map((p) => p.producerId))].filter((id) => !already.has(id));
    if (media.consumers.size + wanted.length > PEER_MEDIA_LIMITS.consumers) {
      throw new MediaRoomError('TOO_MANY_CONSUMERS', `At most ${PEER_MEDIA_LIMITS.consumers} incoming streams per participant.`);
    }
    const results = await Promise.allSettled(wanted.map((producerId) => this.consume(peerId, transportId, producerId, rtpCapabilities)));
    const consumers: types.Consumer[] = [];
    const skipped: { producerId: string; code: MediaRoomError['code'] }[] = [];
    let failure: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') consumers.push(r.value);
      else if (r.reason instanceof MediaRoomError && (r.reason.code === 'PRODUCER_NOT_FOUND' || r.reason.code === 'CANNOT_CONSUME')) {
        skipped.push({ producerId: wanted[i]!, code: r.reason.code });
      } else failure ??= r.reason;
    });
    if (failure !== undefined) {
      for (const c of consumers) c.close();
      throw failure;
    }
    return { consumers, skipped };
  }

  /**
   * Resumes many consumers at once (media:resumeConsumers), each video one with
   * a key frame request. Every id is checked first: an unknown one resumes none.
   */
  async resumeConsumers(peerId: string, consumerIds: string[]): Promise<void> {
    const own = this.peers.get(peerId)?.consumers;
    const consumers = consumerIds.map((id) => {
      const consumer = own?.get(id);
      if (!consumer) throw new MediaRoomError('CONSUMER_NOT_FOUND', 'That media stream is not being received.');
      return consumer;
    });
    await Promise.all(
      consumers.map(async (consumer) => {
        await consumer.resume();
        if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
      }),
    );
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    const consumer = this.peers.get(peerId)?.consumers.get(consumerId);
    if (!consumer) throw new MediaRoomError('CONSUMER_NOT_FOUND', 'That media stream is not being received.');
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
  }

  async setPreferredLayers(peerId: string, consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    const consumer = this.peers.get(peerId)?.consumers.get(consumerId);
    if (!consumer) throw new MediaRoomError('CONSUMER_NOT_FOUND', 'That media stream is not being received.');
    await consumer.setPreferredLayers({ spatialLayer, ...(temporalLayer !== undefined ? { temporalLayer } : {}) });
  }

  ownProducer(peerId: string, producerId: string): types.Producer {
    const producer = this.peers.get(peerId)?.producers.get(producerId);
    if (!producer) throw new MediaRoomError('PRODUCER_NOT_FOUND', 'That media stream is not yours or no longer exists.');
    return producer;
  }

  producersOf(peerId: string): types.Producer[] {
    return [...(this.peers.get(peerId)?.producers.values() ?? [])];
  }

  producers(): ProducerInfo[] {
    return [...this.peers.entries()].flatMap(([peerId, media]) =>
      [...media.producers.values()].map((p) => ({ producerId: p.id, peerId, kind: p.kind, paused: p.paused })),
    );
  }

  /** Close everything a peer has in this room (it left, was dismissed or moved). */
  closePeer(peerId: string): void {
    const media = this.peers.get(peerId);
    if (!media) return;
    this.peers.delete(peerId);
    for (const transport of media.transports.values()) transport.close();
  }

  /** Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.peers.clear();
    this.router.close();
  }

  private peer(peerId: string): PeerMedia {
    if (this.closed) throw new MediaRoomError('ROOM_CLOSED', 'This room has closed.');
    let media = this.peers.get(peerId);
    if (!media) {
      media = { transports: new Map(), producers: new Map(), consumers: new Map() };
      this.peers.set(peerId, media);
    }
    return media;
  }

  private transport(peerId: string, transportId: string): types.WebRtcTransport {
    const transport = this.peers.get(peerId)?.transports.get(transportId);
    if (!transport) throw new MediaRoomError('TRANSPORT_NOT_FOUND', 'That connection does not exist; set up media again.');
    return transport;
  }

  private findProducer(producerId: string): types.Producer | undefined {
    for (const media of this.peers.values()) {
      const p = media.producers.get(producerId);
      if (p) return p;
    }
    return undefined;
  }
}
