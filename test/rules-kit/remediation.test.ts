import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import type { IpPermission, SecurityGroup as RawGroup } from '@aws-sdk/client-ec2';
import sshRule from '../../rules/ssh-open-to-internet.js';
import type { SecurityGroup } from '../../src/model/types.js';
import { describeIngressCommand, ipPermissionJson, REVOKE_INGRESS_BY_RULE_ID_CLI, revokeCommand, shellArg } from '../../src/rules-kit/remediation.js';
import { ACCOUNT, all, group, icmp, model, proto, rulesOf, tcp, udp, type ScopeSpec } from '../helpers/builders.js';
import { runCase } from '../helpers/rule-tester.js';

/** The normalized group of one raw group, with its `sgr-` ids collected unless `ruleIds` is false. */
function normalized(raw: RawGroup, options: { ruleIds?: boolean; region?: string } = {}): SecurityGroup {
  const spec: ScopeSpec = {
    groups: [raw],
    ...(options.ruleIds === false ? {} : { securityGroupRules: rulesOf(raw) }),
    ...(options.region ? { region: options.region } : {}),
  };
  const g = model(spec).groups[0];
  assert.ok(g);
  return g;
}

/**
 * How a POSIX shell splits `command` into words: `aws` is replaced by a function that prints its
 * arguments, so nothing is executed. Only harmless payloads (echo) are ever given to it.
 */
function shellWords(command: string): string[][] {
  const result = spawnSync('sh', ['-c', `aws() { for a in "$@"; do printf '%s\\036' "$a"; done; printf '\\035'; }\n${command}`], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout
    .split('\x1d')
    .filter((line) => line !== '')
    .map((line) => line.split('\x1e').slice(0, -1));
}

describe('shellArg', () => {
  const cases: { name: string; input: string; expected: string }[] = [
    { name: 'a group id is left alone', input: 'sg-0123456789abcdef0', expected: 'sg-0123456789abcdef0' },
    { name: 'a rule id is left alone', input: 'sgr-0123456789abcdef0', expected: 'sgr-0123456789abcdef0' },
    { name: 'a region is left alone', input: 'us-gov-west-1', expected: 'us-gov-west-1' },
    { name: 'CIDRs are left alone', input: '2001:db8::/32', expected: '2001:db8::/32' },
    { name: 'a filter is left alone', input: 'Name=group-id,Values=sg-1', expected: 'Name=group-id,Values=sg-1' },
    { name: 'a command separator is quoted', input: 'sg-1;rm -rf /', expected: "'sg-1;rm -rf /'" },
    { name: 'command substitution is quoted', input: '$(whoami)', expected: "'$(whoami)'" },
    { name: 'backticks are quoted', input: '`id`', expected: "'`id`'" },
    { name: 'a pipe is quoted', input: 'sg-1|sh', expected: "'sg-1|sh'" },
    { name: 'an ampersand is quoted', input: 'sg-1&', expected: "'sg-1&'" },
    { name: 'a redirect is quoted', input: 'sg-1>x', expected: "'sg-1>x'" },
    { name: 'a glob is quoted', input: 'sg-*', expected: "'sg-*'" },
    { name: 'a space is quoted', input: 'sg 1', expected: "'sg 1'" },
    { name: 'a newline is quoted', input: 'sg-1\nrm', expected: "'sg-1\nrm'" },
    { name: 'a tilde is quoted', input: '~', expected: "'~'" },
    { name: 'a single quote is closed, escaped and reopened', input: "it's", expected: "'it'\\''s'" },
    { name: 'the empty string is an empty word', input: '', expected: "''" },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => assert.equal(shellArg(input), expected));
  }

  const hostile = ['sg-1;echo INJECTED', '$(echo INJECTED)', '`echo INJECTED`', "x'; echo INJECTED; '", 'a\nb', '', ' lead and trail ', '"double"', '\\', '$HOME'];
  for (const value of hostile) {
    test(`the shell reads ${JSON.stringify(value)} back as exactly one word`, () => {
      assert.deepEqual(shellWords(`aws ${shellArg(value)}`), [[value]]);
    });
  }
});

