import { Device, type types } from 'mediasoup-client';
import type { ConsumerInfo, MediaKind, ProducerAnnouncement, RoomName, TransportInfo } from '../../../protocol/hearing.js';
import type { Requester } from './signalling.js';

/** What one remote participant currently sends us. */
export interface RemoteMedia {
  audio?: MediaStreamTrack;
  video?: MediaStreamTrack;
  audioPaused: boolean;
  videoPaused: boolean;
}

export interface MediaSessionEvents {
  /** Remote tracks or their paused state changed. */
  changed(): void;
  /** The transports failed (ICE/DTLS): the owner builds the session again. */
  failed(reason: string): void;
}

interface Consumed {
  consumer: types.Consumer;
  participantId: string;
  producerId: string;
  kind: MediaKind;
}

// Three simulcast layers; the SFU forwards to each viewer the one its bandwidth and tile size allow.
const SIMULCAST: types.RtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

/**
 * The media of one stay in one room: a mediasoup-client Device, a send and a
 * receive transport, our producers and the consumers of everyone else. It is
 * thrown away and built again whenever the room changes, we are admitted
 * again, the server asks (hearing:rejoin) or the transports fail.
 */
export class MediaSession {
  readonly room: RoomName;
  private readonly device: Device;
  private send?: types.Transport;
  private recv?: types.Transport;
  private readonly producers = new Map<MediaKind, types.Producer>();
  private readonly consumers = new Map<string, Consumed>();
  private readonly consuming = new Set<string>();
  private closed = false;
  private audioOnly = false;

  private constructor(
    private readonly ask: Requester,
    private readonly events: MediaSessionEvents,
    room: RoomName,
    device: Device,
  ) {
    this.room = room;
    this.device = device;
  }

  static async open(ask: Requester, events: MediaSessionEvents): Promise<MediaSession> {
    // One request: the router's capabilities and both transports, created in parallel on the server.
    const { rtpCapabilities, room, send, recv } = await ask('media:setup', {});
    const device = new Device();
    await device.load({ routerRtpCapabilities: rtpCapabilities as types.RtpCapabilities });
    const session = new MediaSession(ask, events, room, device);
    session.send = session.transport('send', send);
    session.recv = session.transport('recv', recv);
    return session;
  }

