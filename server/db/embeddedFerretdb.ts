import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The embedded database for hosts that cannot download mongod: FerretDB (MongoDB wire
 * protocol over SQLite), built once by `npm run setup:offline` (scripts/build-ferretdb.sh)
 * into .local/bin. FerretDB 1.x has no multi-document transactions and no change streams;
 * the server uses neither.
 */
export const DEFAULT_FERRETDB_BIN = '.local/bin/microcourt-ferretdb';

export function ferretdbBinary(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.MICROCOURT_FERRETDB_BIN || DEFAULT_FERRETDB_BIN);
}

export class FerretdbUnavailable extends Error {
  override name = 'FerretdbUnavailable';
}

export interface RunningFerretdb {
  /** mongodb://127.0.0.1:PORT/ (no database name). */
  uri: string;
  dataDir: string;
  binary: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

/** Starts FerretDB on a free local port with its SQLite files in `dataDir`. */
export async function startFerretdb(dataDir: string, binary = ferretdbBinary()): Promise<RunningFerretdb> {
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    throw new FerretdbUnavailable(`no FerretDB binary at ${binary}`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  // stdin stays a pipe: FerretDB exits when it closes, so a crashed server leaves no orphan.
  const child = spawn(binary, ['--listen-addr=127.0.0.1:0', `--data-dir=${dataDir}`, '--exit-on-stdin-eof'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new FerretdbUnavailable(`FerretDB (${binary}) ${why}${stderr.trim() ? `: ${lastLine(stderr)}` : ''}`));
    }
    child.once('error', (err) => fail(`could not be run (${err.message})`));
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited at start (${signal ?? `code ${code}`})`);
    child.once('exit', onEarlyExit);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (mongodb:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        child.off('exit', onEarlyExit);
        resolve(m[1]);
      }
    });
  });
  child.stdout.resume();
  return { uri, dataDir, binary, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.slice(0, 300) ?? '';
}
