// `sg-audit exposure` end to end: on the bundled demo account it lists the interfaces that
// instance-exposed-to-internet reports (the same ids, critical first) plus those only authorized
// ports reach; names are sanitized; missing input kinds are one line and exit 2; --output writes
// the file; live, through the fake EC2 endpoint, it matches the same data saved as files, and a
// failed call is exit 3 with the rest still listed.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ExposureReport } from '../../src/report/exposure.js';
import type { AuditReport } from '../../src/report/types.js';
import { REPO_ROOT, runBin, runMain, useFakeAwsProfile } from '../helpers/cli.js';
import { startFakeEc2, type Fault, type FakeEc2, type FaultContext } from '../helpers/fake-ec2.js';
import { assertGolden } from '../helpers/golden.js';
import { ACCOUNT_ID, acceptanceRegion, writeCliFiles } from '../fixtures/acceptance-account.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo-account');
const scratch = () => mkdtempSync(join(tmpdir(), 'sg-audit-exposure-'));

async function exposureJson(...args: string[]): Promise<{ code: number; report: ExposureReport; stderr: string }> {
  const { code, stdout, stderr } = await runMain(['exposure', ...args, '--format', 'json']);
  assert.ok(stdout.startsWith('{'), `no JSON (exit ${code}): ${stderr}`);
  return { code, report: JSON.parse(stdout) as ExposureReport, stderr };
}

describe('sg-audit exposure on the demo account', () => {
  test('lists the interfaces instance-exposed-to-internet reports, critical first, then those only authorized ports reach', async () => {
    const audit = await runMain(['--input', DEMO, '--rule', 'instance-exposed-to-internet', '--format', 'json']);
    const flagged = (JSON.parse(audit.stdout) as AuditReport).findings.map((f) => f.resource.id);
    // EXPECTED.md "Reachability facts" and the rule's table: six interfaces.
    assert.equal(flagged.length, 6);

    const { code, report, stderr } = await exposureJson('--input', DEMO);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.equal(report.schemaVersion, 1);
    assert.deepEqual(report.run.accounts, ['123456789012']);
    assert.deepEqual(report.run.regions, ['eu-west-1', 'us-east-1']);
    assert.deepEqual(report.errors, []);

    const graded = report.interfaces.filter((i) => i.risk !== 'info');
    assert.deepEqual(graded.map((i) => i.interfaceId).sort(), [...flagged].sort(), 'the rule and the inventory agree on what is exposed');
    assert.ok(graded.every((i) => i.risk === 'critical'), 'every one of the six has an admin or high-risk port');
    // EXPECTED.md: acme-prod-web-2 and the two ALB interfaces are reached on authorized 80/443 only.
    const info = report.interfaces.filter((i) => i.risk === 'info');
    assert.deepEqual(info.map((i) => i.interfaceId).sort(), ['eni-05821731d4a3a431c', 'eni-06088546672cd0829', 'eni-0a558b36828b9a692']);
    for (const r of info.flatMap((row) => row.reachable)) {
      assert.deepEqual([r.protocol, r.critical, r.unauthorized], ['tcp', [], []]);
      assert.ok(r.ports.every((p) => p.from === p.to && (p.from === 80 || p.from === 443)), JSON.stringify(r.ports));
    }
    // Sorted by risk, then account, region, interface id.
    const order = report.interfaces.map((i) => `${i.risk === 'critical' ? 0 : i.risk === 'high' ? 1 : 2} ${i.accountId} ${i.region} ${i.interfaceId}`);
    assert.deepEqual(order, [...order].sort());
    assert.equal(report.interfaces[0]?.risk, 'critical');
    assert.deepEqual(report.summary.byRisk, { critical: 6, high: 0, info: 3 });

    // Structured ports and paths: acme-prod-web-1 is critical through IPv6 SSH.
    const web1 = report.interfaces.find((i) => i.instanceId === 'i-0e1a05962004430e0');
    assert.equal(web1?.instanceName, 'acme-prod-web-1');
    const ssh = web1?.reachable.find((r) => r.family === 'ipv6' && r.critical.length > 0);
    assert.deepEqual(ssh?.critical, [{ from: 22, to: 22 }]);
    assert.ok(ssh?.path.permissions.some((p) => p.groupId === 'sg-05cd98d6a9b2df51e'));
    assert.deepEqual(ssh?.path.routeTable, { id: 'rtb-0270176df279987b0', routes: [{ destination: '::/0', gatewayId: 'igw-062f454929a87fd72' }] });
    assert.deepEqual(ssh?.path.addresses, ['2600:1f18:4a3:6e00:8b2c:1f4e:7a10:33c1']);
  });

  test('the table lists every reachable interface (golden)', async () => {
    const { code, stdout, stderr } = await runMain(['exposure', '--input', DEMO]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const { report } = await exposureJson('--input', DEMO);
    for (const row of report.interfaces) assert.ok(stdout.includes(row.interfaceId), row.interfaceId);
    assert.ok(stdout.indexOf('CRITICAL') < stdout.indexOf('INFO'));
    assert.match(stdout, /9 interfaces reachable from the internet \(6 critical, 3 info\)/);
    assertGolden('exposure/demo-account.txt', stdout);
  });

  test('--output writes the report atomically, and nothing goes to stdout', async () => {
    const file = join(scratch(), 'exposure.json');
    const { code, stdout, stderr } = await runMain(['exposure', '--input', DEMO, '--format', 'json', '--output', file]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, '');
    const { report } = await exposureJson('--input', DEMO);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), report);
    assert.deepEqual(readdirSync(join(file, '..')), ['exposure.json'], 'no temporary file left behind');
  });
});

