import { describe, expect, it } from 'vitest';
import { describeRetry, LoginLimiter } from '../../../../server/auth/loginLimiter.js';
import { consume, MemoryRateLimitStore } from '../../../../server/auth/rateLimitStore.js';

const SECOND = 1000;
const MINUTE = 60_000;

function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const a = (phoneHash = 'phone-a', ip = '10.0.0.1', ownerProven = false) => ({ phoneHash, ip, ownerProven });

describe('login limiter', () => {
  it('counts an attempt before the password is checked: of 40 parallel attempts at most 5 are evaluated', async () => {
    const limiter = new LoginLimiter({}, fakeClock().now);
    const decisions = await Promise.all(Array.from({ length: 40 }, () => limiter.begin(a())));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.at(-1)).toMatchObject({ allowed: false, scope: 'account' });
  });

  it('after the free failures, delays double with each failure and are capped; a success clears them', async () => {
    const clock = fakeClock();
    const limiter = new LoginLimiter({}, clock.now);
    for (let i = 0; i < 5; i++) expect((await limiter.begin(a())).allowed).toBe(true);
    expect(await limiter.begin(a())).toEqual({ allowed: false, retryAfterSeconds: 30, scope: 'account' });
    clock.advance(30 * SECOND);
    expect((await limiter.begin(a())).allowed).toBe(true);
    expect(await limiter.begin(a())).toEqual({ allowed: false, retryAfterSeconds: 60, scope: 'account' });
    clock.advance(60 * SECOND);
    expect((await limiter.begin(a())).allowed).toBe(true);
    expect(await limiter.begin(a())).toMatchObject({ retryAfterSeconds: 120 });
    expect(limiter.delayAfter(40)).toBe(15 * MINUTE);
    await limiter.succeeded(a());
    expect((await limiter.begin(a())).allowed).toBe(true);
  });

  it('the owner with a log-in code passes the account delay the attacker caused, even from the same address', async () => {
    const limiter = new LoginLimiter({}, fakeClock().now);
    for (let i = 0; i < 12; i++) await limiter.begin(a('phone-a', '10.0.0.66'));
    expect((await limiter.begin(a('phone-a', '10.0.0.66'))).allowed).toBe(false);
    expect((await limiter.begin(a('phone-a', '10.0.0.66', true))).allowed).toBe(true);
    expect((await limiter.begin(a('phone-a', '10.0.0.2', true))).allowed).toBe(true);
  });

  it('one address failing on many accounts does not block other people behind it until a much higher limit', async () => {
    const limiter = new LoginLimiter({}, fakeClock().now);
    for (let i = 0; i < 20; i++) await limiter.begin(a(`phone-${i}`, '10.0.0.9'));
    expect((await limiter.begin(a('phone-new', '10.0.0.9'))).allowed).toBe(true);
    for (let i = 0; i < 100; i++) await limiter.begin(a(`phone-x${i}`, '10.0.0.9'));
    expect(await limiter.begin(a('phone-other', '10.0.0.9'))).toMatchObject({ allowed: false, scope: 'ip' });
    expect((await limiter.begin(a('phone-other', '10.0.0.10'))).allowed).toBe(true);
  });

  it('limits one address guessing one account even when the account delay has passed', async () => {
    const clock = fakeClock();
    const limiter = new LoginLimiter({ maxDelayMs: SECOND, baseDelayMs: SECOND }, clock.now);
    for (let i = 0; i < 10; i++) {
      expect((await limiter.begin(a())).allowed).toBe(true);
      clock.advance(SECOND);
    }
    expect(await limiter.begin(a())).toMatchObject({ allowed: false, scope: 'ipAndAccount' });
    expect((await limiter.begin(a('phone-a', '10.0.0.2'))).allowed).toBe(true);
  });

  it('phrases the wait for people', () => {
    expect(describeRetry(1)).toBe('1 second');
    expect(describeRetry(59)).toBe('59 seconds');
    expect(describeRetry(60)).toBe('1 minute');
    expect(describeRetry(601)).toBe('11 minutes');
  });
});

describe('counting rate limits', () => {
  it('allows max per window, then says when the oldest leaves the window; idle keys are swept', async () => {
    const clock = fakeClock();
    const store = new MemoryRateLimitStore();
    const limit = { max: 2, windowMs: MINUTE };
    expect(await consume(store, 'k', limit, clock.now())).toEqual({ allowed: true });
    clock.advance(10 * SECOND);
    expect(await consume(store, 'k', limit, clock.now())).toEqual({ allowed: true });
    expect(await consume(store, 'k', limit, clock.now())).toEqual({ allowed: false, retryAfterSeconds: 50 });
    clock.advance(2 * 24 * 60 * MINUTE);
    await consume(store, 'other', limit, clock.now());
    expect(store.size()).toBe(1);
  });
});
