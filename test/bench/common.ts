/**
 * Shared pieces of the benchmarks: the report format, percentiles, the child
 * processes every benchmark must leave behind it, CPU pinning and /proc readings.
 */
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { version as mediasoupVersion } from 'mediasoup';

export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

/** What one benchmark hands back to run.ts: machine-readable data plus tables for people. */
export interface BenchReport {
  name: string;
  data: Record<string, unknown>;
  tables: BenchTable[];
  notes: string[];
}

export type Bench = () => Promise<BenchReport>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Progress goes to stderr so that stdout holds only the results. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Nearest-rank percentile of an unsorted list (undefined when empty). */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function round(value: number | undefined, digits = 1): number | null {
  if (value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = os.loadavg();
  return [round(a, 2) ?? 0, round(b, 2) ?? 0, round(c, 2) ?? 0];
}

export function formatTable(table: BenchTable): string {
  const cells = [table.columns, ...table.rows.map((r) => r.map((c) => String(c)))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    `${table.title}`,
    line(table.columns),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------

const children = new Set<ChildProcess>();
/** Processes that are not our children but that we started indirectly (e.g. a server's workers). */
const orphanPids = new Set<number>();

/** Spawn a process that run.ts kills at the end (and on Ctrl-C) if it is still running. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, options);
  track(child);
  return child;
}

export function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

export function trackPid(pid: number): void {
  orphanPids.add(pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Kill every tracked child still running (SIGKILL) and every tracked pid. */
export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const pid of orphanPids) {
    if (isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  orphanPids.clear();
}

export function liveChildren(): number {
  return [...children].filter((c) => c.exitCode === null && c.signalCode === null).length;
}

// ---------------------------------------------------------------------------
// CPU pinning (taskset) and /proc
// ---------------------------------------------------------------------------

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, (err, stdout, stderr) => (err ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
}

let tasksetAvailable: boolean | undefined;

/** Pinning needs two CPUs and taskset; BENCH_NO_PIN=1 turns it off. */
export async function canPin(): Promise<boolean> {
  if (process.env.BENCH_NO_PIN === '1') return false;
  if (tasksetAvailable === undefined) {
    tasksetAvailable = os.availableParallelism() >= 2 && (await run('taskset', ['-p', String(process.pid)]).then(() => true, () => false));
  }
  return tasksetAvailable;
}

/** Pin every thread of `pid` to `cpus` (taskset list syntax, e.g. "0" or "0-1"). */
export async function pin(pid: number, cpus: string): Promise<boolean> {
  if (!(await canPin())) return false;
  return run('taskset', ['-a', '-p', '-c', cpus, String(pid)]).then(
    () => true,
    () => false,
  );
}

/** The CPUs this process may run on now (e.g. "0-1"), to restore after pinning. */
export function allowedCpus(pid: number | 'self' = 'self'): string {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? `0-${os.availableParallelism() - 1}`;
}

/** Current resident set size of a process in KiB (VmRSS), or undefined when it is gone. */
export function rssKiB(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s*(\d+)\s*kB/.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A short description of the machine for the JSON output. */
export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    // The package's own export: its package.json is not importable (exports map) since 3.2x.
    mediasoup: mediasoupVersion,
    platform: `${os.type()} ${os.release()}`,
  };
}
