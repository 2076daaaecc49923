// sg-audit on a plan or template, as a user runs it: exit codes (1 only on what the change adds,
// 3 when a check cannot be decided before apply, 2 for inputs it cannot read), --context, the
// location in SARIF, suppressions by address, and the golden report of a plan in every format.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unpackPageData } from '../../src/report/html-data.js';
import type { AuditReport } from '../../src/report/types.js';
import { runBin, runMain, useFakeAwsProfile } from '../helpers/cli.js';
import { startFakeEc2, type FakeEc2 } from '../helpers/fake-ec2.js';
import { ACCOUNT_ID, acceptanceRegion, writeCliFiles } from '../fixtures/acceptance-account.js';
import { assertGolden } from '../helpers/golden.js';
import { c, refs, sgRule, tfPlan } from '../helpers/terraform-plan.js';

const WEB = 'test/fixtures/plans/web/plan.json';
const ACCOUNT = 'test/fixtures/plans/web/account';
const TEMPLATE = 'test/fixtures/plans/cfn/web.yaml';

const scratch = () => mkdtempSync(join(tmpdir(), 'sg-audit-plans-'));

function writePlan(plan: unknown): string {
  const file = join(scratch(), 'plan.json');
  writeFileSync(file, JSON.stringify(plan, null, 2));
  return file;
}

const json = async (args: readonly string[]): Promise<{ code: number; report: AuditReport; stderr: string }> => {
  const { code, stdout, stderr } = await runMain([...args, '--format', 'json']);
  return { code, report: JSON.parse(stdout) as AuditReport, stderr };
};

