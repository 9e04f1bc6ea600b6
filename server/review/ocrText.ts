/**
 * Text as OCR and PDF text layers give it, made comparable. Tesseract's TSV lists words with a
 * confidence; Chinese comes out one "word" per character or phrase, separated by spaces that the
 * page never had, so spaces are kept only between two Latin letters or digits. Every text is
 * NFKC-normalised (full-width "：" "，" "１" become ":" "," "1"), so the readers match one form. Pure.
 */

export interface OcrResult {
  text: string;
  /** Mean word confidence, 0-100, weighted by characters; null when nothing was read. */
  confidence: number | null;
}

const ASCII_WORD = /[A-Za-z0-9.,%¥$-]/;

/** Joins two pieces of one line: a space only where both sides are Latin letters or digits. */
function join(line: string, word: string): string {
  if (line === '') return word;
  const last = line[line.length - 1] ?? '';
  const first = word[0] ?? '';
  return ASCII_WORD.test(last) && ASCII_WORD.test(first) ? `${line} ${word}` : `${line}${word}`;
}

export function parseTesseractTsv(tsv: string): OcrResult {
  const lines = new Map<string, string>();
  let weighted = 0;
  let chars = 0;
  for (const row of tsv.split('\n').slice(1)) {
    const cols = row.split('\t');
    if (cols.length < 12 || cols[0] !== '5') continue;
    const word = normalizeText(cols.slice(11).join('\t')).trim();
    const conf = Number(cols[10]);
    if (word === '' || !Number.isFinite(conf) || conf < 0) continue;
    const key = `${cols[1]}.${cols[2]}.${cols[3]}.${cols[4]}`;
    lines.set(key, join(lines.get(key) ?? '', word));
    weighted += conf * word.length;
    chars += word.length;
  }
  return { text: [...lines.values()].join('\n'), confidence: chars === 0 ? null : Math.round((weighted / chars) * 10) / 10 };
}

/** NFKC, no control characters, runs of blanks as one space, lines trimmed, no empty lines. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\f]/g, '')
    .split('\n')
    .map((l) => l.replace(/[ \t\u3000]+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
}

/** A PDF text layer, made like OCR output: spaces between Chinese characters (layout mode pads columns) removed. */
export function normalizeLayerText(text: string): string {
  return normalizeText(text)
    .split('\n')
    .map((l) => l.replace(/(?<=[^A-Za-z0-9]) +| +(?=[^A-Za-z0-9])/g, ''))
    .join('\n');
}

/** Characters that carry meaning (no blanks or punctuation), for measuring how much a page says. */
export function meaningfulLength(text: string): number {
  return text.replace(/[\s\p{P}\p{S}]/gu, '').length;
}

/** Share of character bigrams two texts have in common (Jaccard), 0-1; 1 for two empty texts. */
export function textSimilarity(a: string, b: string): number {
  const grams = (s: string) => {
    const t = s.replace(/\s+/g, '');
    const set = new Set<string>();
    for (let i = 0; i + 1 < t.length; i++) set.add(t.slice(i, i + 2));
    return set;
  };
  const ga = grams(a);
  const gb = grams(b);
  if (ga.size === 0 && gb.size === 0) return 1;
  let common = 0;
  for (const g of ga) if (gb.has(g)) common++;
  return common / (ga.size + gb.size - common);
}
