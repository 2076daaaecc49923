// A fake CloudTrail endpoint for integration tests: the real @aws-sdk/client-cloudtrail talks to
// it over HTTP, in CloudTrail's JSON 1.1 protocol (POST /, X-Amz-Target naming LookupEvents, a
// JSON body). It verifies
// SigV4 for real, holds each account's events per region, answers LookupEvents as CloudTrail
// does (one lookup attribute at most, MaxResults 1–50, StartTime/EndTime in epoch seconds, newest
// first, opaque NextToken bound to its query) and can throttle or deny. Any other action is
// refused and recorded in `violations`, so a test fails on a call that is not read-only.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * LookupEvents' X-Amz-Target: as the API reference's examples write it, and as the SDK (v3) sends
 * it, the service shape's name alone. CloudTrail takes both.
 */
export const LOOKUP_TARGETS = ['com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents', 'CloudTrail_20131101.LookupEvents'];

export interface TrailAccount {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** CloudTrail records (as a log file's Records[] holds them), per region. */
  readonly regions: Readonly<Record<string, readonly Record<string, unknown>[]>>;
}

export interface LookupRequest {
  readonly target: string;
  readonly accountId: string;
  readonly region: string;
  readonly eventName?: string;
  readonly nextToken?: string;
  readonly maxResults?: number;
  readonly status: number;
  /** When it arrived, by the test's clock (default Date.now). */
  readonly at: number;
}

export interface FakeCloudTrailOptions {
  readonly accounts: readonly TrailAccount[];
  /** Caps every page below MaxResults, to force paging. */
  readonly maxPageSize?: number;
  /** Answer ThrottlingException instead (the request is still recorded). */
  readonly throttle?: (request: { region: string; eventName?: string; attempt: number }) => boolean;
  /** Answer AccessDeniedException for these regions. */
  readonly deniedRegions?: readonly string[];
  readonly clock?: () => number;
}

export interface FakeCloudTrail {
  readonly url: string;
  readonly requests: LookupRequest[];
  readonly violations: string[];
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

function verify(req: IncomingMessage, body: Buffer, accounts: readonly TrailAccount[]): { account: TrailAccount; region: string } {
  const header = req.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(header);
  if (!m) throw new ApiError(400, 'IncompleteSignatureException', 'Authorization header is missing or malformed');
  const [, keyId = '', date = '', region = '', service = '', signedHeaders = '', signature = ''] = m;
  const account = accounts.find((a) => a.accessKeyId === keyId);
  if (!account) throw new ApiError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (service !== 'cloudtrail') throw new ApiError(403, 'InvalidSignatureException', `Credential should be scoped to correct service: 'cloudtrail'.`);
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const names = signedHeaders.split(';');
  if (!amzDate.startsWith(date) || !names.includes('host') || !names.includes('x-amz-target')) {
    throw new ApiError(403, 'InvalidSignatureException', 'host, x-amz-date and x-amz-target must be signed');
  }
  const canonical = [
    req.method ?? 'POST',
    (req.url ?? '/').split('?')[0],
    '',
    ...names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}`),
    '',
    signedHeaders,
    sha256(body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = [date, region, service, 'aws4_request'].reduce<Buffer | string>(hmac, `AWS4${account.secretAccessKey}`);
  if (!timingSafeEqual(hmac(key, toSign), Buffer.from(signature, 'hex'))) {
    throw new ApiError(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
  }
  return { account, region };
}

interface LookupInput {
  LookupAttributes?: { AttributeKey?: string; AttributeValue?: string }[];
  StartTime?: number;
  EndTime?: number;
  MaxResults?: number;
  NextToken?: string;
}

const epoch = (iso: unknown) => Date.parse(String(iso)) / 1000;

export async function startFakeCloudTrail(options: FakeCloudTrailOptions): Promise<FakeCloudTrail> {
  const requests: LookupRequest[] = [];
  const violations: string[] = [];
  const tokens = new Map<string, { query: string; offset: number }>();
  const attempts = new Map<string, number>();
  const clock = options.clock ?? Date.now;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const target = String(req.headers['x-amz-target'] ?? '');
    let input: LookupInput = {};
    try {
      input = JSON.parse(body.toString('utf8') || '{}') as LookupInput;
    } catch {
      // answered below
    }
    const eventName = input.LookupAttributes?.[0]?.AttributeValue;
    const record: { -readonly [K in keyof LookupRequest]: LookupRequest[K] } = {
      target,
      accountId: '',
      region: '',
      ...(eventName !== undefined ? { eventName } : {}),
      ...(input.NextToken !== undefined ? { nextToken: input.NextToken } : {}),
      ...(input.MaxResults !== undefined ? { maxResults: input.MaxResults } : {}),
      status: 0,
      at: clock(),
    };
    requests.push(record);
    const send = (status: number, json: unknown) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(json));
    };
    try {
      if (!LOOKUP_TARGETS.includes(target)) {
        violations.push(`cloudtrail action ${target || '(none)'}`);
        throw new ApiError(400, 'UnknownOperationException', `fake-cloudtrail serves only LookupEvents, not ${target}`);
      }
      const { account, region } = verify(req, body, options.accounts);
      record.accountId = account.accountId;
      record.region = region;
      if (options.deniedRegions?.includes(region)) {
        throw new ApiError(400, 'AccessDeniedException', `User: arn:aws:iam::${account.accountId}:user/test is not authorized to perform: cloudtrail:LookupEvents`);
      }
      const attributes = input.LookupAttributes ?? [];
      if (attributes.length > 1) throw new ApiError(400, 'InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
      const max = input.MaxResults ?? 50;
      if (!Number.isInteger(max) || max < 1 || max > 50) throw new ApiError(400, 'InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
      if (input.StartTime !== undefined && input.EndTime !== undefined && input.StartTime > input.EndTime) {
        throw new ApiError(400, 'InvalidTimeRangeException', 'StartTime must be before EndTime.');
      }
      const query = JSON.stringify([account.accountId, region, attributes, input.StartTime, input.EndTime]);
      const attemptKey = `${query}|${input.NextToken ?? ''}`;
      const attempt = attempts.get(attemptKey) ?? 0;
      attempts.set(attemptKey, attempt + 1);
      if (options.throttle?.({ region, ...(eventName !== undefined ? { eventName } : {}), attempt })) throw new ApiError(400, 'ThrottlingException', 'Rate exceeded');
      let offset = 0;
      if (input.NextToken !== undefined) {
        const state = tokens.get(input.NextToken);
        if (!state || state.query !== query) throw new ApiError(400, 'InvalidNextTokenException', 'Invalid NextToken.');
        offset = state.offset;
      }
      const attribute = attributes[0];
      const matching = (account.regions[region] ?? [])
        .filter((r) => !attribute || (attribute.AttributeKey === 'EventName' && r['eventName'] === attribute.AttributeValue))
        .filter((r) => (input.StartTime === undefined || epoch(r['eventTime']) >= input.StartTime) && (input.EndTime === undefined || epoch(r['eventTime']) <= input.EndTime))
        .sort((a, b) => epoch(b['eventTime']) - epoch(a['eventTime']));
      const size = Math.min(max, options.maxPageSize ?? 50);
      const page = matching.slice(offset, offset + size);
      let next: string | undefined;
      if (offset + page.length < matching.length) {
        next = randomUUID();
        tokens.set(next, { query, offset: offset + page.length });
      }
      send(200, {
        Events: page.map((r) => ({
          EventId: r['eventID'],
          EventName: r['eventName'],
          ReadOnly: String(r['readOnly'] ?? 'false'),
          EventTime: epoch(r['eventTime']),
          EventSource: r['eventSource'],
          Username: String((r['userIdentity'] as { arn?: string } | undefined)?.arn ?? '').split('/').pop(),
          Resources: [],
          CloudTrailEvent: JSON.stringify(r),
        })),
        ...(next ? { NextToken: next } : {}),
      });
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(500, 'InternalServerError', String(e));
      send(error.status, { __type: error.code, message: error.message });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
