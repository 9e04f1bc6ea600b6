/**
 * Key frames for the test video sources, so that they answer a key-frame request
 * (RTCP PLI or FIR) as a browser's encoder does: a receiver that resumes a video
 * consumer asks for a key frame, and must not wait for the encoder's next
 * periodic one (a second away with ffmpeg's -g 15 at 15 fps).
 */

/** Offset of the RTP payload: fixed header, CSRCs, header extension. */
function payloadOffset(packet: Buffer): number {
  let offset = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return packet.length;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  return offset;
}

/**
 * Whether this VP8 RTP packet starts a key frame (RFC 7741): the payload
 * descriptor marks the start of partition 0 (S=1, PID=0), and the P bit of the
 * VP8 payload header that follows is 0.
 */
export function startsVp8KeyFrame(packet: Buffer): boolean {
  let i = payloadOffset(packet);
  if (i >= packet.length) return false;
  const first = packet[i]!;
  const start = (first & 0x10) !== 0 && (first & 0x07) === 0;
  if (!start) return false;
  i++;
  if (first & 0x80) {
    const ext = packet[i++]!;
    if (ext & 0x80) i += packet[i]! & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    if (ext & 0x40) i++; // TL0PICIDX
    if (ext & 0x30) i++; // TID / KEYIDX
  }
  return i < packet.length && (packet[i]! & 0x01) === 0;
}

const marker = (packet: Buffer) => (packet[1]! & 0x80) !== 0;
const timestampOf = (packet: Buffer) => packet.readUInt32BE(4);

/** Keeps the packets of the latest complete VP8 key frame of a stream. */
export class KeyFrameCache {
  private building: Buffer[] | undefined;
  private latest: Buffer[] | undefined;

  add(packet: Buffer): void {
    if (packet.length < 13) return;
    if (startsVp8KeyFrame(packet)) this.building = [];
    else if (this.building && this.building.length > 0 && timestampOf(this.building[0]!) !== timestampOf(packet)) this.building = undefined;
    if (!this.building) return;
    this.building.push(Buffer.from(packet));
    if (marker(packet)) {
      this.latest = this.building;
      this.building = undefined;
    }
  }

  /** Copies of the packets of the latest complete key frame, in order. */
  keyFrame(): Buffer[] | undefined {
    return this.latest?.map((p) => Buffer.from(p));
  }
}

/**
 * Feeds one sending track from a shared source, numbering the packets itself so
 * that a key frame can be slipped in between two frames: on request(), the
 * cached key frame is sent again after the frame in progress, with fresh
 * sequence numbers and a timestamp just after the last one sent.
 */
export class TrackFeed {
  private seq = Math.floor(Math.random() * 0x10000);
  private tsShift = 0;
  private lastTs: number | undefined;
  private midFrame = false;
  private wanted = false;

  constructor(
    private readonly write: (packet: Buffer) => void,
    private readonly keyFrame: () => Buffer[] | undefined,
    private readonly onAnswered: () => void = () => undefined,
  ) {}

  /** A live packet of the source. */
  push(source: Buffer): void {
    this.send(Buffer.from(source), (timestampOf(source) + this.tsShift) >>> 0);
    this.midFrame = !marker(source);
    if (!this.midFrame) this.flush();
  }

  /** The receiver asked for a key frame (PLI/FIR). */
  request(): void {
    this.wanted = true;
    if (!this.midFrame) this.flush();
  }

  private flush(): void {
    if (!this.wanted) return;
    const frame = this.keyFrame();
    if (!frame || this.lastTs === undefined) return; // the source's own next key frame will do
    this.wanted = false;
    this.onAnswered();
    const ts = (this.lastTs + 1) >>> 0;
    for (const packet of frame) this.send(packet, ts);
    // Live frames keep their spacing and come after the inserted one.
    this.tsShift = (this.tsShift + 1) >>> 0;
  }

  private send(packet: Buffer, ts: number): void {
    this.seq = (this.seq + 1) & 0xffff;
    packet.writeUInt16BE(this.seq, 2);
    packet.writeUInt32BE(ts, 4);
    this.lastTs = ts;
    this.write(packet);
  }
}