describe('sg-audit on a plan or template', () => {
  test('a plan that adds findings at or above --fail-on exits 1; the report says what the change does', async () => {
    const { code, report, stderr } = await json(['--input', WEB]);
    assert.equal(code, 1);
    assert.equal(stderr, '');
    assert.equal(report.change?.comparedWith, 'the prior state of test/fixtures/plans/web/plan.json');
    assert.deepEqual([report.change?.added, report.change?.unchanged, report.change?.fixed], [5, 2, 1]);
    assert.equal(report.baseline?.new, 5);
    // Old debt (PostgreSQL from anywhere on the legacy group) does not fail the run.
    assert.ok(report.findings.filter((f) => f.resource.address === 'aws_security_group.legacy').every((f) => f.baseline === 'unchanged'));
  });

  test('a plan that only fixes passes (exit 0); --fail-on critical ignores high', async () => {
    const before = { id: 'sg-0aaaabbbbccccdddd', name: 'ssh', description: 'ssh', ingress: [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })], egress: [], vpc_id: 'vpc-0123456789abcdef0' };
    const after = { ...before, ingress: [sgRule(22, 22, 'tcp', { cidr: ['10.0.0.0/8'] })] };
    const fixing = writePlan(tfPlan({ resources: [{ address: 'aws_security_group.ssh', before, after }] }));
    const { code, report } = await json(['--input', fixing]);
    assert.equal(code, 0);
    assert.deepEqual([report.change?.added, report.change?.fixed], [0, 1]);
    const opening = writePlan(tfPlan({ resources: [{ address: 'aws_security_group.ssh', before: after, after: before }] }));
    assert.equal((await runMain(['--input', opening])).code, 1);
    assert.equal((await runMain(['--input', opening, '--fail-on', 'critical'])).code, 0);
  });

  test('--context: the account around the change; the table says what is new with it and what it newly exposes', async () => {
    const { code, stdout } = await runMain(['--input', WEB, '--context', ACCOUNT]);
    assert.equal(code, 1);
    assert.match(stdout, /^New with this change \(6\)/);
    // The lines as a person reads them, however the width wrapped them.
    const text = stdout.replace(/\s+/g, ' ');
    assert.match(text, /Change compared with the prior state of test\/fixtures\/plans\/web\/plan\.json over the context \(test\/fixtures\/plans\/web\/account\): 6 new, 8 unchanged, 1 fixed/);
    assert.match(text, /Newly reachable from the internet \(1\) ▲ module\.app\.aws_instance\.web\[0\]: tcp 22, 443, 8080 over IPv4; tcp 3389 over IPv4 \(might be: known after apply\)/);
    assert.match(text, /test\/fixtures\/plans\/web\/modules\/app\/main\.tf:9 · module\.app\.aws_security_group\.web/);
  });

  test('a baseline written from an earlier run of the same plan: nothing new (exit 0); the same fingerprints', async () => {
    const dir = scratch();
    const first = await runMain(['--input', WEB, '--format', `json=${join(dir, 'first.json')}`, '--quiet']);
    assert.equal(first.code, 1);
    const again = await json(['--input', WEB, '--baseline', join(dir, 'first.json')]);
    assert.equal(again.code, 0);
    assert.equal(again.report.baseline?.new, 0);
    const earlier = JSON.parse(readFileSync(join(dir, 'first.json'), 'utf8')) as AuditReport;
    assert.deepEqual(again.report.findings.map((f) => f.fingerprint), earlier.findings.map((f) => f.fingerprint));
  });

  test('SARIF: each result at the .tf file and line of its resource; the address in its properties', async () => {
    const { stdout } = await runMain(['--input', WEB, '--format', 'sarif']);
    const sarif = JSON.parse(stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[]; properties: { resource: { address?: string } } }[]; properties: { change?: { added: number } } }[] };
    const run = sarif.runs[0];
    const ssh = run?.results.find((r) => r.ruleId === 'ssh-open-to-internet');
    assert.deepEqual(ssh?.locations[0]?.physicalLocation, { artifactLocation: { uri: 'test/fixtures/plans/web/modules/app/main.tf' }, region: { startLine: 9 } });
    assert.equal(ssh?.properties.resource.address, 'module.app.aws_security_group.web');
    const legacy = run?.results.find((r) => r.properties.resource.address === 'aws_security_group.legacy');
    assert.deepEqual(legacy?.locations[0]?.physicalLocation.region, { startLine: readFileSync('test/fixtures/plans/web/main.tf', 'utf8').split('\n').indexOf('resource "aws_security_group" "legacy" {') + 1 });
    assert.equal(run?.properties.change?.added, 5);
    // A template: the logical id's line.
    const template = JSON.parse((await runMain(['--input', TEMPLATE, '--format', 'sarif'])).stdout) as typeof sarif;
    const fromTemplate = template.runs[0]?.results.find((r) => r.ruleId === 'ssh-open-to-internet');
    assert.deepEqual(fromTemplate?.locations[0]?.physicalLocation, { artifactLocation: { uri: TEMPLATE }, region: { startLine: readFileSync(TEMPLATE, 'utf8').split('\n').indexOf('  WebSecurityGroup:') + 1 } });
  });

  test('a suppression can name a resource by its address', async () => {
    const dir = scratch();
    const config = join(dir, 'sg-audit.yml');
    writeFileSync(config, 'suppressions:\n  - rule: ssh-open-to-internet\n    resource: module.app.aws_security_group.web\n    reason: bastion replaced by SSM next sprint\n');
    const { report } = await json(['--input', WEB, '--config', config]);
    const ssh = report.findings.find((f) => f.ruleId === 'ssh-open-to-internet' && f.resource.address === 'module.app.aws_security_group.web');
    assert.equal(ssh?.suppressed?.reason, 'bastion replaced by SSM next sprint');
  });

  test('a check that cannot be decided before apply makes the run incomplete (exit 3)', async () => {
    const plan = writePlan(
      tfPlan({
        resources: [
          { address: 'aws_vpc.v', after: { cidr_block: '10.1.0.0/16' }, unknown: { id: true } },
          { address: 'aws_subnet.s', after: { cidr_block: '10.1.0.0/24', map_public_ip_on_launch: true }, unknown: { id: true, vpc_id: true }, expressions: { vpc_id: refs('aws_vpc.v.id', 'aws_vpc.v') } },
          {
            address: 'aws_instance.i',
            after: { ami: 'ami-0abcdef1234567890' },
            unknown: { id: true, vpc_security_group_ids: true, subnet_id: true },
            expressions: { subnet_id: refs('aws_subnet.s.id', 'aws_subnet.s'), vpc_security_group_ids: refs('data.aws_security_groups.shared.ids', 'data.aws_security_groups.shared') },
          },
        ],
      }),
    );
    const { code, stderr } = await runMain(['--input', plan, '--rule', 'instance-exposed-to-internet']);
    assert.equal(code, 3);
    assert.match(stderr, /^sg-audit: error: KnownAfterApply: not evaluated: aws_instance\.i: vpc_security_group_ids is not known before apply/m);
  });

  test('inputs it cannot use are exit 2 with the way out', async () => {
    const dir = scratch();
    const binary = join(dir, 'plan.out');
    writeFileSync(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    const cases: [string[], RegExp][] = [
      [['--input', binary], /is a binary Terraform plan — convert it first: terraform show -json .*plan\.out > plan\.json/],
      [['--input', WEB, 'examples/demo-account'], /saved account data beside a plan or template is the account around the change — give it with --context instead/],
      [['--input', 'examples/demo-account', '--context', ACCOUNT], /--context gives the account around a plan or template/],
      [['--input', WEB, '--context', ACCOUNT, '--profile', 'prod'], /--context gives the account as saved files/],
      [['--input', WEB, '--shard', '1/2'], /--shard splits a live audit/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runMain(args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, message, args.join(' '));
    }
  });

  test('the installed program reads a plan as the in-process one does (the bundle carries the IaC code)', async () => {
    const { code, stdout, stderr } = await runBin(['--input', WEB, '--format', 'json']);
    assert.equal(code, 1, stderr);
    assert.equal((JSON.parse(stdout) as AuditReport).change?.added, 5);
  });
});

