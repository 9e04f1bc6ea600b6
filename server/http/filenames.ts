/**
 * Filenames come from the client and end up in listings, downloads
 * (Content-Disposition) and court documents. Characters that change how text
 * is displayed (a right-to-left override makes "evil\u202Efdp.exe" read as
 * "evilexe.pdf"), control characters and path parts are removed.
 */
export const MAX_FILENAME_CHARS = 255;

// Bidirectional formatting (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI), marks (LRM, RLM, ALM),
// zero-width and BOM characters, and C0/C1 controls.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B-\u200D\u2060\uFEFF\u0000-\u001F\u007F-\u009F]/g;

export function safeFilename(name: string): string {
  const base = name.replace(INVISIBLE, '').split(/[\\/]/).pop() ?? '';
  const trimmed = base.trim().replace(/^\.+/, '').slice(0, MAX_FILENAME_CHARS);
  return trimmed.length > 0 ? trimmed : 'file';
}
