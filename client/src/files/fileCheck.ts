/**
 * Checks a file before it is sent, so a party on a slow line learns at once
 * that a Word document or a 50 MB scan will be refused, instead of after the
 * upload. The server checks again from the bytes; this mirrors
 * server/documents/sniff.ts and UPLOAD_MAX_BYTES' default.
 */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const ACCEPT = '.pdf,.ofd,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

export type FileProblem = { code: 'empty' } | { code: 'tooLarge'; max: number } | { code: 'type' };

const SIGNATURES: { bytes: number[]; name: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], name: 'pdf' }, // %PDF-
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], name: 'png' },
  { bytes: [0xff, 0xd8, 0xff], name: 'jpeg' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], name: 'ofd' }, // a ZIP package; the server looks for OFD.xml inside
];

function startsWith(head: Uint8Array, sig: number[]): boolean {
  return sig.every((b, i) => head[i] === b);
}

export async function checkFile(file: File): Promise<FileProblem | undefined> {
  if (file.size === 0) return { code: 'empty' };
  if (file.size > MAX_UPLOAD_BYTES) return { code: 'tooLarge', max: MAX_UPLOAD_BYTES };
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const sig = SIGNATURES.find((s) => startsWith(head, s.bytes));
  if (!sig) return { code: 'type' };
  // A ZIP is only acceptable as an .ofd file.
  if (sig.name === 'ofd' && !file.name.toLowerCase().endsWith('.ofd')) return { code: 'type' };
  return undefined;
}
