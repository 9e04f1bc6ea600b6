import { createClient } from 'redis';
import type { Logger } from '../logger.js';

const newClient = (url: string) => createClient({ url });
export type RedisClient = ReturnType<typeof newClient>;

/**
 * The Redis connections of one node: `main` for commands (locks, rate limits, the adapter's
 * publishing) and `sub`, which socket.io's adapter keeps in subscriber mode.
 */
export interface RedisConnections {
  main: RedisClient;
  sub: RedisClient;
  close(): Promise<void>;
}

export async function connectRedis(url: string, logger: Logger): Promise<RedisConnections> {
  const main = newClient(url);
  // Without a listener an error event would crash the process; the client reconnects by itself.
  main.on('error', (err: unknown) => logger.warn({ err }, 'redis connection error'));
  const sub = main.duplicate();
  sub.on('error', (err: unknown) => logger.warn({ err }, 'redis subscriber connection error'));
  await Promise.all([main.connect(), sub.connect()]);
  logger.info({ redis: url.replace(/\/\/[^@]*@/, '//***@') }, 'connected to redis');
  return {
    main,
    sub,
    close: async () => {
      await Promise.all([main.quit().catch(() => undefined), sub.quit().catch(() => undefined)]);
    },
  };
}
