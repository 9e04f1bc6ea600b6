/**
 * Grey page images as poppler and ffmpeg print them (binary PGM, "P5"), and what the review
 * measures on them: how much ink a page carries (a blank page carries almost none) and a
 * perceptual hash of the print (pageHash) that survives re-scanning (a slight rotation, a shift,
 * noise, JPEG compression), so the same page filed twice is found even when its bytes differ.
 * Pure.
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

/** Margins left out of the hash and the ink (a scan's border is not the page). */
const MARGIN = 0.04;

/**
 * The page signature (pageHash) and why it looks the way it does. Court papers are mostly white
 * paper with lines of print in one layout, so a hash of the whole page is decided by its margins
 * and by comparisons of white with white, which noise flips at random: a re-scan of one page then
 * differs by half its bits while two different pages agree. So the signature is taken of the ink
 * only, in the print's own frame:
 *  1. the page shrunk to about WORK_WIDTH cells across (a 14 pt character is a few cells), each
 *     cell's ink being how much darker than the paper it is, less INK_FLOOR (scan grain);
 *  2. the skew found (within SKEW_MAX degrees, to SKEW_STEP): the angle whose rows of ink pile up the most
 *     sharply (lines of print are straight), and the ink turned back by it;
 *  3. cropped to the ink's extent (MASS_TRIM of the ink left out at each side, so a speck of dust
 *     does not move the frame) and drawn onto GRID x GRID cells, so a shift, a scale or a larger
 *     margin changes nothing;
 *  4. the lowest 16 x 16 frequencies of its cosine transform (the DC term left out): one bit each,
 *     above or below their median. Noise and JPEG live in the high frequencies that are dropped.
 * Measured on generated pages (README, "The reading review"): a re-scan, rotated 1-3 degrees,
 * shifted, with noise and JPEG, differs by at most about 26 bits of 256; different pages of one
 * layout by 60 or more.
 */
const WORK_WIDTH = 320;
const INK_FLOOR = 24;
const SKEW_MAX = 6;
const SKEW_COARSE = 0.5;
const SKEW_STEP = 0.1;
const MASS_TRIM = 0.01;
const GRID = 64;
const BITS_SIDE = 16;

/** The cells the page is measured in: WORK_WIDTH across, never more than the image has pixels. */
function workingSize(region: Region): { w: number; h: number } {
  const w = Math.max(1, Math.min(WORK_WIDTH, region.width));
  const h = Math.max(1, Math.min(region.height, Math.round((w * region.height) / region.width)));
  return { w, h };
}

/** The page's perceptual signature, 256 bits as 64 hex digits (see above). */
export function pageHash(img: GreyImage): string {
  const region = inner(img, MARGIN);
  const { w, h } = workingSize(region);
  const m = new RegionMeasure(img, region, w, h);
  m.addRows(region.height);
  const steps = signatureOf(m.cells(), w, h, paperLevel(m.histogram));
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The ink cells of the page: position and weight. */
interface Ink {
  x: Float64Array;
  y: Float64Array;
  weight: Float64Array;
}

/**
 * The signature in steps of a few milliseconds each: it runs in the server's process, so
 * measurePage() lets the event loop turn between steps (a filing waiting is answered), and
 * pageHash() runs them straight through. One computation either way.
 */
function* signatureOf(cells: Float64Array, w: number, h: number, paper: number): Generator<void, string> {
  let n = 0;
  for (const c of cells) if (paper - c > INK_FLOOR) n++;
  const ink: Ink = { x: new Float64Array(n), y: new Float64Array(n), weight: new Float64Array(n) };
  let i = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const weight = paper - cells[y * w + x]! - INK_FLOOR;
      if (weight > 0) {
        ink.x[i] = x;
        ink.y[i] = y;
        ink.weight[i++] = weight;
      }
    }
  }
  yield;
  const skew = new SkewSearch(ink, w, h);
  const coarse = skew.best(-SKEW_MAX, SKEW_MAX, SKEW_COARSE);
  yield;
  const angle = (skew.best(coarse - SKEW_COARSE, coarse + SKEW_COARSE, SKEW_STEP) * Math.PI) / 180;
  yield;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Turned back: along a line of print, v is constant.
  const u = ink.x.map((x, k) => x * cos + ink.y[k]! * sin);
  const v = ink.y.map((y, k) => y * cos - ink.x[k]! * sin);
  const [u0, u1] = massRange(u, ink.weight);
  const [v0, v1] = massRange(v, ink.weight);
  yield;
  const grid = new Float64Array(GRID * GRID);
  for (let k = 0; k < n; k++) {
    splat(grid, ((u[k]! - u0) / Math.max(1e-9, u1 - u0)) * (GRID - 1), ((v[k]! - v0) / Math.max(1e-9, v1 - v0)) * (GRID - 1), ink.weight[k]!);
  }
  const freq = lowFrequencies(grid);
  freq[0] = freq[1]!; // the DC term says only how much ink there is
  const median = [...freq].sort((a, b) => a - b)[freq.length >> 1]!;
  let hex = '';
  for (let k = 0; k < freq.length; k += 4) {
    let nibble = 0;
    for (let b = 0; b < 4; b++) nibble = (nibble << 1) | (freq[k + b]! > median ? 1 : 0);
    hex += nibble.toString(16);
  }
  return hex;
}

/**
 * The skew of the print: the angle whose rows of ink pile up most sharply (the sum of squares of
 * the row profile is largest). Searched coarsely (SKEW_COARSE steps) and then finely around the
 * best, as the peak of a page of print is a degree or two wide.
 */
class SkewSearch {
  private readonly offset: number;
  private readonly profile: Float64Array;

