import { describe, expect, it } from 'vitest';
import { KeyFrameCache, TrackFeed, startsVp8KeyFrame } from '../support/keyFrames.js';

/** A VP8 RTP packet (RFC 7741) with a one-byte payload descriptor (no X), then a VP8 payload header byte. */
function vp8(seq: number, ts: number, { start, key, marker }: { start: boolean; key: boolean; marker: boolean }): Buffer {
  const p = Buffer.alloc(16);
  p[0] = 0x80;
  p[1] = (marker ? 0x80 : 0) | 96;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(ts, 4);
  p.writeUInt32BE(1234, 8);
  p[12] = start ? 0x10 : 0x00;
  p[13] = key ? 0x00 : 0x01;
  return p;
}

describe('test video source key frames', () => {
  it('recognises the first packet of a VP8 key frame only', () => {
    expect(startsVp8KeyFrame(vp8(1, 0, { start: true, key: true, marker: false }))).toBe(true);
    expect(startsVp8KeyFrame(vp8(1, 0, { start: true, key: false, marker: false }))).toBe(false);
    expect(startsVp8KeyFrame(vp8(1, 0, { start: false, key: true, marker: false }))).toBe(false);
  });

  it('keeps the latest complete key frame and answers a request between frames, numbering on', () => {
    const cache = new KeyFrameCache();
    const out: Buffer[] = [];
    let answered = 0;
    const feed = new TrackFeed((p) => out.push(p), () => cache.keyFrame(), () => answered++);
    const live = [
      vp8(10, 9000, { start: true, key: true, marker: false }),
      vp8(11, 9000, { start: false, key: true, marker: true }),
      vp8(12, 15000, { start: true, key: false, marker: false }),
    ];
    for (const p of live) {
      cache.add(p);
      feed.push(p);
    }
    // Asked in the middle of a frame: the key frame follows that frame's last packet.
    feed.request();
    expect(answered).toBe(0);
    const end = vp8(13, 15000, { start: false, key: false, marker: true });
    cache.add(end);
    feed.push(end);
    expect(answered).toBe(1);
    const next = vp8(14, 21000, { start: true, key: false, marker: true });
    feed.push(next);

    expect(out).toHaveLength(7);
    const seqs = out.map((p) => p.readUInt16BE(2));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1]! + 1) & 0xffff);
    const ts = out.map((p) => p.readUInt32BE(4));
    // The re-sent key frame (packets 5 and 6) shares one timestamp just after the frame before, and live frames come after it.
    expect(ts[4]).toBe(ts[3]! + 1);
    expect(ts[5]).toBe(ts[4]);
    expect(startsVp8KeyFrame(out[4]!)).toBe(true);
    expect(ts[6]).toBeGreaterThan(ts[5]!);
  });
});
