// Suppressions: which findings they cover (rule, resource by id/ARN/name/wildcard, ports,
// source, account, region), expiry (inclusive, UTC), and the status of each one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding, Outcome } from '../../src/engine/evaluate.js';
import { exitCodeFor, failingFindings } from '../../src/engine/gate.js';
import { applySuppressions, isExpired, wildcardMatches, type Suppression } from '../../src/engine/suppress.js';
import type { PortSpan, Severity } from '../../src/rules-kit/types.js';

const ACCOUNT = '111122223333';

interface FindingSpec {
  ruleId?: string;
  id?: string;
  name?: string;
  region?: string;
  accountId?: string;
  severity?: Severity;
  ports?: PortSpan[];
  sources?: string[];
  key?: string;
}

function finding(spec: FindingSpec = {}): Finding {
  const id = spec.id ?? 'sg-0123456789abcdef0';
  const region = spec.region ?? 'us-east-1';
  const accountId = spec.accountId ?? ACCOUNT;
  return {
    ruleId: spec.ruleId ?? 'ssh-open-to-internet',
    severity: spec.severity ?? 'high',
    title: 't',
    message: 'm',
    resource: {
      type: 'security-group',
      id,
      name: spec.name ?? 'bastion',
      arn: `arn:aws:ec2:${region}:${accountId}:security-group/${id}`,
      accountId,
      region,
    },
    evidence: {},
    remediation: 'r',
    key: spec.key ?? 'tcp/22',
    fingerprint: `fp-${id}-${spec.key ?? 'tcp/22'}`,
    ...(spec.ports ? { ports: spec.ports } : {}),
    ...(spec.sources ? { sources: spec.sources } : {}),
  };
}

let nextIndex = 0;
function suppression(spec: Partial<Suppression> = {}): Suppression {
  return { index: spec.index ?? nextIndex++, rule: 'ssh-open-to-internet', resource: 'sg-0123456789abcdef0', reason: 'accepted', ...spec };
}

const TODAY = new Date('2026-06-15T12:00:00Z');
const tcp = (from: number, to = from): PortSpan => ({ protocol: 'tcp', from, to });
const udp = (from: number, to = from): PortSpan => ({ protocol: 'udp', from, to });

/** Whether `s` suppresses `f` today. */
function suppresses(s: Suppression, f: Finding): boolean {
  return applySuppressions([f], [s], TODAY).findings[0]?.suppressed !== undefined;
}

