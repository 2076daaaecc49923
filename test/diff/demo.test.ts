// The demo account against its modified copy (examples/demo-account-next, with the CloudTrail
// events of examples/demo-cloudtrail): every kind of change found and attributed exactly, in
// every format (goldens), and the committed copy is what scripts/demo-next.ts writes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { demoNext } from '../../scripts/demo-next.js';
import type { DiffReport, GroupDiff, RuleChange } from '../../src/diff/types.js';
import { assertGolden } from '../helpers/golden.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';

const SIDES = ['diff', 'examples/demo-account', 'examples/demo-account-next'];
const TRAIL = ['--cloudtrail', 'examples/demo-cloudtrail'];
const ARN = (who: string) => (who.includes('@') || who.startsWith('gha-') ? who : `arn:aws:iam::123456789012:user/${who}`);

async function demoDiff(...extra: string[]): Promise<{ code: number; report: DiffReport; stderr: string }> {
  const { code, stdout, stderr } = await runMain([...SIDES, ...TRAIL, '--format', 'json', ...extra]);
  return { code, report: JSON.parse(stdout) as DiffReport, stderr };
}

function groupOf(report: DiffReport, id: string): GroupDiff {
  const g = report.groups.find((x) => x.groupId === id);
  assert.ok(g, `${id} changed`);
  return g;
}

/** [change, text after (or before), rule ids, who (principal, or "none"), matched by] per rule change. */
function rules(g: GroupDiff): [string, string, string, string, string][] {
  return g.rules.map((r: RuleChange) => {
    const events = r.attribution?.events ?? [];
    return [
      r.change,
      (r.after ?? r.before)?.text ?? '',
      [r.before?.ruleId, r.after?.ruleId].filter((x, i, all) => x && all.indexOf(x) === i).join(' → '),
      events.length ? events.map((e) => e.principal.split(/[/:]/).pop()).join(', ') : 'none',
      events.map((e) => e.matchedBy).join(', '),
    ];
  });
}

