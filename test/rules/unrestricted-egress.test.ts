import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission } from '@aws-sdk/client-ec2';
import rule from '../../rules/unrestricted-egress.js';
import { all, eni, group, icmp, prefixList, proto, rulesOf, tcp, udp, type ScopeSpec } from '../helpers/builders.js';
import { onlyFinding, runCase, ruleTester } from '../helpers/rule-tester.js';

const out = (...egress: IpPermission[]): ScopeSpec => ({ groups: [group({ id: 'sg-target', egress })] });
const PL = 'pl-0123456789abcdef0';
const withList = (entries: string[], ...egress: IpPermission[]): ScopeSpec => ({ ...out(...egress), prefixListEntries: { [PL]: entries } });

ruleTester(rule, {
  valid: [
    { name: 'no egress at all', data: out() },
    { name: 'tcp 443 to 0.0.0.0/0 and ::/0 is limited to one port', data: out(tcp(443, '0.0.0.0/0', '::/0')) },
    { name: 'tcp 0-65535 to 0.0.0.0/0 is not protocol all', data: out(tcp([0, 65535], '0.0.0.0/0')) },
    { name: 'tcp and udp 0-65535 to anywhere are still not protocol all', data: out(tcp([0, 65535], '0.0.0.0/0'), udp([0, 65535], '::/0')) },
    { name: 'protocol "6" with every port is tcp, not all', data: out(proto('6', [0, 65535], '0.0.0.0/0')) },
    { name: 'protocol "50" (ESP) to anywhere', data: out(proto('50', undefined, '0.0.0.0/0', '::/0')) },
    { name: 'protocol "47" (GRE) to anywhere', data: out(proto('47', undefined, '0.0.0.0/0')) },
    { name: 'ICMP -1 to anywhere', data: out(icmp(-1, -1, '0.0.0.0/0'), proto('icmpv6', [-1, -1], '::/0')) },
    { name: 'all traffic to 10.0.0.0/8', data: out(all('10.0.0.0/8')) },
    { name: 'all traffic to everything private (RFC 1918 + ULA)', data: out(all('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7')) },
    { name: 'all traffic to a public /16', data: out(all('52.94.0.0/16')) },
    { name: 'all traffic to one half of IPv4', data: out(all('0.0.0.0/1')) },
    { name: 'all traffic to one half and tcp 0-65535 to the other half', data: out(all('0.0.0.0/1'), tcp([0, 65535], '128.0.0.0/1')) },
    { name: 'all traffic to IPv6 documentation and ULA space', data: out(all('2001:db8::/32', 'fc00::/7')) },
    { name: 'all traffic to a group reference', data: out(all('sg-0123456789abcdef0')) },
    { name: 'all traffic to an unresolved prefix list', data: out(all(PL)) },
    { name: 'all traffic to a resolved prefix list of AWS service ranges', data: withList(['52.216.0.0/15', '3.5.0.0/19'], all(PL)) },
    { name: 'ingress of all traffic to anywhere is not egress', data: { groups: [group({ id: 'sg-target', ingress: [all('0.0.0.0/0', '::/0')] })] } },
  ],
  invalid: [
    {
      name: 'all traffic to 0.0.0.0/0 (the AWS default)',
      data: out(all('0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'egress-all', groupId: 'sg-target', severity: 'info', data: { families: 'IPv4', via: 'all traffic to 0.0.0.0/0' } }],
    },
    {
      name: 'all traffic to ::/0 only (IPv6)',
      data: out(all('::/0')),
      findings: [{ messageId: 'open', key: 'egress-all', data: { families: 'IPv6', via: 'all traffic to ::/0' } }],
    },
    {
      name: 'IPv4 and IPv6 together make one finding',
      data: out(all('0.0.0.0/0', '::/0')),
      findings: [{ messageId: 'open', key: 'egress-all', data: { families: 'IPv4 and IPv6' } }],
    },
    { name: 'protocol spelled "all"', data: out(proto('all', undefined, '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'egress-all' }] },
    {
      name: 'split CIDRs 0.0.0.0/1 + 128.0.0.0/1',
      data: out(all('0.0.0.0/1'), all('128.0.0.0/1')),
      findings: [{ messageId: 'open', data: { families: 'IPv4', via: 'all traffic to 0.0.0.0/1; all traffic to 128.0.0.0/1' } }],
    },
    {
      name: 'IPv6 global unicast 2000::/3',
      data: out(all('2000::/3')),
      findings: [{ messageId: 'open', data: { families: 'IPv6' } }],
    },
    {
      name: 'a resolved prefix list holding 0.0.0.0/0',
      data: withList(['0.0.0.0/0'], all(PL)),
      findings: [{ messageId: 'open', data: { families: 'IPv4', via: `all traffic to ${PL}` } }],
    },
    {
      name: 'a named resolved prefix list holding ::/0',
      data: { ...withList(['::/0'], all(PL)), prefixLists: [prefixList({ id: PL, name: 'everyone-v6' })] },
      findings: [{ messageId: 'open', data: { families: 'IPv6', via: `all traffic to ${PL} (everyone-v6)` } }],
    },
    {
      name: 'port-limited rules beside the all-traffic one are not named',
      data: out(tcp(443, '0.0.0.0/0'), all('0.0.0.0/0'), udp(53, '::/0')),
      findings: [{ messageId: 'open', data: { families: 'IPv4', via: 'all traffic to 0.0.0.0/0' } }],
    },
    {
      name: 'an attached group carries its blast radius',
      data: {
        groups: [group({ id: 'sg-app', egress: [all('0.0.0.0/0')] })],
        interfaces: [eni({ groups: ['sg-app'], instanceId: 'i-1' })],
      },
      findings: [{ messageId: 'open', groupId: 'sg-app' }],
    },
  ],
  errors: [
    {
      name: 'security groups failed to collect',
      data: { failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  invalidOptions: [{ name: 'the rule takes no options', options: { allowPorts: [443] }, error: /must NOT have additional properties \(allowPorts\)/ }],
});

describe('unrestricted-egress: findings in detail', () => {
  const G = 'sg-0123456789abcdef0';

  test('the message and sources', () => {
    const f = onlyFinding(rule, out(all('0.0.0.0/0', '::/0')));
    assert.equal(f.message, 'All outbound traffic allowed to the internet over IPv4 and IPv6 via all traffic to 0.0.0.0/0; all traffic to ::/0');
    assert.deepEqual(f.sources, ['0.0.0.0/0', '::/0']);
    assert.deepEqual(f.evidence['families'], ['ipv4', 'ipv6']);
    assert.equal(f.ports, undefined);
  });

  test('with sgr- ids: revokes exactly the all-traffic egress rules, with revoke-security-group-egress', () => {
    // Ingress …00 tcp 22 from 10.0.0.0/8; egress …01 all to 0.0.0.0/0, …02 all to ::/0, …03 tcp 443 to 0.0.0.0/0.
    const g = group({ id: G, ingress: [tcp(22, '10.0.0.0/8')], egress: [all('0.0.0.0/0', '::/0'), tcp(443, '0.0.0.0/0')] });
    const f = onlyFinding(rule, { groups: [g], securityGroupRules: rulesOf(g) });
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-egress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef01 sgr-0123456789abcdef02`,
    );
  });

  test('without sgr- ids: the two-step fallback, for egress', () => {
    const f = onlyFinding(rule, out(all('0.0.0.0/0')));
    assert.equal(
      f.remediationCommand,
      'aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values=sg-target' +
        '  # then: aws ec2 revoke-security-group-egress --region us-east-1 --group-id sg-target --security-group-rule-ids <sgr-id>',
    );
  });

  test('when one offending rule has no sgr- id: the fallback', () => {
    const g = group({ id: G, egress: [all('0.0.0.0/0', '::/0')] });
    const f = onlyFinding(rule, { groups: [g], securityGroupRules: rulesOf(g).filter((r) => r.CidrIpv6 === undefined) });
    assert.match(f.remediationCommand ?? '', /^aws ec2 describe-security-group-rules /);
  });

  test('one finding per group, whatever else the group allows', () => {
    const { findings } = runCase(rule, {
      name: 'three groups',
      data: {
        groups: [
          group({ id: 'sg-a', egress: [all('0.0.0.0/0')] }),
          group({ id: 'sg-b', egress: [tcp(443, '0.0.0.0/0')] }),
          group({ id: 'sg-c', ingress: [all('0.0.0.0/0')], egress: [all('::/0')] }),
        ],
      },
    });
    assert.deepEqual(
      findings.map((f) => f.resource.id),
      ['sg-a', 'sg-c'],
    );
  });
});
