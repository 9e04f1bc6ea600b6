import { describe, expect, it } from 'vitest';
import { describeRetry, LoginLimiter } from '../../../server/auth/loginLimiter.js';

const MINUTE = 60_000;

function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('login limiter', () => {
  it('allows five failures per phone, blocks the sixth attempt and says when to retry', () => {
    const clock = fakeClock();
    const limiter = new LoginLimiter({}, clock.now);
    for (let i = 0; i < 5; i++) {
      expect(limiter.check('phone-a', '10.0.0.1')).toEqual({ allowed: true });
      limiter.recordFailure('phone-a', '10.0.0.1');
      clock.advance(MINUTE);
    }
    // The first failure was 5 minutes ago, so the window frees up in 10 more minutes.
    expect(limiter.check('phone-a', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 600, scope: 'phone' });
    // Another account from another address is unaffected.
    expect(limiter.check('phone-b', '10.0.0.2')).toEqual({ allowed: true });
  });

  it('slides the window: a failure that is 15 minutes old no longer counts', () => {
    const clock = fakeClock();
    const limiter = new LoginLimiter({}, clock.now);
    for (let i = 0; i < 5; i++) {
      limiter.recordFailure('phone-a', '10.0.0.1');
      clock.advance(MINUTE);
    }
    clock.advance(10 * MINUTE - 1);
    expect(limiter.check('phone-a', '10.0.0.1').allowed).toBe(false);
    clock.advance(1);
    expect(limiter.check('phone-a', '10.0.0.1')).toEqual({ allowed: true });
    // One more failure refills the allowance (the second-oldest failure is still inside).
    limiter.recordFailure('phone-a', '10.0.0.1');
    expect(limiter.check('phone-a', '10.0.0.1')).toMatchObject({ allowed: false, retryAfterSeconds: 60 });
  });

  it('limits one address spraying many phones, and a success does not reset the address', () => {
    const clock = fakeClock();
    const limiter = new LoginLimiter({}, clock.now);
    for (let i = 0; i < 20; i++) limiter.recordFailure(`phone-${i}`, '10.0.0.9');
    limiter.recordSuccess('phone-0');
    expect(limiter.check('phone-new', '10.0.0.9')).toEqual({ allowed: false, retryAfterSeconds: 900, scope: 'ip' });
    expect(limiter.check('phone-new', '10.0.0.10')).toEqual({ allowed: true });
  });

  it('resets the phone count after a successful log-in', () => {
    const clock = fakeClock();
    const limiter = new LoginLimiter({}, clock.now);
    for (let i = 0; i < 4; i++) limiter.recordFailure('phone-a', '10.0.0.1');
    limiter.recordSuccess('phone-a');
    for (let i = 0; i < 4; i++) limiter.recordFailure('phone-a', '10.0.0.1');
    expect(limiter.check('phone-a', '10.0.0.1')).toEqual({ allowed: true });
    limiter.recordFailure('phone-a', '10.0.0.1');
    expect(limiter.check('phone-a', '10.0.0.1').allowed).toBe(false);
  });

  it('honours custom limits and forgets idle keys', () => {
    const clock = fakeClock();
    const limiter = new LoginLimiter({ maxFailuresPerPhone: 2, windowMs: MINUTE }, clock.now);
    limiter.recordFailure('p', 'ip');
    limiter.recordFailure('p', 'ip');
    expect(limiter.check('p', 'ip')).toMatchObject({ allowed: false, retryAfterSeconds: 60 });
    expect(limiter.trackedKeys).toBe(2);
    clock.advance(2 * MINUTE);
    expect(limiter.check('other', 'other-ip')).toEqual({ allowed: true });
    expect(limiter.trackedKeys).toBe(0);
  });

  it('phrases the wait for people', () => {
    expect(describeRetry(1)).toBe('1 second');
    expect(describeRetry(59)).toBe('59 seconds');
    expect(describeRetry(60)).toBe('1 minute');
    expect(describeRetry(601)).toBe('11 minutes');
  });
});
