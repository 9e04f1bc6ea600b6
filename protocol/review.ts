/**
 * The reading review (issue 19): what the platform read in each filed document, what it found
 * wrong, the drafted evidence list, and the live progress pushed on the /user channel
 * (`review:progress`). REST: GET/PUT /api/cases/:id/review, GET .../review/pages/:documentId/:page.
 */
import { z } from 'zod';
import type { FindingLocation } from '../state-machines/case/caseMachine.js';

export type { FindingLocation };

export const REVIEW_PROGRESS_EVENT = 'review:progress';

/** One page as read: from the PDF's text layer, by OCR, or not at all (`error`). */
export interface PageReading {
  page: number;
  source: 'text' | 'ocr' | 'none';
  text: string;
  /** OCR word confidence 0-100 (null for a text layer or a page with nothing on it). */
  confidence: number | null;
  /** Perceptual hash of the page's print (deskewed, cropped to the ink, low DCT frequencies: 256 bits as hex); null when it could not be rendered. */
  hash: string | null;
  /** Share of the page that is ink; a blank page has almost none. */
  ink: number | null;
  error?: string;
}

/**
 * Something the review read that disagrees with the filing or the law, or that it could not read.
 * `blocking` findings join the correction notice; the others are notes for the clerk.
 */
export interface ReadingFinding {
  code: string;
  message: string;
  messageZh: string;
  blocking: boolean;
  location?: FindingLocation;
}

/** One item of the drafted evidence list (证据目录). */
export interface EvidenceItem {
  documentId: string;
  title: string;
  pageCount: number;
  excerpt: string;
}

export type ReviewStatus = 'queued' | 'running' | 'done' | 'failed' | 'superseded';

export interface ReviewProgress {
  caseId: string;
  jobId: string;
  status: ReviewStatus;
  pagesRead: number;
  /** Pages the job will read (known once each file is opened; grows while files open). */
  pagesTotal: number;
  /** Filename of the document being read now. */
  current?: string;
  /** On `done`: how many blocking findings and notes there were. */
  findings?: number;
  notes?: number;
}

export interface ReviewDocumentView {
  documentId: string;
  kind: string;
  filename: string;
  mediaType: string;
  pageCount: number;
  pages: PageReading[];
  error?: string;
}

/** How the filing went on after the review: to the clerk, to a correction, or docketed automatically. */
export interface ReviewOutcome {
  decision: 'clerk' | 'correction' | 'autoDocketed' | 'recorded';
  reasonZh: string;
  reasonEn: string;
}

export interface ReviewView {
  caseId: string;
  jobId: string;
  status: ReviewStatus;
  attempts: number;
  pagesRead: number;
  pagesTotal: number;
  documents: ReviewDocumentView[];
  findings: ReadingFinding[];
  notes: ReadingFinding[];
  evidenceList: EvidenceItem[];
  evidenceListEditedAt?: string;
  outcome?: ReviewOutcome;
  /** Why the last attempt failed (the clerk reads the papers when the review gives up). */
  error?: string;
  createdAt: string;
  finishedAt?: string;
}

/** The party's edit of the drafted evidence list before sending it (PUT /api/cases/:id/review/evidence-list). */
export const evidenceListSchema = z
  .object({
    items: z
      .array(
        z
          .object({
            documentId: z.string().trim().min(1).max(64),
            title: z.string().trim().min(1).max(200),
            pageCount: z.number().int().min(0).max(10_000),
            excerpt: z.string().trim().max(500),
          })
          .strict(),
      )
      .max(100),
  })
  .strict();

/** Court staff reverse an automatic docketing within the review period (POST /api/cases/:id/review/reverse). */
export const reverseDocketingSchema = z
  .object({ reasons: z.array(z.string().trim().min(1).max(2000)).min(1).max(20) })
  .strict();

/** A court administrator turns automatic docketing on or off (PUT /api/admin/court/auto-docket). */
export const autoDocketSettingSchema = z.object({ autoDocket: z.boolean() }).strict();
