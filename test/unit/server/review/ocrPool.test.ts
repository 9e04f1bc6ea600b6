/**
 * The reading pool with real child processes (sh, sleep): never more than `concurrency` children
 * at once, waiting runs start in the order they came, a full queue refuses, a child that crashes
 * or hangs fails only its own run and its slot goes to the next, children run at a lower CPU
 * priority, and closing refuses what waits and kills what runs as POOL_CLOSED (not the file's fault).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { OcrPool, PoolError } from '../../../../server/review/ocrPool.js';

/** A child that prints its name and when it started and ended (ns), sleeping `seconds` between. */
function timed(pool: OcrPool, name: string, seconds = 0.2): Promise<{ name: string; start: bigint; end: bigint }> {
  return pool.run('sh', ['-c', `echo $(date +%s%N); sleep ${seconds}; echo $(date +%s%N)`]).then((out) => {
    const [start, end] = out.toString('utf8').trim().split('\n').map((l) => BigInt(l.trim()));
    return { name, start: start!, end: end! };
  });
}

async function failure(p: Promise<unknown>): Promise<PoolError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof PoolError)) throw new Error(`expected a PoolError, got ${String(err)}`);
  return err;
}

describe('the reading pool', () => {
  it('runs at most `concurrency` children at once', async () => {
    const pool = new OcrPool({ concurrency: 2 });
    try {
      const runs = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => timed(pool, n));
      // Two run, the rest wait, as the pool reports it.
      expect(pool.busy).toEqual({ running: 2, queued: 5 });
      const done = await Promise.all(runs);
      // At no instant were more than two children alive (from their own clocks).
      const events = done.flatMap((r) => [
        { at: r.start, d: 1 },
        { at: r.end, d: -1 },
      ]);
      events.sort((x, y) => (x.at === y.at ? x.d - y.d : x.at < y.at ? -1 : 1));
      let alive = 0;
      let most = 0;
      for (const e of events) {
        alive += e.d;
        most = Math.max(most, alive);
      }
      expect(most).toBe(2);
      expect(pool.busy).toEqual({ running: 0, queued: 0 });
    } finally {
      pool.close();
    }
  });

  it('starts the waiting runs in the order they were asked for', async () => {
    const pool = new OcrPool({ concurrency: 1 });
    try {
      const done = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => timed(pool, n, 0.05)));
      for (let i = 1; i < done.length; i++) expect(done[i]!.start > done[i - 1]!.end, `${done[i]!.name} started before ${done[i - 1]!.name} ended`).toBe(true);
    } finally {
      pool.close();
    }
  });

  it('refuses at once when the queue is full (POOL_BUSY) and takes work again once there is room', async () => {
    const pool = new OcrPool({ concurrency: 1, maxQueue: 2 });
    try {
      const accepted = [timed(pool, 'a', 0.3), timed(pool, 'b', 0.05), timed(pool, 'c', 0.05)];
      const refused = await failure(timed(pool, 'd'));
      expect(refused.code).toBe('POOL_BUSY');
      await Promise.all(accepted);
      await expect(pool.run('sh', ['-c', 'echo again'])).resolves.toEqual(Buffer.from('again\n'));
    } finally {
      pool.close();
    }
  });

  it('fails only the run whose child crashed, and gives its slot to the next in a new child', async () => {
    const pool = new OcrPool({ concurrency: 1 });
    try {
      // The first child kills itself mid-run, as a crashing reader would; two more wait behind it.
      const crashed = failure(pool.run('sh', ['-c', 'echo partial; sleep 0.1; kill -SEGV $$; sleep 5']));
      const exited = failure(pool.run('sh', ['-c', 'echo oops >&2; exit 3']));
      const next = pool.run('sh', ['-c', 'echo $$']);
      const c = await crashed;
      expect(c.code).toBe('PROCESS_FAILED');
      expect(c.message).toContain('SIGSEGV');
      const e = await exited;
      expect(e.code).toBe('PROCESS_FAILED');
      expect(e.message).toContain('exited with 3');
      expect(e.message).toContain('oops');
      // The next run got a child of its own and its whole output.
      expect(Number((await next).toString().trim())).toBeGreaterThan(0);
      expect(pool.busy).toEqual({ running: 0, queued: 0 });
    } finally {
      pool.close();
    }
  });

  it('kills a child that takes too long (PROCESS_TIMEOUT) or prints too much (OUTPUT_TOO_LARGE), and goes on', async () => {
    const pool = new OcrPool({ concurrency: 1 });
    try {
      const started = Date.now();
      expect((await failure(pool.run('sleep', ['10'], { timeoutMs: 200 }))).code).toBe('PROCESS_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await failure(pool.run('sh', ['-c', 'head -c 100000 /dev/zero'], { maxOutputBytes: 1000 }))).code).toBe('OUTPUT_TOO_LARGE');
      expect((await failure(pool.run('no-such-reader-program', []))).code).toBe('PROGRAM_MISSING');
      await expect(pool.run('sh', ['-c', 'echo fine'])).resolves.toEqual(Buffer.from('fine\n'));
    } finally {
      pool.close();
    }
  });

  it('runs its children at a lower CPU priority than the server', async () => {
    const pool = new OcrPool({ concurrency: 1 });
    try {
      // The child reads its own nice value (field 19 of /proc/self/stat) once the pool has lowered it.
      const out = await pool.run('sh', ['-c', 'sleep 0.2; cut -d " " -f 19 /proc/$$/stat']);
      expect(Number(out.toString().trim())).toBe(Math.min(19, os.getPriority() + 10));
    } finally {
      pool.close();
    }
  });

  it('on close refuses what waits and kills what runs, both as POOL_CLOSED', async () => {
    const pool = new OcrPool({ concurrency: 1 });
    const marker = `${os.tmpdir()}/ocr-pool-test-${process.pid}-${Date.now()}`;
    const running = failure(pool.run('sh', ['-c', `echo $$ > ${marker}; exec sleep 10`]));
    const waiting = failure(pool.run('sh', ['-c', 'echo never']));
    // Wait until the first child really runs.
    for (let i = 0; i < 100 && !(await fs.stat(marker).catch(() => null)); i++) await new Promise((r) => setTimeout(r, 20));
    const pid = Number((await fs.readFile(marker, 'utf8')).trim());
    pool.close();
    expect((await running).code).toBe('POOL_CLOSED');
    expect((await waiting).code).toBe('POOL_CLOSED');
    expect((await failure(pool.run('sh', ['-c', 'echo late']))).code).toBe('POOL_CLOSED');
    // The killed child is gone, not left running.
    expect(() => process.kill(pid, 0)).toThrow();
    await fs.rm(marker, { force: true });
  });
});
