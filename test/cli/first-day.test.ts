// A new user's first runs: typos stop with a did-you-mean, help works the way people type it,
// every command takes the terminal options, an input with nothing to audit is an error, a run that
// writes only files says what it wrote, and a display filter never changes the verdict.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runBin, runMain } from '../helpers/cli.js';

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `expected exactly one stderr line, got:\n${stderr}`);
  return lines[0] as string;
}

function folderWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-first-day-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(body));
  return dir;
}

const vpcs = { Vpcs: [{ VpcId: 'vpc-1', OwnerId: '123456789012', CidrBlock: '10.0.0.0/16', IsDefault: false }] };
const groups = {
  SecurityGroups: [
    {
      GroupId: 'sg-1',
      GroupName: 'web',
      Description: 'd',
      OwnerId: '123456789012',
      VpcId: 'vpc-1',
      SecurityGroupArn: 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-1',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      IpPermissionsEgress: [],
    },
  ],
};

describe('typos and help', () => {
  test('a mistyped command is named, with a did-you-mean, exit 2', async () => {
    for (const [typed, meant] of [
      ['explian', 'explain'],
      ['rulse', 'rules'],
      ['exposre', 'exposure'],
    ] as const) {
      const { code, stdout, stderr } = await runMain([typed, 'ssh-open-to-internet']);
      assert.equal(code, 2, typed);
      assert.equal(stdout, '');
      assert.equal(oneLine(stderr), `sg-audit: error: unknown command "${typed}" (did you mean ${meant}?) — the commands are audit, rules, explain, collect, exposure, diff, merge; sg-audit help <command> shows one`);
    }
  });

  test('sg-audit help and sg-audit help <command> show help, exit 0', async () => {
    const top = await runMain(['help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /Usage: sg-audit \[audit\] \[options\]/);
    const explain = await runMain(['help', 'explain']);
    assert.equal(explain.code, 0);
    assert.match(explain.stdout, /Usage: sg-audit explain \[options\] <rule-id>/);
  });

  test('--no-color, --quiet and --debug are accepted by every command', async () => {
    const terminal = ['--no-color', '--quiet', '--debug'];
    assert.equal((await runMain(['rules', ...terminal])).code, 0);
    assert.equal((await runMain(['explain', 'unused-sg', ...terminal])).code, 0);
    assert.equal((await runMain(['exposure', '--input', 'examples/demo-account', ...terminal])).code, 0);
    assert.equal((await runMain(['--input', 'examples/demo-account', ...terminal])).code, 1);
    for (const command of ['collect', 'merge']) {
      const { stderr } = await runMain([command, ...terminal, '--help']);
      assert.doesNotMatch(stderr, /unknown option/, command);
    }
  });

  test('--only-new needs --baseline (exit 2, before anything is read)', async () => {
    const { code, stderr } = await runMain(['--input', 'examples/demo-account', '--only-new']);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /--only-new needs --baseline/);
  });
});

describe('nothing to audit', () => {
  test('an input without the data any rule needs is an input error naming the command that supplies it', async () => {
    const dir = folderWith({ 'describe-vpcs.json': vpcs });
    const { code, stdout, stderr } = await runMain(['--input', dir]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(oneLine(stderr), /^sg-audit: error: nothing to audit: .* holds none of the data any of the \d+ rules needs — add the output of `aws ec2 describe-security-groups`/);
  });

  test('the same for the rules one asked for', async () => {
    const dir = folderWith({ 'describe-security-groups.json': groups });
    const { code, stderr } = await runMain(['--input', dir, '--rule', 'nacl-admin-port-open-to-internet']);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /rule nacl-admin-port-open-to-internet needs — add the output of `aws ec2 describe-network-acls`/);
  });

  test('a partial input still runs what it can and lists what it skipped', async () => {
    const dir = folderWith({ 'describe-security-groups.json': groups, 'describe-vpcs.json': vpcs });
    const { code, stdout } = await runMain(['--input', dir]);
    assert.equal(code, 1);
    assert.match(stdout, /ssh-open-to-internet: tcp 22 from 0\.0\.0\.0\/0/);
    assert.match(stdout, /Not evaluated \(the input lacks their data\)/);
    assert.match(stdout, /aws ec2 describe-network-interfaces --region us-east-1/);
  });
});

describe('a run that writes only files', () => {
  test('says on stderr which files it wrote and how the run came out; --quiet keeps it silent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-files-'));
    const json = join(dir, 'sg.json');
    const sarif = join(dir, 'sg.sarif');
    const { code, stdout, stderr } = await runMain(['--input', 'examples/demo-account', '--format', `json=${json}`, '--format', `sarif=${sarif}`]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(oneLine(stderr), `sg-audit: wrote ${json} (json), ${sarif} (sarif) · FAIL: 20 findings at or above high (exit 1)`);
    const quiet = await runMain(['--input', 'examples/demo-account', '--format', `json=${json}`, '--quiet']);
    assert.equal(quiet.code, 1);
    assert.equal(quiet.stderr, '');
    const pass = await runMain(['--input', 'examples/demo-account', '--fail-on', 'none', '--output', json]);
    assert.equal(oneLine(pass.stderr), `sg-audit: wrote ${json} (json) · PASS: 79 findings, none at or above none (exit 0)`);
  });
});

describe('display filters narrow every human format, never the gate or the machine formats', () => {
  test('--min-severity high: Markdown and HTML show the high and critical findings and say how many they hide; JSON and SARIF keep all', async () => {
    const demo = ['--input', 'examples/demo-account', '--min-severity', 'high'];
    const md = await runMain([...demo, '--format', 'markdown']);
    assert.equal(md.code, 1);
    assert.ok(md.stdout.includes('_59 findings below high \\(\\-\\-min\\-severity\\) are not shown here; the exit code and the JSON report count every finding\\._'));
    assert.doesNotMatch(md.stdout, /\*\*MEDIUM\*\*|#### Medium/);
    const html = await runMain([...demo, '--format', 'html']);
    assert.match(html.stdout, /<p class="display-note" id="display-filter">59 findings below high \(--min-severity\) are not shown here/);
    assert.match(html.stdout, /<article class="finding sev-high"/);
    assert.doesNotMatch(html.stdout, /<article class="finding sev-(medium|low|info)"/);
    const json = JSON.parse((await runMain([...demo, '--format', 'json'])).stdout) as { findings: unknown[]; summary: { findings: number } };
    assert.equal(json.findings.length, 79);
    const sarif = JSON.parse((await runMain([...demo, '--format', 'sarif'])).stdout) as { runs: { results: unknown[] }[] };
    assert.equal(sarif.runs[0]?.results.length, 79);
  });
});

describe('errors', () => {
  test('--region all with nothing listening: the endpoint is blamed, not a missing DescribeRegions grant', async () => {
    const { code, stderr } = await runBin(['--region', 'all', '--endpoint-url', 'http://127.0.0.1:9'], {
      AWS_ACCESS_KEY_ID: 'AKIDFIRSTDAY',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    assert.equal(code, 3);
    const line = oneLine(stderr);
    assert.match(line, /could not list the account's regions \(ECONNREFUSED/);
    assert.match(line, /nothing answered at the endpoint/);
    assert.doesNotMatch(line, /grant ec2:DescribeRegions/);
  });
});
