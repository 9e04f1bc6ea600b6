import fs from 'node:fs/promises';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { MongoMemoryServer } from 'mongodb-memory-server-core';
import type { Logger } from '../logger.js';
import { ferretdbBinary, FerretdbUnavailable, startFerretdb } from './embeddedFerretdb.js';

export interface Database {
  connection: Connection;
  /** Where we connected, without credentials (for logs and /healthz). */
  target: string;
  embedded: boolean;
  /** For the embedded database: which engine runs it and where its files are. */
  engine?: 'mongod (mongodb-memory-server)' | 'FerretDB (SQLite)';
  dataDir?: string;
  close(): Promise<void>;
}

export class DatabaseStartError extends Error {
  override name = 'DatabaseStartError';
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * One mongoose connection per server instance (not mongoose's global default),
 * so that several servers can live in one process, as the tests do.
 */
export async function connectDatabase(uri: string, logger: Logger): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    // Indexes (unique case numbers, unique phone hashes) are part of correctness.
    autoIndex: true,
  });
  try {
    await connection.asPromise();
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw new DatabaseStartError(
      `Cannot connect to the database at ${redactUri(uri)}: ${(err as Error).message}`,
    );
  }
  logger.info({ db: redactUri(uri) }, 'database connected');
  return {
    connection,
    target: redactUri(uri),
    embedded: false,
    close: () => connection.close(),
  };
}

/**
 * Used when MONGODB_URI is unset. First choice: a real mongod from mongodb-memory-server
 * (downloaded on first use) with its files in `dbDir`. A host that cannot download it
 * (offline, air-gapped) gets the FerretDB that `npm run setup:offline` built, with its
 * files beside `dbDir` (./data/ferretdb by default). Either way data survives restarts.
 */
export async function startEmbeddedDatabase(dbDir: string, logger: Logger): Promise<Database> {
  let mongodFailure: string;
  try {
    return await startMongod(dbDir, logger);
  } catch (err) {
    logger.debug({ err }, 'embedded MongoDB failed');
    mongodFailure = firstLine(err);
  }
  const ferretDir = path.join(path.dirname(dbDir), 'ferretdb');
  let ferret;
  try {
    ferret = await startFerretdb(ferretDir);
  } catch (err) {
    if (!(err instanceof FerretdbUnavailable)) throw err;
    throw new DatabaseStartError(
      `Could not start the embedded MongoDB (${mongodFailure}), nor the embedded FerretDB (${err.message}). ` +
        `On a host without internet run \`npm run setup:offline\` once (it builds FerretDB into ${ferretdbBinary()}); ` +
        'or set MONGODB_URI to a MongoDB server, e.g. MONGODB_URI=mongodb://127.0.0.1:27017/microcourt',
    );
  }
  logger.warn({ reason: mongodFailure }, 'embedded MongoDB unavailable; using the embedded FerretDB instead');
  let db: Database;
  try {
    db = await connectDatabase(`${ferret.uri.replace(/\/$/, '')}/microcourt`, logger);
  } catch (err) {
    await ferret.stop();
    throw err;
  }
  logger.info({ engine: 'FerretDB (SQLite)', dataDir: ferretDir, uri: db.target }, `embedded database started: FerretDB, data in ${ferretDir}`);
  return {
    ...db,
    embedded: true,
    engine: 'FerretDB (SQLite)',
    dataDir: ferretDir,
    close: async () => {
      await db.close();
      await ferret.stop();
    },
  };
}

async function startMongod(dbDir: string, logger: Logger): Promise<Database> {
  await fs.mkdir(dbDir, { recursive: true });
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const server: MongoMemoryServer = await quietly(() =>
    MongoMemoryServer.create({
      instance: { dbPath: dbDir, storageEngine: 'wiredTiger', dbName: 'microcourt' },
    }),
  );
  const uri = server.getUri('microcourt');
  let db: Database;
  try {
    db = await connectDatabase(uri, logger);
  } catch (err) {
    await server.stop({ doCleanup: false });
    throw err;
  }
  logger.info({ engine: 'mongod (mongodb-memory-server)', dataDir: dbDir, uri: db.target }, `embedded database started: MongoDB, data in ${dbDir}`);
  return {
    ...db,
    embedded: true,
    engine: 'mongod (mongodb-memory-server)',
    dataDir: dbDir,
    close: async () => {
      await db.close();
      // doCleanup=false keeps dbDir: the whole point of the embedded database is persistence.
      await server.stop({ doCleanup: false });
    },
  };
}

/**
 * The first non-empty line of an error's message, never empty (the user acts on it).
 * mongodb-memory-server ends its first line with "Details:" and puts them on the next.
 */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  let line = lines[0];
  if (line?.endsWith(':')) line = lines[1] ? `${line} ${lines[1]}` : line.replace(/,?\s*[^,]*:$/, '');
  if (line) return line.slice(0, 300);
  return err instanceof Error ? `${err.name} without a message` : 'unknown error';
}

/**
 * mongodb-memory-server prints its own multi-line stack trace with console.warn
 * when it fails; the user should see our one clear line instead (the details go
 * to the debug log above).
 */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}
