/**
 * Upload memory benchmark (issue 14): 10 concurrent filings, each an invalid
 * `case` part followed by 40 files of 19 MiB, against a server process (the real
 * entry point). Then the same with a valid `case` part: the files (PDFs by their
 * bytes) stream into storage until the per-request limit refuses the fifth, and
 * what was stored is deleted. Reports the server's peak RSS (the goal is under
 * 400 MB) and what is left in storage afterwards (the goal is nothing). Bodies are
 * sent chunked (no declared size), the worst case: a declared size over the limit
 * is refused before anything is read.
 */
import http from 'node:http';
import { registerParty, seedAndLoginClerk } from '../support/api.js';
import { spawnMain, type Spawned } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { progress, round, rssKiB, sleep, stopChild, track, type BenchReport } from './common.js';

const CONCURRENT = 10;
const FILES = 40;
const FILE_BYTES = 19 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 0x41);
/** Each file is a PDF by its first and last bytes, so storage takes it (and no type check stops it early). */
const PDF_HEAD = Buffer.from('%PDF-1.7\n%');
const PDF_TAIL = Buffer.from('\n%%EOF\n');
const BOUNDARY = 'benchBoundary1234';
const LIMIT_MB = 400;

const validCase = { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '被告乙' }] };

/** One filing; resolves with the status once answered, stopping the upload there. */
function upload(url: URL, token: string, caseJson: string): Promise<{ status: number; code?: string; sentMiB: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request({ host: url.hostname, port: url.port, path: '/api/cases', method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        answered = true;
        req.destroy();
        const code = (JSON.parse(text || '{}') as { error?: { code?: string } }).error?.code;
        resolve({ status: res.statusCode ?? 0, ...(code ? { code } : {}), sentMiB: Math.round(sent / 1048576) });
      });
    });
    // The server may close the connection right after its answer while we are still writing.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (answered) return;
      answered = true;
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') resolve({ status: 0, code: `connection closed by the server (${err.code})`, sentMiB: Math.round(sent / 1048576) });
      else reject(err);
    });
    const parts = function* () {
      yield Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="case"\r\n\r\n${caseJson}\r\n`);
      for (let f = 0; f < FILES; f++) {
        yield Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; filename="e${f}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
        yield PDF_HEAD;
        for (let b = 0; b < FILE_BYTES; b += CHUNK.length) yield CHUNK;
        yield Buffer.concat([PDF_TAIL, Buffer.from('\r\n')]);
      }
      yield Buffer.from(`--${BOUNDARY}--\r\n`);
    };
    const it = parts();
    const pump = () => {
      for (;;) {
        if (answered || req.destroyed) return;
        const next = it.next();
        if (next.done) return void req.end();
        sent += next.value.length;
        if (!req.write(next.value)) return void req.once('drain', pump);
      }
    };
    pump();
  });
}

/** Files and chunks in storage, staged or not: after a round of refused uploads there must be none. */
async function stored(setup: TestServer): Promise<{ files: number; chunks: number }> {
  const db = setup.db.connection.db!;
  return { files: await db.collection('documents.files').countDocuments(), chunks: await db.collection('documents.chunks').countDocuments() };
}

async function round10(url: URL, token: string, caseJson: string, pid: number): Promise<{ peakMB: number; answers: string[]; seconds: number }> {
  let peak = rssKiB(pid) ?? 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(pid) ?? 0)), 50);
  const started = Date.now();
  try {
    const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => upload(url, token, caseJson)));
    await sleep(500);
    peak = Math.max(peak, rssKiB(pid) ?? 0);
    return { peakMB: round(peak / 1024, 1) ?? 0, answers: answers.map((a) => `${a.status} ${a.code ?? ''} after ${a.sentMiB} MiB`), seconds: (Date.now() - started) / 1000 };
  } finally {
    clearInterval(sampler);
  }
}

export async function uploadsBench(): Promise<BenchReport> {
  const setup = await startTestServer({ MEDIASOUP_WORKERS: '1' });
  let proc: Spawned | undefined;
  try {
    await seedAndLoginClerk(setup);
    const party = await registerParty(setup, '13600000091', 91);
    proc = spawnMain({ ...setup.env, PORT: '0', LOG_LEVEL: 'info', MEDIASOUP_WORKERS: '1' });
    track(proc.child);
    const line = await proc.waitForOutput(/"url":"http:\/\/127\.0\.0\.1:\d+"/, 120_000);
    const url = new URL((JSON.parse(`{${line}}`) as { url: string }).url);
    const pid = proc.child.pid!;
    await sleep(2000);
    const idleMB = round((rssKiB(pid) ?? 0) / 1024, 1) ?? 0;
    progress(`uploads: server ${pid} idle at ${idleMB} MB`);
    const invalid = await round10(url, party.token!, JSON.stringify({ ...validCase, caseType: 'not-a-type' }), pid);
    const afterInvalid = await stored(setup);
    progress(`uploads: invalid case part: peak ${invalid.peakMB} MB in ${invalid.seconds} s; left in storage ${JSON.stringify(afterInvalid)}`);
    const valid = await round10(url, party.token!, JSON.stringify(validCase), pid);
    const afterValid = await stored(setup);
    progress(`uploads: valid case part, files over the limits: peak ${valid.peakMB} MB in ${valid.seconds} s; left in storage ${JSON.stringify(afterValid)}`);
    const clean = (s: { files: number; chunks: number }) => s.files === 0 && s.chunks === 0;
    const summary = (answers: string[]) => [...new Set(answers.map((a) => a.replace(/ after \d+ MiB/, '')))].join(', ');
    return {
      name: 'uploads',
      data: {
        concurrent: CONCURRENT,
        files: FILES,
        fileMiB: FILE_BYTES / 1048576,
        idleMB,
        invalidCase: { ...invalid, leftInStorage: afterInvalid },
        validCaseOverLimits: { ...valid, leftInStorage: afterValid },
        limitMB: LIMIT_MB,
        pass: invalid.peakMB < LIMIT_MB && valid.peakMB < LIMIT_MB && clean(afterInvalid) && clean(afterValid),
      },
      tables: [
        {
          title: `Server RSS, ${CONCURRENT} concurrent filings of ${FILES} x ${FILE_BYTES / 1048576} MiB (goal: under ${LIMIT_MB} MB)`,
          columns: ['round', 'peak RSS MB', 'answers', 'seconds', 'files/chunks left'],
          rows: [
            ['idle', idleMB, '', '', ''],
            ['invalid case part first', invalid.peakMB, summary(invalid.answers), invalid.seconds, `${afterInvalid.files}/${afterInvalid.chunks}`],
            ['valid case part, files streamed until over the limits', valid.peakMB, summary(valid.answers), valid.seconds, `${afterValid.files}/${afterValid.chunks}`],
          ],
        },
      ],
      notes: [`answers (invalid case): ${invalid.answers.slice(0, 3).join('; ')} ...`, `answers (valid case): ${valid.answers.slice(0, 3).join('; ')} ...`],
    };
  } finally {
    if (proc) await stopChild(proc.child);
    await setup.destroy();
  }
}