describe('golden reports of a plan and a template', () => {
  const formats = { table: 'txt', json: 'json', sarif: 'sarif', junit: 'xml', csv: 'csv', markdown: 'md' } as const;
  for (const [format, extension] of Object.entries(formats)) {
    test(`${format}: the web plan`, async () => {
      const { stdout } = await runMain(['--input', WEB, '--format', format]);
      assertGolden(`plans/web.${extension}`, stdout);
    });
  }
  test('html: the web plan (its packed data as JSON)', async () => {
    const { stdout } = await runMain(['--input', WEB, '--format', 'html']);
    const block = /<script type="application\/gzip" id="sg-audit-data">([A-Za-z0-9+/=]*)<\/script>\n/;
    const data = stdout.match(block);
    assert.ok(data);
    assertGolden('plans/web.html', stdout.replace(block, '<script type="application/gzip" id="sg-audit-data">[packed: see web.data.json]</script>\n'));
    assertGolden('plans/web.data.json', `${JSON.stringify(unpackPageData(data[1] as string), null, 1)}\n`);
  });
  test('table and json: the web plan with the account as context', async () => {
    assertGolden('plans/web-context.txt', (await runMain(['--input', WEB, '--context', ACCOUNT])).stdout);
    assertGolden('plans/web-context.json', (await runMain(['--input', WEB, '--context', ACCOUNT, '--format', 'json'])).stdout);
  });
  test('table, sarif and markdown: the template', async () => {
    assertGolden('plans/cfn-web.txt', (await runMain(['--input', TEMPLATE])).stdout);
    assertGolden('plans/cfn-web.sarif', (await runMain(['--input', TEMPLATE, '--format', 'sarif'])).stdout);
    assertGolden('plans/cfn-web.md', (await runMain(['--input', TEMPLATE, '--format', 'markdown'])).stdout);
  });
});



describe('a plan with the live account as context, through the fake EC2 endpoint', () => {
  const KEY = 'AKIDFAKEFAKEFAKE0018';
  const SECRET = 'fake-secret-for-tests-only';
  const REGION = acceptanceRegion('us-east-1', 'a');
  let fake: FakeEc2;

  before(async () => {
    useFakeAwsProfile(KEY, SECRET);
    fake = await startFakeEc2({ accounts: [{ accountId: ACCOUNT_ID, accessKeyId: KEY, secretAccessKey: SECRET, regions: { 'us-east-1': REGION } }] });
  });
  after(async () => {
    await fake.close();
    assert.deepEqual(fake.violations, [], 'read-only: no mutating call');
  });

  test('the live context gives the same audit as the same account saved as files (--context)', async () => {
    // A new group open to SSH on an instance in the account's public subnet (its VPC's main table routes to the gateway).
    const plan = writePlan(
      tfPlan({
        resources: [
          { address: 'aws_security_group.ssh', after: { name: 'ssh', description: 'ssh', vpc_id: 'vpc-a000000000000001', ingress: [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })], egress: [] }, unknown: { id: true }, expressions: { ingress: [{}] } },
          {
            address: 'aws_instance.i',
            after: { ami: 'ami-0abcdef1234567890', subnet_id: 'subnet-a00000000000001', associate_public_ip_address: true },
            unknown: { id: true, vpc_security_group_ids: true },
            expressions: { subnet_id: c('subnet-a00000000000001'), associate_public_ip_address: c(true), vpc_security_group_ids: refs('aws_security_group.ssh.id', 'aws_security_group.ssh') },
          },
        ],
      }),
    );
    const saved = scratch();
    writeCliFiles(saved, REGION);
    const offline = await json(['--input', plan, '--context', saved]);
    const live = await json(['--input', plan, '--profile', 'fake', '--endpoint-url', fake.url]);
    assert.equal(live.code, offline.code, live.stderr);
    assert.equal(live.code, 1);
    assert.equal(live.report.change?.comparedWith, 'the context (the live account)');
    assert.deepEqual(live.report.findings.map((f) => [f.fingerprint, f.baseline]), offline.report.findings.map((f) => [f.fingerprint, f.baseline]));
    assert.deepEqual(live.report.change?.newlyExposed, offline.report.change?.newlyExposed);
    assert.ok(live.report.findings.some((f) => f.resource.address === 'aws_security_group.ssh' && f.baseline === 'new'));
  });
});
