import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_FERRETDB_BIN } from '../../../server/db/embeddedFerretdb.js';
import { testEnv } from '../../support/env.js';
import { ROOT, spawnMain } from '../../support/process.js';

interface Health {
  database: { state: string };
  dependencies: { name: string; aptPackage: string; available: boolean }[];
}

/** An empty mongod cache and an unreachable download mirror: what an offline host sees. */
function offlineEnv(dir: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = testEnv({
    LOG_LEVEL: 'info',
    EMBEDDED_DB_DIR: path.join(dir, 'db'),
    MONGOMS_DOWNLOAD_DIR: path.join(dir, 'mongod-bin'),
    MONGOMS_DOWNLOAD_MIRROR: 'https://127.0.0.1:9',
    MONGOMS_SYSTEM_BINARY: '',
    ...overrides,
  });
  delete env.MONGODB_URI;
  return env;
}

describe('npm start without MONGODB_URI on a host that cannot download mongod', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-ferretdb-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts the embedded FerretDB that the set-up built, says so, and /healthz reports the database connected', async () => {
    const binary = path.join(ROOT, DEFAULT_FERRETDB_BIN);
    if (!fs.existsSync(binary)) {
      throw new Error(`The embedded FerretDB is not built (${binary}); run \`npm run setup:offline\` or \`bash scripts/build-ferretdb.sh\` first.`);
    }
    const proc = spawnMain(offlineEnv(dir));
    try {
      const line = await proc.waitForOutput(/"url":"http:\/\/127\.0\.0\.1:\d+"/, 60_000);
      const url = JSON.parse(`{${line}}`).url as string;
      const ferretDir = path.join(dir, 'ferretdb');
      expect(proc.output()).toContain(`embedded database started: FerretDB, data in ${ferretDir}`);
      const health = (await (await fetch(`${url}/healthz`)).json()) as Health;
      expect(health.database.state).toBe('connected');
      // The data lives where the message says (SQLite files of the microcourt database).
      expect(fs.readdirSync(ferretDir).some((f) => f.startsWith('microcourt'))).toBe(true);
      proc.child.kill('SIGTERM');
      expect((await proc.exited).code).toBe(0);
    } finally {
      proc.child.kill('SIGKILL');
    }
  }, 90_000);

  it('logs missing system packages at start and lists them in /healthz with the package to install', async () => {
    // A PATH without ffmpeg or pdfsig (node itself is started by absolute path).
    const emptyBin = fs.mkdtempSync(path.join(dir, 'bin-'));
    const proc = spawnMain(testEnv({ LOG_LEVEL: 'info', PATH: emptyBin }));
    try {
      const line = await proc.waitForOutput(/"url":"http:\/\/127\.0\.0\.1:\d+"/, 60_000);
      const url = JSON.parse(`{${line}}`).url as string;
      expect(proc.output()).toMatch(/missing system dependencies: ffmpeg .*apt-get install -y ffmpeg poppler-utils/);
      const health = (await (await fetch(`${url}/healthz`)).json()) as Health;
      const byName = new Map(health.dependencies.map((d) => [d.name, d]));
      expect(byName.get('ffmpeg')).toMatchObject({ available: false, aptPackage: 'ffmpeg' });
      expect(byName.get('pdfsig')).toMatchObject({ available: false, aptPackage: 'poppler-utils' });
      // The font is a file, not a program: still found.
      expect(byName.get('CJK font (Noto Sans CJK)')).toMatchObject({ available: true, aptPackage: 'fonts-noto-cjk' });
    } finally {
      proc.child.kill('SIGKILL');
    }
  }, 90_000);
});