describe('sg-audit exposure input errors', () => {
  test('hostile Name tags are shown as escapes in the table and kept exact in the JSON', async () => {
    const dir = scratch();
    cpSync(join(DEMO, 'us-east-1'), dir, { recursive: true });
    const hostile = '\u001b[31mevil\u001b]8;;http://x\u0007\r\u202ename';
    const file = join(dir, 'describe-instances.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"jenkins-legacy"', JSON.stringify(hostile)));

    const { code, stdout, stderr } = await runMain(['exposure', '--input', dir]);
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stdout, /[\u001b\u0007\r\u202e]/, 'no raw control or bidi character reaches the terminal');
    assert.ok(stdout.includes('\\x1b[31mevil'), stdout);

    const { report } = await exposureJson('--input', dir);
    assert.equal(report.interfaces.find((i) => i.instanceId === 'i-0c2ccc41e0eec113f')?.instanceName, hostile);
  });

  test('risk is graded with the config file\'s options, as the audit grades it; --no-config ignores the default file', async () => {
    const web1 = 'eni-0cba3d7bad0799b38'; // acme-prod-web-1: tcp 22 over IPv6, critical by default
    const plain = await exposureJson('--input', DEMO);
    assert.equal(plain.report.interfaces.find((i) => i.interfaceId === web1)?.risk, 'critical');
    assert.equal(plain.report.run.config, undefined);

    // SSH moved to 2222: port 22 is no longer an admin port, just one not authorized.
    const dir = scratch();
    const file = join(dir, '.sg-audit.yml');
    writeFileSync(file, 'rules:\n  ssh-open-to-internet: { options: { ports: [2222] } }\n');
    const configured = await exposureJson('--input', DEMO, '--config', file);
    assert.equal(configured.code, 0, configured.stderr);
    assert.equal(configured.report.interfaces.find((i) => i.interfaceId === web1)?.risk, 'high');
    assert.equal(configured.report.run.config, file);

    // The default file in the working directory, and --no-config.
    const found = await runBin(['exposure', '--input', DEMO, '--format', 'json'], {}, dir);
    assert.equal((JSON.parse(found.stdout) as ExposureReport).interfaces.find((i) => i.interfaceId === web1)?.risk, 'high');
    const ignored = await runBin(['exposure', '--input', DEMO, '--format', 'json', '--no-config'], {}, dir);
    assert.equal((JSON.parse(ignored.stdout) as ExposureReport).interfaces.find((i) => i.interfaceId === web1)?.risk, 'critical');

    // A bad config is the audit's one-line exit 2, before anything is read.
    writeFileSync(file, 'rules:\n  instance-exposed-to-internet: { options: { authorized: [http] } }\n');
    const bad = await runMain(['exposure', '--input', DEMO, '--config', file]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^sg-audit: error: .*\.sg-audit\.yml: rules\.instance-exposed-to-internet\.options\.authorized\[0\]: [^\n]+\n$/);
  });

  test('input without route tables: one line naming the file to add, exit 2', async () => {
    const dir = scratch();
    cpSync(join(DEMO, 'us-east-1'), dir, { recursive: true });
    rmSync(join(dir, 'describe-route-tables.json'));
    const { code, stdout, stderr } = await runBin(['exposure', '--input', dir]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr.split('\n').length, 2, stderr);
    assert.match(stderr, /^sg-audit: error: .*DescribeRouteTables.*`aws ec2 describe-route-tables` for us-east-1 to --input\n$/);
  });

  test('bad usage is exit 2: --input with --profile, an unknown --format', async () => {
    const both = await runMain(['exposure', '--input', DEMO, '--profile', 'x']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /^sg-audit: error: --input audits saved files/);
    const format = await runMain(['exposure', '--input', DEMO, '--format', 'sarif']);
    assert.equal(format.code, 2);
    assert.equal(format.stderr.split('\n').length, 2);
  });

  test('--help shows an example and the exit codes', async () => {
    const { code, stdout } = await runMain(['exposure', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /\$ sg-audit exposure --input examples\/demo-account/);
    assert.match(stdout, /--endpoint-url/);
    assert.match(stdout, /Exit codes:/);
  });
});

