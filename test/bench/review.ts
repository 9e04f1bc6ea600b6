/**
 * Reading review benchmark (issue 19), `npm run bench -- review`:
 *  - OCR throughput: pages per minute on one core (a pool of one child, image-only pages at 200 dpi);
 *  - filing acknowledgement p50/p95 while 4 filings of 10 scanned pages are being reviewed;
 *  - character accuracy on 50 generated pages of printed Chinese, scanned with noise, a rotation
 *    of 1-3 degrees and JPEG compression (ffmpeg, reviewDocs.rescan);
 *  - field accuracy (name, ID number, validity) on 20 synthetic ID cards with valid check digits;
 *  - near duplicates: the page-hash distance of 24 pages to their re-scans (1-3 degrees, shifted,
 *    grain, JPEG; from a 200 dpi image and from a 40 dpi text-layer rendering) and between different
 *    pages of one layout, against the duplicate line (NEAR_BITS).
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readDocument } from '../../server/review/documentReader.js';
import { NEAR_BITS } from '../../server/review/evidenceReader.js';
import { readIdCard } from '../../server/review/idCardReader.js';
import { OcrPool } from '../../server/review/ocrPool.js';
import { hammingDistance, measurePage } from '../../server/review/pageImage.js';
import type { ApiClient} from '../support/api.js';
import { registerParty, sampleFiles, seedAndLoginClerk } from '../support/api.js';
import { COURT_SENTENCES as SENTENCES, greyImage, greyPages, idCardPng, idNumberFor, imagePdf, layoutPage, rasterize, rescan, textPdf } from '../support/reviewDocs.js';
import { startTestServer } from '../support/server.js';
import { percentile, progress, round, type BenchReport } from './common.js';



function pageText(seed: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) lines.push(SENTENCES[(seed * 7 + i * 5) % SENTENCES.length]!);
  return lines;
}

function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length] ?? 0;
}

const plain = (s: string) => s.normalize('NFKC').replace(/[\s\p{P}]/gu, '');

async function throughput(pool: OcrPool, pages: Buffer): Promise<{ pages: number; seconds: number }> {
  const started = Date.now();
  const reading = await readDocument(pool, pages, 'application/pdf', { maxPages: 100 });
  return { pages: reading.pages.length, seconds: (Date.now() - started) / 1000 };
}

async function characterAccuracy(pool: OcrPool, count: number): Promise<{ accuracy: number; worst: number }> {
  let chars = 0;
  let errors = 0;
  let worst = 1;
  for (let i = 0; i < count; i++) {
    const truth = pageText(i);
    const [png] = await rasterize(await textPdf([truth], 14), 200);
    const scan = await rescan(png!, { degrees: 1 + (i % 3) * (i % 2 === 0 ? 1 : -1) });
    const read = await readDocument(pool, scan, 'image/jpeg', { maxPages: 1 });
    const want = plain(truth.join(''));
    const got = plain(read.pages[0]?.text ?? '');
    const e = Math.min(want.length, editDistance(got, want));
    chars += want.length;
    errors += e;
    worst = Math.min(worst, 1 - e / want.length);
    if ((i + 1) % 10 === 0) progress(`review: accuracy, ${i + 1}/${count} pages`);
  }
  return { accuracy: 1 - errors / chars, worst };
}

const NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄丽', '周杰', '吴敏', '徐涛', '孙悦', '马超', '朱琳', '胡军', '郭靖', '何平', '高远', '林峰', '罗兰'];

async function idCardAccuracy(pool: OcrPool, count: number): Promise<{ name: number; number: number; validity: number }> {
  const ok = { name: 0, number: 0, validity: 0 };
  for (let i = 0; i < count; i++) {
    const idNumber = idNumberFor(`1101051985${String(1 + (i % 12)).padStart(2, '0')}${String(10 + i).padStart(2, '0')}${String(100 + i * 7).slice(-3)}`);
    const validUntil = `20${30 + (i % 9)}.0${1 + (i % 9)}.1${i % 10}`;
    const png = await idCardPng({ name: NAMES[i % NAMES.length]!, idNumber, validUntil });
    const read = await readDocument(pool, png, 'image/png', { maxPages: 1 });
    const card = readIdCard([{ documentId: 'b', filename: 'id.png', page: 1, text: read.pages[0]?.text ?? '' }], new Date());
    if (card.name?.value === NAMES[i % NAMES.length]) ok.name++;
    if (card.idNumber?.value === idNumber) ok.number++;
    if (card.validUntil?.value === validUntil.replace(/\./g, '-')) ok.validity++;
  }
  return { name: ok.name / count, number: ok.number / count, validity: ok.validity / count };
}

interface Spread {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

const spread = (values: number[]): Spread => ({ n: values.length, min: Math.min(...values), p50: percentile(values, 50) ?? 0, p95: percentile(values, 95) ?? 0, max: Math.max(...values) });

/** Hash distances: each page to its re-scan (same), and every two different pages (different). */
async function duplicateDistances(count: number): Promise<{ same: Spread; different: Spread; hashMs: number }> {
  const pdf = await textPdf(Array.from({ length: count }, (_, i) => layoutPage(i)), 14);
  const pngs = await rasterize(pdf, 200);
  let hashing = 0;
  const hash = async (img: Parameters<typeof measurePage>[0]) => {
    const t0 = performance.now();
    const { hash: h } = await measurePage(img);
    hashing += performance.now() - t0;
    return h;
  };
  const printed: string[] = [];
  for (const img of await greyPages(pdf, 200)) printed.push(await hash(img));
  const layer: string[] = [];
  for (const img of await greyPages(pdf, 40)) layer.push(await hash(img));
  const again: string[] = [];
  for (let i = 0; i < count; i++) {
    again.push(await hash(await greyImage(await rescan(pngs[i]!, { degrees: [1, -2, 3, -1.5, 2.5, -3][i % 6]!, shiftX: 10 + (i % 4) * 10, shiftY: 5 + (i % 3) * 12 }))));
  }
  const same = again.flatMap((h, i) => [hammingDistance(printed[i]!, h), hammingDistance(layer[i]!, h)]);
  const different: number[] = [];
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < count; j++) {
      if (i !== j) different.push(hammingDistance(again[i]!, printed[j]!));
      if (i < j) different.push(hammingDistance(printed[i]!, printed[j]!));
    }
  }
  return { same: spread(same), different: spread(different), hashMs: hashing / (3 * count) };
}

