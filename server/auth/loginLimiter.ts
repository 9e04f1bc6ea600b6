/**
 * Slows down password guessing without handing an attacker a lock on someone else's account.
 *
 *  - Per account (phone look-up hash, never the phone): the first few failures are free; after
 *    that each attempt must wait a delay that doubles with every failure (capped). The owner
 *    passes the delay by also giving a one-time log-in code sent to their phone, which a
 *    guesser does not have — so guessing is slowed, but the owner is never locked out.
 *  - Per address and account: one address may not keep guessing one account.
 *  - Per address: a much higher allowance, so one client cannot spray every account, yet the
 *    people behind one office or carrier NAT are not refused because of someone else.
 *
 * Every attempt is counted as a failure *before* the password is checked (`begin`), and a
 * success clears it (`succeeded`). So 40 parallel guesses cannot all be judged against the
 * count from before any of them finished: at most the free allowance is ever evaluated.
 */
import { MemoryRateLimitStore, type RateLimitStore } from './rateLimitStore.js';

export { describeRetry } from './rateLimitStore.js';

export interface LoginLimits {
  /** Failures per account before delays start. */
  freeFailuresPerAccount: number;
  /** First delay once the free failures are used; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  maxFailuresPerIpAndAccount: number;
  maxFailuresPerIp: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  freeFailuresPerAccount: 5,
  baseDelayMs: 30_000,
  maxDelayMs: 15 * 60 * 1000,
  maxFailuresPerIpAndAccount: 10,
  maxFailuresPerIp: 100,
  windowMs: 15 * 60 * 1000,
};

export type LoginScope = 'account' | 'ipAndAccount' | 'ip';
export type LoginDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: LoginScope };

export interface LoginAttempt {
  phoneHash: string;
  ip: string;
  /** The caller gave a valid one-time log-in code for this phone: the per-account delays do not apply. */
  ownerProven?: boolean;
}

const keys = (a: LoginAttempt) => ({ account: `login:acct:${a.phoneHash}`, pair: `login:pair:${a.ip}|${a.phoneHash}`, ip: `login:ip:${a.ip}` });

export class LoginLimiter {
  readonly limits: LoginLimits;

  constructor(
    limits: Partial<LoginLimits> = {},
    /** Injectable so tests can move time without waiting. */
    private readonly now: () => number = Date.now,
    readonly store: RateLimitStore = new MemoryRateLimitStore(),
  ) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  }

  /** The delay the account's failures impose after its newest failure, or 0 while failures are free. */
  delayAfter(failures: number): number {
    const extra = failures - this.limits.freeFailuresPerAccount;
    if (extra < 0) return 0;
    return Math.min(this.limits.baseDelayMs * 2 ** Math.min(extra, 30), this.limits.maxDelayMs);
  }

  /**
   * Ask before checking the password. When allowed, the attempt is already counted as a
   * failure; call `succeeded` if the password was right. A refused attempt counts nothing.
   */
  async begin(attempt: LoginAttempt): Promise<LoginDecision> {
    const at = this.now();
    const k = keys(attempt);
    const { limits } = this;
    return this.store.reserve([k.account, k.pair, k.ip], limits.windowMs, at, (h) => {
      const blocks: { until: number; scope: LoginScope }[] = [];
      const ipTimes = h[k.ip] ?? [];
      if (ipTimes.length >= limits.maxFailuresPerIp) {
        blocks.push({ until: (ipTimes[ipTimes.length - limits.maxFailuresPerIp] ?? at) + limits.windowMs, scope: 'ip' });
      }
      if (!attempt.ownerProven) {
        const pairTimes = h[k.pair] ?? [];
        if (pairTimes.length >= limits.maxFailuresPerIpAndAccount) {
          blocks.push({ until: (pairTimes[pairTimes.length - limits.maxFailuresPerIpAndAccount] ?? at) + limits.windowMs, scope: 'ipAndAccount' });
        }
        const accountTimes = h[k.account] ?? [];
        const delay = this.delayAfter(accountTimes.length);
        const newest = accountTimes[accountTimes.length - 1];
        if (delay > 0 && newest !== undefined && at < newest + delay) blocks.push({ until: newest + delay, scope: 'account' });
      }
      if (blocks.length === 0) return { record: true, decision: { allowed: true } as LoginDecision };
      const worst = blocks.reduce((a, b) => (b.until > a.until ? b : a));
      return {
        record: false,
        decision: { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((worst.until - at) / 1000)), scope: worst.scope } as LoginDecision,
      };
    }).then((r) => r.decision);
  }

  /**
   * The password was right: the account's and this address's count for it are cleared. The
   * address's own count stays, otherwise an attacker holding one account could reset it
   * between guesses at others.
   */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    const k = keys(attempt);
    await Promise.all([this.store.clear(k.account), this.store.clear(k.pair)]);
  }
}
