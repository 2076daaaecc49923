import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import rule from '../../rules/all-traffic-open-to-internet.js';
import type { Finding } from '../../src/engine/evaluate.js';
import { all, eni, group, icmp, prefixList, proto, rulesOf, tcp, udp, withRuleIds, type ScopeSpec } from '../helpers/builders.js';
import { runCase, ruleTester } from '../helpers/rule-tester.js';

const one = (...ingress: ReturnType<typeof tcp>[]) => ({ groups: [group({ id: 'sg-target', ingress })] });
const PL = 'pl-0123456789abcdef0';
/** One group whose ingress may use PL, with PL's entries collected (GetManagedPrefixListEntries). */
const withList = (entries: string[], ...ingress: ReturnType<typeof tcp>[]): ScopeSpec => ({ ...one(...ingress), prefixListEntries: { [PL]: entries } });

ruleTester(rule, {
  valid: [
    { name: 'all traffic from a private /8', data: one(all('10.0.0.0/8')) },
    { name: 'all traffic from everything private (RFC 1918 + ULA)', data: one(all('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7')) },
    { name: 'all traffic from a group reference (self and other)', data: { groups: [group({ id: 'sg-target', ingress: [all('sg-target', 'sg-0123456789abcdef0')] })] } },
    { name: 'all traffic from an unresolved prefix list is not counted as the internet', data: one(all('pl-0123456789abcdef0')) },
    { name: 'all traffic from an office /32', data: one(all('52.94.76.10/32')) },
    { name: 'all traffic from a resolved prefix list of office ranges', data: withList(['52.94.76.10/32', '52.94.77.0/27', '2600:1f00::/56'], all(PL)) },
    { name: 'all traffic from a resolved prefix list of private ranges', data: withList(['10.0.0.0/8', 'fc00::/7'], all(PL)) },
    { name: 'all traffic from a resolved prefix list holding one half only', data: withList(['0.0.0.0/1'], all(PL)) },
    { name: 'tcp 0-65535 from a resolved prefix list of office ranges', data: withList(['52.94.76.10/32'], tcp([0, 65535], PL)) },
    { name: 'tcp 0-65535 from a public /8 is not the whole internet', data: one(tcp([0, 65535], '54.0.0.0/8')) },
    { name: 'tcp 2-65535 from anywhere just misses port 1', data: one(tcp([2, 65535], '0.0.0.0/0', '::/0')) },
    { name: 'tcp 1-65534 from anywhere just misses port 65535', data: one(tcp([1, 65534], '0.0.0.0/0')) },
    { name: 'udp 0-65534 from anywhere just misses port 65535', data: one(udp([0, 65534], '::/0')) },
    { name: 'tcp 0-32767 + tcp 32769-65535 leave a gap at 32768', data: one(tcp([0, 32767], '0.0.0.0/0'), tcp([32769, 65535], '0.0.0.0/0')) },
    {
      name: 'tcp halves of the port range in different families do not add up',
      data: one(tcp([0, 32767], '0.0.0.0/0'), tcp([32768, 65535], '::/0')),
    },
    { name: 'tcp 0-32767 + udp 32768-65535 are different protocols', data: one(tcp([0, 32767], '0.0.0.0/0'), udp([32768, 65535], '0.0.0.0/0')) },
    { name: 'tcp 22, 80 and 443 from anywhere are specific ports', data: one(tcp(22, '0.0.0.0/0'), tcp(80, '0.0.0.0/0'), tcp(443, '0.0.0.0/0', '::/0')) },
    { name: 'protocol 47 (GRE) from anywhere opens GRE only', data: one(proto('47', undefined, '0.0.0.0/0', '::/0')) },
    { name: 'protocol 50 (ESP) with ports 0-65535 opens no TCP or UDP port', data: one(proto('50', [0, 65535], '0.0.0.0/0')) },
    { name: 'ICMP -1 from anywhere is types and codes, not ports', data: one(icmp(-1, -1, '0.0.0.0/0'), proto('icmpv6', [-1, -1], '::/0')) },
    { name: 'one half of IPv4 is not the internet', data: one(all('0.0.0.0/1')) },
    { name: 'halves split across protocols do not add up', data: one(tcp([0, 65535], '0.0.0.0/1'), udp([0, 65535], '128.0.0.0/1')) },
    { name: 'IPv6 documentation and ULA space is not the internet', data: one(all('2001:db8::/32', 'fc00::/7')) },
    { name: 'egress of all traffic to anywhere (the AWS default) is not ingress', data: { groups: [group({ egress: [all('0.0.0.0/0', '::/0')] })] } },
  ],
  invalid: [
    {
      name: 'all traffic (-1) from 0.0.0.0/0',
      data: one(all('0.0.0.0/0')),
      findings: [{ messageId: 'all', key: 'all@ipv4', groupId: 'sg-target', data: { families: 'IPv4', via: 'all traffic from 0.0.0.0/0' } }],
    },
    {
      name: 'all traffic (-1) from ::/0 only (IPv6)',
      data: one(all('::/0')),
      findings: [{ messageId: 'all', key: 'all@ipv6', data: { families: 'IPv6', via: 'all traffic from ::/0' } }],
    },
    {
      name: 'all traffic from IPv4 and IPv6 together make one finding',
      data: one(all('0.0.0.0/0', '::/0')),
      findings: [{ messageId: 'all', key: 'all@ipv4+ipv6', data: { families: 'IPv4 and IPv6' } }],
    },
    {
      name: 'protocol spelled "all" is all traffic',
      data: one(proto('all', undefined, '0.0.0.0/0')),
      findings: [{ messageId: 'all', key: 'all@ipv4' }],
    },
    {
      name: 'all traffic from split CIDRs 0.0.0.0/1 + 128.0.0.0/1',
      data: one(all('0.0.0.0/1', '128.0.0.0/1')),
      findings: [{ messageId: 'all', key: 'all@ipv4', data: { via: 'all traffic from 0.0.0.0/1; all traffic from 128.0.0.0/1' } }],
    },
    {
      name: 'all traffic from everything except RFC 1918 is still the internet',
      data: one(
        all('0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/3',
          '160.0.0.0/5', '168.0.0.0/6', '172.0.0.0/12', '172.32.0.0/11', '172.64.0.0/10', '172.128.0.0/9', '173.0.0.0/8',
          '174.0.0.0/7', '176.0.0.0/4', '192.0.0.0/9', '192.128.0.0/11', '192.160.0.0/13', '192.169.0.0/16', '192.170.0.0/15',
          '192.172.0.0/14', '192.176.0.0/12', '192.192.0.0/10', '193.0.0.0/8', '194.0.0.0/7', '196.0.0.0/6', '200.0.0.0/5',
          '208.0.0.0/4', '224.0.0.0/3'),
      ),
      findings: [{ messageId: 'all', key: 'all@ipv4', data: { families: 'IPv4' } }],
    },
    {
      name: 'all traffic from IPv6 global unicast 2000::/3',
      data: one(all('2000::/3')),
      findings: [{ messageId: 'all', key: 'all@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'tcp 0-65535 from 0.0.0.0/0',
      data: one(tcp([0, 65535], '0.0.0.0/0')),
      findings: [{ messageId: 'everyPort', key: 'tcp@ipv4', data: { protocol: 'TCP', families: 'IPv4', via: 'tcp all from 0.0.0.0/0' } }],
    },
    {
      name: 'tcp 1-65535 also counts as every TCP port',
      data: one(tcp([1, 65535], '0.0.0.0/0')),
      findings: [{ messageId: 'everyPort', key: 'tcp@ipv4', data: { via: 'tcp 1-65535 from 0.0.0.0/0' } }],
    },
    {
      name: 'udp 0-65535 from 0.0.0.0/0',
      data: one(udp([0, 65535], '0.0.0.0/0')),
      findings: [{ messageId: 'everyPort', key: 'udp@ipv4', data: { protocol: 'UDP' } }],
    },
    {
      name: 'tcp 0-65535 from ::/0 only (IPv6)',
      data: one(tcp([0, 65535], '::/0')),
      findings: [{ messageId: 'everyPort', key: 'tcp@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'tcp and udp 0-65535 from anywhere are two findings',
      data: one(tcp([0, 65535], '0.0.0.0/0', '::/0'), udp([0, 65535], '0.0.0.0/0', '::/0')),
      findings: [
        { messageId: 'everyPort', key: 'tcp@ipv4+ipv6', data: { protocol: 'TCP', families: 'IPv4 and IPv6' } },
        { messageId: 'everyPort', key: 'udp@ipv4+ipv6', data: { protocol: 'UDP', families: 'IPv4 and IPv6' } },
      ],
    },
    {
      name: 'protocol "6" with ports 0-65535 is every TCP port',
      data: one(proto('6', [0, 65535], '0.0.0.0/0')),
      findings: [{ messageId: 'everyPort', key: 'tcp@ipv4' }],
    },
    {
      name: 'protocol "17" without ports is every UDP port',
      data: one(proto('17', undefined, '::/0')),
      findings: [{ messageId: 'everyPort', key: 'udp@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'tcp 0-65535 split over 0.0.0.0/1 + 128.0.0.0/1',
      data: one(tcp([0, 65535], '0.0.0.0/1', '128.0.0.0/1')),
      findings: [{ messageId: 'everyPort', key: 'tcp@ipv4', data: { families: 'IPv4', via: 'tcp all from 0.0.0.0/1; tcp all from 128.0.0.0/1' } }],
    },
    {
      name: 'tcp 0-32767 + tcp 32768-65535 from 0.0.0.0/0 are joined',
      data: one(tcp([0, 32767], '0.0.0.0/0'), tcp([32768, 65535], '0.0.0.0/0')),
      findings: [{ messageId: 'everyPort', key: 'tcp@ipv4', data: { via: 'tcp 0-32767 from 0.0.0.0/0; tcp 32768-65535 from 0.0.0.0/0' } }],
    },
    {
      name: 'overlapping udp ranges 1-40000 + 30000-65535 are joined',
      data: one(udp([1, 40000], '::/0'), udp([30000, 65535], '::/0')),
      findings: [{ messageId: 'everyPort', key: 'udp@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'ranges and CIDRs split both ways still add up',
      data: one(tcp([0, 32767], '0.0.0.0/1', '128.0.0.0/1'), tcp([32768, 65535], '0.0.0.0/0')),
      findings: [{ messageId: 'everyPort', key: 'tcp@ipv4', data: { families: 'IPv4' } }],
    },
    {
      name: 'all traffic from one half plus tcp 0-65535 from the other half opens every TCP port',
      data: one(all('0.0.0.0/1'), tcp([0, 65535], '128.0.0.0/1')),
      findings: [
        { messageId: 'everyPort', key: 'tcp@ipv4', data: { families: 'IPv4', via: 'all traffic from 0.0.0.0/1; tcp all from 128.0.0.0/1' } },
      ],
    },
    {
      name: 'all from 0.0.0.0/0 plus tcp 22 from ::/0 is only the all finding',
      data: one(all('0.0.0.0/0'), tcp(22, '::/0')),
      findings: [{ messageId: 'all', key: 'all@ipv4', data: { families: 'IPv4', via: 'all traffic from 0.0.0.0/0' } }],
    },
    {
      name: 'all from 0.0.0.0/0 plus tcp 0-65535 from 0.0.0.0/0 is only the all finding',
      data: one(all('0.0.0.0/0'), tcp([0, 65535], '0.0.0.0/0')),
      findings: [{ messageId: 'all', key: 'all@ipv4' }],
    },
    {
      name: 'all from ::/0 plus tcp 0-65535 from 0.0.0.0/0 is two findings, one per family',
      data: one(all('::/0'), tcp([0, 65535], '0.0.0.0/0')),
      findings: [
        { messageId: 'all', key: 'all@ipv6', data: { families: 'IPv6', via: 'all traffic from ::/0' } },
        { messageId: 'everyPort', key: 'tcp@ipv4', data: { families: 'IPv4', via: 'tcp all from 0.0.0.0/0' } },
      ],
    },
    {
      name: 'a prefix list and a group reference beside 0.0.0.0/0 do not hide the exposure',
      data: one(all('pl-0123456789abcdef0', 'sg-0123456789abcdef0', '0.0.0.0/0')),
      findings: [{ messageId: 'all', key: 'all@ipv4', data: { via: 'all traffic from 0.0.0.0/0' } }],
    },
    {
      name: 'all traffic from a resolved prefix list holding 0.0.0.0/0',
      data: withList(['0.0.0.0/0'], all(PL)),
      findings: [{ messageId: 'all', key: 'all@ipv4', data: { families: 'IPv4', via: `all traffic from ${PL}` } }],
    },
    {
      name: 'all traffic from a named resolved prefix list holding ::/0',
      data: { ...withList(['::/0'], all(PL)), prefixLists: [prefixList({ id: PL, name: 'everyone-v6' })] },
      findings: [{ messageId: 'all', key: 'all@ipv6', data: { families: 'IPv6', via: `all traffic from ${PL} (everyone-v6)` } }],
    },
    {
      name: 'all traffic from a resolved prefix list holding one half, beside a CIDR for the other half',
      data: withList(['0.0.0.0/1'], all(PL, '128.0.0.0/1')),
      findings: [{ messageId: 'all', key: 'all@ipv4', data: { families: 'IPv4' } }],
    },
    {
      name: 'tcp 0-65535 from a resolved prefix list holding 0.0.0.0/0',
      data: withList(['0.0.0.0/0'], tcp([0, 65535], PL)),
      findings: [{ messageId: 'everyPort', key: 'tcp@ipv4', data: { via: `tcp all from ${PL}` } }],
    },
    {
      name: 'an attached group carries its blast radius',
      data: {
        groups: [group({ id: 'sg-open', ingress: [all('0.0.0.0/0')] })],
        interfaces: [eni({ groups: ['sg-open'], instanceId: 'i-1', publicIp: '54.0.0.1' })],
      },
      findings: [{ messageId: 'all', key: 'all@ipv4', groupId: 'sg-open' }],
    },
  ],
  errors: [
    {
      name: 'security groups failed to collect',
      data: { failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  invalidOptions: [{ name: 'the rule takes no options', options: { ports: [22] }, error: /must NOT have additional properties \(ports\)/ }],
});

// The harness compares data by inclusion; these pin exactly which permissions each finding names,
// so a permission of the other address family cannot slip into the evidence.
describe('all-traffic-open-to-internet: evidence per address family', () => {
  const exact = (name: string, data: ReturnType<typeof one>, expected: readonly (readonly [string, string])[]) =>
    test(name, () => {
      const { findings } = runCase(rule, { name, data });
      assert.deepEqual(
        findings.map((f) => [f.key, f.message] as const),
        expected,
      );
    });

  exact('all from 0.0.0.0/0 plus tcp 22 from ::/0: the IPv6 tcp 22 permission is not part of it', one(all('0.0.0.0/0'), tcp(22, '::/0')), [
    ['all@ipv4', 'All traffic (every protocol and port) open to the internet over IPv4 via all traffic from 0.0.0.0/0'],
  ]);
  exact('all from ::/0 plus tcp 0-65535 from 0.0.0.0/0: all over IPv6, tcp over IPv4', one(all('::/0'), tcp([0, 65535], '0.0.0.0/0')), [
    ['all@ipv6', 'All traffic (every protocol and port) open to the internet over IPv6 via all traffic from ::/0'],
    ['tcp@ipv4', 'Every TCP port open to the internet over IPv4 via tcp all from 0.0.0.0/0'],
  ]);
  exact(
    'tcp 0-32767 from both families plus tcp 32768-65535 from 0.0.0.0/0: IPv4 only, without the ::/0 permission',
    one(tcp([0, 32767], '0.0.0.0/0', '::/0'), tcp([32768, 65535], '0.0.0.0/0')),
    [['tcp@ipv4', 'Every TCP port open to the internet over IPv4 via tcp 0-32767 from 0.0.0.0/0; tcp 32768-65535 from 0.0.0.0/0']],
  );
  exact(
    'tcp 0-65535 plus tcp 3389 from 0.0.0.0/0: only the sweep is named; 3389 is left to the port rules',
    one(tcp([0, 65535], '0.0.0.0/0'), tcp(3389, '0.0.0.0/0')),
    [['tcp@ipv4', 'Every TCP port open to the internet over IPv4 via tcp all from 0.0.0.0/0']],
  );
  exact(
    'two halves plus a full-width range: revoking any one leaves every port open, so all three are at fault',
    one(tcp([0, 65535], '0.0.0.0/1'), tcp([0, 65535], '128.0.0.0/1'), tcp([1, 65535], '0.0.0.0/0')),
    [['tcp@ipv4', 'Every TCP port open to the internet over IPv4 via tcp all from 0.0.0.0/1; tcp all from 128.0.0.0/1; tcp 1-65535 from 0.0.0.0/0']],
  );
});

describe('all-traffic-open-to-internet: remediation commands', () => {
  const G = 'sg-0123456789abcdef0';
  const findingsOf = (data: ScopeSpec): Finding[] => runCase(rule, { name: 'detail', data }).findings;
  const revoke = (...ids: string[]) =>
    `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids ${ids.map((n) => `sgr-0123456789abcdef0${n}`).join(' ')}`;

  test('with sgr- ids: revokes exactly the all-traffic rules, not the narrower ones beside them', () => {
    // …00 all 0.0.0.0/0; …01 all ::/0; …02 tcp 22 0.0.0.0/0; …03 tcp 443 10.0.0.0/8
    const [f, ...rest] = findingsOf(withRuleIds(G, all('0.0.0.0/0', '::/0'), tcp(22, '0.0.0.0/0'), tcp(443, '10.0.0.0/8')));
    assert.deepEqual(rest, []);
    assert.equal(f?.key, 'all@ipv4+ipv6');
    assert.equal(f?.remediationCommand, revoke('0', '1'));
    assert.deepEqual(f?.sources, ['0.0.0.0/0', '::/0']);
    assert.deepEqual(f?.ports, [
      { protocol: 'tcp', from: 0, to: 65535 },
      { protocol: 'udp', from: 0, to: 65535 },
    ]);
  });

  test('with sgr- ids: a tcp sweep and an all finding each revoke their own rules', () => {
    // …00 all ::/0; …01 tcp 0-65535 0.0.0.0/0
    const findings = findingsOf(withRuleIds(G, all('::/0'), tcp([0, 65535], '0.0.0.0/0')));
    assert.deepEqual(
      findings.map((f) => [f.key, f.remediationCommand]),
      [
        ['all@ipv6', revoke('0')],
        ['tcp@ipv4', revoke('1')],
      ],
    );
    assert.deepEqual(findings[1]?.ports, [{ protocol: 'tcp', from: 0, to: 65535 }]);
  });

  test('with sgr- ids: both halves of a split are revoked', () => {
    const [f] = findingsOf(withRuleIds(G, tcp([0, 65535], '0.0.0.0/1', '128.0.0.0/1')));
    assert.equal(f?.remediationCommand, revoke('0', '1'));
  });

  test('with sgr- ids: a resolved 0.0.0.0/0 prefix list rule is revoked by its id', () => {
    const [f] = findingsOf({ ...withRuleIds(G, tcp(22, '10.0.0.0/8'), all(PL)), prefixListEntries: { [PL]: ['0.0.0.0/0'] } });
    assert.equal(f?.remediationCommand, revoke('1'));
    assert.deepEqual(f?.sources, [PL]);
  });

  test('without sgr- ids: the two-step fallback', () => {
    const [f] = findingsOf(one(all('0.0.0.0/0')));
    assert.equal(
      f?.remediationCommand,
      'aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values=sg-target' +
        '  # then: aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-target --security-group-rule-ids <sgr-id>',
    );
  });

  test('when one offending rule has no sgr- id: the fallback', () => {
    const g = group({ id: G, ingress: [all('0.0.0.0/1', '128.0.0.0/1')] });
    const [f] = findingsOf({ groups: [g], securityGroupRules: rulesOf(g).filter((r) => r.CidrIpv4 !== '128.0.0.0/1') });
    assert.match(f?.remediationCommand ?? '', /^aws ec2 describe-security-group-rules /);
  });
});