interface AckFigures {
  p50: number | undefined;
  p95: number | undefined;
  max: number;
  reviewSeconds: number;
  /** The same filing with nothing being read: what the ack costs by itself here. */
  quietP50: number | undefined;
  quietP95: number | undefined;
  /** How late the server's event loop ran while the acks were timed (ms): work of its own in the way. */
  loopDelayP95: number;
  loopDelayMax: number;
  /** The machine's 1-minute load average when the acks were timed (other programs count too). */
  loadAverage: number;
}

async function ackWhileReviewing(tenPages: Buffer): Promise<AckFigures> {
  const server = await startTestServer({ REVIEW_MAX_PAGES: '60' });
  try {
    await seedAndLoginClerk(server);
    const party: ApiClient = await registerParty(server, '13600000901', 901);
    const filing = { court: '京0105', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '某某公司' }] };
    const fileSmall = () => party.postForm('/api/cases', filing, [{ field: 'complaint', filename: 'c.pdf', bytes: sampleFiles.pdf() }, { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() }]);
    // A quiet baseline first: the same small filing, one at a time, each review finished before the next.
    const quiet: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      const res = await fileSmall();
      if (res.status !== 201) throw new Error(`filing refused: ${res.status}`);
      quiet.push(performance.now() - t0);
      await server.services.review?.idle(60_000);
    }
    const started = Date.now();
    for (let i = 0; i < 4; i++) {
      await party.postForm('/api/cases', filing, [
        { field: 'complaint', filename: 'c.pdf', bytes: sampleFiles.pdf() },
        { field: 'evidence', filename: `证据${i}.pdf`, bytes: tenPages },
      ]);
    }
    const acks: number[] = [];
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const loadAverage = os.loadavg()[0] ?? 0;
    // File while the reviews run; each filing is a small one (its own review is cheap).
    while (acks.length < 60) {
      const t0 = performance.now();
      const res = await fileSmall();
      if (res.status !== 201) throw new Error(`filing refused: ${res.status}`);
      acks.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 200));
    }
    loop.disable();
    await server.services.review?.idle(600_000);
    return {
      p50: percentile(acks, 50), p95: percentile(acks, 95), max: Math.max(...acks), reviewSeconds: (Date.now() - started) / 1000,
      quietP50: percentile(quiet, 50), quietP95: percentile(quiet, 95),
      loopDelayP95: loop.percentile(95) / 1e6, loopDelayMax: loop.max / 1e6, loadAverage,
    };
  } finally {
    await server.destroy();
  }
}

