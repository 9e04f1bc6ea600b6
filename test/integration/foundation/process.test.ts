import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testEnv } from '../../support/env.js';
import { spawnMain } from '../../support/process.js';

describe('the server process (npm start)', () => {
  it('serves /healthz and exits 0 on SIGTERM after closing everything', async () => {
    const proc = spawnMain(testEnv({ LOG_LEVEL: 'info' }));
    try {
      const line = await proc.waitForOutput(/"url":"http:\/\/127\.0\.0\.1:\d+"/);
      const url = JSON.parse(`{${line}}`).url as string;
      const health = (await (await fetch(`${url}/healthz`)).json()) as { database: { state: string }; workers: { pid: number }[] };
      expect(health.database.state).toBe('connected');
      const pids = health.workers.map((w) => w.pid);
      proc.child.kill('SIGTERM');
      const { code } = await proc.exited;
      expect(code).toBe(0);
      expect(proc.output()).toContain('"msg":"shutting down"');
      // The workers went with it.
      for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('refuses to start on a bad configuration value and names the variable', async () => {
    const proc = spawnMain(testEnv({ PORT: 'eighty' }));
    const { code } = await proc.exited;
    expect(code).toBe(2);
    expect(proc.output()).toMatch(/Invalid configuration: PORT /);
  });

  it('without MONGODB_URI, no way to get mongod and no FerretDB built, exits with one line saying what to do', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-embedded-'));
    const env = testEnv({
      EMBEDDED_DB_DIR: path.join(dir, 'db'),
      // An empty binary cache and an unreachable mirror: what an offline host sees, made deterministic.
      MONGOMS_DOWNLOAD_DIR: path.join(dir, 'bin'),
      MONGOMS_DOWNLOAD_MIRROR: 'https://127.0.0.1:9',
      MONGOMS_SYSTEM_BINARY: '',
      // Nor the embedded FerretDB that `npm run setup:offline` builds.
      MICROCOURT_FERRETDB_BIN: path.join(dir, 'no-ferretdb'),
    });
    delete env.MONGODB_URI;
    const proc = spawnMain(env);
    const { code } = await proc.exited;
    expect(code).toBe(1);
    const lines = proc.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^microcourt: Could not start the embedded MongoDB \(.+\), nor the embedded FerretDB \(no FerretDB binary at .*no-ferretdb\)\. .*npm run setup:offline.*set MONGODB_URI/);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