describe('sg-audit exposure live, through the fake EC2 endpoint', () => {
  const KEY = 'AKIDFAKEFAKEFAKE0002';
  const SECRET = 'fake-secret-for-tests-only';
  const REGIONS = { 'us-east-1': acceptanceRegion('us-east-1', 'a'), 'eu-west-1': acceptanceRegion('eu-west-1', 'b') };
  let fake: FakeEc2;
  let fault: ((ctx: FaultContext) => Fault | undefined) | undefined;

  before(async () => {
    useFakeAwsProfile(KEY, SECRET);
    fake = await startFakeEc2({
      accounts: [{ accountId: ACCOUNT_ID, accessKeyId: KEY, secretAccessKey: SECRET, regions: REGIONS }],
      fault: (ctx) => fault?.(ctx),
    });
  });
  after(async () => {
    await fake.close();
    assert.deepEqual(fake.violations, []);
  });
  const live = () => exposureJson('--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1', '--region', 'eu-west-1');

  test('lists what the same data saved as files lists, and calls only what reachability needs', async () => {
    fault = undefined;
    const dir = scratch();
    for (const [region, fixture] of Object.entries(REGIONS)) writeCliFiles(join(dir, region), fixture);
    const offline = await exposureJson('--input', dir);
    const since = fake.requests.length;
    const { code, report, stderr } = await live();
    assert.equal(code, 0, stderr);
    assert.equal(report.run.source, 'aws');
    assert.deepEqual(report.interfaces, offline.report.interfaces);
    const actions = new Set(fake.requests.slice(since).map((r) => r.action));
    for (const unneeded of ['DescribeFlowLogs', 'DescribeVpcs', 'DescribeStaleSecurityGroups']) assert.ok(!actions.has(unneeded), `${unneeded} was called`);
    for (const needed of ['DescribeNetworkInterfaces', 'DescribeRouteTables', 'DescribeNetworkAcls', 'DescribeInternetGateways']) assert.ok(actions.has(needed), `${needed} was not called`);
  });

  test('a failed call: exit 3, the error listed, the other region still inventoried', async () => {
    fault = (ctx) => (ctx.region === 'us-east-1' && ctx.action === 'DescribeRouteTables' ? { kind: 'error', status: 403, code: 'UnauthorizedOperation' } : undefined);
    const { code, report, stderr } = await live();
    fault = undefined;
    assert.equal(code, 3);
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0]?.region, 'us-east-1');
    assert.equal(report.errors[0]?.code, 'UnauthorizedOperation');
    assert.ok(report.interfaces.every((i) => i.region !== 'us-east-1'));
    assert.match(stderr, /^sg-audit: error: UnauthorizedOperation: .* · DescribeRouteTables in \d{12} us-east-1 — grant ec2:DescribeRouteTables/);
  });
});

