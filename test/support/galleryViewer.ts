/**
 * A viewer of the public gallery for integration tests: connects to a node's /gallery socket
 * with a hearing's join token, receives every stream over real WebRTC (werift) and counts the
 * RTP packets of each participant.
 */
import type { types } from 'mediasoup';
import { io, type Socket } from 'socket.io-client';
import type { Ack } from '../../protocol/ack.js';
import type { GalleryClientToServer, GalleryReplies, GalleryRequest, GalleryServerToClient } from '../../protocol/gallery.js';
import type { ProducerAnnouncement } from '../../protocol/hearing.js';
import { toRemote } from './weriftParticipant.js';
import { WeriftRecvTransport, weriftRecvRtpCapabilities } from './weriftSdp.js';

export class GalleryViewer {
  private recv?: WeriftRecvTransport;
  private capabilities?: types.RtpCapabilities;
  private readonly consumed = new Set<string>();
  private readonly owners = new Map<string, { participantId: string; kind: string }>();
  private readonly packets = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly socket: Socket<GalleryServerToClient, GalleryClientToServer>) {
    socket.on('gallery:producers', ({ producers }) => void this.enqueue(() => this.consumeAll(producers)));
  }

  static async connect(url: string, token: string): Promise<GalleryViewer> {
    const socket: Socket<GalleryServerToClient, GalleryClientToServer> = io(`${url}/gallery`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new GalleryViewer(socket);
  }

  request<E extends GalleryRequest>(event: E, payload?: Parameters<GalleryClientToServer[E]>[0]): Promise<Ack<GalleryReplies[E]>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${event}: no answer`)), 15_000);
      const emit = this.socket.emit.bind(this.socket) as (e: string, p: unknown, ack: (a: Ack<GalleryReplies[E]>) => void) => void;
      emit(event, payload ?? {}, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
  }

  private async call<E extends GalleryRequest>(event: E, payload?: Parameters<GalleryClientToServer[E]>[0]): Promise<GalleryReplies[E]> {
    const ack = await this.request(event, payload);
    if (!ack.ok) throw new Error(`${event} refused: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  /** Start watching: the answer of gallery:join (refused while the hearing is not live). */
  async watch(): Promise<Ack<GalleryReplies['gallery:join']>> {
    const joined = await this.request('gallery:join');
    if (!joined.ok) return joined;
    this.capabilities = weriftRecvRtpCapabilities(joined.data.rtpCapabilities as types.RtpCapabilities);
    const info = await this.call('gallery:createTransport');
    this.recv = new WeriftRecvTransport(toRemote(info), async (dtlsParameters) => void (await this.call('gallery:connectTransport', { transportId: info.id, dtlsParameters })));
    this.recv.onPacket = (consumerId) => this.packets.set(consumerId, (this.packets.get(consumerId) ?? 0) + 1);
    await this.enqueue(() => this.consumeAll(joined.data.producers));
    return joined;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async consumeAll(producers: ProducerAnnouncement[]): Promise<void> {
    const recv = this.recv;
    if (!recv || !this.capabilities) return;
    for (const p of producers) {
      if (this.consumed.has(p.producerId)) continue;
      this.consumed.add(p.producerId);
      const info = await this.call('gallery:consume', { transportId: recv.id, producerId: p.producerId, rtpCapabilities: this.capabilities as never });
      this.owners.set(info.consumerId, { participantId: info.participantId, kind: info.kind });
      await recv.consume({ consumerId: info.consumerId, kind: info.kind, rtpParameters: info.rtpParameters as types.RtpParameters });
      await this.call('gallery:resumeConsumer', { consumerId: info.consumerId });
    }
  }

  packetsFromUser(userId: string, kind?: 'audio' | 'video'): number {
    let n = 0;
    for (const [consumerId, owner] of this.owners) if (owner.participantId === userId && (!kind || owner.kind === kind)) n += this.packets.get(consumerId) ?? 0;
    return n;
  }

  async waitForPackets(predicate: () => boolean, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`gallery viewer: packets not received in ${timeoutMs} ms (${JSON.stringify([...this.packets])})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    this.socket.disconnect();
    await this.recv?.close();
  }
}
