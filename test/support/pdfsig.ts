import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Debian's `pdfsig` (poppler-utils, installed by .ci/run) on the given bytes: an independent
 * reader of PDF signatures, not our own code. Returns its report; pdfsig exits non-zero when a
 * signature does not verify, so the exit status is not treated as a failure here.
 */
export async function pdfsig(bytes: Buffer): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdfsig-'));
  const file = path.join(dir, 'document.pdf');
  fs.writeFileSync(file, bytes);
  try {
    const { stdout } = await run('pdfsig', [file]);
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; code?: number | string };
    if (e.code === 'ENOENT') throw new Error('pdfsig is not installed: apt-get install -y poppler-utils');
    return e.stdout ?? '';
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The same bytes with one byte changed inside the signed range (early in the file, in the page content). */
export function oneByteChanged(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const at = Math.floor(copy.indexOf('stream') + 20);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}