describe('diff of the demo account against its modified copy', () => {
  test('the committed copy and its CloudTrail events are what scripts/demo-next.ts writes', () => {
    const examples = join(REPO_ROOT, 'examples');
    for (const [path, content] of demoNext(examples)) {
      const committed = readFileSync(join(examples, path));
      if (typeof content === 'string') assert.equal(committed.toString('utf8'), content, `${path}: run npm run demo:next`);
      else assert.equal(gunzipSync(committed).toString('utf8'), gunzipSync(content).toString('utf8'), `${path}: run npm run demo:next`);
    }
  });

  test('exit 1: the changes newly expose SSH to the internet (and more) at or above high', async () => {
    const { code, report } = await demoDiff();
    assert.equal(code, 1);
    assert.equal(report.summary.status, 'fail');
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      {
        created: report.summary.groupsCreated,
        deleted: report.summary.groupsDeleted,
        changed: report.summary.groupsChanged,
        added: report.summary.rulesAdded,
        removed: report.summary.rulesRemoved,
        modified: report.summary.rulesModified,
        gained: report.summary.attachmentsGained,
        lost: report.summary.attachmentsLost,
        attributed: report.summary.attributed,
        unattributed: report.summary.unattributed,
      },
      { created: 1, deleted: 1, changed: 12, added: 10, removed: 4, modified: 3, gained: 3, lost: 1, attributed: 22, unattributed: 1 },
    );
  });

  test('rules added by one call with two rules, and by another call on the same group: each tied to its own call by sgr- id (IPv4 and IPv6)', async () => {
    const { report } = await demoDiff();
    assert.deepEqual(rules(groupOf(report, 'sg-0c2359b147c75fde3')), [
      ['added', 'tcp 22 from 198.51.100.7/32', 'sgr-0b0b5e1f2a3c4d5e6', 'bob', 'rule id'],
      ['added', 'tcp 22 from 0.0.0.0/0', 'sgr-0a11ce5e1f2a3c4d5', 'alice@acme.example', 'rule id'],
      ['added', 'tcp 22 from ::/0', 'sgr-0a11ce5e1f2a3c4d6', 'alice@acme.example', 'rule id'],
    ]);
    const [, alice] = groupOf(report, 'sg-0c2359b147c75fde3').rules;
    const event = alice?.attribution?.events[0];
    assert.deepEqual(
      { principal: event?.principal, role: event?.role, session: event?.session, sourceIdentity: event?.sourceIdentity, sourceIp: event?.sourceIp, eventName: event?.eventName, eventTime: event?.eventTime },
      {
        principal: 'arn:aws:sts::123456789012:assumed-role/AcmeAdmin/alice@acme.example',
        role: 'arn:aws:iam::123456789012:role/AcmeAdmin',
        session: 'alice@acme.example',
        sourceIdentity: 'alice',
        sourceIp: '203.0.113.45',
        eventName: 'AuthorizeSecurityGroupIngress',
        eventTime: '2026-01-01T09:14:37Z',
      },
    );
    assert.ok(!JSON.stringify(report).includes('mallory'), 'the refused call is no one\'s change');
  });

  test('a rule modified in place keeps its id; one created then modified names both calls; one revoked by id', async () => {
    const { report } = await demoDiff();
    assert.deepEqual(rules(groupOf(report, 'sg-063906f04129875ed')), [['modified', 'tcp 8443 from 203.0.113.0/24', 'sgr-012831ebbeed7b8e6', 'dave', 'rule id']]);
    assert.deepEqual(rules(groupOf(report, 'sg-0ac2f15fce6fc584e')), [['added', 'tcp 5432 from 0.0.0.0/0', 'sgr-0a11ce9f8e7d6c5b4', 'alice@acme.example, bob', 'rule id, rule id']]);
    assert.deepEqual(rules(groupOf(report, 'sg-05d300b10aac662d8')), [['removed', 'all traffic from 0.0.0.0/0', 'sgr-0dc8cc6c00480b2c8', 'bob', 'rule id']]);
    // The new finding on acme-prod-db is bob's: his modification opened it to the internet.
    const db = report.findings.new.find((f) => f.resource.id === 'sg-0ac2f15fce6fc584e' && f.ruleId === 'high-risk-port-open-to-internet');
    assert.deepEqual(db?.attribution?.events.map((e) => [e.principal, e.eventName]), [[ARN('bob'), 'ModifySecurityGroupRules']]);
  });

  test('re-created under a new id; prefix lists revoked by content and added; a description; an egress rule; a change no event records', async () => {
    const { report } = await demoDiff();
    assert.deepEqual(rules(groupOf(report, 'sg-057158d39c21d4802')), [
      ['recreated', 'tcp 27017 from 0.0.0.0/0', 'sgr-091b2ce04f903bd54 → sgr-0d2f4a6b8c0e1f3a5', 'gha-acme-infra-4471, gha-acme-infra-4471', 'rule id, rule id'],
    ]);
    assert.deepEqual(rules(groupOf(report, 'sg-0c8446313647e61f7')), [
      ['removed', 'tcp 5601 from pl-0ff2c61dbb8582550 (acme-kibana-viewers)', 'sgr-037e7b680b945602d', 'henry@acme.example', 'rule content'],
      ['added', 'tcp 5601 from pl-001e3c9b80f22a695 (acme-office-ranges)', 'sgr-0e8a6c4e2a0c8e6a4', 'henry@acme.example', 'rule id'],
    ]);
    assert.deepEqual(rules(groupOf(report, 'sg-0548e43a5cda328d9')), [['description', 'tcp 22 from 10.0.0.0/8', 'sgr-0a52863b7855c76dc', 'erin@acme.example', 'rule content']]);
    assert.deepEqual(rules(groupOf(report, 'sg-0b79922e0c13b3bbf')), [['added', 'tcp 27017 to 10.20.0.0/16', 'sgr-0e1b3d5f7a9c1e3b5', 'henry@acme.example', 'rule id']]);
    const [preview] = groupOf(report, 'sg-00c8e90fd5e118937').rules;
    assert.deepEqual(preview?.attribution?.events, []);
    assert.match(preview?.attribution?.unmatched ?? '', /outside the window the events cover, not yet delivered/);
  });

  test('groups created (with the default egress rule from CreateSecurityGroup) and deleted; attachments through the interface, the instance and RunInstances', async () => {
    const { report } = await demoDiff();
    const redis = groupOf(report, 'sg-0e5e1a2b3c4d5e6f7');
    assert.equal(redis.change, 'created');
    assert.deepEqual(redis.attribution?.events.map((e) => e.eventName), ['CreateSecurityGroup']);
    assert.deepEqual(rules(redis), [
      ['added', 'tcp 6379 from 0.0.0.0/0', 'sgr-0e5e0a1b2c3d4e5f7', 'eve@acme.example', 'rule id'],
      ['added', 'all traffic to 0.0.0.0/0', 'sgr-0e5e0a1b2c3d4e5f6', 'eve@acme.example', 'group'],
    ]);
    const wizard = groupOf(report, 'sg-00ac8398f1d4d5c5d');
    assert.equal(wizard.change, 'deleted');
    assert.deepEqual(wizard.attribution?.events.map((e) => [e.principal, e.eventName]), [[ARN('bob'), 'DeleteSecurityGroup']]);
    const attachments = report.groups.flatMap((g) => g.attachments.map((a) => [g.groupId, a.change, a.interfaceId, a.attribution?.events.map((e) => `${e.eventName} (${e.matchedBy})`).join(', ')]));
    assert.deepEqual(attachments, [
      ['sg-0e5e1a2b3c4d5e6f7', 'gained', 'eni-01bffc91bb5144398', 'ModifyNetworkInterfaceAttribute (interface)'],
      ['sg-05cd98d6a9b2df51e', 'gained', 'eni-0a558b36828b9a692', 'ModifyInstanceAttribute (instance)'],
      ['sg-06d67a18fc6f4933f', 'gained', 'eni-0b5c8d2e4f6a13579', 'RunInstances (interface)'],
      ['sg-0d1b778f9bc71bc27', 'lost', 'eni-0ddd487fd755f472a', 'ModifyNetworkInterfaceAttribute (interface)'],
    ]);
  });

  test('what the internet reaches: newly over IPv4 and IPv6, less; each opening attributed', async () => {
    const { report } = await demoDiff();
    assert.deepEqual(
      report.exposure.map((c) => [c.interfaceId, c.change, c.risk, c.gained.map((g) => `${g.family} ${g.protocol} ${g.ports}`).join('; '), c.lost.map((g) => `${g.family} ${g.protocol} ${g.ports}`).join('; ')]),
      [
        ['eni-06d40b7b24a3a9417', 'newly', 'critical', 'ipv4 tcp 22', ''],
        ['eni-0a558b36828b9a692', 'more', 'critical', 'ipv6 tcp 22, 9200', ''],
        ['eni-0cba3d7bad0799b38', 'more', 'critical', 'ipv6 tcp 9200', ''],
        // One port more (an unrecorded change), one fewer (dave narrowed 8443).
        ['eni-0ee98b32517dd8adf', 'more', 'high', 'ipv4 tcp 3011', 'ipv4 tcp 8443'],
        ['eni-0b5c8d2e4f6a13579', 'newly', 'info', 'ipv4 tcp 80, 443', ''],
        ['eni-08fd75d093f7ad6e1', 'less', 'critical', '', 'ipv4 tcp 5601'],
        ['eni-0ddd487fd755f472a', 'less', 'critical', '', 'ipv4 tcp 0-19, 26-65535; ipv4 udp all'],
      ],
    );
    const web2 = report.exposure.find((c) => c.interfaceId === 'eni-0a558b36828b9a692');
    assert.deepEqual(web2?.attribution?.events.map((e) => e.eventName), ['AuthorizeSecurityGroupIngress', 'ModifyInstanceAttribute'], 'the 9200 rule, then ops-ssh-v6 put on the instance');
  });

  test('findings: new, wider (the same finding now covering more), narrower and fixed, by the audit\'s own fingerprints', async () => {
    const { report } = await demoDiff();
    const key = (f: { ruleId: string; resource: { id: string } }) => `${f.ruleId} ${f.resource.id}`;
    assert.deepEqual(report.findings.new.map(key).sort(), [
      'high-risk-port-open-to-internet sg-06d67a18fc6f4933f',
      'high-risk-port-open-to-internet sg-0ac2f15fce6fc584e',
      'high-risk-port-open-to-internet sg-0e5e1a2b3c4d5e6f7',
      'instance-exposed-to-internet eni-06d40b7b24a3a9417',
      'instance-exposed-to-internet eni-0a558b36828b9a692',
      'rule-missing-description sg-0e5e1a2b3c4d5e6f7',
      'ssh-open-to-internet sg-0c2359b147c75fde3',
      'unrestricted-egress sg-0e5e1a2b3c4d5e6f7',
      'unused-sg sg-0d1b778f9bc71bc27',
    ]);
    assert.deepEqual(report.findings.changed.map((c) => `${c.change} ${key(c.after)}`).sort(), [
      'narrower instance-exposed-to-internet eni-08fd75d093f7ad6e1',
      'narrower instance-exposed-to-internet eni-0ddd487fd755f472a',
      'wider instance-exposed-to-internet eni-0cba3d7bad0799b38',
      'wider instance-exposed-to-internet eni-0ee98b32517dd8adf',
      'wider too-many-open-ports sg-00c8e90fd5e118937',
      'wider unauthorized-port-open-to-internet sg-00c8e90fd5e118937',
    ]);
    assert.equal(report.findings.fixed.length, 9);
    const ssh = report.findings.new.find((f) => f.ruleId === 'ssh-open-to-internet');
    assert.deepEqual([...new Set(ssh?.attribution?.events.map((e) => e.principal))], ['arn:aws:sts::123456789012:assumed-role/AcmeAdmin/alice@acme.example']);
    const unused = report.findings.new.find((f) => f.ruleId === 'unused-sg');
    assert.deepEqual(unused?.attribution?.events.map((e) => e.session), ['grace@acme.example'], 'taken off its last interface by grace');
  });

  test('--fail-on none passes; --fail-on critical still fails on the critical exposures', async () => {
    assert.equal((await runMain([...SIDES, '--fail-on', 'none'])).code, 0);
    assert.equal((await runMain([...SIDES, '--fail-on', 'critical'])).code, 1);
  });

  test('without --cloudtrail, no attribution is claimed', async () => {
    const { stdout, code } = await runMain([...SIDES, '--format', 'json']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as DiffReport;
    assert.equal(report.run.cloudtrail, undefined);
    assert.equal(report.summary.attributed, undefined);
    assert.ok(report.groups.every((g) => g.rules.every((r) => r.attribution === undefined)));
  });

  test('golden: table at 80 columns, JSON, Markdown, CSV', async () => {
    for (const [format, file] of [
      ['table', 'table/diff-demo.txt'],
      ['json', 'json/diff-demo.json'],
      ['markdown', 'markdown/diff-demo.md'],
      ['csv', 'csv/diff-demo.csv'],
    ] as const) {
      const { stdout, code } = await runMain([...SIDES, ...TRAIL, '--format', format], { COLUMNS: '80' });
      assert.equal(code, 1);
      assertGolden(file, stdout);
    }
  });
});
