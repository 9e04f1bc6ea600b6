import fs from 'node:fs/promises';
import mongoose, { type Connection } from 'mongoose';
import type { MongoMemoryServer } from 'mongodb-memory-server-core';
import type { Logger } from '../logger.js';

export interface Database {
  connection: Connection;
  /** Where we connected, without credentials (for logs and /healthz). */
  target: string;
  embedded: boolean;
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
 * Used when MONGODB_URI is unset: a MongoDB started by mongodb-memory-server with
 * its files in `dbDir`, so data survives restarts. On a machine without internet
 * the mongod binary cannot be downloaded; we say so in one line.
 */
export async function startEmbeddedDatabase(dbDir: string, logger: Logger): Promise<Database> {
  await fs.mkdir(dbDir, { recursive: true });
  let server: MongoMemoryServer;
  try {
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    server = await quietly(() =>
      MongoMemoryServer.create({
        instance: { dbPath: dbDir, storageEngine: 'wiredTiger', dbName: 'microcourt' },
      }),
    );
  } catch (err) {
    logger.debug({ err }, 'embedded MongoDB failed');
    throw new DatabaseStartError(
      `Could not start the embedded MongoDB (${firstLine(err)}). Set MONGODB_URI to a MongoDB server, e.g. MONGODB_URI=mongodb://127.0.0.1:27017/microcourt`,
    );
  }
  const uri = server.getUri('microcourt');
  const db = await connectDatabase(uri, logger);
  return {
    ...db,
    embedded: true,
    close: async () => {
      await db.close();
      // doCleanup=false keeps dbDir: the whole point of the embedded database is persistence.
      await server.stop({ doCleanup: false });
    },
  };
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
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
