// Live CloudTrail: LookupEvents over the window, for the calls that can change exposure. Loads
// @aws-sdk/client-cloudtrail only when called (a dynamic import), read-only.
//
// LookupEvents takes one lookup attribute per call, so each event name is its own paginated
// query (MaxResults 50, NextToken), per account and region. CloudTrail allows 2 of these a second
// per account and region: each account × region paces itself to one request start every 500 ms
// (src/collect/retry.ts's Pace, with a floor), widens the gap after throttling, and retries each
// page with backoff. Pairs run side by side. A pair whose calls fail is an error for that pair
// (the others still count); events of other calls are never read as "no change".
import { DEFAULT_RETRY, Limiter, Pace, REAL_CLOCK, withRetry, type Clock, type RetryPolicy } from '../collect/retry.js';
import type { AuditError } from '../engine/evaluate.js';
import type { Where } from './attribute.js';
import { isoTime, readRecord, uniqueEvents, type TrailEvent } from './events.js';

/** One account × region to look up, and with which credentials (see credentialsFor). */
export interface LookupTarget {
  /** The account, when known (a role assumed in it); '' for the caller's own, unnamed. */
  readonly accountId: string;
  readonly region: string;
  /** Event names, each one query (LookupEvents takes one attribute per call). */
  readonly eventNames: readonly string[];
}

export interface LookupPlan {
  readonly targets: readonly LookupTarget[];
  readonly since: Date;
  readonly until: Date;
  readonly profile?: string;
  /** A CloudTrail endpoint (AWS_ENDPOINT_URL_CLOUDTRAIL): a VPC endpoint, or the tests' fake. */
  readonly endpointUrl?: string;
  /** A role to assume; `{account}` stands for each target's account. */
  readonly roleArn?: string;
  readonly externalId?: string;
  /** The gap between request starts of one account × region (default 500 ms: 2 a second). */
  readonly intervalMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
  readonly requestTimeoutMs?: number;
  /** Told of each page fetched. */
  readonly onPage?: (target: LookupTarget, eventName: string) => void;
}

export interface LookupResult {
  readonly events: readonly TrailEvent[];
  readonly covered: readonly Where[];
  readonly errors: readonly AuditError[];
  /** Requests made (pages, retries excluded). */
  readonly calls: number;
}

/** CloudTrail's documented rate for LookupEvents, per account and region. */
export const LOOKUP_INTERVAL_MS = 500;
/** The most LookupEvents returns per page. */
export const LOOKUP_PAGE_SIZE = 50;

const HINTS: Readonly<Record<string, string>> = {
  AccessDeniedException: 'grant cloudtrail:LookupEvents to this identity (the IAM policy of docs/live.md has it)',
  AccessDenied: 'grant cloudtrail:LookupEvents to this identity (the IAM policy of docs/live.md has it)',
  UnrecognizedClientException: 'the credentials are not valid here, or the region is not enabled for the account',
  InvalidClientTokenId: 'the credentials are not valid here, or the region is not enabled for the account',
  ExpiredTokenException: 'refresh the credentials (aws sso login) and run again',
  ThrottlingException: 'CloudTrail kept throttling (2 lookups a second per account and region); run again later, or save the events and pass them as files',
  InvalidTimeRangeException: 'CloudTrail looks up at most the last 90 days; give a later --since',
  ECONNREFUSED: 'nothing answered at the CloudTrail endpoint; check AWS_ENDPOINT_URL_CLOUDTRAIL and the network',
  TimeoutError: 'the CloudTrail endpoint did not answer in time; check the network',
};

function errorOf(error: unknown, target: LookupTarget, eventName: string): AuditError {
  const e = error as { name?: string; code?: string; message?: string };
  const code = e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  const hint = HINTS[code];
  return {
    kind: 'collection',
    accountId: target.accountId || 'unknown',
    region: target.region,
    operation: 'LookupEvents',
    code,
    message: `${(e.message ?? String(error)).split('\n')[0]} (looking up ${eventName})`,
    ...(hint ? { hint } : {}),
  };
}

