// The bundled example account against its own specification, examples/demo-account/EXPECTED.md:
// every finding it lists (rule × resource, parsed from its tables), the totals by rule and by
// severity, the variant with all-traffic-open-to-internet disabled, and the near misses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES } from '../../rules/index.js';
import { loadInputs } from '../../src/collect/files.js';
import { evaluate, type EvaluateOptions, type Finding } from '../../src/engine/evaluate.js';
import { selectRules } from '../../src/engine/select.js';
import { normalize } from '../../src/model/normalize.js';
import { REPO_ROOT } from '../helpers/cli.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo-account');

async function audit(skip: string[] = [], options: EvaluateOptions = {}): Promise<readonly Finding[]> {
  const model = normalize(await loadInputs([DEMO]));
  const rules = selectRules(RULES, { only: [], skip });
  const evaluation = evaluate(model, rules, rules, options);
  assert.deepEqual(evaluation.errors, [], 'the demo account audits without errors');
  assert.deepEqual(evaluation.skipped, [], 'the demo account has every data kind');
  return evaluation.findings;
}

/** `### \`rule-id\` (…)` sections of EXPECTED.md and the resource ids of their table rows. */
function expectedFromSpec(): Map<string, string[]> {
  const text = readFileSync(join(DEMO, 'EXPECTED.md'), 'utf8');
  const body = text.slice(text.indexOf('## Expected findings'), text.indexOf('## With `all-traffic-open-to-internet` disabled'));
  const expected = new Map<string, string[]>();
  let rule: string | undefined;
  for (const line of body.split('\n')) {
    const heading = /^### `([a-z0-9-]+)`/.exec(line);
    if (heading) {
      rule = heading[1] as string;
      expected.set(rule, []);
      continue;
    }
    if (!rule || !line.startsWith('| ') || line.startsWith('| region') || line.startsWith('| ---')) continue;
    const id = /\b((?:sg|acl|vpc|eni)-[0-9a-f]{8,17})\b/.exec(line)?.[1];
    if (id) expected.get(rule)?.push(id);
  }
  return expected;
}

const countBy = <T>(items: readonly T[], key: (t: T) => string) =>
  items.reduce<Record<string, number>>((acc, item) => ((acc[key(item)] = (acc[key(item)] ?? 0) + 1), acc), {});

test('every finding EXPECTED.md lists, and no other', async () => {
  const findings = await audit();
  const expected = expectedFromSpec();
  assert.equal(expected.size, 19, 'EXPECTED.md has a section for each of RULES.md\'s 18 rules and instance-exposed-to-internet');
  const actual = new Map<string, string[]>();
  for (const f of findings) actual.set(f.ruleId, [...(actual.get(f.ruleId) ?? []), f.resource.id]);
  for (const [rule, ids] of expected) {
    assert.deepEqual([...(actual.get(rule) ?? [])].sort(), [...ids].sort(), `findings of ${rule}`);
  }
  const unexpected = [...actual.keys()].filter((rule) => !expected.has(rule));
  assert.deepEqual(unexpected, [], 'no finding from a rule EXPECTED.md does not list');
});

test('79 findings: critical 9, high 15, medium 21, low 17, info 17', async () => {
  const findings = await audit();
  assert.equal(findings.length, 79);
  assert.deepEqual(countBy(findings, (f) => f.severity), { critical: 9, high: 15, medium: 21, low: 17, info: 17 });
});

/** The rows of EXPECTED.md's "Severity in context" table: rule, group id and the lowered severity. */
function loweredFromSpec(): { ruleId: string; groupId: string; severity: string }[] {
  const text = readFileSync(join(DEMO, 'EXPECTED.md'), 'utf8');
  const body = text.slice(text.indexOf('## Severity in context'), text.indexOf('## Near misses'));
  return body
    .split('\n')
    .map((line) => /^\| [a-z0-9-]+ \| `([a-z-]+)` \| [^|]*`(sg-[0-9a-f]+)` \| (\w+) \(not \w+\) \|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ ruleId: m[1] as string, groupId: m[2] as string, severity: m[3] as string }));
}

