import {
  FailureLimiter,
  RequestRateLimiter,
  TooManyRequestsError,
} from './rateLimits';

describe('FailureLimiter', () => {
  it('blocks a key from its limit-th failure until the window ends', () => {
    let now = 0;
    const limiter = new FailureLimiter({
      limit: 3,
      windowMs: 60_000,
      now: () => now,
    });
    expect(limiter.fail('k')).toBe(false);
    expect(limiter.fail('k')).toBe(false);
    expect(limiter.blockedFor('k')).toBe(0);
    expect(limiter.fail('k')).toBe(true);
    now = 1_000;
    expect(limiter.blockedFor('k')).toBe(59);
    expect(limiter.blockedFor('other')).toBe(0);
    now = 60_000;
    expect(limiter.blockedFor('k')).toBe(0);
    expect(limiter.fail('k')).toBe(false);
  });
});

describe('RequestRateLimiter', () => {
  it('allows perMinute requests in a burst, then refills at perMinute a minute', () => {
    let now = 0;
    const limiter = new RequestRateLimiter({ perMinute: 2, now: () => now });
    limiter.take('a');
    limiter.take('a');
    let refused: unknown;
    try {
      limiter.take('a');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBe(30);
    expect((refused as TooManyRequestsError).statusCode).toBe(429);
    limiter.take('b');
    now = 30_000;
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow('at most 2 a minute per caller');
  });
});