describe('suppressions: matching', () => {
  const cases: { name: string; s: Partial<Suppression>; f: FindingSpec; match: boolean }[] = [
    { name: 'resource by id', s: { resource: 'sg-0123456789abcdef0' }, f: {}, match: true },
    { name: 'resource by ARN', s: { resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0123456789abcdef0` }, f: {}, match: true },
    { name: 'resource by name', s: { resource: 'bastion' }, f: {}, match: true },
    { name: 'another resource', s: { resource: 'sg-0fff' }, f: {}, match: false },
    { name: 'ids are not prefixes', s: { resource: 'sg-0123' }, f: {}, match: false },
    { name: 'wildcard in a name', s: { resource: 'launch-wizard-*' }, f: { name: 'launch-wizard-12' }, match: true },
    { name: 'wildcard does not match another name', s: { resource: 'launch-wizard-*' }, f: { name: 'my-launch-wizard-1' }, match: false },
    { name: '* alone matches every resource', s: { resource: '*' }, f: { id: 'sg-0aaa', name: 'anything' }, match: true },
    { name: 'wildcard across an ARN', s: { resource: 'arn:aws:ec2:eu-west-1:*' }, f: { region: 'eu-west-1' }, match: true },
    { name: 'a name shaped like an ARN does not match an ARN suppression', s: { resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0fff` }, f: { id: 'sg-0aaa', name: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0fff` }, match: false },
    { name: 'a name shaped like an id does not match an id suppression', s: { resource: 'vpc-0fff' }, f: { id: 'vpc-0aaa', name: 'vpc-0fff' }, match: false },
    { name: 'an id-shaped wildcard is compared with ids', s: { resource: 'sg-0123*' }, f: {}, match: true },
    { name: 'an ARN-shaped wildcard is not compared with names', s: { resource: 'arn:aws:ec2:eu-west-1:*' }, f: { name: 'arn:aws:ec2:eu-west-1:x' }, match: false },
    { name: 'regex characters are literal', s: { resource: 'web.(prod)+' }, f: { name: 'web.(prod)+' }, match: true },
    { name: 'a dot is not "any character"', s: { resource: 'web.prod' }, f: { name: 'webXprod' }, match: false },
    { name: 'the rule id must match exactly', s: { rule: 'rdp-open-to-internet' }, f: {}, match: false },
    { name: 'account narrows', s: { account: '999999999999' }, f: {}, match: false },
    { name: 'account matches', s: { account: ACCOUNT }, f: {}, match: true },
    { name: 'region narrows', s: { region: 'eu-west-1' }, f: {}, match: false },
    { name: 'region matches', s: { region: 'us-east-1' }, f: {}, match: true },
    { name: 'no ports or source: every finding of the rule on the resource', s: {}, f: { ports: [tcp(22)], sources: ['0.0.0.0/0'] }, match: true },
    // ports
    { name: 'ports: tcp/22 covers a tcp 22 finding', s: { ports: [tcp(22)] }, f: { ports: [tcp(22)] }, match: true },
    { name: 'ports: tcp/22 does not cover a finding about tcp 20-25', s: { ports: [tcp(22)] }, f: { ports: [tcp(20, 25)] }, match: false },
    { name: 'ports: tcp/20-25 covers tcp 22', s: { ports: [tcp(20, 25)] }, f: { ports: [tcp(22)] }, match: true },
    { name: 'ports: every port of the finding must be covered', s: { ports: [tcp(22)] }, f: { ports: [tcp(22), tcp(3389)] }, match: false },
    { name: 'ports: several specs together', s: { ports: [tcp(22), tcp(3389)] }, f: { ports: [tcp(22), tcp(3389)] }, match: true },
    { name: 'ports: the protocol must match', s: { ports: [tcp(3389)] }, f: { ports: [udp(3389)] }, match: false },
    { name: 'ports: a finding without ports is not covered', s: { ports: [tcp(22)] }, f: {}, match: false },
    { name: 'ports: a finding with an empty port list is not covered', s: { ports: [tcp(22)] }, f: { ports: [] }, match: false },
    // source
    { name: 'source: the same CIDR', s: { source: '0.0.0.0/0' }, f: { sources: ['0.0.0.0/0'] }, match: true },
    { name: 'source: a CIDR inside it', s: { source: '203.0.113.0/24' }, f: { sources: ['203.0.113.8/29'] }, match: true },
    { name: 'source: a wider CIDR is not inside', s: { source: '203.0.113.0/24' }, f: { sources: ['203.0.0.0/16'] }, match: false },
    { name: 'source: every source must be inside', s: { source: '203.0.113.0/24' }, f: { sources: ['203.0.113.1/32', '198.51.100.0/24'] }, match: false },
    { name: 'source: 0.0.0.0/0 does not hold IPv6', s: { source: '0.0.0.0/0' }, f: { sources: ['::/0'] }, match: false },
    { name: 'source: IPv6 containment', s: { source: '2001:db8::/32' }, f: { sources: ['2001:db8:1::/48'] }, match: true },
    { name: 'source: a prefix-list id equals', s: { source: 'pl-0abc' }, f: { sources: ['pl-0abc'] }, match: true },
    { name: 'source: another prefix list', s: { source: 'pl-0abc' }, f: { sources: ['pl-0def'] }, match: false },
    { name: 'source: a group id equals', s: { source: 'sg-0aaa' }, f: { sources: ['sg-0aaa'] }, match: true },
    { name: 'source: a CIDR never holds a group id', s: { source: '0.0.0.0/0' }, f: { sources: ['sg-0aaa'] }, match: false },
    { name: 'source: a finding without sources is not covered', s: { source: '0.0.0.0/0' }, f: {}, match: false },
    { name: 'ports and source together', s: { ports: [tcp(22)], source: '0.0.0.0/0' }, f: { ports: [tcp(22)], sources: ['0.0.0.0/0'] }, match: true },
    { name: 'ports and source: both must hold', s: { ports: [tcp(22)], source: '10.0.0.0/8' }, f: { ports: [tcp(22)], sources: ['0.0.0.0/0'] }, match: false },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(suppresses(suppression(c.s), finding(c.f)), c.match));
  }

  test('wildcardMatches: * is the only special character', () => {
    assert.ok(wildcardMatches('a*c', 'abbbc'));
    assert.ok(wildcardMatches('a*c', 'ac'));
    assert.ok(!wildcardMatches('a?c', 'abc'));
    assert.ok(wildcardMatches('a?c', 'a?c'));
    assert.ok(wildcardMatches('**', ''));
  });
});

describe('suppressions: marking and counting', () => {
  test('a suppressed finding stays, marked with reason, owner, expiry and the suppression index', () => {
    const f = finding();
    const s = suppression({ index: 3, reason: 'bastion (SEC-1)', owner: 'platform', expires: '2026-12-31' });
    const result = applySuppressions([f], [s], TODAY);
    assert.equal(result.findings.length, 1);
    assert.deepEqual(result.findings[0], { ...f, suppressed: { reason: 'bastion (SEC-1)', owner: 'platform', expires: '2026-12-31', suppression: 3 } });
    assert.deepEqual(result.suppressions, [
      {
        index: 3,
        rule: 'ssh-open-to-internet',
        resource: 'sg-0123456789abcdef0',
        reason: 'bastion (SEC-1)',
        owner: 'platform',
        expires: '2026-12-31',
        status: 'active',
        matched: 1,
      },
    ]);
    assert.deepEqual(result.warnings, []);
  });

  test('findings keep their order; unmatched ones are untouched', () => {
    const a = finding({ id: 'sg-0a' });
    const b = finding({ id: 'sg-0b' });
    const c = finding({ id: 'sg-0c' });
    const result = applySuppressions([a, b, c], [suppression({ resource: 'sg-0b' })], TODAY);
    assert.deepEqual(
      result.findings.map((f) => [f.resource.id, f.suppressed !== undefined]),
      [
        ['sg-0a', false],
        ['sg-0b', true],
        ['sg-0c', false],
      ],
    );
    assert.equal(result.findings[0], a, 'an unsuppressed finding is the same object');
  });

  test('the first matching suppression (config order) marks the finding; each counts its matches', () => {
    const f = finding();
    const result = applySuppressions([f], [suppression({ index: 0, reason: 'first' }), suppression({ index: 1, resource: '*', reason: 'second' })], TODAY);
    assert.equal(result.findings[0]?.suppressed?.reason, 'first');
    assert.deepEqual(
      result.suppressions.map((s) => [s.status, s.matched]),
      [
        ['active', 1],
        ['active', 1],
      ],
    );
  });

  test('ports and source are listed as written (canonical port specs)', () => {
    const result = applySuppressions([], [suppression({ index: 0, ports: [tcp(22), udp(8000, 8100)], source: '203.0.113.0/24' })], TODAY);
    assert.deepEqual(result.suppressions[0]?.ports, ['tcp/22', 'udp/8000-8100']);
    assert.equal(result.suppressions[0]?.source, '203.0.113.0/24');
  });
});

describe('suppressions: expiry (inclusive, UTC)', () => {
  const s = suppression({ index: 2, expires: '2026-10-01', reason: 'until October' });

  test('isExpired: the expiry day itself still applies, the next day does not', () => {
    assert.equal(isExpired(s, new Date('2026-09-30T23:59:59Z')), false);
    assert.equal(isExpired(s, new Date('2026-10-01T00:00:00Z')), false);
    assert.equal(isExpired(s, new Date('2026-10-01T23:59:59.999Z')), false);
    assert.equal(isExpired(s, new Date('2026-10-02T00:00:00Z')), true);
    assert.equal(isExpired({}, new Date('2099-01-01T00:00:00Z')), false, 'no expiry never expires');
  });

  test('on the expiry day the finding is suppressed', () => {
    const result = applySuppressions([finding()], [s], new Date('2026-10-01T22:00:00Z'));
    assert.equal(result.findings[0]?.suppressed?.reason, 'until October');
    assert.equal(result.suppressions[0]?.status, 'active');
    assert.deepEqual(result.warnings, []);
  });

  test('the day after, the suppression is expired, the finding counts again, and a warning says so', () => {
    const result = applySuppressions([finding()], [s], new Date('2026-10-02T00:00:01Z'));
    assert.equal(result.findings[0]?.suppressed, undefined);
    assert.deepEqual(
      result.suppressions.map((r) => [r.status, r.matched]),
      [['expired', 1]],
    );
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0] ?? '', /^suppressions\[2\] \(ssh-open-to-internet on sg-0123456789abcdef0\) expired on 2026-10-01: its finding counts again/);
    assert.equal(exitCodeFor(result.findings, [], 'high'), 1);
  });

  test('an expired suppression gives way to a later one that still applies', () => {
    const later = suppression({ index: 3, reason: 'renewed', expires: '2027-01-01' });
    const result = applySuppressions([finding()], [s, later], new Date('2026-11-01T00:00:00Z'));
    assert.equal(result.findings[0]?.suppressed?.reason, 'renewed');
    assert.equal(result.findings[0]?.suppressed?.suppression, 3);
  });

  test('an expired suppression whose rule did not run is still reported, without claiming it matches nothing', () => {
    const other = { ruleId: 'unused-sg', status: 'pass' as const, resource: finding().resource };
    const result = applySuppressions([], [s], new Date('2027-01-01T00:00:00Z'), [other]);
    assert.equal(result.suppressions[0]?.status, 'expired');
    assert.match(result.warnings[0] ?? '', /expired on 2026-10-01: remove it, or renew it with a new reason and date$/);
  });

  test('an expired suppression that matches nothing says so', () => {
    const result = applySuppressions([], [s], new Date('2027-01-01T00:00:00Z'));
    assert.equal(result.suppressions[0]?.status, 'expired');
    assert.match(result.warnings[0] ?? '', /expired on 2026-10-01 and matches no finding: remove it/);
  });
});

describe('suppressions: unused and not evaluated', () => {
  const outcome = (ruleId: string, region = 'us-east-1'): Outcome => ({
    ruleId,
    status: 'pass',
    resource: { type: 'security-group', id: 'sg-0x', name: 'x', arn: 'arn', accountId: ACCOUNT, region },
  });

  test('a suppression that matches no finding is unused, with a warning naming it', () => {
    const s = suppression({ index: 4, resource: 'sg-0gone' });
    const result = applySuppressions([finding()], [s], TODAY, [outcome('ssh-open-to-internet')]);
    assert.equal(result.suppressions[0]?.status, 'unused');
    assert.equal(result.suppressions[0]?.matched, 0);
    assert.deepEqual(result.warnings, ['suppressions[4] (ssh-open-to-internet on sg-0gone) matched no finding: remove it or fix its rule/resource']);
  });

  test('without outcomes, every rule counts as run', () => {
    const result = applySuppressions([], [suppression({ resource: 'sg-0gone' })], TODAY);
    assert.equal(result.suppressions[0]?.status, 'unused');
  });

  test('a suppression whose rule did not run (--rule, a rule turned off) is not-evaluated, without a warning', () => {
    const s = suppression({ rule: 'unused-sg' });
    const result = applySuppressions([], [s], TODAY, [outcome('ssh-open-to-internet')]);
    assert.equal(result.suppressions[0]?.status, 'not-evaluated');
    assert.deepEqual(result.warnings, []);
  });

  test('a suppression for a region the audit did not cover is not-evaluated', () => {
    const s = suppression({ region: 'eu-west-1' });
    const result = applySuppressions([], [s], TODAY, [outcome('ssh-open-to-internet', 'us-east-1')]);
    assert.equal(result.suppressions[0]?.status, 'not-evaluated');
  });
});

describe('suppressions and the gate', () => {
  test('suppressed findings do not fail the run', () => {
    const result = applySuppressions([finding({ severity: 'critical' })], [suppression()], TODAY);
    assert.deepEqual(failingFindings(result.findings, 'info'), []);
    assert.equal(exitCodeFor(result.findings, [], 'info'), 0);
  });

  test('an unsuppressed finding beside a suppressed one still fails it', () => {
    const result = applySuppressions([finding(), finding({ id: 'sg-0other' })], [suppression()], TODAY);
    assert.equal(failingFindings(result.findings, 'high').length, 1);
    assert.equal(exitCodeFor(result.findings, [], 'high'), 1);
  });

  test('errors still make the run incomplete (3), suppressed or not', () => {
    const result = applySuppressions([finding()], [suppression()], TODAY);
    const error = { kind: 'rule' as const, accountId: ACCOUNT, region: 'us-east-1', code: 'RuleError', message: 'boom' };
    assert.equal(exitCodeFor(result.findings, [error], 'high'), 3);
  });
});
