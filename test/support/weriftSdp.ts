/**
 * Bridge between werift (a pure TypeScript WebRTC stack) and a mediasoup
 * WebRtcTransport, the way mediasoup-client's browser handlers do it, so that
 * tests can send and receive real SRTP through the SFU without a browser.
 *
 * - Sending: werift creates the offer (one sendonly m-section per track); the
 *   mediasoup RtpParameters (payload type, SSRC, MID, header extensions) are
 *   read from that local offer, and the answer is written from the mediasoup
 *   transport's ICE/DTLS parameters (ICE-lite, `a=setup:active`).
 * - Receiving: the remote offer is written from the consumers' RtpParameters
 *   (one sendonly m-section per consumer, `a=setup:actpass`) and werift
 *   answers `a=setup:passive`.
 *
 * In both directions werift is the ICE controlling agent (mediasoup is
 * ICE-lite) and the DTLS server; mediasoup is the DTLS client. A browser under
 * mediasoup-client is usually the DTLS client, but werift 0.25.2's DTLS client
 * sleeps a fixed 100 ms after ICE connects before it sends its ClientHello
 * (RTCDtlsTransport.start, `await setTimeout(100)`; no option turns it off), a
 * delay no browser has. As DTLS server, werift answers mediasoup's ClientHello
 * at once: the handshake has the same flights and the same cryptography, only
 * without werift's sleep.
 */
import type { types } from 'mediasoup';
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  SessionDescription,
  useAbsSendTime,
  useSdesMid,
  type MediaDescription,
  type RTCPeerConnectionConfig,
  type RTCRtpSender,
  type RTCRtpTransceiver,
} from 'werift';

export type MediaKind = 'audio' | 'video';

/** What `media:createTransport` returns (mediasoup WebRtcTransport parameters). */
export interface RemoteTransportParams {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

/**
 * Called once per transport (media:connectTransport), once werift's DTLS server
 * listens: mediasoup, the DTLS client, sends its ClientHello as soon as it has
 * both ICE and these parameters, and werift drops DTLS records that arrive
 * before its server exists (mediasoup would resend only ~100 ms later).
 */
export type ConnectTransport = (dtlsParameters: types.DtlsParameters) => Promise<void>;

export interface WeriftTransportOptions {
  /**
   * Local addresses werift gathers host candidates on, in addition to its
   * non-loopback interfaces (werift skips loopback by default, but a test
   * mediasoup usually listens on 127.0.0.1).
   */
  iceAddresses?: string[];
}

const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
/** Header extensions we let mediasoup put on consumer RTP (werift can parse them all). */
const RECV_HEADER_EXTENSIONS = new Set<string>([MID_URI, ABS_SEND_TIME_URI, AUDIO_LEVEL_URI]);
/**
 * RTCP feedback we accept from mediasoup on consumers. transport-cc and
 * goog-remb are left out: werift would have to answer them for mediasoup's
 * bandwidth estimation, and counting packets does not need congestion control.
 */
const RECV_FEEDBACK = new Set(['nack', 'nack pli', 'ccm fir']);
/** Codecs the werift peers handle; everything else in the router is ignored. */
const SUPPORTED_MIME = new Set(['audio/opus', 'video/vp8', 'video/rtx']);

function videoFeedback() {
  return [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }];
}

function peerConfig(direction: 'send' | 'recv', opts: WeriftTransportOptions): RTCPeerConnectionConfig {
  const video = [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: videoFeedback() })];
  // RTX only where mediasoup sends it (retransmissions towards the receiver);
  // the werift sender retransmits on the media SSRC, which mediasoup accepts.
  if (direction === 'recv') video.push(new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000 }));
  return {
    // No STUN server: the servers under test are on this host. werift still asks its built-in
    // default (stun.l.google.com) unless told not to wait for it: where the name cannot be looked
    // up quickly (an offline host whose DNS server is unreachable, as in
    // scripts/check-offline-install.sh) every gathering waited its 5 s timeout.
    iceServers: [],
    iceStunGatherTimeout: 0,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: opts.iceAddresses ?? ['127.0.0.1'],
    bundlePolicy: 'max-bundle',
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
      video,
    },
    headerExtensions: { audio: [useSdesMid()], video: [useSdesMid(), useAbsSendTime()] },
  };
}

