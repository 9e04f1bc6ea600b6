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
  const m = new RegionMeasure(img, { x: 0, y: 0, width: img.width, height: img.height }, w, h);
  m.addRows(m.region.height);
  return m.cells();
}

interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * A region of the image shrunk to w x h cells, and its histogram of grey levels, gathered in one
 * pass that can be done a band of rows at a time. It runs in the server's process for every page
 * read (a 200 dpi A4 page is 3.9 million pixels), so it reads each pixel once, works the cell of
 * each column out once per image, copies nothing, and lets measurePage() yield between bands.
 */
class RegionMeasure {
  private readonly sums: Uint32Array;
  private readonly counts: Uint32Array;
  private readonly cellOfColumn: Int32Array;
  private readonly columnsPerCell: Uint32Array;
  readonly histogram = new Uint32Array(256);
  private y = 0;

  constructor(
    private readonly img: GreyImage,
    readonly region: Region,
    private readonly w: number,
    private readonly h: number,
  ) {
    this.sums = new Uint32Array(w * h);
    this.counts = new Uint32Array(w * h);
    this.cellOfColumn = new Int32Array(region.width);
    this.columnsPerCell = new Uint32Array(w);
    for (let x = 0; x < region.width; x++) {
      const cx = Math.min(w - 1, Math.floor((x * w) / region.width));
      this.cellOfColumn[x] = cx;
      this.columnsPerCell[cx]! += 1;
    }
  }

  get done(): boolean {
    return this.y >= this.region.height;
  }

  /** Takes in the next `rows` rows of the region. */
  addRows(rows: number): void {
    const { img, region, w, h, sums, counts, cellOfColumn, columnsPerCell, histogram } = this;
    const px = img.pixels;
    const until = Math.min(region.height, this.y + rows);
    for (let y = this.y; y < until; y++) {
      const rowCells = Math.min(h - 1, Math.floor((y * h) / region.height)) * w;
      const from = (y + region.y) * img.width + region.x;
      for (let x = 0; x < region.width; x++) {
        const v = px[from + x]!;
        sums[rowCells + cellOfColumn[x]!]! += v;
        histogram[v]! += 1;
      }
      for (let cx = 0; cx < w; cx++) counts[rowCells + cx]! += columnsPerCell[cx]!;
    }
    this.y = until;
  }

  /** Each cell's average grey. */
  cells(): Float64Array {
    const out = new Float64Array(this.w * this.h);
    for (let i = 0; i < out.length; i++) out[i] = this.sums[i]! / Math.max(1, this.counts[i]!);
    return out;
  }
}

/** Hash side: 16 x 16 = 256 bits, finer than the classic 8 x 8 so pages of print in one layout still differ. */
const HASH_SIDE = 16;
/** Margins left out of the hash and the ink (a scan's border is not the page). */
const MARGIN = 0.04;

/**
 * Difference hash: shrink to (side+1) x side, one bit per horizontally adjacent pair (is the
 * left cell brighter?), as hex. The margins are cropped first.
 */
export function dHash(img: GreyImage, side = HASH_SIDE): string {
  const m = new RegionMeasure(img, inner(img, MARGIN), side + 1, side);
  m.addRows(m.region.height);
  return hashOf(m.cells(), side);
}

function hashOf(cells: Float64Array, side: number): string {
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
  const m = new RegionMeasure(img, inner(img, MARGIN), 1, 1);
  m.addRows(m.region.height);
  return inkOf(m.histogram);
}

function inkOf(histogram: Uint32Array): number {
  let total = 0;
  for (const n of histogram) total += n;
  // The paper's brightness is the page's typical bright level; ink is 80 levels darker.
  let seen = 0;
  let paper = 255;
  for (let v = 255; v >= 0; v--) {
    seen += histogram[v]!;
    if (seen >= total * 0.5) {
      paper = v;
      break;
    }
  }
  let dark = 0;
  for (let v = 0; v < paper - 80; v++) dark += histogram[v]!;
  return total === 0 ? 0 : dark / total;
}

/** Pixels measured between two yields of measurePage: a few milliseconds of work. */
const PIXELS_PER_BAND = 250_000;

/**
 * The page's hash and ink in one pass, a band of rows at a time with a turn of the event loop
 * between bands, so a request that arrives while a page is measured (a filing) is answered within
 * a band's few milliseconds, not after the whole page.
 */
export async function measurePage(img: GreyImage): Promise<{ hash: string; ink: number }> {
  const m = new RegionMeasure(img, inner(img, MARGIN), HASH_SIDE + 1, HASH_SIDE);
  const rows = Math.max(1, Math.floor(PIXELS_PER_BAND / m.region.width));
  for (;;) {
    m.addRows(rows);
    if (m.done) break;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { hash: hashOf(m.cells(), HASH_SIDE), ink: inkOf(m.histogram) };
}

/** The image without `margin` (a share of each side) at each edge, as a region of it. */
function inner(img: GreyImage, margin: number): Region {
  const dx = Math.floor(img.width * margin);
  const dy = Math.floor(img.height * margin);
  return { x: dx, y: dy, width: Math.max(1, img.width - 2 * dx), height: Math.max(1, img.height - 2 * dy) };
}
