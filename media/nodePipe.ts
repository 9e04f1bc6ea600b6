import type { types } from 'mediasoup';
import type { MediaRoom } from './mediaRoom.js';

/** One end of a pipe between two nodes' routers: where it listens, and its SRTP keys. */
export interface PipeEnd {
  ip: string;
  port: number;
  srtpParameters: types.SrtpParameters;
}

/** A producer of the origin room as the pipe carries it. */
export interface PipedProducer {
  producerId: string;
  participantId: string;
  kind: 'audio' | 'video';
  rtpParameters: types.RtpParameters;
  paused: boolean;
}

/** The origin's answer: its end of the pipe (named, so a replaced pipe is noticed) and every producer it carries now. */
export interface PipeOffer extends PipeEnd {
  pipeId: string;
  producers: PipedProducer[];
}

function endOf(transport: types.PipeTransport): PipeEnd {
  if (!transport.srtpParameters) throw new Error('pipe transport without SRTP');
  return { ip: transport.tuple.localAddress ?? transport.tuple.localIp, port: transport.tuple.localPort, srtpParameters: transport.srtpParameters };
}

const sameEnd = (a: PipeEnd, b: PipeEnd) => a.ip === b.ip && a.port === b.port && a.srtpParameters.keyBase64 === b.srtpParameters.keyBase64;

/**
 * The origin side (the node holding a hearing): one PipeTransport from the hearing's room to one
 * other node, and one pipe consumer per producer of the room. However many people watch on the
 * other node, this node sends each stream once. Media between nodes is SRTP-encrypted; the keys
 * travel in the authenticated request that set the pipe up.
 */
export class PipeOut {
  private readonly consumers = new Map<string, types.Consumer>();

  private constructor(
    readonly room: MediaRoom,
    private readonly transport: types.PipeTransport,
    readonly remote: PipeEnd,
  ) {}

  static async open(room: MediaRoom, listenInfo: types.TransportListenInfo, remote: PipeEnd): Promise<PipeOut> {
    const transport = await room.router.createPipeTransport({ listenInfo, enableSrtp: true, appData: { pipe: 'out' } });
    try {
      await transport.connect({ ip: remote.ip, port: remote.port, srtpParameters: remote.srtpParameters });
    } catch (err) {
      transport.close();
      throw err;
    }
    return new PipeOut(room, transport, remote);
  }

  get closed(): boolean {
    return this.transport.closed;
  }

  connectsTo(remote: PipeEnd): boolean {
    return sameEnd(this.remote, remote);
  }

  /** Pipe every producer of the room not piped yet; the offer lists all of them. */
  async sync(): Promise<PipeOffer> {
    const producers: PipedProducer[] = [];
    for (const p of this.room.producers()) {
      let consumer = this.consumers.get(p.producerId);
      if (!consumer || consumer.closed) {
        consumer = await this.transport.consume({ producerId: p.producerId });
        this.consumers.set(p.producerId, consumer);
        consumer.observer.once('close', () => this.consumers.delete(p.producerId));
      }
      producers.push({ producerId: p.producerId, participantId: p.peerId, kind: p.kind, rtpParameters: consumer.rtpParameters, paused: consumer.producerPaused });
    }
    return { pipeId: this.transport.id, ...endOf(this.transport), producers };
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * The receiving side (a node where people watch): a room of its own fed by one PipeTransport
 * from the origin. Each piped producer keeps the origin's producer id and joins the room as its
 * participant's, so viewers consume it as any producer of a room.
 */
export class PipeIn {
  private connectedTo?: string;
  private readonly piped = new Map<string, types.Producer>();

  private constructor(
    readonly room: MediaRoom,
    private readonly transport: types.PipeTransport,
  ) {}

  static async open(room: MediaRoom, listenInfo: types.TransportListenInfo): Promise<PipeIn> {
    const transport = await room.router.createPipeTransport({ listenInfo, enableSrtp: true, appData: { pipe: 'in' } });
    return new PipeIn(room, transport);
  }

  /** This end, to send to the origin. */
  get end(): PipeEnd {
    return endOf(this.transport);
  }

  get closed(): boolean {
    return this.transport.closed;
  }

  /**
   * Follow the origin's offer: connect once, produce what is new, close what the origin no
   * longer has. False when the offer comes from another pipe than the one this end is connected
   * to (the origin's room was replaced): this pipe is useless and the owner opens a new one.
   */
  async apply(offer: PipeOffer): Promise<boolean> {
    if (this.connectedTo === undefined) {
      await this.transport.connect({ ip: offer.ip, port: offer.port, srtpParameters: offer.srtpParameters });
      this.connectedTo = offer.pipeId;
    } else if (this.connectedTo !== offer.pipeId) return false;
    const offered = new Set(offer.producers.map((p) => p.producerId));
    for (const [id, producer] of this.piped) if (!offered.has(id)) producer.close();
    for (const p of offer.producers) {
      const existing = this.piped.get(p.producerId);
      if (existing && !existing.closed) {
        if (existing.paused !== p.paused) await (p.paused ? existing.pause() : existing.resume());
        continue;
      }
      const producer = await this.transport.produce({ id: p.producerId, kind: p.kind, rtpParameters: p.rtpParameters, paused: p.paused, appData: { peerId: p.participantId } });
      this.piped.set(p.producerId, producer);
      producer.observer.once('close', () => this.piped.delete(p.producerId));
      this.room.adoptProducer(p.participantId, producer);
    }
    return true;
  }

  close(): void {
    this.room.close();
  }
}