  constructor(
    private readonly ink: Ink,
    w: number,
    h: number,
  ) {
    this.offset = Math.ceil(w * Math.tan(((SKEW_MAX + SKEW_COARSE) * Math.PI) / 180)) + 1;
    this.profile = new Float64Array(h + 2 * this.offset + 1);
  }

  /** The sharpest angle (degrees) from `from` to `to` by `step`. */
  best(from: number, to: number, step: number): number {
    let best = from;
    let bestScore = -1;
    for (let i = 0; from + i * step <= to + 1e-9; i++) {
      const score = this.sharpness(from + i * step);
      if (score > bestScore) {
        bestScore = score;
        best = from + i * step;
      }
    }
    return best;
  }

  private sharpness(degrees: number): number {
    const { ink, profile, offset } = this;
    const slope = Math.tan((degrees * Math.PI) / 180);
    profile.fill(0);
    for (let k = 0; k < ink.x.length; k++) profile[Math.round(ink.y[k]! - ink.x[k]! * slope) + offset]! += ink.weight[k]!;
    let score = 0;
    for (const p of profile) score += p * p;
    return score;
  }
}

/** Where the ink starts and ends along one axis, MASS_TRIM of it left out at each end. */
function massRange(at: Float64Array, weight: Float64Array): [number, number] {
  if (at.length === 0) return [0, 1];
  const order = Array.from(at.keys()).sort((a, b) => at[a]! - at[b]!);
  let total = 0;
  for (const wt of weight) total += wt;
  let seen = 0;
  let from: number | undefined;
  for (const k of order) {
    seen += weight[k]!;
    if (from === undefined && seen >= total * MASS_TRIM) from = at[k]!;
    if (seen >= total * (1 - MASS_TRIM)) return [from ?? at[k]!, at[k]!];
  }
  return [from ?? 0, at[order[order.length - 1]!]!];
}

/** Adds `weight` at (gx, gy), shared among the four nearest cells, so a small shift moves ink smoothly. */
function splat(grid: Float64Array, gx: number, gy: number, weight: number): void {
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const fx = gx - x0;
  const fy = gy - y0;
  const add = (x: number, y: number, share: number) => {
    if (x >= 0 && y >= 0 && x < GRID && y < GRID) grid[y * GRID + x]! += weight * share;
  };
  add(x0, y0, (1 - fx) * (1 - fy));
  add(x0 + 1, y0, fx * (1 - fy));
  add(x0, y0 + 1, (1 - fx) * fy);
  add(x0 + 1, y0 + 1, fx * fy);
}

/** The BITS_SIDE x BITS_SIDE lowest coefficients of the grid's 2-D cosine transform (DCT-II, unscaled), row by row. */
function lowFrequencies(grid: Float64Array): Float64Array {
  const K = BITS_SIDE;
  const basis = new Float64Array(K * GRID);
  for (let k = 0; k < K; k++) for (let x = 0; x < GRID; x++) basis[k * GRID + x] = Math.cos((Math.PI * (2 * x + 1) * k) / (2 * GRID));
  const rows = new Float64Array(GRID * K);
  for (let y = 0; y < GRID; y++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let x = 0; x < GRID; x++) s += grid[y * GRID + x]! * basis[k * GRID + x]!;
      rows[y * K + k] = s;
    }
  }
  const out = new Float64Array(K * K);
  for (let l = 0; l < K; l++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let y = 0; y < GRID; y++) s += rows[y * K + k]! * basis[l * GRID + y]!;
      out[l * K + k] = s;
    }
  }
  return out;
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

/** The paper's brightness: the level at least half the page is as bright as (most of a page is paper). */
function paperLevel(histogram: Uint32Array): number {
  let total = 0;
  for (const n of histogram) total += n;
  let seen = 0;
  for (let v = 255; v >= 0; v--) {
    seen += histogram[v]!;
    if (seen >= total * 0.5) return v;
  }
  return 255;
}

function inkOf(histogram: Uint32Array): number {
  let total = 0;
  for (const n of histogram) total += n;
  // Ink is 80 levels darker than the paper.
  const paper = paperLevel(histogram);
  let dark = 0;
  for (let v = 0; v < paper - 80; v++) dark += histogram[v]!;
  return total === 0 ? 0 : dark / total;
}

/** Pixels measured between two yields of measurePage: a few milliseconds of work. */
const PIXELS_PER_BAND = 250_000;

/**
 * The page's hash and ink in one pass, a band of rows at a time with a turn of the event loop
 * between bands and between the signature's steps, so a request that arrives while a page is measured (a filing) is answered within
 * a band's few milliseconds, not after the whole page.
 */
export async function measurePage(img: GreyImage): Promise<{ hash: string; ink: number }> {
  const region = inner(img, MARGIN);
  const { w, h } = workingSize(region);
  const m = new RegionMeasure(img, region, w, h);
  const rows = Math.max(1, Math.floor(PIXELS_PER_BAND / m.region.width));
  for (;;) {
    m.addRows(rows);
    await turn();
    if (m.done) break;
  }
  const steps = signatureOf(m.cells(), w, h, paperLevel(m.histogram));
  for (;;) {
    const step = steps.next();
    if (step.done) return { hash: step.value, ink: inkOf(m.histogram) };
    await turn();
  }
}

/** One turn of the event loop: what waits (a request) goes first. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The image without `margin` (a share of each side) at each edge, as a region of it. */
function inner(img: GreyImage, margin: number): Region {
  const dx = Math.floor(img.width * margin);
  const dy = Math.floor(img.height * margin);
  return { x: dx, y: dy, width: Math.max(1, img.width - 2 * dx), height: Math.max(1, img.height - 2 * dy) };
}
