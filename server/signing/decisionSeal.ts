/**
 * The judge files the decision as a PDF; the court issues it under its own digital signature,
 * added as an incremental update so the judge's bytes stay exactly as they were before it.
 * @signpdf can extend only PDFs with a classic cross-reference table; a PDF it cannot extend
 * (cross-reference streams, or no usable structure) is filed as uploaded, and verification
 * then reports it as unsigned rather than the filing failing.
 */
import type { IncomingFile } from '../documents/documentStore.js';
import type { PdfSeal } from '../documents/pdf.js';

export async function sealDecision(seal: PdfSeal | undefined, file: IncomingFile, title: string): Promise<{ file: IncomingFile; sealed: boolean }> {
  if (!seal) return { file, sealed: false };
  // The decision route keeps its one PDF in memory: a streamed upload cannot be sealed in place.
  if (!('bytes' in file)) throw new Error('A decision is sealed from its bytes in memory; its upload must not be streamed to storage.');
  try {
    return { file: { ...file, bytes: await seal(file.bytes, title) }, sealed: true };
  } catch {
    return { file, sealed: false };
  }
}
