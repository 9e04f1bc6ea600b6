import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { CJK_FONT_PATH } from './documents/pdf.js';
import type { Logger } from './logger.js';

/**
 * Programs and files from the operating system that features depend on. Checked once at
 * start so an operator learns of a missing one from the log and /healthz, not from a 503
 * in a clerk's hands. All come from one apt line (README, "Requirements").
 */
export interface SystemDependency {
  name: string;
  /** The Debian package that provides it. */
  aptPackage: string;
  /** What stops working without it. */
  neededFor: string;
  available: boolean;
  /** Version line or path when available; why not when missing. */
  detail: string;
}

export const APT_INSTALL_LINE = 'apt-get install -y ffmpeg fonts-noto-cjk poppler-utils tesseract-ocr tesseract-ocr-chi-sim';

interface Check {
  name: string;
  aptPackage: string;
  neededFor: string;
  probe: () => Promise<string>;
}

const CHECKS: Check[] = [
  { name: 'ffmpeg', aptPackage: 'ffmpeg', neededFor: 'hearing recordings', probe: () => versionLine('ffmpeg', ['-version']) },
  { name: 'ffprobe', aptPackage: 'ffmpeg', neededFor: 'checking hearing recordings', probe: () => versionLine('ffprobe', ['-version']) },
  {
    name: 'CJK font (Noto Sans CJK)',
    aptPackage: 'fonts-noto-cjk',
    neededFor: 'court documents (PDF)',
    probe: async () => {
      await fs.access(CJK_FONT_PATH, fs.constants.R_OK);
      return CJK_FONT_PATH;
    },
  },
  { name: 'pdfsig', aptPackage: 'poppler-utils', neededFor: 'verifying signed PDFs (electronic service)', probe: () => versionLine('pdfsig', ['-v']) },
  { name: 'pdftoppm', aptPackage: 'poppler-utils', neededFor: 'reading filed PDFs (automatic review)', probe: () => versionLine('pdftoppm', ['-v']) },
  { name: 'tesseract', aptPackage: 'tesseract-ocr', neededFor: 'OCR of scans and photos (automatic review)', probe: () => versionLine('tesseract', ['--version']) },
  {
    name: 'tesseract Chinese (chi_sim)',
    aptPackage: 'tesseract-ocr-chi-sim',
    neededFor: 'reading simplified Chinese (automatic review)',
    probe: async () => {
      const langs = await versionLine('tesseract', ['--list-langs'], 'all');
      if (!/^chi_sim$/m.test(langs)) throw new Error('the chi_sim language data is not installed');
      return 'chi_sim';
    },
  },
];

export async function checkSystemDependencies(logger?: Logger): Promise<SystemDependency[]> {
  const results = await Promise.all(
    CHECKS.map(async ({ probe, ...c }): Promise<SystemDependency> => {
      try {
        return { ...c, available: true, detail: await probe() };
      } catch (err) {
        return { ...c, available: false, detail: (err as Error).message };
      }
    }),
  );
  const missing = results.filter((d) => !d.available);
  if (logger && missing.length > 0) {
    const packages = [...new Set(missing.map((d) => d.aptPackage))].join(' ');
    logger.warn(
      { missing: missing.map(({ name, neededFor, detail }) => ({ name, neededFor, detail })) },
      `missing system dependencies: ${missing.map((d) => `${d.name} (${d.neededFor})`).join(', ')}; install them with: apt-get install -y ${packages}`,
    );
  }
  return results;
}

/** The first line a program prints for its version: proves it is installed and runs. */
function versionLine(program: string, args: string[], lines: 'first' | 'all' = 'first'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (!err && lines === 'all') return resolve(`${stdout}${stderr}`);
      const line = `${stdout}${stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        reject(new Error(code === 'ENOENT' ? `${program} not found on PATH` : `${program} failed: ${err.message.split('\n')[0]}`));
      } else resolve(line.slice(0, 120));
    });
  });
}
