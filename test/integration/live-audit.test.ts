// Live audits through the real AWS SDK against the fake EC2 endpoint on 127.0.0.1: pagination,
// retries, signing and errors are exercised for real, and the findings must equal those of the
// same account saved as `aws ec2 describe-*` JSON.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AuditReport } from '../../src/report/types.js';
import { fakeAwsHome, runBin, runMain } from '../helpers/cli.js';
import { startFakeEc2, type Fault, type FakeEc2, type FaultContext } from '../helpers/fake-ec2.js';
import { ACCOUNT_ID, EXPECTED_FINDINGS, acceptanceRegion, writeCliFiles } from '../fixtures/acceptance-account.js';

const KEY = 'AKIDFAKEFAKEFAKE0001';
const SECRET = 'fake-secret-for-tests-only';
const REGIONS = { 'us-east-1': acceptanceRegion('us-east-1', 'a'), 'eu-west-1': acceptanceRegion('eu-west-1', 'b') };

let fault: ((ctx: FaultContext) => Fault | undefined) | undefined;
let fake: FakeEc2;

before(async () => {
  // The SDK reads credentials from the process environment; point it at a throwaway profile.
  const home = fakeAwsHome(KEY, SECRET);
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, {
    HOME: home,
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  fake = await startFakeEc2({
    accounts: [{ accountId: ACCOUNT_ID, accessKeyId: KEY, secretAccessKey: SECRET, regions: REGIONS }],
    // One item a page: every list call the audit makes spans several pages.
    maxPageSize: 1,
    fault: (ctx) => fault?.(ctx),
  });
});

after(async () => {
  await fake.close();
  // Over every test in this file: sg-audit never asked for a mutating action.
  assert.deepEqual(fake.violations, []);
});

const live = (...extra: string[]) =>
  runMain(['--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1', '--region', 'eu-west-1', '--format', 'json', ...extra]);

function summarize(report: AuditReport): string[] {
  return report.findings
    .map((f) => `${f.resource.region} ${f.ruleId} ${f.resource.name} ${f.key.startsWith('vpc/') ? 'vpc/' : f.key}`)
    .sort();
}

const expectedIn = (regions: readonly string[]) =>
  regions.flatMap((region) => EXPECTED_FINDINGS.map((f) => `${region} ${f.replace(/^(\S+) (\S+) (\S+)$/, '$1 $2 $3')}`)).sort();

function reset(): void {
  fault = undefined;
  fake.requests.length = 0;
}

describe('live audit over the fake EC2 endpoint', () => {
  test('finds exactly what RULES.md defines, in both regions, reading every page', async () => {
    reset();
    const { code, stdout, stderr } = await live();
    assert.equal(stderr, '');
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as AuditReport;
    assert.deepEqual(summarize(report), expectedIn(['eu-west-1', 'us-east-1']));
    assert.deepEqual(report.run.accounts, [ACCOUNT_ID]);
    assert.deepEqual(report.run.regions, ['eu-west-1', 'us-east-1']);
    assert.equal(report.summary.securityGroups, 32);
    // One item a page: 16 groups, 17 interfaces, 4 reservations per region, each page requested once.
    const pages = (action: string) => fake.requests.filter((r) => r.action === action && r.region === 'us-east-1');
    assert.equal(pages('DescribeSecurityGroups').length, 16);
    assert.equal(pages('DescribeNetworkInterfaces').length, 17);
    assert.equal(pages('DescribeInstances').length, 4);
    for (const action of ['DescribeSecurityGroups', 'DescribeNetworkInterfaces', 'DescribeInstances']) {
      assert.ok(pages(action).length >= 3, `${action} spans at least three pages`);
      assert.ok(pages(action).every((r) => r.params['MaxResults'] === '1000'), `${action} asks for the largest page size`);
    }
    assert.deepEqual(fake.violations, []);
  });

  test('the same account saved as CLI JSON gives the same findings offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-acceptance-'));
    for (const [region, fixture] of Object.entries(REGIONS)) writeCliFiles(join(dir, region), fixture);
    const offline = await runMain(['--input', dir, '--format', 'json']);
    reset();
    const online = await live();
    assert.equal(offline.code, 1);
    assert.deepEqual(summarize(JSON.parse(offline.stdout) as AuditReport), summarize(JSON.parse(online.stdout) as AuditReport));
  });

  test('a throttled page is retried and the findings do not change', async () => {
    reset();
    fault = (ctx) => (ctx.action === 'DescribeSecurityGroups' && ctx.page === 1 && ctx.attempt === 0 ? { kind: 'throttle' } : undefined);
    const { code, stdout, stderr } = await live();
    assert.equal(code, 1, stderr);
    assert.deepEqual(summarize(JSON.parse(stdout) as AuditReport), expectedIn(['eu-west-1', 'us-east-1']));
    const sgCalls = fake.requests.filter((r) => r.action === 'DescribeSecurityGroups' && r.region === 'us-east-1');
    assert.equal(sgCalls.length, 17, 'sixteen pages plus one retry');
    assert.equal(sgCalls.filter((r) => r.status === 400).length, 1);
  });

  test('access denied in one of two regions: that region is reported, the other audited, exit 3', async () => {
    reset();
    fault = (ctx) =>
      ctx.region === 'eu-west-1' && ctx.action === 'DescribeNetworkInterfaces'
        ? { kind: 'error', status: 403, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation. Encoded authorization failure message: AbC123xyz' }
        : undefined;
    const { code, stdout, stderr } = await live();
    assert.equal(code, 3);
    const report = JSON.parse(stdout) as AuditReport;
    assert.equal(report.summary.status, 'incomplete');
    const collection = report.errors.filter((e) => e.kind === 'collection');
    assert.deepEqual(
      collection.map((e) => [e.region, e.operation, e.code]),
      [['eu-west-1', 'DescribeNetworkInterfaces', 'UnauthorizedOperation']],
    );
    assert.ok(!collection[0]?.message.includes('AbC123xyz'), 'the encoded blob is left out');
    // Rules that need interfaces are errors in eu-west-1, never passes.
    const ruleErrors = report.errors.filter((e) => e.kind === 'rule').map((e) => `${e.region} ${e.ruleId}`).sort();
    assert.deepEqual(ruleErrors, ['eu-west-1 default-sg-in-use', 'eu-west-1 unused-sg']);
    // us-east-1 is complete; eu-west-1 still has the findings of rules that did not need interfaces.
    const found = summarize(report);
    assert.deepEqual(found.filter((f) => f.startsWith('us-east-1')), expectedIn(['us-east-1']));
    assert.ok(!found.some((f) => f.startsWith('eu-west-1 unused-sg') || f.startsWith('eu-west-1 default-sg-in-use')));
    assert.ok(found.includes('eu-west-1 ssh-open-to-internet ssh-ipv6-only tcp/22'));
    assert.match(stderr, /eu-west-1 DescribeNetworkInterfaces: UnauthorizedOperation/);
  });

  test('a page that is not an EC2 response is an error, not a shorter list', async () => {
    reset();
    fault = (ctx) => (ctx.region === 'us-east-1' && ctx.action === 'DescribeInstances' && ctx.page === 0 ? { kind: 'malformed' } : undefined);
    const { code, stdout } = await live('--rule', 'sg-shared-by-all-instances');
    assert.equal(code, 3);
    const report = JSON.parse(stdout) as AuditReport;
    assert.deepEqual(
      report.errors.filter((e) => e.kind === 'collection').map((e) => [e.region, e.operation, e.code]),
      [['us-east-1', 'DescribeInstances', 'MalformedResponse']],
    );
  });

  test('only the data the enabled rules need is fetched', async () => {
    reset();
    const { code } = await live('--rule', 'ssh-open-to-internet');
    assert.equal(code, 1);
    assert.deepEqual(Object.keys(fake.countByAction()).sort(), ['DescribeSecurityGroups']);
  });

  test('with a custom endpoint and no STS endpoint, STS is never called; with one, the account comes from STS', async () => {
    reset();
    await live('--rule', 'unused-sg');
    assert.equal(fake.requests.filter((r) => r.service === 'sts').length, 0);
    reset();
    process.env['AWS_ENDPOINT_URL_STS'] = fake.url;
    try {
      const { stdout } = await live('--rule', 'unused-sg');
      assert.deepEqual((JSON.parse(stdout) as AuditReport).run.accounts, [ACCOUNT_ID]);
      assert.equal(fake.requests.filter((r) => r.service === 'sts' && r.action === 'GetCallerIdentity').length, 1);
    } finally {
      delete process.env['AWS_ENDPOINT_URL_STS'];
    }
  });

  test('--region all audits every region enabled for the account', async () => {
    reset();
    const { stdout } = await runMain(['--profile', 'fake', '--endpoint-url', fake.url, '--region', 'all', '--format', 'json', '--rule', 'unused-sg']);
    assert.deepEqual((JSON.parse(stdout) as AuditReport).run.regions, ['eu-west-1', 'us-east-1']);
    assert.equal(fake.countByAction()['DescribeRegions'], 1);
  });

  test('collect saves a snapshot that audits offline to the same findings', async () => {
    reset();
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-snap-'));
    const file = join(dir, 'snapshot.json');
    const saved = await runMain(['collect', '--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1', '--region', 'eu-west-1', '--output', file]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.deepEqual(Object.keys(fake.countByAction()).sort(), ['DescribeInstances', 'DescribeNetworkInterfaces', 'DescribeSecurityGroups', 'DescribeVpcs']);
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { sgAuditSnapshot: number; scopes: unknown[] };
    assert.equal(snapshot.sgAuditSnapshot, 1);
    assert.equal(snapshot.scopes.length, 2);
    const offline = await runMain(['--input', file, '--format', 'json']);
    assert.deepEqual(summarize(JSON.parse(offline.stdout) as AuditReport), expectedIn(['eu-west-1', 'us-east-1']));
  });

  test('the binary, run as a user would, prints no SDK warnings and exits 1', async () => {
    const home = fakeAwsHome(KEY, SECRET, 'us-east-1');
    const { code, stdout, stderr } = await runBin(['--profile', 'fake', '--endpoint-url', fake.url, '--rule', 'ssh-open-to-internet'], { HOME: home });
    assert.equal(stderr, '');
    assert.equal(code, 1);
    assert.match(stdout, /ssh-ipv6-only/);
    assert.match(stdout, /1 region/);
  });
});
