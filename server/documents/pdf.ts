/**
 * The one way the platform draws a PDF: A4, the Noto CJK font embedded (a court document
 * must render the same on every reader, so no reliance on fonts the reader may lack), and
 * metadata dates taken from the input so that the same content always yields the same bytes
 * and therefore the same SHA-256.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { errors } from '../errors.js';

/** Debian's fonts-noto-cjk (installed by the Dockerfile and CI). */
export const CJK_FONT_PATH = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
/** The Simplified Chinese face inside the collection. */
export const CJK_FONT_NAME = 'NotoSansCJKsc-Regular';

const FONT = 'cjk';
const MARGIN = 64;

// The collection is 19 MB and fontkit parses its tables lazily: handing pdfkit the same parsed
// font for every document takes a document from ~2 s to ~0.5 s. pdfkit accepts any fontkit
// font object in place of bytes; fontkit is pdfkit's own font engine. Without it, the bytes.
let font: Buffer | undefined;
function cjkFont(): Buffer {
  if (font) return font;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(CJK_FONT_PATH);
  } catch {
    throw errors.unavailable(`Court documents cannot be drawn: the CJK font ${CJK_FONT_PATH} is not installed (Debian package fonts-noto-cjk).`, 'FONT_UNAVAILABLE');
  }
  try {
    const fontkit = createRequire(import.meta.url)('fontkit') as { create(data: Buffer, postscriptName?: string): unknown };
    // Typed as the bytes pdfkit's declarations know; at run time pdfkit takes the parsed font as is.
    font = fontkit.create(bytes, CJK_FONT_NAME) as Buffer;
  } catch {
    font = bytes;
  }
  return font;
}

export type PdfDoc = PDFKit.PDFDocument;

/**
 * Signs a finished PDF in the court's name (server/signing): the court's certificate and an
 * RFC 3161 timestamp, appended as an incremental update. Optional so that drawing stays pure
 * where no signature is wanted (previews, unit tests of the layout).
 */
export type PdfSeal = (pdf: Buffer, reason: string) => Promise<Buffer>;

export interface PdfMeta {
  title: string;
  subject?: string;
  /** The instant the document is dated; also its CreationDate/ModDate, which keeps the bytes reproducible. */
  createdAt: string;
  /** Applied to the drawn bytes; the signature is the last thing written, so it covers everything. */
  seal?: PdfSeal;
}

export async function renderPdf(meta: PdfMeta, draw: (doc: PdfDoc) => void): Promise<Buffer> {
  const date = new Date(meta.createdAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: meta.title,
      ...(meta.subject ? { Subject: meta.subject } : {}),
      Producer: 'microcourt',
      Creator: 'microcourt',
      CreationDate: date,
      ModDate: date,
    },
    // A single page flow is enough for every notice; pages are added by pdfkit as text overflows.
    autoFirstPage: true,
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont(FONT, cjkFont(), CJK_FONT_NAME);
  doc.font(FONT);
  draw(doc);
  doc.end();
  const bytes = await finished;
  return meta.seal ? meta.seal(bytes, meta.title) : bytes;
}

export function sha256Hex(bytes: Buffer | string): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

// ---- small drawing vocabulary shared by court documents and service receipts ----

export function heading(doc: PdfDoc, courtNameZh: string, title: string): void {
  doc.fontSize(18).text(courtNameZh, { align: 'center' });
  doc.moveDown(0.3);
  doc.fontSize(24).text(title, { align: 'center', characterSpacing: 4 });
  doc.moveDown(0.6);
}

export function rightLine(doc: PdfDoc, text: string, size = 12): void {
  doc.fontSize(size).text(text, { align: 'right' });
}

export function paragraph(doc: PdfDoc, text: string, options: { indent?: boolean; size?: number } = {}): void {
  doc.fontSize(options.size ?? 12).text(text, { align: 'left', lineGap: 4, ...(options.indent ? { indent: 24 } : {}) });
  doc.moveDown(0.4);
}

/** Label / value rows, the label column fixed so values line up. */
export function table(doc: PdfDoc, rows: [string, string][], labelWidth = 110): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  doc.fontSize(11);
  for (const [label, value] of rows) {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 40) doc.addPage();
    const top = doc.y;
    doc.text(label, left, top, { width: labelWidth - 8 });
    const afterLabel = doc.y;
    doc.text(value, left + labelWidth, top, { width: width - labelWidth, lineGap: 2 });
    doc.y = Math.max(afterLabel, doc.y) + 4;
  }
  doc.x = left;
  doc.moveDown(0.4);
}

/** Columns of equal share; used for the delivery steps of a receipt. */
export function grid(doc: PdfDoc, header: string[], rows: string[][]): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const col = width / header.length;
  const line = (cells: string[], size: number) => {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 30) doc.addPage();
    const top = doc.y;
    let bottom = top;
    cells.forEach((cell, i) => {
      doc.fontSize(size).text(cell, left + i * col, top, { width: col - 6 });
      bottom = Math.max(bottom, doc.y);
    });
    doc.y = bottom + 3;
  };
  line(header, 10);
  doc.moveTo(left, doc.y).lineTo(left + width, doc.y).lineWidth(0.5).stroke();
  doc.y += 3;
  for (const r of rows) line(r, 9);
  doc.x = left;
  doc.moveDown(0.5);
}

/** Court name and date at the foot of the text, where a seal would go. */
export function signature(doc: PdfDoc, courtNameZh: string, dateZh: string): void {
  doc.moveDown(1.5);
  rightLine(doc, courtNameZh, 13);
  rightLine(doc, dateZh, 12);
  doc.moveDown(1);
}

/** The fingerprint block: what a holder of the paper copy types into the verification page. */
export function fingerprint(doc: PdfDoc, label: string, hash: string, verifyUrl?: string): void {
  doc.moveDown(0.5);
  const left = doc.page.margins.left;
  doc.moveTo(left, doc.y).lineTo(doc.page.width - doc.page.margins.right, doc.y).lineWidth(0.5).stroke();
  doc.moveDown(0.4);
  doc.fontSize(8).text(`${label}（SHA-256）：${hash}`, left);
  if (verifyUrl) doc.fontSize(8).text(`核验地址 Verify at: ${verifyUrl}`, left);
}

// ---- dates as printed on Chinese court documents (Asia/Shanghai, no DST since 1991) ----

const SHANGHAI_MS = 8 * 60 * 60 * 1000;

function shanghaiParts(instant: string) {
  const t = new Date(Date.parse(instant) + SHANGHAI_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), min: t.getUTCMinutes(), s: t.getUTCSeconds() };
}

const two = (n: number) => String(n).padStart(2, '0');

/** 2026年3月2日 */
export function dateZh(instant: string): string {
  const p = shanghaiParts(instant);
  return `${p.y}年${p.m}月${p.d}日`;
}

/** A calendar date 'YYYY-MM-DD' as 2026年3月17日. */
export function calendarDateZh(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** 2026年3月2日 14:30 */
export function dateTimeZh(instant: string): string {
  const p = shanghaiParts(instant);
  return `${p.y}年${p.m}月${p.d}日 ${two(p.h)}:${two(p.min)}`;
}

/** 2026-03-02 14:30:05 (UTC+8), to the second, for delivery logs. */
export function timestampZh(instant: string): string {
  const p = shanghaiParts(instant);
  return `${p.y}-${two(p.m)}-${two(p.d)} ${two(p.h)}:${two(p.min)}:${two(p.s)} (UTC+8)`;
}
