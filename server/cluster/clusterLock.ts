import type { RedisClient } from './redis.js';

/**
 * "Run once across the nodes": each period of a periodic task has one key in Redis, and the
 * node whose SET NX takes it runs that period; the others skip it. The key outlives the
 * period, so a node whose clock or timer is a little late cannot take the same period again.
 */
export function oncePerPeriod(redis: RedisClient, name: string, nodeId: string, periodMs: number): (at: number) => Promise<boolean> {
  return async (at) => {
    const slot = Math.floor(at / periodMs);
    const taken = await redis.set(`microcourt:once:${name}:${slot}`, nodeId, { NX: true, PX: periodMs * 2 });
    return taken === 'OK';
  };
}
