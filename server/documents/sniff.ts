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

export function sniffDocument(bytes: Buffer): Sniffed | null {
  if (bytes.subarray(0, PDF.length).equals(PDF)) {
    // Incremental saves append trailers, so look for %%EOF near the end, not exactly at it.
    return { mediaType: 'application/pdf', readable: bytes.subarray(-1024).includes('%%EOF') };
  }
  if (bytes.subarray(0, PNG.length).equals(PNG)) {
    return { mediaType: 'image/png', readable: bytes.length > 16 && bytes.subarray(-12).includes(PNG_IEND) };
  }
  if (bytes.subarray(0, JPEG.length).equals(JPEG)) {
    return { mediaType: 'image/jpeg', readable: bytes.subarray(-16).includes(Buffer.from([0xff, 0xd9])) };
  }
  if (bytes.subarray(0, ZIP.length).equals(ZIP) && zipHasRootEntry(bytes, 'OFD.xml')) {
    return { mediaType: 'application/ofd', readable: hasEndOfCentralDirectory(bytes) };
  }
  return null;
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

function hasEndOfCentralDirectory(bytes: Buffer): boolean {
  const tail = bytes.subarray(-65_557);
  return tail.includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
}

export const ACCEPTED_TYPES_TEXT = 'PDF, JPEG, PNG or OFD';
