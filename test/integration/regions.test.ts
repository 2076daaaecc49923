// A --region that is not a region stops the run (issue 13 case 8, issue 12 item 8). Offline, a
// --region must be in the input (several narrow the audit to them), and one given to files
// that do not say their region must be a region the AWS SDK knows; the SDK is never loaded for
// it. Live, a name the SDK does not know is checked against the account's DescribeRegions
// (regions appear before the SDK knows them); unknown to both is exit 2 with a did-you-mean.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parsePartitions, partitionsDataPath, sdkPartitions, sdkRegions } from '../../src/collect/regions.js';
import type { AuditReport } from '../../src/report/types.js';
import { group, tcp } from '../helpers/builders.js';
import { BIN, REPO_ROOT, runMain, useFakeAwsProfile } from '../helpers/cli.js';
import { startFakeEc2, type FakeEc2, type Fault, type FaultContext } from '../helpers/fake-ec2.js';
import { ACCOUNT_ID, acceptanceRegion } from '../fixtures/acceptance-account.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo-account');

/** A saved account whose data says nothing of its region (no ARNs, no zones, no region folder). */
function regionless(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'sgaudit_regions_')), 'good');
  mkdirSync(dir);
  writeFileSync(join(dir, 'describe-security-groups.json'), JSON.stringify({ SecurityGroups: [group({ id: 'sg-0000000000000007', ingress: [tcp(22, '0.0.0.0/0')] })] }));
  return dir;
}

const regionsOf = (stdout: string) => (JSON.parse(stdout) as AuditReport).run.regions;

describe('the AWS SDK\'s partitions data', () => {
  test('is found in the installed SDK and read as data: every partition, real regions only', () => {
    assert.ok(existsSync(partitionsDataPath()), partitionsDataPath());
    const partitions = sdkPartitions();
    assert.ok(partitions, 'the SDK\'s partitions data parses');
    const ids = partitions.map((p) => p.id);
    for (const id of ['aws', 'aws-cn', 'aws-us-gov']) assert.ok(ids.includes(id), id);
    const regions = sdkRegions();
    for (const r of ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1']) assert.ok(regions.includes(r), r);
    assert.ok(!regions.includes('aws-global'), 'pseudo-regions left out');
  });

  test('the bundle carries the same data as a plain file (lib/aws-partitions.json), so an installed sg-audit needs no node_modules', () => {
    const bundled = join(REPO_ROOT, 'lib', 'aws-partitions.json');
    assert.ok(existsSync(bundled), 'npm run build writes lib/aws-partitions.json');
    assert.deepEqual(parsePartitions(readFileSync(bundled, 'utf8')), parsePartitions(readFileSync(partitionsDataPath(), 'utf8')));
  });

  test('anything not of the expected shape is undefined (the shape check is then all that is left)', () => {
    assert.equal(parsePartitions('export const x = 1;'), undefined);
    assert.equal(parsePartitions('{"partitions": [{"id": "aws"}]}'), undefined);
    assert.deepEqual(parsePartitions('export const p = {"partitions":[{"id":"x","regionRegex":"^xx-\\\\w+-\\\\d+$","regions":{"xx-a-1":{},"x-global":{}}}]};'), [
      { id: 'x', regions: ['xx-a-1'] },
    ]);
  });
});

describe('offline --region', () => {
  test('a region the SDK does not know, given to files that do not say theirs: exit 2, with a did-you-mean', async () => {
    const input = regionless();
    const bogus = await runMain(['--input', input, '--region', 'bogus-1']);
    assert.equal(bogus.code, 2);
    assert.equal(bogus.stdout, '');
    assert.match(bogus.stderr, /^sg-audit: error: --region bogus-1 is not an AWS region — name the region/);
    const typo = await runMain(['--input', input, '--region', 'us-eest-1']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /--region us-eest-1 is not an AWS region \(did you mean us-east-1\?\)/);
    const good = await runMain(['--input', input, '--region', 'us-east-1', '--format', 'json']);
    assert.equal(good.code, 1);
    assert.deepEqual(regionsOf(good.stdout), ['us-east-1']);
  });

  test('a region the input does not hold: exit 2 with the closest one it holds', async () => {
    const { code, stderr } = await runMain(['--input', DEMO, '--region', 'eu-wset-1']);
    assert.equal(code, 2);
    assert.match(stderr, /--region eu-wset-1: the input has no data for this region \(did you mean eu-west-1\?\) — it holds eu-west-1, us-east-1/);
    const absent = await runMain(['--input', DEMO, '--region', 'ap-south-1']);
    assert.equal(absent.code, 2);
    assert.match(absent.stderr, /--region ap-south-1: the input has no data for this region —/);
  });

  test('--region narrows a two-region input to the region named (it was silently ignored)', async () => {
    const both = await runMain(['--input', DEMO, '--format', 'json']);
    assert.deepEqual(regionsOf(both.stdout), ['eu-west-1', 'us-east-1']);
    const one = await runMain(['--input', DEMO, '--region', 'eu-west-1', '--format', 'json']);
    const report = JSON.parse(one.stdout) as AuditReport;
    assert.deepEqual(report.run.regions, ['eu-west-1']);
    assert.ok(report.findings.length > 0 && report.findings.every((f) => f.resource.region === 'eu-west-1'));
    assert.ok(report.warnings.some((w) => /left out region of the input not named: us-east-1/.test(w)));
    const repeated = await runMain(['--input', DEMO, '--region', 'eu-west-1', '--region', 'us-east-1', '--format', 'json']);
    assert.deepEqual(regionsOf(repeated.stdout), ['eu-west-1', 'us-east-1']);
  });

  test('several --region and files that do not say their region: exit 2, asking for a region folder', async () => {
    const { code, stderr } = await runMain(['--input', regionless(), '--region', 'us-east-1', '--region', 'eu-west-1']);
    assert.equal(code, 2);
    assert.match(stderr, /describe-security-groups\.json: its data does not say its region, and --region names 2 — put it in a folder named after its region/);
  });

  test('checking a region offline never loads the AWS SDK', () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'sg-audit-trace-')), 'loads.txt');
    const hook = join(REPO_ROOT, 'test', 'fixtures', 'trace-sdk-loads.mjs');
    for (const region of ['us-east-1', 'us-eest-1']) {
      const run = spawnSync(process.execPath, ['--import', hook, BIN, '--input', regionless(), '--region', region], {
        env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), NO_COLOR: '1', SG_AUDIT_TRACE_FILE: trace },
        encoding: 'utf8',
      });
      assert.equal(run.status, region === 'us-east-1' ? 1 : 2, run.stderr);
    }
    assert.equal(existsSync(trace) ? readFileSync(trace, 'utf8') : '', '');
  });
});

