import zlib from 'node:zlib';

/**
 * The text of one of our PDFs, as a reader sees it: inflate every stream, read the ToUnicode
 * CMaps and map the glyph codes back to text (the same extractor as the court-documents unit test).
 */
function streams(pdf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const text = pdf.toString('latin1');
  const re = /stream\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    const raw = pdf.subarray(start, end);
    try {
      out.push(zlib.inflateSync(raw));
    } catch {
      out.push(raw);
    }
    re.lastIndex = end + 'endstream'.length;
  }
  return out;
}

function hexToUnicode(spaced: string): string {
  // Ligature glyphs map to several code units, written with spaces: <0066 0066> is "ff".
  const hex = spaced.replace(/\s+/g, '');
  const units: number[] = [];
  for (let i = 0; i + 4 <= hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16));
  return String.fromCharCode(...units);
}

function toUnicodeMap(cmaps: string[]): Map<number, string> {
  const map = new Map<number, string>();
  for (const cmap of cmaps) {
    for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1]!, 16), hexToUnicode(m[2]!));
    }
    for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
        const lo = parseInt(m[1]!, 16);
        const hi = parseInt(m[2]!, 16);
        const target = m[3]!;
        if (target.startsWith('[')) {
          [...target.matchAll(/<([0-9a-fA-F\s]+)>/g)].forEach((t, i) => map.set(lo + i, hexToUnicode(t[1]!)));
        } else {
          const base = parseInt(target.slice(1, -1), 16);
          for (let c = lo; c <= hi; c++) map.set(c, String.fromCharCode(base + (c - lo)));
        }
      }
    }
  }
  return map;
}

export function extractText(pdf: Buffer): string {
  const decoded = streams(pdf).map((s) => s.toString('latin1'));
  const cmaps = decoded.filter((s) => s.includes('begincmap'));
  const map = toUnicodeMap(cmaps);
  const content = decoded.filter((s) => /\bT[Jj]\b/.test(s));
  let text = '';
  for (const c of content) {
    for (const m of c.matchAll(/<([0-9a-fA-F]*)>/g)) {
      const hex = m[1]!;
      for (let i = 0; i + 4 <= hex.length; i += 4) text += map.get(parseInt(hex.slice(i, i + 4), 16)) ?? '';
    }
    text += '\n';
  }
  return text;
}
