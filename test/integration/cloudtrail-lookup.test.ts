// Live CloudTrail through the real SDK against a fake endpoint (its JSON 1.1 protocol, SigV4
// checked): one lookup attribute per call, every page read, throttling retried, 2 requests a
// second per account and region, a denied region reported while the others still count, and
// nothing but LookupEvents ever called.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { lookupEvents, LOOKUP_INTERVAL_MS } from '../../src/cloudtrail/lookup.js';
import type { Clock } from '../../src/collect/retry.js';
import { useFakeAwsProfile } from '../helpers/cli.js';
import { LOOKUP_TARGETS, startFakeCloudTrail, type FakeCloudTrail } from '../helpers/fake-cloudtrail.js';

const ACCOUNT = '123456789012';
const KEY = 'AKIDCLOUDTRAILTEST';
const SECRET = 'cloudtrail-test-secret';

function authorize(i: number, region: string): Record<string, unknown> {
  const minute = String(i % 60).padStart(2, '0');
  const hour = String(8 + Math.floor(i / 60)).padStart(2, '0');
  return {
    eventTime: `2026-01-01T${hour}:${minute}:00Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'AuthorizeSecurityGroupIngress',
    awsRegion: region,
    recipientAccountId: ACCOUNT,
    eventID: `${region}-${i}`,
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/u${i}` },
    sourceIPAddress: '198.51.100.1',
    requestParameters: { groupId: 'sg-1' },
    responseElements: { securityGroupRuleSet: { items: [{ groupId: 'sg-1', securityGroupRuleId: `sgr-${i}`, ipProtocol: 'tcp', fromPort: i, toPort: i, cidrIpv4: '0.0.0.0/0' }] } },
  };
}

const EVENTS = {
  'us-east-1': Array.from({ length: 120 }, (_, i) => authorize(i, 'us-east-1')),
  'eu-west-1': Array.from({ length: 7 }, (_, i) => authorize(i, 'eu-west-1')),
};

/** Time moves only when something sleeps (pacing, backoff). */
function virtualClock(): Clock & { time: number } {
  const clock = { time: 1_000_000, now: () => clock.time, sleep: async (ms: number) => void (clock.time += ms), random: () => 0.5 };
  return clock;
}

const window = { since: new Date('2026-01-01T00:00:00Z'), until: new Date('2026-01-02T00:00:00Z') };
const targets = [
  { accountId: ACCOUNT, region: 'us-east-1', eventNames: ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress'] },
  { accountId: ACCOUNT, region: 'eu-west-1', eventNames: ['AuthorizeSecurityGroupIngress'] },
];

describe('CloudTrail LookupEvents, live against a fake endpoint', () => {
  before(() => useFakeAwsProfile(KEY, SECRET));
  const servers: FakeCloudTrail[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });
  const start = async (options: Omit<Parameters<typeof startFakeCloudTrail>[0], 'accounts'> = {}) => {
    const server = await startFakeCloudTrail({ accounts: [{ accountId: ACCOUNT, accessKeyId: KEY, secretAccessKey: SECRET, regions: EVENTS }], ...options });
    servers.push(server);
    return server;
  };

  test('every page of every event name, one lookup attribute per call, 2 requests a second per account and region', async () => {
    const clock = virtualClock();
    const server = await start({ maxPageSize: 50, clock: clock.now });
    const result = await lookupEvents({ targets, ...window, profile: 'fake', endpointUrl: server.url, clock });
    assert.deepEqual(result.errors, []);
    assert.equal(result.events.length, 127);
    assert.deepEqual(server.violations, []);
    // 3 pages of Authorize and 1 of Revoke in us-east-1, 1 page in eu-west-1.
    assert.equal(result.calls, 5);
    assert.ok(server.requests.every((r) => LOOKUP_TARGETS.includes(r.target) && r.maxResults === 50 && r.eventName !== undefined));
    assert.deepEqual(result.covered.map((w) => `${w.accountId}/${w.region}`).sort(), [`${ACCOUNT}/eu-west-1`, `${ACCOUNT}/us-east-1`]);
    for (const region of ['us-east-1', 'eu-west-1']) {
      const times = server.requests.filter((r) => r.region === region).map((r) => r.at);
      for (let i = 1; i < times.length; i++) assert.ok((times[i] as number) - (times[i - 1] as number) >= LOOKUP_INTERVAL_MS, `${region}: requests ${LOOKUP_INTERVAL_MS} ms apart at least`);
    }
    assert.equal(LOOKUP_INTERVAL_MS, 500, 'CloudTrail allows 2 LookupEvents a second per account and region');
  });

  test('the pace holds on the real clock too', async () => {
    const server = await start({ maxPageSize: 40 });
    const started = Date.now();
    const result = await lookupEvents({ targets: [{ accountId: ACCOUNT, region: 'us-east-1', eventNames: ['AuthorizeSecurityGroupIngress'] }], ...window, profile: 'fake', endpointUrl: server.url });
    assert.equal(result.events.length, 120);
    // Three pages: the second and third start 500 ms after the one before (arrival times jitter with
    // the first request's set-up; the virtual clock above checks each gap exactly).
    assert.equal(server.requests.length, 3);
    assert.ok(Date.now() - started >= 2 * LOOKUP_INTERVAL_MS - 20);
  });

  test('throttling is retried with backoff, page by page: nothing is lost', async () => {
    const clock = virtualClock();
    const server = await start({ maxPageSize: 50, clock: clock.now, throttle: ({ region, attempt }) => region === 'us-east-1' && attempt < 2 });
    const result = await lookupEvents({ targets, ...window, profile: 'fake', endpointUrl: server.url, clock });
    assert.deepEqual(result.errors, []);
    assert.equal(result.events.length, 127);
    assert.ok(server.requests.filter((r) => r.status === 400).length >= 8, 'each us-east-1 page was throttled twice first');
  });

  test('a region that denies LookupEvents is an error for that region; the other region\'s events still count', async () => {
    const server = await start({ deniedRegions: ['eu-west-1'] });
    const result = await lookupEvents({ targets, ...window, profile: 'fake', endpointUrl: server.url, clock: virtualClock() });
    assert.equal(result.events.length, 120);
    assert.deepEqual(result.covered, [{ accountId: ACCOUNT, region: 'us-east-1' }]);
    assert.equal(result.errors.length, 1);
    const [error] = result.errors;
    assert.equal(error?.code, 'AccessDeniedException');
    assert.equal(error?.region, 'eu-west-1');
    assert.equal(error?.operation, 'LookupEvents');
    assert.match(error?.hint ?? '', /cloudtrail:LookupEvents/);
  });

  test('requests are signed: the fake refuses another secret', async () => {
    const server = await startFakeCloudTrail({ accounts: [{ accountId: ACCOUNT, accessKeyId: KEY, secretAccessKey: 'another-secret', regions: EVENTS }] });
    servers.push(server);
    const result = await lookupEvents({ targets: targets.slice(1), ...window, profile: 'fake', endpointUrl: server.url, clock: virtualClock() });
    assert.equal(result.errors[0]?.code, 'InvalidSignatureException');
  });
});
