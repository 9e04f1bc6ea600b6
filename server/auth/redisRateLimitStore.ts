import crypto from 'node:crypto';
import type { RedisClient } from '../cluster/redis.js';
import type { Histories, RateLimitStore } from './rateLimitStore.js';

const LOCK_MS = 2_000;
const LOCK_RETRY_MS = 5;

/**
 * Rate-limit counters shared by every node (REDIS_URL set): one sorted set of event times per
 * key. `decide` is our own function, so it cannot run inside Redis; instead each key is locked
 * (SET NX, in sorted order so two reservations never wait on each other) while its times are
 * read, decided on and written, which keeps `reserve` atomic across processes as the memory
 * store is within one.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly touched = new Set<string>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async reserve<D extends { record: boolean; recordOn?: string[] }>(keys: string[], windowMs: number, at: number, decide: (h: Histories) => D): Promise<D> {
    const unique = [...new Set(keys)].sort();
    const token = crypto.randomUUID();
    const locked: string[] = [];
    try {
      for (const key of unique) {
        await this.lock(key, token);
        locked.push(key);
      }
      const histories: Histories = {};
      for (const key of unique) {
        const k = this.key(key);
        await this.redis.zRemRangeByScore(k, '-inf', at - windowMs);
        const entries = await this.redis.zRangeWithScores(k, 0, -1);
        histories[key] = entries.map((e) => e.score);
      }
      const decision = decide(histories);
      if (decision.record) {
        for (const key of decision.recordOn ?? unique) {
          const k = this.key(key);
          await this.redis.zAdd(k, { score: at, value: `${at}:${crypto.randomUUID()}` });
          // The longest window in use is a day; an idle key disappears after it.
          await this.redis.pExpire(k, Math.max(windowMs, 24 * 60 * 60 * 1000));
          this.touched.add(key);
        }
      }
      return decision;
    } finally {
      for (const key of locked) await this.unlock(key, token).catch(() => undefined);
    }
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(this.key(key));
    this.touched.delete(key);
  }

  /** Keys this node wrote (the shared count lives in Redis). */
  size(): number {
    return this.touched.size;
  }

  private key(key: string): string {
    return `microcourt:rl:${this.prefix}:${key}`;
  }

  private async lock(key: string, token: string): Promise<void> {
    const deadline = Date.now() + LOCK_MS * 2;
    for (;;) {
      const ok = await this.redis.set(`${this.key(key)}:lock`, token, { NX: true, PX: LOCK_MS });
      if (ok === 'OK') return;
      // A holder that died lets its lock expire after LOCK_MS; past twice that, something is wrong.
      if (Date.now() > deadline) throw new Error(`rate-limit lock on ${key} not obtained`);
      await new Promise((r) => setTimeout(r, LOCK_RETRY_MS));
    }
  }

  private async unlock(key: string, token: string): Promise<void> {
    const lockKey = `${this.key(key)}:lock`;
    // Only our own lock: one that expired and was taken by another node stays.
    if ((await this.redis.get(lockKey)) === token) await this.redis.del(lockKey);
  }
}
