/**
 * Slows down password guessing: failed log-ins are counted per account (phone look-up hash,
 * never the phone itself) and per client IP within a sliding window. The account limit stops
 * a targeted attack on one person; the IP limit stops one client spraying many accounts.
 *
 * State is in this process's memory. That is enough for one server process; a multi-process
 * or multi-host deployment must move these counters to the database or Redis, otherwise each
 * process grants its own allowance.
 */

export interface LoginLimits {
  maxFailuresPerPhone: number;
  maxFailuresPerIp: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  maxFailuresPerPhone: 5,
  maxFailuresPerIp: 20,
  windowMs: 15 * 60 * 1000,
};

export type LoginDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: 'phone' | 'ip' };

/** Failure times of one key, oldest first, never more than the limit (older ones cannot matter). */
class FailureLog {
  private readonly entries = new Map<string, number[]>();

  constructor(private readonly max: number) {}

  /** When this key may try again, or undefined if it may try now. */
  blockedUntil(key: string, now: number, windowMs: number): number | undefined {
    const times = this.live(key, now, windowMs);
    if (times.length < this.max) return undefined;
    // Allowed again once the failure that filled the allowance leaves the window.
    const first = times[times.length - this.max] ?? now;
    return first + windowMs;
  }

  record(key: string, now: number, windowMs: number): void {
    const times = this.live(key, now, windowMs);
    times.push(now);
    if (times.length > this.max) times.splice(0, times.length - this.max);
    this.entries.set(key, times);
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  sweep(now: number, windowMs: number): void {
    for (const [key, times] of this.entries) {
      const newest = times[times.length - 1];
      if (newest === undefined || newest <= now - windowMs) this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string, now: number, windowMs: number): number[] {
    const times = (this.entries.get(key) ?? []).filter((t) => t > now - windowMs);
    if (times.length === 0) this.entries.delete(key);
    return times;
  }
}

export class LoginLimiter {
  private readonly limits: LoginLimits;
  private readonly byPhone: FailureLog;
  private readonly byIp: FailureLog;
  private lastSweep: number;

  constructor(
    limits: Partial<LoginLimits> = {},
    /** Injectable so tests can move time without waiting. */
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
    this.byPhone = new FailureLog(this.limits.maxFailuresPerPhone);
    this.byIp = new FailureLog(this.limits.maxFailuresPerIp);
    this.lastSweep = this.now();
  }

  /** Ask before checking the password: a blocked attempt must not reveal whether it was right. */
  check(phoneHash: string, ip: string): LoginDecision {
    const now = this.now();
    this.sweepOccasionally(now);
    const { windowMs } = this.limits;
    const phoneUntil = this.byPhone.blockedUntil(phoneHash, now, windowMs);
    const ipUntil = this.byIp.blockedUntil(ip, now, windowMs);
    if (phoneUntil === undefined && ipUntil === undefined) return { allowed: true };
    const phoneLater = (phoneUntil ?? 0) >= (ipUntil ?? 0);
    const until = Math.max(phoneUntil ?? 0, ipUntil ?? 0);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)), scope: phoneLater ? 'phone' : 'ip' };
  }

  recordFailure(phoneHash: string, ip: string): void {
    const now = this.now();
    this.byPhone.record(phoneHash, now, this.limits.windowMs);
    this.byIp.record(ip, now, this.limits.windowMs);
  }

  /**
   * A correct password clears the account's count. The IP's count stays: otherwise an
   * attacker holding one account could reset the IP limit between guesses at others.
   */
  recordSuccess(phoneHash: string): void {
    this.byPhone.reset(phoneHash);
  }

  /** Number of keys held, for tests and metrics. */
  get trackedKeys(): number {
    return this.byPhone.size + this.byIp.size;
  }

  /** Forget keys whose failures have all left the window, so memory stays bounded. */
  private sweepOccasionally(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    this.byPhone.sweep(now, this.limits.windowMs);
    this.byIp.sweep(now, this.limits.windowMs);
  }
}

/** "Please try again in 15 minutes." with the smallest sensible unit. */
export function describeRetry(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
