/**
 * Grey page images as poppler and ffmpeg print them (binary PGM, "P5"), and what the review
 * measures on them: how much ink a page carries (a blank page carries almost none) and a
 * perceptual difference hash (dHash) that survives re-scanning, JPEG compression and small
 * shifts, so the same page filed twice is found even when its bytes differ. Pure.
 */

export interface GreyImage {
  width: number;
  height: number;
  /** One byte per pixel, row by row; 0 is black. */
  pixels: Uint8Array;
}

/** Parses a binary PGM (P5, 8 bits). Returns null for anything else. */
export function parsePgm(bytes: Buffer): GreyImage | null {
  let pos = 0;
  const token = (): string | null => {
    // Skip whitespace and comments between header fields.
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos] ?? 0))) pos++;
      if (bytes[pos] === 0x23) {
        while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos] ?? 0))) pos++;
    return pos > start ? bytes.toString('latin1', start, pos) : null;
  };
  if (token() !== 'P5') return null;
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1 || maxval !== 255) return null;
  pos++; // the single whitespace byte before the raster
  const size = width * height;
  if (bytes.length - pos < size) return null;
  return { width, height, pixels: new Uint8Array(bytes.buffer, bytes.byteOffset + pos, size) };
}

/** The image shrunk to w x h by averaging the pixels each cell covers. */
export function shrink(img: GreyImage, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  const counts = new Float64Array(w * h);
  for (let y = 0; y < img.height; y++) {
    const cy = Math.min(h - 1, Math.floor((y * h) / img.height));
    const row = y * img.width;
    for (let x = 0; x < img.width; x++) {
      const cell = cy * w + Math.min(w - 1, Math.floor((x * w) / img.width));
      out[cell] = (out[cell] ?? 0) + (img.pixels[row + x] ?? 0);
      counts[cell] = (counts[cell] ?? 0) + 1;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / Math.max(1, counts[i] ?? 1);
  return out;
}

/** Hash side: 16 x 16 = 256 bits, finer than the classic 8 x 8 so pages of print in one layout still differ. */
const HASH_SIDE = 16;

/**
 * Difference hash: shrink to (side+1) x side, one bit per horizontally adjacent pair (is the
 * left cell brighter?), as hex. The margins are cropped first (a scan's border is not the page).
 */
export function dHash(img: GreyImage, side = HASH_SIDE): string {
  const cells = shrink(crop(img, 0.04), side + 1, side);
  let bits = '';
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) bits += (cells[y * (side + 1) + x] ?? 0) > (cells[y * (side + 1) + x + 1] ?? 0) ? '1' : '0';
  }
  let hex = '';
  for (let i = 0; i < bits.length; i += 4) hex += parseInt(bits.slice(i, i + 4), 2).toString(16);
  return hex;
}

/** Bits that differ between two hashes of the same length; Infinity when they cannot be compared. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    let x = parseInt(a[i] ?? '0', 16) ^ parseInt(b[i] ?? '0', 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}

/** Share of the page (margins cropped) that is ink: pixels clearly darker than the paper. */
export function inkRatio(img: GreyImage): number {
  const inner = crop(img, 0.04);
  // The paper's brightness is the page's typical bright level; ink is 80 levels darker.
  let histogram = new Array<number>(256).fill(0);
  for (const p of inner.pixels) histogram[p] = (histogram[p] ?? 0) + 1;
  const total = inner.pixels.length;
  let seen = 0;
  let paper = 255;
  for (let v = 255; v >= 0; v--) {
    seen += histogram[v] ?? 0;
    if (seen >= total * 0.5) {
      paper = v;
      break;
    }
  }
  histogram = [];
  let dark = 0;
  const threshold = paper - 80;
  for (const p of inner.pixels) if (p < threshold) dark++;
  return total === 0 ? 0 : dark / total;
}

/** A copy without `margin` (a share of each side) at each edge. */
function crop(img: GreyImage, margin: number): GreyImage {
  const dx = Math.floor(img.width * margin);
  const dy = Math.floor(img.height * margin);
  const width = Math.max(1, img.width - 2 * dx);
  const height = Math.max(1, img.height - 2 * dy);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (y + dy) * img.width + dx;
    pixels.set(img.pixels.subarray(from, from + width), y * width);
  }
  return { width, height, pixels };
}
