/**
 * Reads the evidence as a whole: which pages are blank, which could not be read, which are the
 * same page twice (exactly, or nearly: a perceptual hash within a few bits and, where the pages
 * carry text, the same text), and a draft of the evidence list (证据目录) with each item's title
 * as read, its page count and a short excerpt. Pure.
 */
import type { EvidenceItem, FindingLocation, PageReading } from '../../protocol/review.js';
import { hammingDistance } from './pageImage.js';
import { meaningfulLength, textSimilarity } from './ocrText.js';

export interface ReadDocument {
  documentId: string;
  filename: string;
  pageCount: number;
  pages: PageReading[];
}

export interface PageRef {
  documentId: string;
  filename: string;
  page: number;
}

export interface EvidenceReading {
  blank: PageRef[];
  unreadable: (PageRef & { confidence: number | null })[];
  duplicates: { page: PageRef; of: PageRef; exact: boolean; quote: string }[];
  list: EvidenceItem[];
}

/** Less ink than this (share of the page) with no text is a blank page. */
const BLANK_INK = 0.0015;
/** Below this OCR confidence, or with ink but almost no characters, a page counts as unreadable. */
const MIN_CONFIDENCE = 45;
/**
 * Hash bits (of 256) two scans of one page may differ by. Measured on generated pages
 * (pageImage.test.ts, README): re-scans differ by 30 bits at most, different pages of one layout
 * by 64 or more; the line is drawn between, nearer the re-scans.
 */
export const NEAR_BITS = 44;

const ref = (d: ReadDocument, p: PageReading): PageRef => ({ documentId: d.documentId, filename: d.filename, page: p.page });

export function isBlank(p: PageReading): boolean {
  return p.source !== 'none' && p.ink !== null && p.ink < BLANK_INK && meaningfulLength(p.text) < 3;
}

export function readEvidence(documents: readonly ReadDocument[]): EvidenceReading {
  const reading: EvidenceReading = { blank: [], unreadable: [], duplicates: [], list: [] };
  const seen: { ref: PageRef; page: PageReading }[] = [];
  for (const d of documents) {
    for (const p of d.pages) {
      if (p.source === 'none') continue;
      if (isBlank(p)) {
        reading.blank.push(ref(d, p));
        continue;
      }
      if (p.source === 'ocr' && ((p.confidence !== null && p.confidence < MIN_CONFIDENCE) || meaningfulLength(p.text) < 3)) {
        reading.unreadable.push({ ...ref(d, p), confidence: p.confidence });
      }
      const twin = seen.find((s) => sameSheet(s.page, p));
      if (twin) {
        const exact = twin.page.hash === p.hash && twin.page.text === p.text;
        reading.duplicates.push({ page: ref(d, p), of: twin.ref, exact, quote: firstLine(p.text) });
      } else seen.push({ ref: ref(d, p), page: p });
    }
    reading.list.push(listItem(d));
  }
  return reading;
}

function sameSheet(a: PageReading, b: PageReading): boolean {
  if (a.hash === null || b.hash === null) return false;
  if (hammingDistance(a.hash, b.hash) > NEAR_BITS) return false;
  // Pages of print in one layout can look alike from afar: where there is text, it must agree too.
  const textual = meaningfulLength(a.text) >= 10 || meaningfulLength(b.text) >= 10;
  return !textual || textSimilarity(a.text, b.text) >= 0.8;
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => meaningfulLength(l) >= 2) ?? '').slice(0, 60);
}

/** The item's title is its first line of substance; without any, the file's name. */
function listItem(d: ReadDocument): EvidenceItem {
  const text = d.pages.map((p) => p.text).join('\n');
  const lines = text.split('\n').filter((l) => meaningfulLength(l) >= 2);
  const title = (lines[0] ?? d.filename.replace(/\.[a-z0-9]+$/i, '')).slice(0, 60);
  const excerpt = lines.slice(1).join(' ').slice(0, 120);
  return { documentId: d.documentId, title, pageCount: d.pageCount, excerpt };
}

export function locationOf(page: PageRef, quote: string): FindingLocation {
  return { documentId: page.documentId, filename: page.filename, page: page.page, quote };
}
