// sg-audit diff at the process edge: report sides, snapshot sides and their window, the flags'
// checks, incomplete sides, files written, and hostile text in every format.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadInputs } from '../../src/collect/files.js';
import { serializeSnapshot } from '../../src/collect/snapshot.js';
import type { RawSnapshot } from '../../src/collect/types.js';
import type { DiffReport } from '../../src/diff/types.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';

const demo = join(REPO_ROOT, 'examples', 'demo-account');
const next = join(REPO_ROOT, 'examples', 'demo-account-next');
const trail = join(REPO_ROOT, 'examples', 'demo-cloudtrail');

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'sg-audit-diff-'));
}

async function snapshotOf(dir: string, collectedAt: string, file: string, edit: (s: RawSnapshot) => RawSnapshot = (s) => s): Promise<string> {
  writeFileSync(file, serializeSnapshot(edit(await loadInputs([dir])), { version: 'test', collectedAt }));
  return file;
}

const json = (stdout: string) => JSON.parse(stdout) as DiffReport;

describe('sg-audit diff: sides', () => {
  test('identical sides: nothing changed, exit 0', async () => {
    const { code, stdout } = await runMain(['diff', demo, demo]);
    assert.equal(code, 0);
    assert.match(stdout, /No security group changed\./);
    assert.match(stdout, /PASS: nothing newly exposed at or above high · exit 0/);
  });

  test('a JSON report side gives new and fixed findings, and says rule-level changes need the groups', async () => {
    const dir = scratch();
    const before = join(dir, 'before.json');
    assert.equal((await runMain(['--input', demo, '--format', `json=${before}`, '--quiet'])).code, 1);
    const { code, stdout } = await runMain(['diff', before, next, '--format', 'json']);
    assert.equal(code, 1);
    const report = json(stdout);
    assert.equal(report.run.before.kind, 'report');
    assert.deepEqual(report.groups, []);
    assert.ok(report.limits.some((l) => l.startsWith(`rules, groups and attachments not compared: ${before} is a JSON report, which holds findings, not the security groups`)));
    assert.ok(report.limits.some((l) => l.startsWith('reachability not compared')));
    assert.ok(report.findings.new.some((f) => f.ruleId === 'ssh-open-to-internet' && f.resource.id === 'sg-0c2359b147c75fde3'));
    assert.ok(report.findings.fixed.some((f) => f.ruleId === 'all-traffic-open-to-internet' && f.resource.id === 'sg-05d300b10aac662d8'));
    // Two reports: the same finding delta, still without rule-level changes.
    const after = join(dir, 'after.json');
    await runMain(['--input', next, '--format', `json=${after}`, '--quiet']);
    const both = json((await runMain(['diff', before, after, '--format', 'json'])).stdout);
    assert.deepEqual(both.findings.new.map((f) => f.fingerprint).sort(), report.findings.new.map((f) => f.fingerprint).sort());
    const table = (await runMain(['diff', before, after], { COLUMNS: '80' })).stdout;
    const flat = table.replace(/\s+/g, ' ');
    assert.match(flat, /Not compared ○ rules, groups and attachments not compared: \S+before\.json is a JSON report, which holds findings, not the security groups/);
    assert.match(flat, /groups, attachments and reachability not compared \(a JSON report side\) 13 new findings/);
  });

  test('snapshots say when they were taken: the CloudTrail window runs from 10 minutes before the one to 10 minutes after the other', async () => {
    const dir = scratch();
    const yesterday = await snapshotOf(demo, '2026-01-01T06:00:00Z', join(dir, 'yesterday.json'));
    const today = await snapshotOf(next, '2026-01-01T12:30:00Z', join(dir, 'today.json'));
    const { stdout } = await runMain(['diff', yesterday, today, '--cloudtrail', trail, '--format', 'json']);
    const report = json(stdout);
    assert.equal(report.run.before.kind, 'snapshot');
    assert.equal(report.run.before.time, '2026-01-01T06:00:00Z');
    assert.deepEqual([report.run.cloudtrail?.since, report.run.cloudtrail?.until], ['2026-01-01T05:50:00Z', '2026-01-01T12:40:00Z']);
    // Bob modified the acme-prod-db rule at 12:45, after the window: only alice's call counts.
    const db = report.groups.find((g) => g.groupId === 'sg-0ac2f15fce6fc584e')?.rules[0];
    assert.deepEqual(db?.attribution?.events.map((e) => e.eventName), ['AuthorizeSecurityGroupIngress']);
    // Eve's group (13:10) has no event in the window, and says so.
    const redis = report.groups.find((g) => g.groupId === 'sg-0e5e1a2b3c4d5e6f7');
    assert.match(redis?.attribution?.unmatched ?? '', /outside the window \(2026-01-01T05:50:00Z to 2026-01-01T12:40:00Z\)/);
    // --since and --until widen it.
    const wide = json((await runMain(['diff', yesterday, today, '--cloudtrail', trail, '--since', '2026-01-01', '--until', '2026-01-02T00:00:00Z', '--format', 'json'])).stdout);
    assert.equal(wide.groups.find((g) => g.groupId === 'sg-0e5e1a2b3c4d5e6f7')?.attribution?.events[0]?.eventName, 'CreateSecurityGroup');
  });

  test('a side that could not be read whole makes the diff incomplete: exit 3, never a pass', async () => {
    const dir = scratch();
    const before = await snapshotOf(demo, '2026-01-01T06:00:00Z', join(dir, 'a.json'));
    const broken = await snapshotOf(demo, '2026-01-01T12:00:00Z', join(dir, 'b.json'), (s) => ({
      ...s,
      scopes: s.scopes.map((scope) =>
        scope.region === 'eu-west-1' ? { ...scope, kinds: { ...scope.kinds, networkInterfaces: { status: 'error', error: { code: 'UnauthorizedOperation', message: 'denied', operation: 'DescribeNetworkInterfaces' } } } } : scope,
      ),
    }));
    const { code, stdout, stderr } = await runMain(['diff', before, broken]);
    assert.equal(code, 3);
    assert.match(stdout, /INCOMPLETE: a side or CloudTrail could not be read whole/);
    assert.match(stderr, /sg-audit: error: UnauthorizedOperation: denied .*DescribeNetworkInterfaces/);
  });
});

