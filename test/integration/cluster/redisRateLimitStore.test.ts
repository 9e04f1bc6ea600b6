import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimitStore } from '../../../server/auth/redisRateLimitStore.js';
import { consume } from '../../../server/auth/rateLimitStore.js';
import { connectRedis, type RedisConnections } from '../../../server/cluster/redis.js';
import { createLogger } from '../../../server/logger.js';

/** Two nodes' stores on the real Redis (REDIS_URL, default the machine's 127.0.0.1:6379). */
describe('rate limits shared through Redis', () => {
  let nodeA: RedisConnections;
  let nodeB: RedisConnections;
  const prefix = `test-${crypto.randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    nodeA = await connectRedis(url, createLogger('silent'));
    nodeB = await connectRedis(url, createLogger('silent'));
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
  });

  it('an allowance used up on one node is used up on the other; parallel requests never exceed it', async () => {
    const a = new RedisRateLimitStore(nodeA.main, prefix);
    const b = new RedisRateLimitStore(nodeB.main, prefix);
    const limit = { max: 5, windowMs: 60_000 };
    const at = Date.now();
    // Ten requests at once, half through each node: exactly five pass.
    const results = await Promise.all(Array.from({ length: 10 }, (_v, i) => consume(i % 2 ? a : b, 'phone:1', limit, at)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    const refused = results.find((r) => !r.allowed) as { retryAfterSeconds: number };
    expect(refused.retryAfterSeconds).toBeGreaterThan(55);
    // Another key has its own allowance; once the window has passed, the first is free again.
    expect((await consume(a, 'phone:2', limit, at)).allowed).toBe(true);
    expect((await consume(b, 'phone:1', limit, at + 60_001)).allowed).toBe(true);
    await b.clear('phone:1');
    await b.clear('phone:2');
  });
});
