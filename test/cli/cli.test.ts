// End-to-end: the built binary, spawned with a minimal environment, for every exit code and
// for the error lines a user sees.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT, runBin } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

function tempInput(body: unknown, name = 'describe-security-groups.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-cli-'));
  const file = join(dir, name);
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
}

const group = (id: string, name: string, ingress: unknown[]) => ({
  GroupId: id,
  GroupName: name,
  Description: 'd',
  OwnerId: '123456789012',
  VpcId: 'vpc-1',
  SecurityGroupArn: `arn:aws:ec2:us-east-1:123456789012:security-group/${id}`,
  IpPermissions: ingress,
  IpPermissionsEgress: [],
});
const sshOpen = group('sg-1', 'ssh', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
const webOpen = group('sg-2', 'web', [
  { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'internal clients' }] },
]);

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `expected exactly one stderr line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  return lines[0] as string;
}

describe('sg-audit (built binary)', () => {
  test('--version prints the package version', async () => {
    const { code, stdout } = await runBin(['--version']);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), pkg.version);
  });

  test('--help documents the audit flags, commands and exit codes', async () => {
    const { code, stdout, stderr } = await runBin(['--help']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    for (const text of ['--input', '--region', '--profile', '--fail-on', '--format', 'collect', 'explain', 'Exit codes']) {
      assert.ok(stdout.includes(text), `help mentions ${text}`);
    }
  });

  test('exit 0: nothing at or above --fail-on', async () => {
    const { code, stdout } = await runBin(['--input', tempInput({ SecurityGroups: [webOpen] }), '--skip-rule', 'unused-sg']);
    assert.equal(code, 0);
    assert.match(stdout, /No findings/);
    assert.match(stdout, /PASS/);
  });

  test('exit 1: a high finding with the default --fail-on high', async () => {
    const { code, stdout } = await runBin(['--input', tempInput({ SecurityGroups: [sshOpen] })]);
    assert.equal(code, 1);
    assert.match(stdout, /ssh-open-to-internet/);
    assert.match(stdout, /FAIL/);
  });

  test('exit 0: --fail-on critical with only high findings, and --fail-on none', async () => {
    const input = tempInput({ SecurityGroups: [sshOpen] });
    assert.equal((await runBin(['--input', input, '--fail-on', 'critical'])).code, 0);
    assert.equal((await runBin(['--input', input, '--fail-on', 'none'])).code, 0);
    assert.equal((await runBin(['--input', input, '--fail-on', 'low'])).code, 1);
  });

  test('exit 2: unknown flag, one line with a suggestion', async () => {
    const { code, stderr } = await runBin(['--inptu', 'x']);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /unknown option '--inptu'.*--input/);
  });

  test('exit 2: a bad --format or --fail-on value', async () => {
    const format = await runBin(['--input', 'x', '--format', 'xml']);
    assert.equal(format.code, 2);
    assert.match(oneLine(format.stderr), /xml.*table, json/);
    const failOn = await runBin(['--input', 'x', '--fail-on', 'severe']);
    assert.equal(failOn.code, 2);
    oneLine(failOn.stderr);
  });

  test('exit 2: an unknown rule id, with the closest id suggested', async () => {
    const { code, stderr } = await runBin(['--input', tempInput({ SecurityGroups: [] }), '--rule', 'ssh-open-to-internt']);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /unknown rule "ssh-open-to-internt".*did you mean "ssh-open-to-internet"/);
  });

  test('exit 2: a missing input file', async () => {
    const { code, stderr } = await runBin(['--input', '/nonexistent/sgs.json']);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /cannot read \/nonexistent\/sgs.json.*--input/);
  });

  test('exit 2: malformed JSON names the file', async () => {
    const file = tempInput('{"SecurityGroups": [');
    const { code, stderr } = await runBin(['--input', file]);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /is not valid JSON/);
  });

  test('exit 2: a bad CIDR names the file and the JSON path', async () => {
    const bad = group('sg-9', 'bad', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0/8' }] }]);
    const { code, stderr } = await runBin(['--input', tempInput({ SecurityGroups: [bad] })]);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /SecurityGroups\[0\]\.IpPermissions\[0\]\.IpRanges\[0\]\.CidrIp "10\.0\.0\/8" is not a CIDR/);
  });

  test('exit 2: a file that is not describe-* output', async () => {
    const { code, stderr } = await runBin(['--input', tempInput({ Buckets: [] }, 'buckets.json')]);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /not saved `aws ec2 describe-\*` output/);
  });

  test('exit 2: live audit with credentials but no region', async () => {
    const { code, stderr } = await runBin([], { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' });
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /no AWS region given.*--region/);
  });

  test('exit 3: live audit with no credentials at all, one line pointing at --input', async () => {
    const { code, stderr } = await runBin(['--region', 'us-east-1']);
    assert.equal(code, 3);
    assert.match(oneLine(stderr), /no usable AWS credentials.*--input/);
  });

  test('exit 3: a snapshot that recorded a failed call is an incomplete audit', async () => {
    const snapshot = {
      sgAuditSnapshot: 1,
      source: 'aws',
      scopes: [
        {
          accountId: '123456789012',
          region: 'us-east-1',
          kinds: {
            securityGroups: { status: 'ok', items: [webOpen] },
            networkInterfaces: { status: 'error', error: { code: 'UnauthorizedOperation', message: 'denied', operation: 'DescribeNetworkInterfaces' } },
          },
        },
      ],
    };
    const { code, stdout } = await runBin(['--input', tempInput(snapshot, 'snapshot.json')]);
    assert.equal(code, 3);
    assert.match(stdout, /UnauthorizedOperation/);
    assert.match(stdout, /INCOMPLETE/);
  });

  test('--output writes the report atomically and leaves nothing else behind', async () => {
    const input = tempInput({ SecurityGroups: [sshOpen] });
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-out-'));
    const out = join(dir, 'report.json');
    const { code, stdout } = await runBin(['--input', input, '--format', 'json', '--output', out]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    const report = JSON.parse(readFileSync(out, 'utf8')) as { schemaVersion: number; summary: { findings: number } };
    assert.equal(report.schemaVersion, 1);
    assert.deepEqual(readdirSync(dir), ['report.json']);
  });

  test('--output refuses to overwrite an input file, or to write into a directory', async () => {
    const input = tempInput({ SecurityGroups: [sshOpen] });
    const before = readFileSync(input, 'utf8');
    const clash = await runBin(['--input', input, '--output', input]);
    assert.equal(clash.code, 2);
    assert.match(oneLine(clash.stderr), /also an input file/);
    assert.equal(readFileSync(input, 'utf8'), before);
    const dir = await runBin(['--input', input, '--output', tmpdir()]);
    assert.equal(dir.code, 2);
    assert.match(oneLine(dir.stderr), /is a directory/);
    const missing = await runBin(['--input', input, '--output', '/nonexistent-dir/report.json']);
    assert.equal(missing.code, 2);
    assert.ok(!existsSync('/nonexistent-dir'));
  });

  test('colour: none when piped or with NO_COLOR; FORCE_COLOR forces it; --no-color wins', async () => {
    const input = tempInput({ SecurityGroups: [sshOpen] });
    const ansi = /\u001b\[/;
    assert.doesNotMatch((await runBin(['--input', input], { NO_COLOR: undefined })).stdout, ansi);
    assert.match((await runBin(['--input', input], { NO_COLOR: undefined, FORCE_COLOR: '1' })).stdout, ansi);
    assert.doesNotMatch((await runBin(['--input', input, '--no-color'], { NO_COLOR: undefined, FORCE_COLOR: '1' })).stdout, ansi);
  });

  test('hostile group names reach the terminal as visible escapes, never as control sequences', async () => {
    const hostile = group('sg-evil', 'evil\u001b[2J\u001b]0;pwned\u0007\r\u202e', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    const { stdout } = await runBin(['--input', tempInput({ SecurityGroups: [hostile] })]);
    assert.doesNotMatch(stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    assert.match(stdout, /evil\\x1b\[2J/);
  });

  test('rules lists the catalog; explain shows a rule; an unknown id exits 2', async () => {
    const rules = await runBin(['rules']);
    assert.equal(rules.code, 0);
    assert.match(rules.stdout, /ssh-open-to-internet/);
    const json = JSON.parse((await runBin(['rules', '--format', 'json'])).stdout) as { id: string }[];
    assert.ok(json.some((r) => r.id === 'unused-sg'));
    const explain = await runBin(['explain', 'too-many-open-ports']);
    assert.equal(explain.code, 0);
    for (const heading of ['What it checks', 'Why it matters', 'How to fix it', 'References', 'Options', 'maxOpenPorts = 10']) {
      assert.ok(explain.stdout.includes(heading), heading);
    }
    assert.ok(!explain.stdout.includes('Severity in context'), 'not an exposure rule');
    const ssh = await runBin(['explain', 'ssh-open-to-internet']);
    assert.match(ssh.stdout, /Severity in context\nOne level lower, with the reason [\s\S]* Off with\s+--no-exposure-context/);
    const unknown = await runBin(['explain', 'nope']);
    assert.equal(unknown.code, 2);
    oneLine(unknown.stderr);
  });

  test('offline audit lists rules it could not evaluate, and they do not change the exit code', async () => {
    const { code, stdout } = await runBin(['--input', tempInput({ SecurityGroups: [webOpen] })]);
    assert.equal(code, 0);
    assert.match(stdout, /Not evaluated/);
    assert.match(stdout, /aws ec2 describe-network-interfaces --region us-east-1/);
  });
});
