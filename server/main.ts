import { ConfigError, loadConfig } from './config.js';
import { DatabaseStartError } from './db/database.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

/** The process entry point: `npm start`. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`microcourt: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let server;
  try {
    server = await startServer(config, { logger });
  } catch (err) {
    if (err instanceof DatabaseStartError) {
      process.stderr.write(`microcourt: ${err.message}\n`);
    } else {
      logger.fatal({ err }, 'start-up failed');
    }
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
