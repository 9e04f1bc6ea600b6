/**
 * The ink measure and the page hash on real page images (printed Chinese drawn with the CJK font,
 * rendered by poppler, scanned again by ffmpeg): a blank sheet carries almost no ink, a printed one
 * plenty; the band-by-band measure the reader uses gives the same hash and ink as the whole-image
 * one; and a sheet scanned again (askew, shifted, grainy, JPEG) is found as the same page while
 * twenty-one different pages of one layout are not.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PageReading } from '../../../../protocol/review.js';
import { BLANK_INK } from '../../../../server/review/documentReader.js';
import { NEAR_BITS, readEvidence, type ReadDocument } from '../../../../server/review/evidenceReader.js';
import { hammingDistance, inkRatio, measurePage, pageHash, type GreyImage } from '../../../../server/review/pageImage.js';
import { COURT_SENTENCES, greyImage, greyPages, layoutPage, rasterize, rescan, textPdf } from '../../../support/reviewDocs.js';

// The first twelve, as these pages were first drawn.
const LINES = COURT_SENTENCES.slice(0, 12);

/** Sheets of one layout: ten lines each, in a different order. */
const sheet = (seed: number) => Array.from({ length: 10 }, (_, i) => LINES[(seed * 5 + i * 7) % LINES.length]!);

describe('the ink and the hash of a page', () => {
  let sheets: GreyImage[];
  let blank: GreyImage;

  beforeAll(async () => {
    sheets = await greyPages(await textPdf([sheet(0), sheet(1), sheet(2), sheet(3)], 14), 100);
    blank = (await greyPages(await textPdf([[' ']]), 100))[0]!;
  }, 60_000);

  it('finds almost no ink on a blank sheet and plenty on a printed one', () => {
    expect(inkRatio(blank)).toBeLessThan(BLANK_INK);
    for (const s of sheets) expect(inkRatio(s)).toBeGreaterThan(BLANK_INK * 10);
  });

  it('measures band by band exactly as in one go', async () => {
    const [big] = await greyPages(await textPdf([sheet(5)], 14), 200);
    const m = await measurePage(big!);
    expect(m.hash).toBe(pageHash(big!));
    expect(m.ink).toBe(inkRatio(big!));
    expect(m.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

/** Pages of one layout, and how each of them is scanned again. */
const PAGES = 21;
const rescanOf = (i: number) => ({ degrees: [1, -2, 3, -1.5, 2.5, -3][i % 6]!, shiftX: 10 + (i % 4) * 12, shiftY: 6 + (i % 3) * 15 });

describe('a page scanned again is the same page; different pages of one layout are not', () => {
  /** Each page as the review sees it from an image-only PDF (150 dpi) and from a text layer (40 dpi). */
  let printed: string[];
  let layer: string[];
  let rescanned: string[];

  beforeAll(async () => {
    const pdf = await textPdf(Array.from({ length: PAGES }, (_, i) => layoutPage(i)), 14);
    const pngs = await rasterize(pdf, 150);
    printed = (await greyPages(pdf, 150)).map(pageHash);
    layer = (await greyPages(pdf, 40)).map(pageHash);
    rescanned = [];
    for (let i = 0; i < PAGES; i++) rescanned.push(pageHash(await greyImage(await rescan(pngs[i]!, rescanOf(i)))));
  }, 240_000);

  it('keeps a re-scan within NEAR_BITS of its page, whichever way the page was read', () => {
    const same = rescanned.flatMap((r, i) => [hammingDistance(printed[i]!, r), hammingDistance(layer[i]!, r)]);
    expect(Math.max(...same), `re-scan distances: ${same.join(' ')}`).toBeLessThanOrEqual(NEAR_BITS);
  });

  it('keeps every two different pages further apart than NEAR_BITS, scanned again or not', () => {
    const different: number[] = [];
    for (let i = 0; i < PAGES; i++) {
      for (let j = 0; j < PAGES; j++) {
        if (i === j) continue;
        different.push(hammingDistance(rescanned[i]!, printed[j]!));
        if (i < j) different.push(hammingDistance(printed[i]!, printed[j]!), hammingDistance(rescanned[i]!, rescanned[j]!));
      }
    }
    expect(different).toHaveLength(PAGES * (PAGES - 1) * 2);
    expect(Math.min(...different)).toBeGreaterThan(NEAR_BITS);
  });

  it('reports the re-scans filed beside their pages as duplicates, and no other page', () => {
    // Pages without text (photos of papers): the hash alone decides.
    const reading = (hash: string, page: number): PageReading => ({ page, source: 'ocr', text: '', confidence: null, hash, ink: 0.05 });
    const bundle: ReadDocument = { documentId: 'a', filename: '证据一.pdf', pageCount: PAGES, pages: printed.map((h, i) => reading(h, i + 1)) };
    const again = [4, 11, 19];
    const scans: ReadDocument = { documentId: 'b', filename: '证据二.pdf', pageCount: again.length, pages: again.map((i, k) => reading(rescanned[i]!, k + 1)) };
    const { duplicates } = readEvidence([bundle, scans]);
    expect(duplicates.map((d) => [d.page.filename, d.page.page, d.of.filename, d.of.page, d.exact])).toEqual(
      again.map((i, k) => ['证据二.pdf', k + 1, '证据一.pdf', i + 1, false]),
    );
  });
});