describe('revokeCommand', () => {
  const G = 'sg-0123456789abcdef0';
  const id = (n: number) => `sgr-0123456789abcdef0${n.toString(16)}`;

  test('no permissions: no command', () => {
    assert.equal(revokeCommand(normalized(group({ id: G, ingress: [tcp(22, '0.0.0.0/0')] })), []), undefined);
  });

  test('without sgr- ids: no command', () => {
    const g = normalized(group({ id: G, ingress: [tcp(22, '0.0.0.0/0')] }), { ruleIds: false });
    assert.equal(revokeCommand(g, g.ingress), undefined);
  });

  test('when any permission lacks its sgr- id: no command (never a partial one)', () => {
    const raw = group({ id: G, ingress: [tcp(22, '0.0.0.0/0', '::/0')] });
    const g = model({ groups: [raw], securityGroupRules: rulesOf(raw).filter((r) => r.CidrIpv6 === undefined) }).groups[0];
    assert.ok(g);
    assert.equal(revokeCommand(g, [g.ingress[0] as (typeof g.ingress)[number]]), `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids ${id(0)}`);
    assert.equal(revokeCommand(g, g.ingress), undefined);
  });

  test('one ingress rule', () => {
    const g = normalized(group({ id: G, ingress: [tcp(22, '0.0.0.0/0')] }));
    assert.equal(revokeCommand(g, g.ingress), `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids ${id(0)}`);
  });

  test('exactly the given permissions, ids sorted and named once', () => {
    const g = normalized(group({ id: G, ingress: [tcp(22, '0.0.0.0/0', '10.0.0.0/8'), udp(53, '::/0'), all('sg-other')] }));
    const [v4, priv, v6, ref] = g.ingress;
    assert.ok(v4 && priv && v6 && ref);
    assert.equal(priv.ruleId, id(1));
    assert.equal(revokeCommand(g, [v6, v4, v6]), `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids ${id(0)} ${id(2)}`);
    assert.equal(revokeCommand(g, [ref]), `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids ${id(3)}`);
  });

  test('a prefix-list source and an ICMP rule have ids too', () => {
    const g = normalized(group({ id: G, ingress: [icmp(-1, -1, '0.0.0.0/0'), tcp(22, 'pl-0123456789abcdef0'), proto('50', undefined, '::/0')] }));
    assert.equal(
      revokeCommand(g, g.ingress),
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids ${id(0)} ${id(1)} ${id(2)}`,
    );
  });

  test('egress rules are revoked with revoke-security-group-egress', () => {
    const g = normalized(group({ id: G, egress: [all('0.0.0.0/0', '::/0')] }));
    assert.equal(revokeCommand(g, g.egress), `aws ec2 revoke-security-group-egress --region us-east-1 --group-id ${G} --security-group-rule-ids ${id(0)} ${id(1)}`);
  });

  test('ingress and egress: one command per direction, ingress first', () => {
    const g = normalized(group({ id: G, ingress: [tcp(22, '0.0.0.0/0')], egress: [all('0.0.0.0/0')] }));
    assert.equal(
      revokeCommand(g, [...g.egress, ...g.ingress]),
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids ${id(0)}` +
        ` && aws ec2 revoke-security-group-egress --region us-east-1 --group-id ${G} --security-group-rule-ids ${id(1)}`,
    );
  });

  test("the group's region", () => {
    const g = normalized(group({ id: G, ingress: [tcp(22, '0.0.0.0/0')] }), { region: 'ap-southeast-2' });
    assert.equal(revokeCommand(g, g.ingress), `aws ec2 revoke-security-group-ingress --region ap-southeast-2 --group-id ${G} --security-group-rule-ids ${id(0)}`);
  });

  test('a hostile group id (and the rule ids made from it) come out single-quoted', () => {
    const g = normalized(group({ id: 'sg-1;rm -rf /', ingress: [tcp(22, '0.0.0.0/0')] }));
    assert.equal(
      revokeCommand(g, g.ingress),
      "aws ec2 revoke-security-group-ingress --region us-east-1 --group-id 'sg-1;rm -rf /' --security-group-rule-ids 'sgr-1;rm -rf /0'",
    );
  });

  test('the shell reads a hostile command back as the intended words, running nothing else', () => {
    const g = normalized(group({ id: 'sg-1;echo INJECTED', ingress: [tcp(22, '0.0.0.0/0')] }));
    const command = revokeCommand(g, g.ingress);
    assert.ok(command);
    assert.deepEqual(shellWords(command), [
      ['ec2', 'revoke-security-group-ingress', '--region', 'us-east-1', '--group-id', 'sg-1;echo INJECTED', '--security-group-rule-ids', 'sgr-1;echo INJECTED0'],
    ]);
  });
});

