/**
 * The ink measure and the hash on real page images (printed Chinese drawn with the CJK font,
 * rendered by poppler): a blank sheet carries almost no ink, a printed one plenty; the band-by-band
 * measure the reader uses gives the same hash and ink as the whole-image one.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { BLANK_INK } from '../../../../server/review/documentReader.js';
import { dHash, inkRatio, measurePage, parsePgm, type GreyImage } from '../../../../server/review/pageImage.js';
import { COURT_SENTENCES, textPdf } from '../../../support/reviewDocs.js';

const run = promisify(execFile);

// The first twelve, as these pages were first drawn.
const LINES = COURT_SENTENCES.slice(0, 12);

/** Sheets of one layout: ten lines each, in a different order. */
const sheet = (seed: number) => Array.from({ length: 10 }, (_, i) => LINES[(seed * 5 + i * 7) % LINES.length]!);

async function inTemp<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'microcourt-hash-'));
  try {
    return await work(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Every page of the PDF as a grey image at `dpi`, as the review renders pages. */
function render(pdf: Buffer, dpi: number): Promise<GreyImage[]> {
  return inTemp(async (dir) => {
    await fs.writeFile(path.join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-r', String(dpi), '-gray', path.join(dir, 'in.pdf'), path.join(dir, 'p')]);
    const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.pgm')).sort();
    return Promise.all(names.map(async (n) => parsePgm(await fs.readFile(path.join(dir, n)))!));
  });
}

describe('the perceptual hash of a page', () => {
  let sheets: GreyImage[];
  let blank: GreyImage;

  beforeAll(async () => {
    sheets = await render(await textPdf([sheet(0), sheet(1), sheet(2), sheet(3)], 14), 100);
    blank = (await render(await textPdf([[' ']]), 100))[0]!;
  }, 60_000);

  it('finds almost no ink on a blank sheet and plenty on a printed one', () => {
    expect(inkRatio(blank)).toBeLessThan(BLANK_INK);
    for (const s of sheets) expect(inkRatio(s)).toBeGreaterThan(BLANK_INK * 10);
  });

  it('measures band by band exactly as in one go', async () => {
    const [big] = await render(await textPdf([sheet(5)], 14), 200);
    const m = await measurePage(big!);
    expect(m.hash).toBe(dHash(big!));
    expect(m.ink).toBe(inkRatio(big!));
    expect(m.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