// Without info(), the SDK skips deep-copying every response for its logger (as live.ts does).
const SILENT_LOGGER = { debug: () => undefined, warn: () => undefined, error: () => undefined };

export async function lookupEvents(plan: LookupPlan): Promise<LookupResult> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const sdk = await import('@aws-sdk/client-cloudtrail');
  const { fromNodeProviderChain, fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  const base = fromNodeProviderChain(plan.profile ? { profile: plan.profile } : {});
  const clock = plan.clock ?? REAL_CLOCK;
  const policy = plan.retry ?? DEFAULT_RETRY;
  const limiter = new Limiter(16);
  const roles = new Map<string, ReturnType<typeof fromTemporaryCredentials>>();
  const credentialsFor = (target: LookupTarget) => {
    if (!plan.roleArn) return base;
    const arn = plan.roleArn.replaceAll('{account}', target.accountId);
    let provider = roles.get(arn);
    if (!provider) {
      provider = fromTemporaryCredentials({
        params: { RoleArn: arn, RoleSessionName: 'sg-audit', ...(plan.externalId ? { ExternalId: plan.externalId } : {}) },
        masterCredentials: base,
        clientConfig: { region: target.region, ...(process.env['AWS_ENDPOINT_URL_STS'] ? { endpoint: process.env['AWS_ENDPOINT_URL_STS'] } : {}) },
      });
      roles.set(arn, provider);
    }
    return provider;
  };

  let calls = 0;
  const events: TrailEvent[] = [];
  const errors: AuditError[] = [];
  const covered: Where[] = [];

  const lookUpTarget = async (target: LookupTarget): Promise<void> => {
    const client = new sdk.CloudTrailClient({
      region: target.region,
      credentials: credentialsFor(target),
      // Retries are ours, per page.
      maxAttempts: 1,
      logger: SILENT_LOGGER as never,
      ...(plan.endpointUrl ? { endpoint: plan.endpointUrl } : {}),
      requestHandler: { connectionTimeout: 5_000, requestTimeout: plan.requestTimeoutMs ?? 60_000, throwOnRequestTimeout: true },
    });
    const retry = { policy, pace: new Pace(clock, policy, plan.intervalMs ?? LOOKUP_INTERVAL_MS), limiter, clock };
    let current = '';
    try {
      for (const eventName of target.eventNames) {
        current = eventName;
        const seen = new Set<string>();
        let token: string | undefined;
        do {
          const input = {
            LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: eventName }],
            StartTime: plan.since,
            EndTime: plan.until,
            MaxResults: LOOKUP_PAGE_SIZE,
            ...(token !== undefined ? { NextToken: token } : {}),
          };
          const page = await withRetry(() => client.send(new sdk.LookupEventsCommand(input)), retry);
          calls++;
          plan.onPage?.(target, eventName);
          for (const item of page.Events ?? []) {
            let record: unknown;
            try {
              record = item.CloudTrailEvent ? JSON.parse(item.CloudTrailEvent) : undefined;
            } catch {
              continue; // a record CloudTrail could not give whole: nothing to match on
            }
            const eventTime = isoTime(item.EventTime instanceof Date ? item.EventTime.toISOString() : item.EventTime);
            const event = readRecord(record, { ...(eventTime ? { eventTime } : {}), ...(item.EventId ? { eventId: item.EventId } : {}) });
            if (event) events.push(event);
          }
          token = page.NextToken || undefined;
          if (token !== undefined) {
            if (seen.has(token)) throw Object.assign(new Error('LookupEvents returned the same page token twice'), { name: 'MalformedResponse' });
            seen.add(token);
          }
        } while (token !== undefined);
      }
      covered.push({ accountId: target.accountId, region: target.region });
    } catch (error) {
      errors.push(errorOf(error, target, current));
    } finally {
      client.destroy();
    }
  };

  await Promise.all(plan.targets.map(lookUpTarget));
  return { events: uniqueEvents(events), covered, errors, calls };
}