describe('the two-step fallback', () => {
  test('REVOKE_INGRESS_BY_RULE_ID_CLI lists the rules, then revokes by id', () => {
    assert.equal(
      REVOKE_INGRESS_BY_RULE_ID_CLI,
      'aws ec2 describe-security-group-rules --region {region} --filters Name=group-id,Values={groupId}' +
        '  # then: aws ec2 revoke-security-group-ingress --region {region} --group-id {groupId} --security-group-rule-ids <sgr-id>',
    );
  });

  test('filled by the engine, a hostile group id comes out single-quoted', () => {
    const { findings } = runCase(sshRule, { name: 'hostile', data: { groups: [group({ id: 'sg-1;rm -rf /', ingress: [tcp(22, '0.0.0.0/0')] })] } });
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0]?.remediationCommand,
      "aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values='sg-1;rm -rf /'" +
        "  # then: aws ec2 revoke-security-group-ingress --region us-east-1 --group-id 'sg-1;rm -rf /' --security-group-rule-ids <sgr-id>",
    );
  });

  test('filled by the engine, the shell reads the first step back as intended', () => {
    const { findings } = runCase(sshRule, { name: 'hostile', data: { groups: [group({ id: 'sg-1$(echo INJECTED)', ingress: [tcp(22, '0.0.0.0/0')] })] } });
    const command = findings[0]?.remediationCommand;
    assert.ok(command);
    assert.deepEqual(shellWords(command), [['ec2', 'describe-security-group-rules', '--region', 'us-east-1', '--filters', 'Name=group-id,Values=sg-1$(echo INJECTED)']]);
  });
});

