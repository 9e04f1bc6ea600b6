/**
 * Where rate-limit counters live. The one implementation keeps them in this process's memory,
 * which is right for one server process; a deployment with several processes plugs in a shared
 * store (Redis: one Lua script or WATCH/MULTI per `reserve`) behind the same interface, otherwise
 * each process grants its own allowance.
 *
 * `reserve` is the only way to count: it decides and records in one step, so parallel requests
 * cannot all be judged against the count from before any of them was recorded.
 */

export type Histories = Record<string, number[]>;

export interface RateLimitStore {
  /**
   * Atomically: read the event times of `keys` within `windowMs` (oldest first), ask `decide`,
   * and when it says `record`, append `at` to each key in `recordOn` (default: all keys).
   */
  reserve<D extends { record: boolean; recordOn?: string[] }>(keys: string[], windowMs: number, at: number, decide: (h: Histories) => D): Promise<D>;
  /** Forget a key's events (a successful log-in clears the account's failures). */
  clear(key: string): Promise<void>;
  /** Number of keys held, for tests and metrics. */
  size(): number;
}

/** Keeps at most `maxPerKey` recent times per key; idle keys are swept so memory stays bounded. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly entries = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(private readonly maxPerKey = 1000) {}

  reserve<D extends { record: boolean; recordOn?: string[] }>(keys: string[], windowMs: number, at: number, decide: (h: Histories) => D): Promise<D> {
    this.sweep(at, windowMs);
    const histories: Histories = {};
    for (const key of keys) histories[key] = (this.entries.get(key) ?? []).filter((t) => t > at - windowMs);
    // No await between reading and writing: within one process this is atomic.
    const decision = decide(histories);
    if (decision.record) {
      for (const key of decision.recordOn ?? keys) {
        const times = histories[key] ?? (this.entries.get(key) ?? []).filter((t) => t > at - windowMs);
        times.push(at);
        if (times.length > this.maxPerKey) times.splice(0, times.length - this.maxPerKey);
        this.entries.set(key, times);
      }
    }
    return Promise.resolve(decision);
  }

  clear(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  size(): number {
    return this.entries.size;
  }

  /** Once a minute, drop keys whose newest event is older than the longest window in use (a day at most). */
  private sweep(now: number, windowMs: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const horizon = Math.max(windowMs, 24 * 60 * 60 * 1000);
    for (const [key, times] of this.entries) {
      const newest = times[times.length - 1];
      if (newest === undefined || newest <= now - horizon) this.entries.delete(key);
    }
  }
}

/** "Please try again in 15 minutes." with the smallest sensible unit. */
export function describeRetry(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export function describeRetryZh(seconds: number): string {
  return seconds < 60 ? `${seconds}秒` : `${Math.ceil(seconds / 60)}分钟`;
}

export interface CountLimit {
  max: number;
  windowMs: number;
}

/** A plain "at most `max` per window" counter on top of a store (SMS requests, registrations). */
export async function consume(store: RateLimitStore, key: string, limit: CountLimit, at: number): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  return store.reserve([key], limit.windowMs, at, (h) => {
    const times = h[key] ?? [];
    if (times.length < limit.max) return { record: true, allowed: true as const };
    const freeAt = (times[times.length - limit.max] ?? at) + limit.windowMs;
    return { record: false, allowed: false as const, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - at) / 1000)) };
  }).then((d) => (d.allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: d.retryAfterSeconds }));
}
