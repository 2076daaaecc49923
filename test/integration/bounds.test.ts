// Live collection always ends (issue 13, case 4): an endpoint that hands out a new NextToken on
// every page would otherwise be paged forever. Every sweep is bounded in pages (--max-pages,
// SG_AUDIT_MAX_PAGES) and in time (--sweep-timeout, SG_AUDIT_SWEEP_TIMEOUT); hitting a bound is a
// collection error for that kind, region and account (exit 3), never a partial list.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { collectLive } from '../../src/collect/live.js';
import { DEFAULT_SWEEP_BOUNDS } from '../../src/collect/retry.js';
import { sweepBoundsOf } from '../../src/cli/live-bounds.js';
import { DATA_KINDS } from '../../src/model/kinds.js';
import type { AuditReport } from '../../src/report/types.js';
import { fakeAwsHome, runBin, runMain, useFakeAwsProfile } from '../helpers/cli.js';
import { startFakeEc2, type Fault, type FakeEc2, type FaultContext } from '../helpers/fake-ec2.js';
import { ACCOUNT_ID, acceptanceRegion } from '../fixtures/acceptance-account.js';

const KEY = 'AKIDFAKEBOUNDS000001';
const SECRET = 'fake-secret-for-bound-tests';

let fault: ((ctx: FaultContext) => Fault | undefined) | undefined;
let fake: FakeEc2;

before(async () => {
  useFakeAwsProfile(KEY, SECRET);
  fake = await startFakeEc2({
    accounts: [{ accountId: ACCOUNT_ID, accessKeyId: KEY, secretAccessKey: SECRET, regions: { 'us-east-1': acceptanceRegion('us-east-1', 'a') } }],
    fault: (ctx) => fault?.(ctx),
  });
});

after(async () => {
  await fake.close();
  assert.deepEqual(fake.violations, []);
});

const endless = (action: string) => (ctx: FaultContext): Fault | undefined => (ctx.action === action ? { kind: 'endlessToken' } : undefined);
const callsOf = (action: string, since: number) => fake.requests.slice(since).filter((r) => r.action === action).length;

async function auditJson(...extra: string[]): Promise<{ code: number; report: AuditReport | undefined; stderr: string }> {
  const { code, stdout, stderr } = await runMain(['--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1', '--format', 'json', '--quiet', ...extra]);
  return { code, report: stdout ? (JSON.parse(stdout) as AuditReport) : undefined, stderr };
}

describe('every sweep ends', () => {
  test('a page token that changes forever: --max-pages ends the sweep as a collection error, exit 3', async () => {
    fault = endless('DescribeSecurityGroups');
    const since = fake.requests.length;
    const { code, report, stderr } = await auditJson('--max-pages', '25');
    fault = undefined;
    assert.equal(code, 3, stderr);
    assert.equal(callsOf('DescribeSecurityGroups', since), 25);
    const error = report?.errors.find((e) => e.kind === 'collection' && e.operation === 'DescribeSecurityGroups');
    assert.equal(error?.code, 'PageLimitExceeded');
    assert.match(error?.message ?? '', /still had more pages after 25/);
    assert.match(error?.hint ?? '', /--max-pages/);
    assert.equal(report?.summary.status, 'incomplete');
  });

  test('--sweep-timeout ends a sweep that pages on, however few pages it has read', async () => {
    fault = endless('DescribeNetworkInterfaces');
    const started = Date.now();
    const { code, report } = await auditJson('--sweep-timeout', '2s');
    fault = undefined;
    assert.equal(code, 3);
    assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
    const error = report?.errors.find((e) => e.kind === 'collection' && e.operation === 'DescribeNetworkInterfaces');
    assert.equal(error?.code, 'SweepTimeout');
    assert.match(error?.hint ?? '', /--sweep-timeout/);
  });

  test('the per-id calls are bounded too (GetManagedPrefixListEntries)', async () => {
    fault = endless('GetManagedPrefixListEntries');
    const snapshot = await collectLive({
      regions: ['us-east-1'],
      kinds: DATA_KINDS,
      profile: 'fake',
      endpointUrl: fake.url,
      sweep: { maxPages: 10, timeoutMs: 60_000 },
    });
    fault = undefined;
    const entries = snapshot.scopes[0]?.kinds.prefixListEntries;
    assert.equal(entries?.status, 'error');
    assert.equal(entries?.status === 'error' ? entries.error.code : '', 'PageLimitExceeded');
    assert.equal(snapshot.scopes[0]?.kinds.securityGroups?.status, 'ok');
  });

  test('SG_AUDIT_MAX_PAGES bounds a run from the environment (the built binary)', async () => {
    fault = endless('DescribeSubnets');
    const home = fakeAwsHome(KEY, SECRET);
    const { code, stderr } = await runBin(
      ['--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1', '--format', 'json', '--quiet'],
      { HOME: home, AWS_SHARED_CREDENTIALS_FILE: `${home}/.aws/credentials`, AWS_CONFIG_FILE: `${home}/.aws/config`, SG_AUDIT_MAX_PAGES: '12' },
    );
    fault = undefined;
    assert.equal(code, 3);
    assert.match(stderr, /PageLimitExceeded: DescribeSubnets still had more pages after 12 .*--max-pages/);
  });

  test('a run whose every call fits in one page is not affected by --max-pages 1', async () => {
    fault = undefined;
    const { code, report } = await auditJson('--max-pages', '1');
    assert.equal(report?.errors.length, 0);
    assert.equal(code, 1);
  });
});

describe('the bounds as flags and variables', () => {
  test('defaults, flags over variables, units', () => {
    assert.deepEqual(sweepBoundsOf({}, {}), DEFAULT_SWEEP_BOUNDS);
    assert.deepEqual(DEFAULT_SWEEP_BOUNDS, { maxPages: 10_000, timeoutMs: 1_800_000 });
    assert.deepEqual(sweepBoundsOf({ maxPages: '50' }, { SG_AUDIT_MAX_PAGES: '7' }), { maxPages: 50, timeoutMs: 1_800_000 });
    assert.deepEqual(sweepBoundsOf({}, { SG_AUDIT_MAX_PAGES: '7', SG_AUDIT_SWEEP_TIMEOUT: '90' }), { maxPages: 7, timeoutMs: 90_000 });
    assert.equal(sweepBoundsOf({ sweepTimeout: '45m' }, {}).timeoutMs, 2_700_000);
    assert.equal(sweepBoundsOf({ sweepTimeout: '2h' }, {}).timeoutMs, 7_200_000);
  });

  test('a bad value is exit 2 before anything is called', async () => {
    const since = fake.requests.length;
    for (const [flags, env, pattern] of [
      [['--max-pages', '0'], {}, /--max-pages 0: not a page count/],
      [['--max-pages', 'lots'], {}, /--max-pages lots: not a page count/],
      [['--sweep-timeout', 'soon'], {}, /--sweep-timeout soon: not a duration/],
      [[], { SG_AUDIT_SWEEP_TIMEOUT: '0' }, /SG_AUDIT_SWEEP_TIMEOUT 0: not a duration/],
    ] as const) {
      const { code, stderr } = await runMain(['--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1', ...flags], env);
      assert.equal(code, 2, stderr);
      assert.match(stderr, pattern);
    }
    assert.equal(fake.requests.length, since);
  });
});
