/**
 * `npm run bench [join|capacity|memory|recording|uploads|probe|review|lists|nodes]`: runs the benchmarks (all of them by
 * default) one after the other and prints, for each, one machine-readable line
 * `BENCH_JSON {...}` and a table. Progress goes to stderr. Every child process
 * a benchmark started is killed before this process exits.
 */
import { capacityBench } from './capacity.js';
import { formatTable, killAllChildren, liveChildren, loadAverage, machine, progress, type Bench } from './common.js';
import { joinBench } from './join.js';
import { memoryBench } from './memory.js';
import { recordingBench } from './recording.js';
import { probeBench } from './probe.js';
import { uploadsBench } from './uploads.js';
import { listsBench } from './lists.js';
import { reviewBench } from './review.js';
import { nodesBench } from './nodes.js';

const BENCHES: Record<string, Bench> = { join: joinBench, capacity: capacityBench, memory: memoryBench, recording: recordingBench, uploads: uploadsBench, probe: probeBench, review: reviewBench, lists: listsBench, nodes: nodesBench };

async function main(): Promise<number> {
  const names = process.argv.slice(2);
  for (const name of names) {
    if (!(name in BENCHES)) {
      process.stderr.write(`unknown benchmark "${name}"; choose from: ${Object.keys(BENCHES).join(', ')}\n`);
      return 2;
    }
  }
  if (!process.env.MONGODB_URI) {
    // join and memory start real servers; the usual local FerretDB.
    process.env.MONGODB_URI = 'mongodb://127.0.0.1:27017/microcourt';
    progress(`MONGODB_URI not set; using ${process.env.MONGODB_URI}`);
  }
  let failures = 0;
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
    const bench = BENCHES[name]!;
    const loadBefore = loadAverage();
    const started = Date.now();
    progress(`${name}: starting (load average ${loadBefore.join(' ')})`);
    try {
      const report = await bench();
      const durationS = Math.round((Date.now() - started) / 100) / 10;
      const loadAfter = loadAverage();
      const line = { bench: report.name, at: new Date(started).toISOString(), durationS, loadAverage: { before: loadBefore, after: loadAfter }, machine: machine(), ...report.data };
      process.stdout.write(`BENCH_JSON ${JSON.stringify(line)}\n\n`);
      for (const table of report.tables) process.stdout.write(`${formatTable(table)}\n\n`);
      for (const note of report.notes) process.stdout.write(`- ${note}\n`);
      process.stdout.write(`- took ${durationS} s; load average (1/5/15 min) before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}\n\n`);
    } catch (err) {
      failures++;
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stdout.write(`BENCH_JSON ${JSON.stringify({ bench: name, at: new Date(started).toISOString(), error: message.split('\n')[0] })}\n`);
      process.stderr.write(`${name} failed: ${message}\n`);
    }
    const left = liveChildren();
    if (left > 0) progress(`${name}: ${left} child process(es) still running; killing them`);
    killAllChildren();
  }
  return failures > 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}
process.once('exit', () => killAllChildren());

main().then(
  (code) => {
    killAllChildren();
    // Sockets or timers a library left behind must not keep the run alive.
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${String(err)}\n`);
    killAllChildren();
    process.exit(1);
  },
);