describe('sg-audit diff: flags and output', () => {
  test('bad input is one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['diff', join(demo, 'missing'), next], /cannot read the before side .*missing: no such file or directory — give a snapshot/],
      [['diff', demo, next, '--format', 'sarif'], /--format sarif: diff writes table, json, markdown, csv/],
      [['diff', demo, next, '--profile', 'prod'], /--profile, --role-arn and --external-id are for looking CloudTrail up live — add --cloudtrail/],
      [['diff', demo, next, '--since', '1d'], /--since and --until set the window of CloudTrail events — add --cloudtrail/],
      [['diff', demo, next, '--cloudtrail', trail, '--since', 'yesterday'], /--since yesterday is not a time — give an ISO 8601 date/],
      [['diff', demo, next, '--cloudtrail'], /a live CloudTrail lookup needs the window's start, and the before side does not say when it was taken — give --since/],
      [['diff', demo, next, '--cloudtrail', join(demo, 'us-east-1', 'describe-vpcs.json')], /describe-vpcs\.json is not CloudTrail events \(top-level key Vpcs\)/],
      [['diff', demo], /missing required argument 'after'/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await runMain(args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.equal(stderr.split('\n').filter(Boolean).length, 1, stderr);
      assert.match(stderr, message);
    }
  });

  test('reports to files, all at once; stderr names them and the verdict', async () => {
    const dir = scratch();
    const { code, stdout, stderr } = await runMain(['diff', demo, next, '--format', `json=${join(dir, 'd.json')}`, '--format', `markdown=${join(dir, 'd.md')}`, '--format', `csv=${join(dir, 'd.csv')}`]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^sg-audit: wrote .*d\.json \(json\), .*d\.md \(markdown\), .*d\.csv \(csv\) · FAIL: \d+ changes newly expose something at or above high \(exit 1\)\n$/);
    assert.equal(json(readFileSync(join(dir, 'd.json'), 'utf8')).kind, 'diff');
    // Never over anything read: a side's file, an events file found in a directory given.
    const over = await runMain(['diff', demo, next, '--output', join(next, 'us-east-1', 'describe-vpcs.json')]);
    assert.equal(over.code, 2);
    assert.match(over.stderr, /describe-vpcs\.json is also an input file .*; it would be overwritten/);
    const events = join(dir, 'trail');
    mkdirSync(events);
    writeFileSync(join(events, 'events.json'), JSON.stringify({ Records: [] }));
    for (const args of [['diff', demo, next, '--cloudtrail', events], ['--input', next, '--cloudtrail', events]]) {
      const { code, stderr } = await runMain([...args, '--format', `json=${join(events, 'events.json')}`]);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, /events\.json is also an input file/);
    }
    assert.equal(readFileSync(join(events, 'events.json'), 'utf8'), JSON.stringify({ Records: [] }));
  });

  test('hostile names, descriptions, session names and user agents are shown, not obeyed, in every format', async () => {
    const dir = scratch();
    const group = (ingress: unknown[]) => ({
      SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0', GroupName: '\u001b[31mevil\u0007', Description: 'x', OwnerId: '123456789012', VpcId: 'vpc-1', IpPermissions: ingress, IpPermissionsEgress: [] }],
    });
    for (const [side, ingress] of [
      ['before', []],
      ['after', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: '=HYPERLINK("http://x")' }] }]],
    ] as const) {
      mkdirSync(join(dir, side, 'us-east-1'), { recursive: true });
      writeFileSync(join(dir, side, 'us-east-1', 'describe-security-groups.json'), JSON.stringify(group([...ingress])));
    }
    writeFileSync(
      join(dir, 'events.json'),
      JSON.stringify({
        Records: [
          {
            eventTime: '2026-01-01T09:00:00Z',
            eventSource: 'ec2.amazonaws.com',
            eventName: 'AuthorizeSecurityGroupIngress',
            awsRegion: 'us-east-1',
            recipientAccountId: '123456789012',
            eventID: 'e1',
            sourceIPAddress: '198.51.100.1',
            userAgent: '=cmd|\' /C calc\'!A0 \u001b]0;pwned\u0007',
            userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/Admin/@everyone\u001b[2J', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::123456789012:role/Admin' } } },
            requestParameters: { groupId: 'sg-0123456789abcdef0', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } },
            responseElements: null,
          },
        ],
      }),
    );
    const args = ['diff', join(dir, 'before'), join(dir, 'after'), '--cloudtrail', join(dir, 'events.json')];
    for (const format of ['table', 'markdown', 'csv', 'json']) {
      const { stdout, code } = await runMain([...args, '--format', format]);
      assert.equal(code, 1, format);
      assert.doesNotMatch(stdout, /[\u001b\u0007]/, `${format}: no raw control character`);
      if (format === 'table') assert.match(stdout, /\\x1b\[31mevil\\x07/);
      if (format === 'markdown') assert.match(stdout, /&#64;&#8203;everyone/, 'no @mention');
      if (format === 'csv') assert.match(stdout, /"'=cmd\|/, 'no formula');
      if (format === 'json') assert.equal(json(stdout).groups[0]?.rules[0]?.attribution?.events[0]?.session, '@everyone\u001b[2J');
    }
  });
});
