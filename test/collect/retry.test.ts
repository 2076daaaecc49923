// The retry policy of live collection, on a fake clock: what is retried, how often, how long.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffMs, DEFAULT_RETRY, Limiter, Pace, retryReason, withRetry, type Clock, type RetryContext } from '../../src/collect/retry.js';

/** Time moves only when something sleeps; random is fixed. */
function fakeClock(random = 0.5): Clock & { slept: number[]; time: number } {
  const clock = {
    time: 0,
    slept: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.time += ms;
    },
    random: () => random,
  };
  return clock;
}

const named = (name: string, status?: number) => Object.assign(new Error(name), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

function context(clock: Clock, overrides: Partial<RetryContext['policy']> = {}): RetryContext {
  const policy = { ...DEFAULT_RETRY, ...overrides };
  return { policy, pace: new Pace(clock, policy), limiter: new Limiter(4), clock };
}

/** A request that fails with the given errors in turn, then answers "ok". */
function failing(...errors: Error[]): { request: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    request: async () => {
      const error = errors[calls++];
      if (error) throw error;
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('retryReason', () => {
  const cases: [string, unknown, string | undefined][] = [
    ['EC2 throttling', named('RequestLimitExceeded', 503), 'throttling'],
    ['STS throttling', named('Throttling', 400), 'throttling'],
    ['HTTP 429', named('Whatever', 429), 'throttling'],
    ['a 500', named('InternalError', 500), 'transient'],
    ['a 503 of another name', named('Unknown', 503), 'transient'],
    ['a timeout', named('TimeoutError'), 'transient'],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient'],
    ['an XML parse error (a plain Error from the SDK)', new Error('char \'<\' is not expected.:1:1\n  Deserialization error: XML parse error'), 'transient'],
    ['a page that is not an EC2 response', named('MalformedResponse'), 'transient'],
    ['access denied', named('UnauthorizedOperation', 403), undefined],
    ['a disabled region', named('AuthFailure', 401), undefined],
    ['a bad parameter', named('InvalidParameterValue', 400), undefined],
    ['nothing listening', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), undefined],
  ];
  for (const [name, error, expected] of cases) test(name, () => assert.equal(retryReason(error), expected));
});

describe('withRetry', () => {
  test('throttled 5 times, then answered: 6 attempts, with growing jittered delays', async () => {
    const clock = fakeClock();
    const { request, calls } = failing(...Array.from({ length: 5 }, () => named('RequestLimitExceeded', 503)));
    assert.equal(await withRetry(request, context(clock)), 'ok');
    assert.equal(calls(), 6);
    // Each retry sleeps its backoff (and, once throttled, the pace's gap): the backoffs grow.
    const backoffs = [1, 2, 3, 4, 5].map((attempt) => backoffMs(DEFAULT_RETRY, attempt, 0.5));
    for (const delay of backoffs) assert.ok(clock.slept.includes(delay), `slept ${delay} ms`);
  });

  test('throttling is retried up to maxAttempts, then its error is thrown', async () => {
    const clock = fakeClock();
    const { request, calls } = failing(...Array.from({ length: 50 }, () => named('RequestLimitExceeded', 503)));
    await assert.rejects(withRetry(request, context(clock)), { name: 'RequestLimitExceeded' });
    assert.equal(calls(), DEFAULT_RETRY.maxAttempts);
  });

  test('other transient failures get fewer attempts (a broken endpoint is not a busy one)', async () => {
    const clock = fakeClock();
    const { request, calls } = failing(...Array.from({ length: 50 }, () => named('InternalError', 500)));
    await assert.rejects(withRetry(request, context(clock)), { name: 'InternalError' });
    assert.equal(calls(), DEFAULT_RETRY.maxTransientAttempts);
  });

  test('a final error is thrown at once, without sleeping', async () => {
    const clock = fakeClock();
    const { request, calls } = failing(named('UnauthorizedOperation', 403));
    await assert.rejects(withRetry(request, context(clock)), { name: 'UnauthorizedOperation' });
    assert.equal(calls(), 1);
    assert.deepEqual(clock.slept, []);
  });

  test('no retry starts past the deadline', async () => {
    const clock = fakeClock(0.999);
    const { request, calls } = failing(...Array.from({ length: 50 }, () => named('RequestLimitExceeded', 503)));
    await assert.rejects(withRetry(request, context(clock, { deadlineMs: 3_000, maxAttempts: 50 })));
    assert.ok(clock.time <= 3_000 + DEFAULT_RETRY.paceMaxMs, `gave up at ${clock.time} ms`);
    assert.ok(calls() < 10);
  });

  test('backoff: full jitter under base × 2^(attempt-1), capped', () => {
    assert.equal(backoffMs(DEFAULT_RETRY, 1, 0.5), 100);
    assert.equal(backoffMs(DEFAULT_RETRY, 3, 0.5), 400);
    assert.equal(backoffMs(DEFAULT_RETRY, 20, 0.5), DEFAULT_RETRY.maxDelayMs / 2);
    assert.equal(backoffMs(DEFAULT_RETRY, 4, 0), 0);
  });
});

describe('Pace', () => {
  test('a throttle opens a gap between request starts, doubling to the cap; successes close it', async () => {
    const clock = fakeClock();
    const pace = new Pace(clock, DEFAULT_RETRY);
    assert.equal(pace.gap, 0);
    pace.throttled();
    assert.equal(pace.gap, DEFAULT_RETRY.paceMinMs);
    for (let i = 0; i < 20; i++) pace.throttled();
    assert.equal(pace.gap, DEFAULT_RETRY.paceMaxMs);
    await pace.wait();
    await pace.wait();
    assert.deepEqual(clock.slept, [DEFAULT_RETRY.paceMaxMs]);
    for (let i = 0; i < 200; i++) pace.succeeded();
    assert.equal(pace.gap, 0);
  });
});

describe('Limiter', () => {
  test('never more than the limit in flight, and every task runs', async () => {
    const limiter = new Limiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          peak = Math.max(peak, ++active);
          await new Promise((resolve) => setTimeout(resolve, 1));
          active--;
          return i;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i));
  });
});
