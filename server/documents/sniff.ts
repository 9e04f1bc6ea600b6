/**
 * What a file really is, judged from its bytes: the client's filename and
 * Content-Type are not trusted. Accepted: PDF, JPEG, PNG and OFD (the Chinese
 * national fixed-layout format, a ZIP package whose root holds OFD.xml).
 */
export type AcceptedMediaType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'application/ofd';

export interface Sniffed {
  mediaType: AcceptedMediaType;
  /**
   * False when the file starts like an accepted type but is cut short or
   * damaged (no PDF trailer, no PNG end chunk, no JPEG end marker): the
   * automatic check reports it so the party can upload it again.
   */
  readable: boolean;
}

const PDF = Buffer.from('%PDF-');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Bytes of a file's start and end that decide its type and readability: an upload
 * streamed to storage keeps only these, never the whole file. A ZIP's end of
 * central directory is within its last 65,557 bytes (22 + a 65,535-byte comment).
 */
export const SNIFF_HEAD_BYTES = 64 * 1024;
export const SNIFF_TAIL_BYTES = 65_557;

export function sniffDocument(bytes: Buffer): Sniffed | null {
  return sniffHeadAndTail(bytes.subarray(0, SNIFF_HEAD_BYTES), bytes.subarray(-SNIFF_TAIL_BYTES), bytes.length);
}

/** The same judgement from the first SNIFF_HEAD_BYTES and the last SNIFF_TAIL_BYTES of a file of `size` bytes. */
export function sniffHeadAndTail(head: Buffer, tail: Buffer, size: number): Sniffed | null {
  const type = sniffType(head);
  if (!type) return null;
  return { mediaType: type, readable: hasEnd(type, tail, size) };
}

/** The type alone, from the first bytes (an OFD's OFD.xml entry must start within SNIFF_HEAD_BYTES). */
export function sniffType(head: Buffer): AcceptedMediaType | null {
  if (head.subarray(0, PDF.length).equals(PDF)) return 'application/pdf';
  if (head.subarray(0, PNG.length).equals(PNG)) return 'image/png';
  if (head.subarray(0, JPEG.length).equals(JPEG)) return 'image/jpeg';
  if (head.subarray(0, ZIP.length).equals(ZIP) && zipHasRootEntry(head, 'OFD.xml')) return 'application/ofd';
  return null;
}

function hasEnd(type: AcceptedMediaType, tail: Buffer, size: number): boolean {
  switch (type) {
    // Incremental saves append trailers, so look for %%EOF near the end, not exactly at it.
    case 'application/pdf':
      return tail.subarray(-1024).includes('%%EOF');
    case 'image/png':
      return size > 16 && tail.subarray(-12).includes(PNG_IEND);
    case 'image/jpeg':
      return tail.subarray(-16).includes(Buffer.from([0xff, 0xd9]));
    case 'application/ofd':
      return hasEndOfCentralDirectory(tail);
  }
}

/** Walks the ZIP local file headers looking for an entry name (no decompression needed). */
function zipHasRootEntry(bytes: Buffer, name: string): boolean {
  let offset = 0;
  for (let i = 0; i < 10_000 && offset + 30 <= bytes.length; i++) {
    if (bytes.readUInt32LE(offset) !== 0x04034b50) return false;
    const flags = bytes.readUInt16LE(offset + 6);
    const compressedSize = bytes.readUInt32LE(offset + 18);
    const nameLength = bytes.readUInt16LE(offset + 26);
    const extraLength = bytes.readUInt16LE(offset + 28);
    const entryName = bytes.toString('utf8', offset + 30, offset + 30 + nameLength);
    if (entryName.toLowerCase() === name.toLowerCase()) return true;
    // With a data descriptor (flag bit 3) sizes are not in the header; stop walking.
    if (flags & 0x08) return false;
    offset += 30 + nameLength + extraLength + compressedSize;
  }
  return false;
}

function hasEndOfCentralDirectory(tail: Buffer): boolean {
  return tail.subarray(-SNIFF_TAIL_BYTES).includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
}

export const ACCEPTED_TYPES_TEXT = 'PDF, JPEG, PNG or OFD';
