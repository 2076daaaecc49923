// Retries for live collection, owned here rather than left to the SDK: the SDK's defaults give
// up after 3 attempts, share a retry quota that throttling drains, and never retry a body that
// fails to parse. Each request (one page) is retried on throttling and transient failures with
// exponential backoff and full jitter, within a bounded number of attempts and a deadline; each
// account × region paces itself (additive increase, multiplicative decrease) after throttling,
// since EC2 throttles per account and region; and one limit caps the requests in flight across
// every account and region of the run.

export interface RetryPolicy {
  /** Attempts per request while it is throttled, the first included. */
  readonly maxAttempts: number;
  /**
   * Attempts per request after other transient failures (5xx, timeouts, a garbled body): fewer,
   * since an endpoint that keeps failing is more likely broken than busy.
   */
  readonly maxTransientAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry starts later than this after the first attempt: a run never hangs on one call. */
  readonly deadlineMs: number;
  /** The gap a throttle opens between request starts of one account × region, and the most it grows to. */
  readonly paceMinMs: number;
  readonly paceMaxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 10,
  maxTransientAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  deadlineMs: 180_000,
  paceMinMs: 50,
  paceMaxMs: 2_000,
};

/**
 * What one sweep (one data kind in one account × region) may take before it fails as a
 * collection error: every run ends, even against an endpoint that pages forever.
 */
export interface SweepBounds {
  /** Pages of one paginated call. */
  readonly maxPages: number;
  /** Time for all of one kind's calls in one account × region, from the first request. */
  readonly timeoutMs: number;
}

/**
 * 10,000 pages is 10 million items at 1,000 a page: a thousand times the largest accounts (50k
 * groups, a few hundred thousand rules are tens to hundreds of pages), while a broken endpoint is
 * cut off after minutes. 30 minutes is ten times a 3-minute retry deadline, and far more than a
 * sweep of hundreds of pages takes even while throttled.
 */
export const DEFAULT_SWEEP_BOUNDS: SweepBounds = { maxPages: 10_000, timeoutMs: 30 * 60_000 };

const THROTTLING = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'SlowDown']);
const TRANSIENT = new Set([
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'MalformedResponse',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The SDK reports an unparseable body as a plain Error ("… XML parse error …"). */
export function isParseError(error: unknown): boolean {
  const e = error as ErrorShape;
  return e?.name === 'Error' && /XML parse error|Unexpected end|not well-formed|Unexpected close tag|Invalid character/i.test(e.message ?? '');
}

/** Why a failed request is worth another try, or undefined when it is not (access denied, bad input). */
export function retryReason(error: unknown): 'throttling' | 'transient' | undefined {
  const e = error as ErrorShape;
  const code = e?.name && e.name !== 'Error' ? e.name : e?.code;
  if (code !== undefined && THROTTLING.has(code)) return 'throttling';
  if ((code !== undefined && TRANSIENT.has(code)) || isParseError(error)) return 'transient';
  const status = e?.$metadata?.httpStatusCode;
  if (status === 429) return 'throttling';
  if (status !== undefined && status >= 500) return 'transient';
  return undefined;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** In [0, 1). */
  random(): number;
}

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/**
 * The pace of one account × region: after a throttle the gap between request starts doubles
 * (from paceMinMs, up to paceMaxMs); each success shrinks it by a tenth, down to no gap at all.
 */
export class Pace {
  private gapMs = 0;
  private nextStart = 0;

  constructor(
    private readonly clock: Clock,
    private readonly policy: Pick<RetryPolicy, 'paceMinMs' | 'paceMaxMs'> = DEFAULT_RETRY,
    /** A gap kept between request starts even without throttling: an API's documented rate (CloudTrail LookupEvents: 2 a second). */
    private readonly floorMs = 0,
  ) {}

  async wait(): Promise<void> {
    const now = this.clock.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + Math.max(this.gapMs, this.floorMs);
    if (start > now) await this.clock.sleep(start - now);
  }

  throttled(): void {
    this.gapMs = Math.min(this.policy.paceMaxMs, Math.max(this.policy.paceMinMs, this.gapMs * 2));
  }

  succeeded(): void {
    this.gapMs = this.gapMs < 5 ? 0 : this.gapMs * 0.9;
  }

  get gap(): number {
    return this.gapMs;
  }
}

/** At most `limit` tasks at once, first come first served. */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

export interface RetryContext {
  readonly policy: RetryPolicy;
  readonly pace: Pace;
  readonly limiter: Limiter;
  readonly clock: Clock;
  /** Told of every retry (for progress and tests). */
  readonly onRetry?: (reason: 'throttling' | 'transient', attempt: number, delayMs: number) => void;
  /** Clock time after which no retry starts (the sweep's deadline), besides the policy's own. */
  readonly deadline?: number;
}

/** Full-jitter exponential backoff: a uniform delay up to base × 2^(attempt-1), capped. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: number): number {
  return Math.floor(random * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

/** Runs `request` until it succeeds, fails for good, or the attempts or the deadline run out (then its last error is thrown). */
export async function withRetry<T>(request: () => Promise<T>, ctx: RetryContext): Promise<T> {
  const started = ctx.clock.now();
  for (let attempt = 1; ; attempt++) {
    await ctx.pace.wait();
    try {
      const result = await ctx.limiter.run(request);
      ctx.pace.succeeded();
      return result;
    } catch (error) {
      const reason = retryReason(error);
      if (reason === 'throttling') ctx.pace.throttled();
      const delay = backoffMs(ctx.policy, attempt, ctx.clock.random());
      const allowed = reason === 'throttling' ? ctx.policy.maxAttempts : ctx.policy.maxTransientAttempts;
      const retryAt = ctx.clock.now() + delay;
      if (!reason || attempt >= allowed || retryAt - started > ctx.policy.deadlineMs || (ctx.deadline !== undefined && retryAt > ctx.deadline)) throw error;
      ctx.onRetry?.(reason, attempt, delay);
      await ctx.clock.sleep(delay);
    }
  }
}