export async function reviewBench(): Promise<BenchReport> {
  const pool = new OcrPool({ concurrency: 1 });
  try {
    progress('review: generating 10 scanned pages');
    const tenPages = await imagePdf(await rasterize(await textPdf(Array.from({ length: 10 }, (_, i) => pageText(i)), 14), 150));
    progress('review: throughput on one core');
    const t = await throughput(pool, tenPages);
    progress(`review: ${t.pages} pages in ${round(t.seconds)} s = ${round((t.pages / t.seconds) * 60)} pages/min on one core`);
    progress('review: filing acknowledgement while 4 filings of 10 pages are reviewed');
    const ack = await ackWhileReviewing(tenPages);
    progress(`review: filing ack p50 ${round(ack.p50)} ms, p95 ${round(ack.p95)} ms, max ${round(ack.max)} ms (quiet: p50 ${round(ack.quietP50)}, p95 ${round(ack.quietP95)}); event-loop delay p95 ${round(ack.loopDelayP95)} ms, max ${round(ack.loopDelayMax)} ms; load average ${round(ack.loadAverage, 2)}; reviews done in ${round(ack.reviewSeconds)} s`);
    progress('review: character accuracy on 50 degraded pages');
    const acc = await characterAccuracy(pool, 50);
    progress(`review: character accuracy ${round(acc.accuracy * 100, 2)} %, worst page ${round(acc.worst * 100, 1)} %`);
    progress('review: ID card fields on 20 synthetic cards');
    const id = await idCardAccuracy(pool, 20);
    progress('review: page-hash distances on 24 pages of one layout and their re-scans');
    const dup = await duplicateDistances(24);
    const show = (d: Spread) => `min ${d.min}, p50 ${d.p50}, p95 ${d.p95}, max ${d.max} (n ${d.n})`;
    progress(`review: re-scan ${show(dup.same)}; different pages ${show(dup.different)}; duplicate line ${NEAR_BITS} bits; ${round(dup.hashMs)} ms a page`);
    const perMinute = (t.pages / t.seconds) * 60;
    return {
      name: 'review',
      data: { pagesPerMinutePerCore: round(perMinute), ackP50Ms: round(ack.p50), ackP95Ms: round(ack.p95), ackMaxMs: round(ack.max), ackQuietP95Ms: round(ack.quietP95), loopDelayP95Ms: round(ack.loopDelayP95), loopDelayMaxMs: round(ack.loopDelayMax), loadAverage: round(ack.loadAverage, 2), reviewSeconds: round(ack.reviewSeconds), duplicates: { ...dup, nearBits: NEAR_BITS }, characterAccuracy: round(acc.accuracy * 100, 2), worstPage: round(acc.worst * 100, 1), idCard: id },
      tables: [
        { title: 'OCR (tesseract 5 chi_sim, one child process)', columns: ['pages', 'seconds', 'pages/min/core'], rows: [[t.pages, round(t.seconds) ?? 0, round(perMinute) ?? 0]] },
        { title: 'Filing acknowledgement while 4 x 10 pages are reviewed', columns: ['p50 ms', 'p95 ms', 'max ms', 'all reviews done (s)'], rows: [[round(ack.p50) ?? 0, round(ack.p95) ?? 0, round(ack.max) ?? 0, round(ack.reviewSeconds) ?? 0]] },
        {
          title: 'Where the ack time goes',
          columns: ['quiet ack p50 ms', 'quiet ack p95 ms', 'event-loop delay p95 ms', 'event-loop delay max ms', 'load average (1 min)'],
          rows: [[round(ack.quietP50) ?? 0, round(ack.quietP95) ?? 0, round(ack.loopDelayP95) ?? 0, round(ack.loopDelayMax) ?? 0, round(ack.loadAverage, 2) ?? 0]],
        },
        {
          title: `Page-hash distance (bits of 256; a duplicate at <= ${NEAR_BITS})`,
          columns: ['pairs', 'n', 'min', 'p50', 'p95', 'max'],
          rows: [
            ['page and its re-scan', dup.same.n, dup.same.min, dup.same.p50, dup.same.p95, dup.same.max],
            ['different pages, one layout', dup.different.n, dup.different.min, dup.different.p50, dup.different.p95, dup.different.max],
          ],
        },
        { title: 'Accuracy', columns: ['characters (50 pages)', 'worst page', 'ID name', 'ID number', 'ID validity'], rows: [[`${round(acc.accuracy * 100, 2)} %`, `${round(acc.worst * 100, 1)} %`, `${id.name * 100} %`, `${id.number * 100} %`, `${id.validity * 100} %`]] },
      ],
      notes: ['Target: filing acknowledgement p95 < 300 ms while OCR is busy.', `OCR children at once in the server: ${Math.max(1, os.availableParallelism() - 1)} (cores - 1).`],
    };
  } finally {
    pool.close();
  }
}
