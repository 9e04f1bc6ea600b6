import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FileFacts {
  sha256: string;
  size: number;
  durationSeconds?: number;
  codecs: string[];
}

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Hash, size, and what ffprobe reads from the container (duration, codec names). */
export async function fileFacts(file: string): Promise<FileFacts> {
  const { sha256, size } = await sha256File(file);
  try {
    const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
    const info = JSON.parse(stdout) as { format?: { duration?: string }; streams?: { codec_name?: string }[] };
    const duration = Number(info.format?.duration);
    return {
      sha256,
      size,
      ...(Number.isFinite(duration) ? { durationSeconds: Math.round(duration * 1000) / 1000 } : {}),
      codecs: (info.streams ?? []).map((s) => s.codec_name ?? 'unknown'),
    };
  } catch {
    return { sha256, size, codecs: [] };
  }
}