  private transport(direction: 'send' | 'recv', info: TransportInfo): types.Transport {
    const options = {
      id: info.id,
      iceParameters: info.iceParameters as types.IceParameters,
      iceCandidates: info.iceCandidates as types.IceCandidate[],
      dtlsParameters: info.dtlsParameters as types.DtlsParameters,
    };
    const transport = direction === 'send' ? this.device.createSendTransport(options) : this.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      this.ask('media:connectTransport', { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters }, done, fail) => {
        this.ask('media:produce', { transportId: transport.id, kind, rtpParameters }).then(({ producerId }) => done({ id: producerId }), fail);
      });
    }
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed' && !this.closed) this.events.failed(`${direction} transport ${state}`);
    });
    return transport;
  }

  /** Sends a local track; the same track survives rebuilds (stopTracks: false). */
  async produce(track: MediaStreamTrack, paused: boolean): Promise<void> {
    if (!this.send || this.closed) return;
    const kind = track.kind as MediaKind;
    if (!this.device.canProduce(kind) || this.producers.has(kind)) return;
    const producer = await this.send.produce({
      track,
      stopTracks: false,
      ...(kind === 'video' ? { encodings: SIMULCAST, codecOptions: { videoGoogleStartBitrate: 1000 } } : { codecOptions: { opusDtx: true, opusFec: true } }),
    });
    this.producers.set(kind, producer);
    if (paused) await this.setPaused(kind, true);
  }

  producerId(kind: MediaKind): string | undefined {
    return this.producers.get(kind)?.id;
  }

  /** Pauses our own producer here and on the server (the server also tells everyone). */
  async setPaused(kind: MediaKind, paused: boolean): Promise<void> {
    const producer = this.producers.get(kind);
    if (!producer) return;
    // Resume locally only after the server agreed: a host lock refuses it.
    if (paused) {
      producer.pause();
      await this.ask('media:pauseProducer', { producerId: producer.id });
    } else {
      await this.ask('media:resumeProducer', { producerId: producer.id });
      producer.resume();
    }
  }

  /** Which of our producers this is, if any (the server tells the whole room, us included, of pauses). */
  ownKind(producerId: string): MediaKind | undefined {
    for (const [kind, p] of this.producers) if (p.id === producerId) return kind;
    return undefined;
  }

  /** The host muted us on the server: follow it locally so the button shows the truth. */
  pausedByHost(kind: MediaKind): void {
    this.producers.get(kind)?.pause();
  }

  /**
   * Everyone already in the room, in three steps whatever their number: one
   * request creates all the consumers, the receive transport takes them in
   * parallel, one request resumes them all (video with a fresh key frame).
   */
  async consumeExisting(): Promise<void> {
    const recv = this.recv;
    if (!recv || this.closed) return;
    const { consumers } = await this.ask('media:consumeMany', { transportId: recv.id, rtpCapabilities: this.device.recvRtpCapabilities });
    const fresh = consumers.filter((info) => !this.consuming.has(info.producerId));
    for (const info of fresh) this.consuming.add(info.producerId);
    if (this.closed || fresh.length === 0) return;
    const made = await Promise.all(
      fresh.map(async (info) => {
        const consumer = await recv.consume({ id: info.consumerId, producerId: info.producerId, kind: info.kind, rtpParameters: info.rtpParameters as types.RtpParameters });
        this.consumers.set(consumer.id, { consumer, participantId: info.participantId, producerId: info.producerId, kind: info.kind });
        if (info.kind === 'video' && this.audioOnly) {
          consumer.pause();
          await this.ask('media:setPreferredLayers', { consumerId: consumer.id, spatialLayer: 0, temporalLayer: 0 }).catch(() => undefined);
        }
        return consumer.id;
      }),
    );
    await this.ask('media:resumeConsumers', { consumerIds: made });
    this.events.changed();
  }

  /** Consumers start paused on the server; resume once the track is wired up. */
  async consume(ann: ProducerAnnouncement): Promise<void> {
    if (!this.recv || this.closed || this.consuming.has(ann.producerId)) return;
    this.consuming.add(ann.producerId);
    let info: ConsumerInfo;
    try {
      info = await this.ask('media:consume', { transportId: this.recv.id, producerId: ann.producerId, rtpCapabilities: this.device.recvRtpCapabilities });
    } catch (err) {
      this.consuming.delete(ann.producerId);
      throw err;
    }
    if (this.closed) return;
    const consumer = await this.recv.consume({ id: info.consumerId, producerId: info.producerId, kind: info.kind, rtpParameters: info.rtpParameters as types.RtpParameters });
    this.consumers.set(consumer.id, { consumer, participantId: info.participantId, producerId: info.producerId, kind: info.kind });
    if (info.kind === 'video' && this.audioOnly) {
      consumer.pause();
      await this.ask('media:setPreferredLayers', { consumerId: consumer.id, spatialLayer: 0, temporalLayer: 0 }).catch(() => undefined);
    }
    await this.ask('media:resumeConsumer', { consumerId: consumer.id });
    this.events.changed();
  }

  /** Our consumer's producer went away (server said consumerClosed or producerClosed). */
  drop(match: { consumerId?: string; producerId?: string }): void {
    for (const [id, c] of this.consumers) {
      if (id !== match.consumerId && c.producerId !== match.producerId) continue;
      c.consumer.close();
      this.consumers.delete(id);
      this.consuming.delete(c.producerId);
      this.events.changed();
    }
  }

  /** Remote producer paused/resumed (muted microphone, camera off). */
  remotePaused(producerId: string, paused: boolean): void {
    for (const c of this.consumers.values()) {
      if (c.producerId === producerId) {
        c.consumer.appData.remotePaused = paused;
        this.events.changed();
      }
    }
  }

  /** Audio-only: no video out, and incoming video held at the smallest layer and not shown. */
  async setAudioOnly(on: boolean): Promise<void> {
    this.audioOnly = on;
    for (const c of this.consumers.values()) {
      if (c.kind !== 'video') continue;
      if (on) c.consumer.pause();
      else c.consumer.resume();
      await this.ask('media:setPreferredLayers', { consumerId: c.consumer.id, spatialLayer: on ? 0 : 2, temporalLayer: on ? 0 : 2 }).catch(() => undefined);
    }
    this.events.changed();
  }

  /** A poor connection asks the SFU for smaller layers; a good one for the full picture. */
  async preferLayers(spatialLayer: number): Promise<void> {
    if (this.audioOnly) return;
    for (const c of this.consumers.values()) {
      if (c.kind === 'video') await this.ask('media:setPreferredLayers', { consumerId: c.consumer.id, spatialLayer }).catch(() => undefined);
    }
  }

  remote(): Map<string, RemoteMedia> {
    const out = new Map<string, RemoteMedia>();
    for (const c of this.consumers.values()) {
      const entry = out.get(c.participantId) ?? { audioPaused: false, videoPaused: false };
      const remotePaused = c.consumer.appData.remotePaused === true;
      if (c.kind === 'audio') {
        entry.audio = c.consumer.track;
        entry.audioPaused = remotePaused;
      } else {
        entry.video = c.consumer.track;
        entry.videoPaused = remotePaused || this.audioOnly;
      }
      out.set(c.participantId, entry);
    }
    return out;
  }

  async stats(): Promise<RTCStatsReport[]> {
    const reports: RTCStatsReport[] = [];
    for (const t of [this.send, this.recv]) if (t && !t.closed) reports.push(await t.getStats());
    return reports;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Closing the transports closes their producers and consumers; our tracks stay alive for the next session.
    this.send?.close();
    this.recv?.close();
    this.consumers.clear();
    this.producers.clear();
  }
}