describe('live --region', () => {
  const KEY = 'AKIDFAKEREGIONS00001';
  const SECRET = 'fake-secret-for-region-tests';
  let fake: FakeEc2;
  let fault: ((ctx: FaultContext) => Fault | undefined) | undefined;

  before(async () => {
    useFakeAwsProfile(KEY, SECRET);
    fake = await startFakeEc2({
      accounts: [
        {
          accountId: ACCOUNT_ID,
          accessKeyId: KEY,
          secretAccessKey: SECRET,
          // eu-future-1: a region the account has and the installed SDK does not know yet.
          regions: { 'us-east-1': acceptanceRegion('us-east-1', 'a'), 'eu-future-1': acceptanceRegion('eu-future-1', 'b') },
        },
      ],
      fault: (ctx) => fault?.(ctx),
    });
  });

  after(async () => {
    await fake.close();
    assert.deepEqual(fake.violations, []);
  });

  const live = (...args: string[]) => runMain(['--profile', 'fake', '--endpoint-url', fake.url, '--format', 'json', '--quiet', ...args]);
  const sweepsSince = (since: number) => fake.requests.slice(since).filter((r) => r.action !== 'DescribeRegions').length;

  test('a typo (unknown to the SDK and to the account): exit 2 with a did-you-mean, nothing collected', async () => {
    const since = fake.requests.length;
    const { code, stdout, stderr } = await live('--region', 'us-eest-1');
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^sg-audit: error: --region us-eest-1: not a region of the account, nor one the AWS SDK knows \(did you mean us-east-1\?\)/);
    assert.equal(sweepsSince(since), 0);
    // The account was asked (every region of the partition) before refusing.
    assert.deepEqual(fake.requests.slice(since).map((r) => [r.action, r.params['AllRegions']]), [['DescribeRegions', 'true']]);
  });

  test('a region the SDK knows is not asked about', async () => {
    const since = fake.requests.length;
    const { code } = await live('--region', 'us-east-1');
    assert.equal(code, 1);
    assert.equal(fake.requests.slice(since).filter((r) => r.action === 'DescribeRegions').length, 0);
  });

  test('a region the SDK does not know but the account lists is audited', async () => {
    const { code, stdout, stderr } = await live('--region', 'eu-future-1');
    assert.equal(code, 1, stderr);
    assert.deepEqual(regionsOf(stdout), ['eu-future-1']);
  });

  test('unknown to the SDK when the account\'s list cannot be read: exit 2, saying why', async () => {
    fault = (ctx) => (ctx.action === 'DescribeRegions' ? { kind: 'error', status: 403, code: 'UnauthorizedOperation' } : undefined);
    const { code, stderr } = await live('--region', 'us-east-1', '--region', 'eu-future-1');
    fault = undefined;
    assert.equal(code, 2);
    assert.match(stderr, /--region eu-future-1: not a region the AWS SDK knows, and the account's region list could not be read \(DescribeRegions: UnauthorizedOperation\)/);
  });

  test('--region all is still valid', async () => {
    const { code, stdout } = await live('--region', 'all');
    assert.equal(code, 1);
    assert.deepEqual(regionsOf(stdout), ['eu-future-1', 'us-east-1']);
  });
});
