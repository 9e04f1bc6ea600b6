/**
 * Reads one uploaded file page by page, every step in the OCR pool. A PDF page with a text layer
 * gives its text (pdftotext) and a small rendering for the page's hash and ink; a page without
 * one is rendered at 200 dpi and read by tesseract (simplified Chinese). A photo or scan (PNG,
 * JPEG) is one page, turned grey by ffmpeg and read the same way. The file is written to a
 * private temporary directory (poppler reads files, not pipes) and removed afterwards.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PoolError, type OcrPool } from './ocrPool.js';
import { measurePage, parsePgm, type GreyImage } from './pageImage.js';
import { meaningfulLength, normalizeLayerText, parseTesseractTsv } from './ocrText.js';
import type { PageReading } from '../../protocol/review.js';

export interface DocumentReading {
  /** Pages the file has (0 when it could not be opened). */
  pageCount: number;
  pages: PageReading[];
  /** Why the file could not be opened at all. */
  error?: string;
}

export interface ReadOptions {
  /** Read at most this many pages of this file (the job's remaining budget). */
  maxPages: number;
  /** Called once the file is open, with its number of pages. */
  onOpened?: (pageCount: number) => void | Promise<void>;
  /** Called after each page, for progress. */
  onPage?: (page: PageReading) => void | Promise<void>;
}

/** Resolution for OCR: 200 dpi reads 5-point print reliably and keeps an A4 page near 4 MB in grey. */
const OCR_DPI = 200;
/** Resolution for the hash and the ink of a page that has a text layer. */
const HASH_DPI = 40;
/** A page with less ink than this (share of the page) and no text is blank. */
export const BLANK_INK = 0.0015;
const TESSERACT_ARGS = ['stdin', 'stdout', '-l', 'chi_sim', '--psm', '3', 'tsv'];

export async function readDocument(pool: OcrPool, bytes: Buffer, mediaType: string, options: ReadOptions): Promise<DocumentReading> {
  if (mediaType === 'image/png' || mediaType === 'image/jpeg') return readImage(pool, bytes, options);
  if (mediaType !== 'application/pdf') return { pageCount: 0, pages: [], error: `Files of type ${mediaType} are not read automatically.` };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'microcourt-read-'));
  try {
    const file = path.join(dir, 'document.pdf');
    await fs.writeFile(file, bytes, { mode: 0o600 });
    let pageCount: number;
    try {
      const info = (await pool.run('pdfinfo', [file], { timeoutMs: 20_000 })).toString('utf8');
      pageCount = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
    } catch (err) {
      rethrowIfStopping(err);
      return { pageCount: 0, pages: [], error: `The PDF could not be opened (${(err as Error).message.slice(0, 120)}).` };
    }
    await options.onOpened?.(pageCount);
    const pages: PageReading[] = [];
    for (let p = 1; p <= Math.min(pageCount, options.maxPages); p++) {
      const page = await readPdfPage(pool, file, p);
      pages.push(page);
      await options.onPage?.(page);
    }
    return { pageCount, pages };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function readPdfPage(pool: OcrPool, file: string, page: number): Promise<PageReading> {
  const range = ['-f', String(page), '-l', String(page)];
  try {
    const layer = normalizeLayerText((await pool.run('pdftotext', [...range, '-layout', '-enc', 'UTF-8', file, '-'], { timeoutMs: 30_000 })).toString('utf8'));
    if (meaningfulLength(layer) >= 10) {
      const small = parsePgm(await pool.run('pdftoppm', [...range, '-r', String(HASH_DPI), '-gray', file], { timeoutMs: 30_000 }));
      return { page, source: 'text', text: layer, confidence: null, ...(await measures(small)) };
    }
    const image = parsePgm(await pool.run('pdftoppm', [...range, '-r', String(OCR_DPI), '-gray', file], { timeoutMs: 60_000 }));
    return await ocrPage(pool, page, image);
  } catch (err) {
    rethrowIfStopping(err);
    return { page, source: 'none', text: '', confidence: null, hash: null, ink: null, error: (err as Error).message.slice(0, 200) };
  }
}

async function readImage(pool: OcrPool, bytes: Buffer, options: ReadOptions): Promise<DocumentReading> {
  await options.onOpened?.(1);
  if (options.maxPages < 1) return { pageCount: 1, pages: [] };
  let page: PageReading;
  try {
    // Grey, and no side longer than 2400 px: a phone photo is read at about the OCR resolution.
    const pgm = await pool.run(
      'ffmpeg',
      ['-v', 'error', '-i', 'pipe:0', '-frames:v', '1', '-vf', "scale='min(2400,iw)':-2:flags=area,format=gray", '-f', 'image2pipe', '-c:v', 'pgm', 'pipe:1'],
      { input: bytes, timeoutMs: 30_000 },
    );
    page = await ocrPage(pool, 1, parsePgm(pgm));
  } catch (err) {
    rethrowIfStopping(err);
    page = { page: 1, source: 'none', text: '', confidence: null, hash: null, ink: null, error: `The image could not be opened (${(err as Error).message.slice(0, 120)}).` };
  }
  await options.onPage?.(page);
  return { pageCount: 1, pages: [page] };
}

/** OCR of a grey page image; a page with (almost) no ink is not sent to tesseract at all. */
async function ocrPage(pool: OcrPool, page: number, image: GreyImage | null): Promise<PageReading> {
  if (!image) return { page, source: 'none', text: '', confidence: null, hash: null, ink: null, error: 'The page could not be rendered.' };
  const m = await measures(image);
  if ((m.ink ?? 0) < BLANK_INK) return { page, source: 'ocr', text: '', confidence: null, ...m };
  const header = Buffer.from(`P5\n${image.width} ${image.height}\n255\n`, 'latin1');
  const tsv = await pool.run('tesseract', TESSERACT_ARGS, { input: Buffer.concat([header, image.pixels]), timeoutMs: 90_000 });
  const ocr = parseTesseractTsv(tsv.toString('utf8'));
  return { page, source: 'ocr', text: ocr.text, confidence: ocr.confidence, ...m };
}

/** A pool closing (the server stopping) is not the file's fault: the job stops and resumes later. */
function rethrowIfStopping(err: unknown): void {
  if (err instanceof PoolError && (err.code === 'POOL_CLOSED' || err.code === 'POOL_BUSY')) throw err;
}

/** Hash and ink are measured in this process, a band of rows at a time (pageImage.ts), so the server keeps answering. */
async function measures(image: GreyImage | null): Promise<{ hash: string | null; ink: number | null }> {
  if (!image) return { hash: null, ink: null };
  const { hash, ink } = await measurePage(image);
  return { hash, ink: Math.round(ink * 1e5) / 1e5 };
}

/** Renders one page as PNG for the clerk's screen (images are shown as uploaded). */
export async function renderPagePng(pool: OcrPool, bytes: Buffer, page: number): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'microcourt-page-'));
  try {
    const file = path.join(dir, 'document.pdf');
    await fs.writeFile(file, bytes, { mode: 0o600 });
    return await pool.run('pdftoppm', ['-f', String(page), '-l', String(page), '-r', '100', '-png', file], { timeoutMs: 30_000 });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