// ---------------------------------------------------------------------------
// SDP helpers
// ---------------------------------------------------------------------------

function fmtpToObject(fmtp: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!fmtp) return out;
  for (const part of fmtp.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    out[key] = /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  return out;
}

function objectToFmtp(params: Record<string, unknown> | undefined): string {
  return Object.entries(params ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(';');
}

function subtypeOf(mimeType: string): string {
  return mimeType.split('/')[1] ?? mimeType;
}

function rtpmapLine(pt: number, mimeType: string, clockRate: number, channels?: number): string {
  return `a=rtpmap:${pt} ${subtypeOf(mimeType)}/${clockRate}${channels && channels > 1 ? `/${channels}` : ''}`;
}

/** The transport-level lines every m-section of a mediasoup SDP carries (BUNDLE on one ICE/DTLS transport). */
function transportLines(remote: RemoteTransportParams, setup: 'actpass' | 'active'): string[] {
  const lines = [
    `a=ice-ufrag:${remote.iceParameters.usernameFragment}`,
    `a=ice-pwd:${remote.iceParameters.password}`,
  ];
  // mediasoup offers every hash; one that werift surely computes is enough.
  const fps = remote.dtlsParameters.fingerprints;
  const chosen = fps.filter((f) => f.algorithm === 'sha-256');
  for (const fp of chosen.length > 0 ? chosen : fps) lines.push(`a=fingerprint:${fp.algorithm} ${fp.value.toUpperCase()}`);
  lines.push(`a=setup:${setup}`);
  for (const c of remote.iceCandidates) {
    if (c.protocol !== 'udp') continue; // werift does not do ICE-TCP here
    lines.push(`a=candidate:${c.foundation} 1 udp ${c.priority} ${c.address ?? c.ip} ${c.port} typ host`);
  }
  lines.push('a=end-of-candidates', 'a=rtcp-mux', 'a=rtcp-rsize');
  return lines;
}

function sessionLines(sessionId: number, version: number, mids: string[]): string[] {
  return [
    'v=0',
    `o=mediasoup ${sessionId} ${version} IN IP4 0.0.0.0`,
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${mids.join(' ')}`,
    'a=msid-semantic: WMS *',
  ];
}

function firstCandidateAddress(remote: RemoteTransportParams): string {
  const c = remote.iceCandidates.find((x) => x.protocol === 'udp') ?? remote.iceCandidates[0];
  return c?.address ?? c?.ip ?? '127.0.0.1';
}

/** mediasoup DtlsParameters of a werift description (its certificate fingerprints and the role it took). */
export function dtlsParametersOf(sdp: SessionDescription, role: 'client' | 'server'): types.DtlsParameters {
  const fingerprints = sdp.media.find((m) => m.dtlsParams)?.dtlsParams?.fingerprints ?? sdp.dtlsFingerprints;
  if (fingerprints.length === 0) throw new Error('werift description has no DTLS fingerprint');
  return {
    role,
    fingerprints: fingerprints.map((f) => ({
      algorithm: f.algorithm as types.FingerprintAlgorithm,
      value: f.value,
    })),
  };
}

/** mediasoup producer RtpParameters of one sendonly m-section of a werift offer. */
export function producerRtpParameters(media: MediaDescription): types.RtpParameters {
  const mid = media.rtp.muxId;
  const codec = media.rtp.codecs.find((c) => subtypeOf(c.mimeType).toLowerCase() !== 'rtx');
  const ssrc = media.ssrc[0];
  if (!mid || !codec || !ssrc) throw new Error(`werift m-section lacks mid, codec or ssrc: ${media.toString()}`);
  return {
    mid,
    codecs: [
      {
        mimeType: codec.mimeType,
        payloadType: codec.payloadType,
        clockRate: codec.clockRate,
        ...(codec.channels !== undefined ? { channels: codec.channels } : {}),
        parameters: fmtpToObject(codec.parameters),
        rtcpFeedback: codec.rtcpFeedback.map((f) => ({ type: f.type, ...(f.parameter ? { parameter: f.parameter } : {}) })),
      },
    ],
    headerExtensions: media.rtp.headerExtensions.map((e) => ({ uri: e.uri as types.RtpHeaderExtensionUri, id: e.id })),
    encodings: [{ ssrc: ssrc.ssrc }],
    rtcp: { ...(ssrc.cname ? { cname: ssrc.cname } : {}), reducedSize: true },
  };
}

/** The answer mediasoup would give to a werift send offer: every m-section accepted as recvonly. */
export function buildSendAnswer(offer: SessionDescription, remote: RemoteTransportParams, version: number): string {
  const mids = offer.media.map((m) => m.rtp.muxId ?? '');
  const lines = sessionLines(1, version, mids.filter((m) => m));
  const address = firstCandidateAddress(remote);
  for (const media of offer.media) {
    const codecs = media.rtp.codecs;
    const rejected = media.port === 0 || codecs.length === 0;
    lines.push(
      `m=${media.kind} ${rejected ? 0 : 7} UDP/TLS/RTP/SAVPF ${codecs.map((c) => c.payloadType).join(' ') || '0'}`,
      `c=IN IP4 ${address}`,
      `a=mid:${media.rtp.muxId ?? ''}`,
      rejected ? 'a=inactive' : 'a=recvonly',
      ...transportLines(remote, 'active'),
    );
    for (const c of codecs) {
      lines.push(rtpmapLine(c.payloadType, c.mimeType, c.clockRate, c.channels));
      if (c.parameters) lines.push(`a=fmtp:${c.payloadType} ${c.parameters}`);
      for (const fb of c.rtcpFeedback) lines.push(`a=rtcp-fb:${c.payloadType} ${fb.type}${fb.parameter ? ` ${fb.parameter}` : ''}`);
    }
    for (const e of media.rtp.headerExtensions) lines.push(`a=extmap:${e.id} ${e.uri}`);
  }
  return lines.join('\r\n') + '\r\n';
}

export interface RecvSection {
  mid: string;
  kind: MediaKind;
  rtpParameters: types.RtpParameters;
  /** false once the consumer is closed: the m-section stays, inactive, so that MIDs keep their place. */
  active: boolean;
  streamId: string;
}

/** The offer mediasoup-client would build for a receiving transport: one sendonly m-section per consumer. */
export function buildRecvOffer(remote: RemoteTransportParams, sections: RecvSection[], version: number): string {
  const lines = sessionLines(2, version, sections.map((s) => s.mid));
  const address = firstCandidateAddress(remote);
  for (const s of sections) {
    const p = s.rtpParameters;
    lines.push(
      `m=${s.kind} 7 UDP/TLS/RTP/SAVPF ${p.codecs.map((c) => c.payloadType).join(' ')}`,
      `c=IN IP4 ${address}`,
      `a=mid:${s.mid}`,
      s.active ? 'a=sendonly' : 'a=inactive',
      ...transportLines(remote, 'actpass'),
    );
    for (const c of p.codecs) {
      lines.push(rtpmapLine(c.payloadType, c.mimeType, c.clockRate, c.channels));
      const fmtp = objectToFmtp(c.parameters);
      if (fmtp) lines.push(`a=fmtp:${c.payloadType} ${fmtp}`);
      for (const fb of c.rtcpFeedback ?? []) lines.push(`a=rtcp-fb:${c.payloadType} ${fb.type}${fb.parameter ? ` ${fb.parameter}` : ''}`);
    }
    for (const e of p.headerExtensions ?? []) lines.push(`a=extmap:${e.id} ${e.uri}`);
    const enc = p.encodings?.[0];
    if (s.active && enc?.ssrc !== undefined) {
      const cname = p.rtcp?.cname ?? 'mediasoup';
      const trackId = `track-${s.mid}`;
      lines.push(`a=msid:${s.streamId} ${trackId}`);
      if (enc.rtx) lines.push(`a=ssrc-group:FID ${enc.ssrc} ${enc.rtx.ssrc}`);
      // Media SSRC first: werift takes the second one of the m-section as the RTX SSRC.
      lines.push(`a=ssrc:${enc.ssrc} cname:${cname}`, `a=ssrc:${enc.ssrc} msid:${s.streamId} ${trackId}`);
      if (enc.rtx) lines.push(`a=ssrc:${enc.rtx.ssrc} cname:${cname}`, `a=ssrc:${enc.rtx.ssrc} msid:${s.streamId} ${trackId}`);
    }
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * The RtpCapabilities a werift receiver announces in media:consume: the
 * router's Opus/VP8 (+RTX) codecs and the header extensions werift can parse.
 */
export function weriftRecvRtpCapabilities(routerCaps: types.RtpCapabilities): types.RtpCapabilities {
  const codecs = (routerCaps.codecs ?? [])
    .filter((c) => SUPPORTED_MIME.has(c.mimeType.toLowerCase()))
    .map((c) => ({
      ...c,
      rtcpFeedback: (c.rtcpFeedback ?? []).filter((fb) => RECV_FEEDBACK.has(fb.parameter ? `${fb.type} ${fb.parameter}` : fb.type)),
    }));
  const primaries = new Set(codecs.filter((c) => !c.mimeType.toLowerCase().endsWith('/rtx')).map((c) => c.preferredPayloadType));
  return {
    codecs: codecs.filter((c) => !c.mimeType.toLowerCase().endsWith('/rtx') || primaries.has(Number(c.parameters?.apt))),
    headerExtensions: (routerCaps.headerExtensions ?? []).filter((e) => RECV_HEADER_EXTENSIONS.has(e.uri)),
  };
}

// ---------------------------------------------------------------------------
// Transports
// ---------------------------------------------------------------------------

/** Runs async steps one after another (SDP negotiations must not interleave). */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

abstract class WeriftTransport {
  readonly pc: RTCPeerConnection;
  protected readonly queue = new SerialQueue();
  protected connected = false;
  protected version = 1;
  protected closed = false;
  /** media:connectTransport under way or done (see ConnectTransport); its failure is kept for waitConnected(). */
  private connecting: Promise<void> | undefined;
  private connectError: Error | undefined;

  constructor(
    readonly remote: RemoteTransportParams,
    protected readonly connect: ConnectTransport,
    direction: 'send' | 'recv',
    opts: WeriftTransportOptions,
  ) {
    this.pc = new RTCPeerConnection(peerConfig(direction, opts));
  }

  get id(): string {
    return this.remote.id;
  }

  get connectionState(): string {
    return this.pc.connectionState;
  }

  /** Resolves when ICE and DTLS are up (after the first produce/consume). */
  async waitConnected(timeoutMs = 10_000): Promise<void> {
    if (this.connectError) throw this.connectError;
    if (this.pc.connectionState === 'connected') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.unSubscribe();
        reject(this.connectError ?? new Error(`werift transport ${this.id} not connected after ${timeoutMs} ms (state ${this.pc.connectionState})`));
      }, timeoutMs);
      const sub = this.pc.connectionStateChange.subscribe((state) => {
        if (state === 'connected' || state === 'failed' || state === 'closed') {
          clearTimeout(timer);
          sub.unSubscribe();
          if (state === 'connected') resolve();
          else reject(new Error(`werift transport ${this.id} ${state}`));
        }
      });
      this.connecting?.catch((err: unknown) => {
        clearTimeout(timer);
        sub.unSubscribe();
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  /**
   * Gives mediasoup our DTLS parameters once werift's DTLS server has started
   * (right after werift's ICE connects), without holding up the negotiation:
   * produce/consume go on meanwhile, as they do in a browser.
   */
  protected connectWhenListening(dtlsParameters: types.DtlsParameters): void {
    if (this.connecting) return;
    this.connected = true;
    this.connecting = this.dtlsListening().then(() => this.connect(dtlsParameters));
    this.connecting.catch((err: unknown) => {
      this.connectError = err instanceof Error ? err : new Error(String(err));
    });
  }

  private dtlsListening(): Promise<void> {
    const dtls = this.pc.dtlsTransports[0];
    if (!dtls) return Promise.reject(new Error(`werift transport ${this.id} has no DTLS transport`));
    if (dtls.state !== 'new') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sub = dtls.onStateChange.subscribe((state) => {
        if (state === 'new') return;
        sub.unSubscribe();
        // 'connecting' is announced just before the DTLS server is built in the same task; after it, records are no longer dropped.
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pc.close().catch(() => undefined);
  }

  protected assertOpen(): void {
    if (this.closed) throw new Error(`werift transport ${this.id} is closed`);
  }
}

export interface LocalProducer {
  kind: MediaKind;
  track: MediaStreamTrack;
  transceiver: RTCRtpTransceiver;
  rtpParameters: types.RtpParameters;
}

/** A werift peer that sends tracks to a mediasoup WebRtcTransport. */
export class WeriftSendTransport extends WeriftTransport {
  constructor(remote: RemoteTransportParams, connect: ConnectTransport, opts: WeriftTransportOptions = {}) {
    super(remote, connect, 'send', opts);
  }

  /**
   * Adds a sendonly track, renegotiates, and returns the RtpParameters to give
   * to `transport.produce()` (media:produce). Write RTP into `track` with
   * `track.writeRtp(packet)`: werift rewrites SSRC, payload type and header
   * extensions to the negotiated ones.
   */
  produce(kind: MediaKind): Promise<LocalProducer> {
    return this.queue.run(async () => {
      this.assertOpen();
      const track = new MediaStreamTrack({ kind });
      const transceiver = this.pc.addTransceiver(track, { direction: 'sendonly' });
      withTrueSenderReportClock(transceiver.sender);
      await this.pc.setLocalDescription(await this.pc.createOffer());
      const sdp = this.pc.localDescription?.sdp;
      if (!sdp) throw new Error('werift has no local description');
      const local = SessionDescription.parse(sdp);
      await this.pc.setRemoteDescription({ type: 'answer', sdp: buildSendAnswer(local, this.remote, ++this.version) });
      if (!this.connected) this.connectWhenListening(dtlsParametersOf(local, 'server'));
      const media = local.media.find((m) => m.rtp.muxId === transceiver.mid);
      if (!media) throw new Error(`no m-section for mid ${String(transceiver.mid)}`);
      return { kind, track, transceiver, rtpParameters: producerRtpParameters(media) };
    });
  }
}

/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** Now as a 64-bit NTP timestamp: seconds since 1900 in the high 32 bits, the fraction of a second in the low 32. */
export function ntpNow(): bigint {
  const ms = performance.timeOrigin + performance.now();
  const seconds = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - seconds * 1000) / 1000) * 2 ** 32);
  return (BigInt(seconds + NTP_UNIX_OFFSET_S) << 32n) | BigInt(fraction);
}

/**
 * werift (0.25.2, the newest) writes the NTP time of its RTCP Sender Reports
 * wrongly: it puts the decimal digits after the seconds' point into the 32-bit
 * fraction (0.789 s becomes 789 / 2^32 s), so every report claims the start of
 * the current second, up to 1 s early, a different error in every report.
 * mediasoup 3.25 and later derive a consumer's capture clock from its
 * producer's Sender Reports, and a recorder's ffmpeg lines audio and video up
 * by them: with these reports, recorded timestamps jumped back and forth and
 * the recordings came out seconds short. Browsers send correct reports. The
 * sender stores the time right after sending each packet (that packet's RTP
 * timestamp becomes the report's); we take the true time at that moment instead.
 */
function withTrueSenderReportClock(sender: RTCRtpSender): void {
  let ntp = 0n;
  Object.defineProperty(sender, 'ntpTimestamp', {
    configurable: true,
    enumerable: true,
    get: () => ntp,
    set: () => {
      ntp = ntpNow();
    },
  });
}

export interface RemoteConsumer {
  consumerId: string;
  kind: MediaKind;
  rtpParameters: types.RtpParameters;
}

/** A werift peer that receives consumers from a mediasoup WebRtcTransport and counts their RTP. */
export class WeriftRecvTransport extends WeriftTransport {
  private readonly sections: (RecvSection & { consumerId: string })[] = [];
  private readonly consumerBySsrc = new Map<number, string>();
  private readonly packets = new Map<string, number>();
  private readonly bytes = new Map<string, number>();
  private nextMid = 0;
  /** Called for every RTP packet received, with the consumer it belongs to. */
  onPacket: ((consumerId: string, payloadBytes: number) => void) | undefined;

  constructor(remote: RemoteTransportParams, connect: ConnectTransport, opts: WeriftTransportOptions = {}) {
    super(remote, connect, 'recv', opts);
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        // RTX is unwrapped by werift onto the media SSRC; count by the track's SSRC.
        const consumerId = this.consumerBySsrc.get(track.ssrc ?? rtp.header.ssrc);
        if (!consumerId) return;
        this.packets.set(consumerId, (this.packets.get(consumerId) ?? 0) + 1);
        this.bytes.set(consumerId, (this.bytes.get(consumerId) ?? 0) + rtp.payload.length);
        this.onPacket?.(consumerId, rtp.payload.length);
      });
    });
  }

  /** Adds an m-section for a consumer and renegotiates; resume the consumer afterwards. */
  consume(consumer: RemoteConsumer): Promise<void> {
    return this.queue.run(async () => {
      this.assertOpen();
      const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
      if (ssrc === undefined) throw new Error(`consumer ${consumer.consumerId} has no SSRC`);
      // mediasoup numbers consumer MIDs per transport; fall back to our own counter.
      const mid = consumer.rtpParameters.mid ?? `r${this.nextMid++}`;
      if (this.sections.some((s) => s.mid === mid)) throw new Error(`duplicate MID ${mid}`);
      this.sections.push({
        mid,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        active: true,
        streamId: `stream-${consumer.consumerId}`,
        consumerId: consumer.consumerId,
      });
      this.consumerBySsrc.set(ssrc, consumer.consumerId);
      await this.negotiate();
    });
  }

  /** Adds the m-sections of many consumers and renegotiates once (after media:consumeMany). */
  consumeMany(consumers: RemoteConsumer[]): Promise<void> {
    return this.queue.run(async () => {
      this.assertOpen();
      if (consumers.length === 0) return;
      for (const consumer of consumers) {
        const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
        if (ssrc === undefined) throw new Error(`consumer ${consumer.consumerId} has no SSRC`);
        const mid = consumer.rtpParameters.mid ?? `r${this.nextMid++}`;
        if (this.sections.some((s) => s.mid === mid)) throw new Error(`duplicate MID ${mid}`);
        this.sections.push({
          mid,
          kind: consumer.kind,
          rtpParameters: consumer.rtpParameters,
          active: true,
          streamId: `stream-${consumer.consumerId}`,
          consumerId: consumer.consumerId,
        });
        this.consumerBySsrc.set(ssrc, consumer.consumerId);
      }
      await this.negotiate();
    });
  }

  /** Marks the consumer's m-section inactive (its MID is never reused). */
  closeConsumer(consumerId: string): Promise<void> {
    return this.queue.run(async () => {
      const section = this.sections.find((s) => s.consumerId === consumerId && s.active);
      if (!section || this.closed) return;
      section.active = false;
      for (const [ssrc, id] of this.consumerBySsrc) if (id === consumerId) this.consumerBySsrc.delete(ssrc);
      await this.negotiate();
    });
  }

  packetsOf(consumerId: string): number {
    return this.packets.get(consumerId) ?? 0;
  }

  bytesOf(consumerId: string): number {
    return this.bytes.get(consumerId) ?? 0;
  }

  private async negotiate(): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: buildRecvOffer(this.remote, this.sections, ++this.version) });
    const created = await this.pc.createAnswer();
    // werift answers an actpass offer with `active` until its role is settled; we take the
    // answerer's other legal choice, `passive` (DTLS server, see the header), and werift keeps it.
    const answer = { type: created.type, sdp: created.sdp.replace(/a=setup:active/g, 'a=setup:passive') };
    await this.pc.setLocalDescription(answer);
    if (!this.connected) this.connectWhenListening(dtlsParametersOf(SessionDescription.parse(answer.sdp), 'server'));
  }
}