describe('ipPermissionJson', () => {
  const D = 'who';
  const cases: { name: string; input: IpPermission; expected: Record<string, unknown> }[] = [
    { name: 'tcp from an IPv4 CIDR', input: tcp(22, '10.0.0.0/8'), expected: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: D }] } },
    { name: 'a udp range from an IPv6 CIDR', input: udp([1000, 2000], '2600::/16'), expected: { IpProtocol: 'udp', FromPort: 1000, ToPort: 2000, Ipv6Ranges: [{ CidrIpv6: '2600::/16', Description: D }] } },
    { name: 'canonical CIDR text', input: tcp(22, '10.1.2.3/8'), expected: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: D }] } },
    { name: 'protocol all has no ports', input: all('0.0.0.0/0'), expected: { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: D }] } },
    { name: 'tcp without ports is every port', input: proto('tcp', undefined, '0.0.0.0/0'), expected: { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: D }] } },
    { name: 'ICMP type and code', input: icmp(8, -1, '0.0.0.0/0'), expected: { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: D }] } },
    { name: 'a numbered protocol', input: proto('50', undefined, '198.51.100.7/32'), expected: { IpProtocol: '50', IpRanges: [{ CidrIp: '198.51.100.7/32', Description: D }] } },
    { name: 'protocol "6" is written as tcp', input: proto('6', [443, 443], '0.0.0.0/0'), expected: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: D }] } },
    { name: 'a prefix list', input: tcp(22, 'pl-0123456789abcdef0'), expected: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0', Description: D }] } },
    {
      name: 'a group reference with its account',
      input: tcp(5432, 'sg-0123456789abcdef0'),
      expected: { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-0123456789abcdef0', UserId: ACCOUNT, Description: D }] },
    },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const [perm] = normalized(group({ ingress: [input] }), { ruleIds: false }).ingress;
      assert.ok(perm);
      assert.deepEqual(ipPermissionJson(perm, D), expected);
    });
  }

  test('a group reference without an account has no UserId', () => {
    const raw = group({ ingress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-gone' }] }] });
    const [perm] = normalized(raw, { ruleIds: false }).ingress;
    assert.ok(perm);
    assert.deepEqual(ipPermissionJson(perm, D), { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-gone', Description: D }] });
  });
});

describe('describeIngressCommand', () => {
  test('one source: the exact command', () => {
    const g = normalized(group({ id: 'sg-x', ingress: [tcp(22, '10.0.0.0/8')] }), { ruleIds: false });
    assert.equal(
      describeIngressCommand(g, g.ingress),
      'aws ec2 update-security-group-rule-descriptions-ingress --region us-east-1 --group-id sg-x --ip-permissions ' +
        `'[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8","Description":"<who and why>"}]}]'`,
    );
  });

  test('several kinds of source: the JSON the shell hands to the CLI', () => {
    const g = normalized(
      group({ id: 'sg-x', ingress: [tcp(22, '10.0.0.0/8', '2600::/16', 'pl-0123456789abcdef0'), all('sg-x'), icmp(3, 4, '10.0.0.0/8')] }),
      { ruleIds: false },
    );
    const [words] = shellWords(describeIngressCommand(g, g.ingress));
    assert.ok(words);
    assert.deepEqual(words.slice(0, -1), ['ec2', 'update-security-group-rule-descriptions-ingress', '--region', 'us-east-1', '--group-id', 'sg-x', '--ip-permissions']);
    const d = '<who and why>';
    assert.deepEqual(JSON.parse(words[words.length - 1] ?? ''), [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: d }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '2600::/16', Description: d }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0', Description: d }] },
      { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-x', UserId: ACCOUNT, Description: d }] },
      { IpProtocol: 'icmp', FromPort: 3, ToPort: 4, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: d }] },
    ]);
  });

  test('only the given permissions', () => {
    const g = normalized(group({ id: 'sg-x', ingress: [tcp(22, '10.0.0.0/8'), tcp(443, '0.0.0.0/0')] }), { ruleIds: false });
    const [words] = shellWords(describeIngressCommand(g, [g.ingress[1] as (typeof g.ingress)[number]]));
    assert.deepEqual(JSON.parse(words?.[words.length - 1] ?? ''), [
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: '<who and why>' }] },
    ]);
  });

  test('a hostile group id comes out single-quoted', () => {
    const g = normalized(group({ id: 'sg-1;rm -rf /', ingress: [tcp(22, '10.0.0.0/8')] }), { ruleIds: false });
    assert.match(describeIngressCommand(g, g.ingress), /^aws ec2 update-security-group-rule-descriptions-ingress --region us-east-1 --group-id 'sg-1;rm -rf \/' --ip-permissions '\[/);
  });

  test('hostile ids inside the JSON (a quote in a prefix-list id) survive the shell intact', () => {
    const hostileList = "pl-x'; echo INJECTED; '";
    const g = normalized(group({ id: 'sg-1$(echo INJECTED)', ingress: [tcp(22, hostileList)] }), { ruleIds: false });
    const words = shellWords(describeIngressCommand(g, g.ingress));
    assert.equal(words.length, 1, 'one command, nothing injected');
    const [argv] = words;
    assert.equal(argv?.[5], 'sg-1$(echo INJECTED)');
    assert.deepEqual(JSON.parse(argv?.[7] ?? ''), [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: hostileList, Description: '<who and why>' }] },
    ]);
  });
});
