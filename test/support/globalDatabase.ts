import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFerretdb, type RunningFerretdb } from '../../server/db/embeddedFerretdb.js';

/**
 * vitest globalSetup: when MONGODB_URI is unset, the tests use the embedded FerretDB that
 * `npm run setup:offline` built, on a throw-away directory, so that after the offline set-up
 * `npm test` needs nothing more. With MONGODB_URI set (CI, your own MongoDB) it does nothing.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.MONGODB_URI) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-test-db-'));
  let db: RunningFerretdb;
  try {
    db = await startFerretdb(dir);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `MONGODB_URI is not set and the embedded FerretDB could not start (${(err as Error).message}). ` +
        'Run `npm run setup:offline` once, or export MONGODB_URI=mongodb://127.0.0.1:27017/microcourt',
    );
  }
  process.env.MONGODB_URI = `${db.uri.replace(/\/$/, '')}/microcourt`;
  return async () => {
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
