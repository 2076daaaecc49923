// An ordinary audit with --cloudtrail: each finding about a group's rules or an interface names
// who opened it; findings about ACLs and VPCs are not attributed; the flags are checked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuditReport } from '../../src/report/types.js';
import { runMain } from '../helpers/cli.js';

const AUDIT = ['--input', 'examples/demo-account-next', '--cloudtrail', 'examples/demo-cloudtrail'];

describe('sg-audit --cloudtrail', () => {
  test('findings name who opened them; the exit code is the audit\'s', async () => {
    const { code, stdout } = await runMain([...AUDIT, '--format', 'json']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as AuditReport;
    const who = (ruleId: string, id: string) =>
      report.findings.find((f) => f.ruleId === ruleId && f.resource.id === id)?.attribution?.events.map((e) => [e.principal.split('/').pop(), e.eventName, e.matchedBy]);
    // Both rules at fault (0.0.0.0/0 and ::/0) came from one call of alice's.
    assert.deepEqual(who('ssh-open-to-internet', 'sg-0c2359b147c75fde3'), [
      ['alice@acme.example', 'AuthorizeSecurityGroupIngress', 'rule id'],
      ['alice@acme.example', 'AuthorizeSecurityGroupIngress', 'rule id'],
    ]);
    assert.deepEqual(who('high-risk-port-open-to-internet', 'sg-0ac2f15fce6fc584e'), [['bob', 'ModifySecurityGroupRules', 'rule id']]);
    assert.deepEqual(who('instance-exposed-to-internet', 'eni-0a558b36828b9a692'), [
      ['gha-acme-infra-4471', 'AuthorizeSecurityGroupIngress', 'rule id'],
      ['frank', 'ModifyInstanceAttribute', 'instance'],
    ]);
    // Older than the events: said so, not guessed.
    const old = report.findings.find((f) => f.ruleId === 'ssh-open-to-internet' && f.resource.id === 'sg-0d00a67a81034967f');
    assert.deepEqual(old?.attribution?.events, []);
    assert.ok(old?.attribution?.unmatched);
    assert.ok(report.findings.filter((f) => f.resource.type === 'network-acl' || f.resource.type === 'vpc').every((f) => f.attribution === undefined));
  });

  test('the table and the Markdown say it under each finding', async () => {
    const table = (await runMain(AUDIT, { COLUMNS: '100' })).stdout;
    assert.match(table, /ssh-open-to-internet: tcp 22 from 0\.0\.0\.0\/0, ::\/0\n\s+opened by arn:aws:sts::123456789012:assumed-role\/AcmeAdmin\/alice@acme\.example \(source\s+identity alice\) 2026-01-01 09:14 UTC · AuthorizeSecurityGroupIngress from 203\.0\.113\.45/);
    assert.match(table, /opened by: no matching CloudTrail event/);
    const markdown = (await runMain([...AUDIT, '--format', 'markdown'])).stdout;
    assert.match(markdown, /opened by arn:aws:sts::123456789012:assumed\\-role\/AcmeAdmin\/alice&#64;&#8203;acme\\\.example/);
  });

  test('without --cloudtrail nothing is attributed; --since needs it', async () => {
    const report = JSON.parse((await runMain(['--input', 'examples/demo-account-next', '--format', 'json'])).stdout) as AuditReport;
    assert.ok(report.findings.every((f) => f.attribution === undefined));
    const { code, stderr } = await runMain(['--input', 'examples/demo-account-next', '--since', '7d']);
    assert.equal(code, 2);
    assert.match(stderr, /--since and --until set the window of CloudTrail events — add --cloudtrail/);
  });
});
