/**
 * `npm run seed`: load the demo courts and staff into the configured database (MONGODB_URI,
 * or the embedded database the server would use). Safe to run any number of times.
 */
import { ConfigError, loadConfig } from './config.js';
import { connectDatabase, DatabaseStartError, startEmbeddedDatabase } from './db/database.js';
import { createLogger } from './logger.js';
import { createPersonalDataCipher } from './privacy/personalData.js';
import { DEMO_PASSWORD, seedDemoData } from './seedData.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`microcourt seed: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  // Progress goes to stdout as plain lines; the logger only reports connection problems.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  let db;
  try {
    db = config.mongodbUri
      ? await connectDatabase(config.mongodbUri, logger)
      : await startEmbeddedDatabase(config.embeddedDbDir, logger);
  } catch (err) {
    if (err instanceof DatabaseStartError) {
      process.stderr.write(`microcourt seed: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  try {
    const report = await seedDemoData(db.connection, createPersonalDataCipher(config.dataEncryptionKey));
    process.stdout.write(`Seeded database ${db.target}\n`);
    for (const c of report.courts) process.stdout.write(`  court ${c.id}: ${c.action}\n`);
    for (const s of report.staff) process.stdout.write(`  ${s.role} ${s.phone}: ${s.action}\n`);
    process.stdout.write(`Staff accounts log in with password "${DEMO_PASSWORD}".\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`microcourt seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
