/**
 * The bounded pool every reading step runs in: poppler (pdfinfo, pdftotext, pdftoppm), ffmpeg
 * and tesseract as child processes, never on the event loop. At most `concurrency` children run
 * at once (cores - 1, so one core stays with the server and the media workers), at most
 * `maxQueue` wait, each is killed after `timeoutMs`, and each may print at most
 * `maxOutputBytes` (a 200 dpi A4 page in grey is about 4 MB). A full queue refuses at once
 * (POOL_BUSY), so a burst of filings backs up in the durable job queue instead of in memory.
 * Children run at a lower CPU priority (nice 10 by default): when the machine has fewer free
 * cores than the pool assumed (other programs, a shared host), the server answering filings and
 * the database it waits on still come first, and reading only takes longer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';

export interface OcrPoolOptions {
  concurrency?: number;
  maxQueue?: number;
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Added to each child's nice value (0-19; 0 leaves it as the server's). */
  niceness?: number;
}

export interface RunOptions {
  /** Bytes written to the child's standard input. */
  input?: Buffer;
  timeoutMs?: number;
  maxOutputBytes?: number;
  env?: Record<string, string>;
}

export class PoolError extends Error {
  constructor(
    readonly code: 'POOL_BUSY' | 'POOL_CLOSED' | 'PROCESS_TIMEOUT' | 'PROCESS_FAILED' | 'OUTPUT_TOO_LARGE' | 'PROGRAM_MISSING',
    message: string,
  ) {
    super(message);
  }
}

interface Waiting {
  start: () => void;
  fail: (err: Error) => void;
}

export function defaultOcrConcurrency(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

export class OcrPool {
  readonly concurrency: number;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;
  private readonly maxOutputBytes: number;
  private readonly niceness: number;
  private running = 0;
  private readonly queue: Waiting[] = [];
  private readonly children = new Set<ChildProcess>();
  private closed = false;

  constructor(options: OcrPoolOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? defaultOcrConcurrency());
    this.maxQueue = options.maxQueue ?? 256;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxOutputBytes = options.maxOutputBytes ?? 32 * 1024 * 1024;
    this.niceness = Math.min(19, Math.max(0, options.niceness ?? 10));
  }

  get busy(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }

  /** Runs `program args` in the pool and resolves with what it printed on standard output. */
  async run(program: string, args: readonly string[], options: RunOptions = {}): Promise<Buffer> {
    await this.slot();
    try {
      return await this.spawn(program, args, options);
    } finally {
      this.release();
    }
  }

  /** Kills running children and refuses what waits; used at shutdown. */
  close(): void {
    this.closed = true;
    for (const w of this.queue.splice(0)) w.fail(new PoolError('POOL_CLOSED', 'The reading pool is closed.'));
    for (const child of this.children) child.kill('SIGKILL');
  }

  private slot(): Promise<void> {
    if (this.closed) return Promise.reject(new PoolError('POOL_CLOSED', 'The reading pool is closed.'));
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.queue.length >= this.maxQueue) return Promise.reject(new PoolError('POOL_BUSY', 'The reading pool is full; try later.'));
    return new Promise((resolve, reject) => {
      this.queue.push({
        start: () => {
          this.running++;
          resolve();
        },
        fail: reject,
      });
    });
  }

  private release(): void {
    this.running--;
    const next = this.queue.shift();
    if (next) next.start();
  }

  private spawn(program: string, args: readonly string[], options: RunOptions): Promise<Buffer> {
    if (this.closed) return Promise.reject(new PoolError('POOL_CLOSED', 'The reading pool is closed.'));
    const limit = options.maxOutputBytes ?? this.maxOutputBytes;
    return new Promise((resolve, reject) => {
      const child = spawn(program, args, {
        stdio: ['pipe', 'pipe', 'pipe'],
        // One thread per child: the pool, not the program, decides how many cores reading takes.
        env: { ...process.env, OMP_THREAD_LIMIT: '1', ...options.env },
      });
      this.children.add(child);
      if (this.niceness > 0 && child.pid !== undefined) {
        try {
          os.setPriority(child.pid, Math.min(19, os.getPriority() + this.niceness));
        } catch {
          // Gone already, or not allowed here: it runs at the server's priority, which is only slower for the server.
        }
      }
      const out: Buffer[] = [];
      let size = 0;
      let stderr = '';
      let failure: PoolError | undefined;
      const timer = setTimeout(() => {
        failure = new PoolError('PROCESS_TIMEOUT', `${program} took longer than ${options.timeoutMs ?? this.timeoutMs} ms.`);
        child.kill('SIGKILL');
      }, options.timeoutMs ?? this.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          failure ??= new PoolError('OUTPUT_TOO_LARGE', `${program} printed more than ${limit} bytes.`);
          child.kill('SIGKILL');
          return;
        }
        out.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 2000) stderr += chunk.toString('utf8');
      });
      // A child that exits before reading all its input closes the pipe; that is its answer, not ours.
      child.stdin.on('error', () => undefined);
      child.on('error', (err: NodeJS.ErrnoException) => {
        failure ??= err.code === 'ENOENT' ? new PoolError('PROGRAM_MISSING', `${program} is not installed.`) : new PoolError('PROCESS_FAILED', err.message);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        if (failure) reject(failure);
        // Killed by close(): the server is stopping, which is not the file's fault (the job resumes at the next start).
        else if (signal && this.closed) reject(new PoolError('POOL_CLOSED', 'The reading pool is closed.'));
        else if (signal) reject(new PoolError('PROCESS_FAILED', `${program} was killed by ${signal}.`));
        else if (code !== 0) reject(new PoolError('PROCESS_FAILED', `${program} exited with ${String(code)}: ${stderr.trim().split('\n').slice(-2).join(' ')}`));
        else resolve(Buffer.concat(out));
      });
      if (options.input) child.stdin.end(options.input);
      else child.stdin.end();
    });
  }
}