test('severity in context: the seven findings EXPECTED.md lists are one level lower, with the reason; the rest keep theirs', async () => {
  const plain = await audit();
  const inContext = await audit([], { exposureContext: true });
  assert.equal(inContext.length, 79, 'the same findings');
  assert.deepEqual(countBy(inContext, (f) => f.severity), { critical: 7, high: 13, medium: 24, low: 18, info: 17 });
  const expected = loweredFromSpec();
  assert.equal(expected.length, 7);
  const lowered = inContext.filter((f) => f.context !== undefined);
  assert.deepEqual(
    lowered.map((f) => ({ ruleId: f.ruleId, groupId: f.resource.id, severity: f.severity })).sort((a, b) => (a.ruleId + a.groupId < b.ruleId + b.groupId ? -1 : 1)),
    expected.sort((a, b) => (a.ruleId + a.groupId < b.ruleId + b.groupId ? -1 : 1)),
  );
  for (const f of lowered) {
    const before = plain.find((p) => p.fingerprint === f.fingerprint);
    assert.ok(before, 'the fingerprint leaves the context out');
    assert.equal(f.context?.loweredFrom, before.severity);
    assert.ok(f.message.startsWith(before.message), 'the message keeps what the rule said');
    assert.match(f.message, new RegExp(` — ${f.severity} rather than ${before.severity}: `));
  }
  const wizard = lowered.find((f) => f.resource.id === 'sg-00ac8398f1d4d5c5d');
  assert.match(wizard?.message ?? '', /: the group is attached to no network interface$/);
  const worker = lowered.find((f) => f.resource.id === 'sg-05d300b10aac662d8');
  assert.match(worker?.message ?? '', /its one network interface \(eni-0680faba70061e76b\) is not reachable from the internet on these ports: it has no route to an internet gateway$/);
  const winRdp = lowered.find((f) => f.resource.id === 'sg-014c2303353f0efa6');
  assert.match(winRdp?.message ?? '', /: it has no public IPv4 address$/);
});

test('with all-traffic-open-to-internet disabled the three all-traffic groups reappear in 15 port-rule rows (91)', async () => {
  const findings = await audit(['all-traffic-open-to-internet']);
  assert.equal(findings.length, 91);
  const allTrafficGroups = ['sg-0d1b778f9bc71bc27', 'sg-05d300b10aac662d8', 'sg-08fab2d67b6ddbc4e'];
  const rows = findings.filter((f) => allTrafficGroups.includes(f.resource.id) && f.ruleId !== 'rule-missing-description' && f.ruleId !== 'unrestricted-egress');
  assert.deepEqual(countBy(rows, (f) => f.ruleId), {
    'ssh-open-to-internet': 3,
    'rdp-open-to-internet': 3,
    'high-risk-port-open-to-internet': 3,
    'unauthorized-port-open-to-internet': 3,
    'too-many-open-ports': 3,
  });
});

test('near misses are not reported', async () => {
  const findings = await audit();
  const on = (id: string) => findings.filter((f) => f.resource.id === id).map((f) => f.ruleId).sort();
  // Bastion: SSH only from a /32 and an office prefix list.
  assert.deepEqual(on('sg-0c2359b147c75fde3'), ['unrestricted-egress']);
  // GRE, ESP and ICMP from the internet open no TCP/UDP port; attached only via a secondary ENI.
  assert.deepEqual(on('sg-0424a41292d6682e5'), ['unrestricted-egress']);
  // Exactly 10 ports from a private range is not "more than 10".
  assert.ok(!on('sg-09a41b9931f73383b').includes('too-many-open-ports'));
  // tcp 23-79 just misses 22.
  assert.ok(!on('sg-0473e7348360d4169').includes('ssh-open-to-internet'));
  // Denies 90-97 precede the allow-all: admin ports closed. Return-traffic-only ACL: closed.
  assert.deepEqual(on('acl-0e09e0c0f085a3a76'), []);
  assert.deepEqual(on('acl-0f03856fe6df51ba1'), []);
  // A reference with UserId across an active peering is not stale.
  assert.ok(!on('sg-0548e43a5cda328d9').includes('stale-sg-reference'));
  // 443 through a prefix list holding 0.0.0.0/0 is authorized; only 5601 is reported.
  assert.deepEqual(on('sg-0c8446313647e61f7'), ['high-risk-port-open-to-internet', 'unrestricted-egress']);
});

test('findings carry exact revoke commands from the saved security group rules', async () => {
  const findings = await audit();
  const jump = findings.find((f) => f.ruleId === 'ssh-open-to-internet' && f.resource.id === 'sg-08ad65f096b745a69');
  assert.match(
    jump?.remediationCommand ?? '',
    /^aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-08ad65f096b745a69 --security-group-rule-ids sgr-[0-9a-f]+ sgr-[0-9a-f]+$/,
  );
  const kibana = findings.find((f) => f.ruleId === 'high-risk-port-open-to-internet' && f.resource.id === 'sg-0c8446313647e61f7');
  assert.match(kibana?.message ?? '', /tcp 5601 Kibana\/OpenSearch Dashboards via tcp 5601 from pl-0ff2c61dbb8582550 \(acme-kibana-viewers\)/);
});
