import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import rule from '../../rules/rdp-open-to-internet.js';
import { all, eni, group, icmp, prefixList, proto, rulesOf, tcp, udp, withRuleIds, type ScopeSpec } from '../helpers/builders.js';
import { onlyFinding, ruleTester } from '../helpers/rule-tester.js';

const one = (...ingress: ReturnType<typeof tcp>[]) => ({ groups: [group({ id: 'sg-target', ingress })] });
const PL = 'pl-0123456789abcdef0';
/** One group whose ingress may use PL, with PL's entries collected (GetManagedPrefixListEntries). */
const withList = (entries: string[], ...ingress: ReturnType<typeof tcp>[]): ScopeSpec => ({ ...one(...ingress), prefixListEntries: { [PL]: entries } });

ruleTester(rule, {
  valid: [
    { name: 'tcp 3389 from an office /32', data: one(tcp(3389, '52.94.76.10/32')) },
    { name: 'tcp and udp 3389 from a private /8', data: one(tcp(3389, '10.0.0.0/8'), udp(3389, '10.0.0.0/8')) },
    { name: 'tcp 3389 from everything private (RFC 1918 + ULA)', data: one(tcp(3389, '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7')) },
    { name: 'tcp and udp 3389 from a group reference', data: one(tcp(3389, 'sg-0123456789abcdef0'), udp(3389, 'sg-0123456789abcdef0')) },
    { name: 'tcp 3389 from an unresolved prefix list is not counted as the internet', data: one(tcp(3389, 'pl-0123456789abcdef0')) },
    { name: 'tcp and udp 3389 from a resolved prefix list of office ranges', data: withList(['52.94.76.10/32', '52.94.77.0/27'], tcp(3389, PL), udp(3389, PL)) },
    { name: 'tcp 3389 from a resolved prefix list of private ranges', data: withList(['10.0.0.0/8', 'fc00::/7'], tcp(3389, PL)) },
    { name: 'tcp 3389 from a resolved prefix list holding one half only', data: withList(['128.0.0.0/1'], tcp(3389, PL)) },
    { name: 'all traffic from a group reference', data: one(all('sg-0123456789abcdef0')) },
    { name: 'tcp 22 and 443 from anywhere are not RDP', data: one(tcp(22, '0.0.0.0/0', '::/0'), tcp(443, '0.0.0.0/0', '::/0')) },
    { name: 'tcp 3390-4000 from anywhere just misses 3389', data: one(tcp([3390, 4000], '0.0.0.0/0')) },
    { name: 'tcp 3000-3388 from anywhere just misses 3389', data: one(tcp([3000, 3388], '0.0.0.0/0', '::/0')) },
    { name: 'udp 3390-3399 from anywhere just misses 3389', data: one(udp([3390, 3399], '0.0.0.0/0')) },
    { name: 'protocol 47 (GRE) opens no TCP or UDP port', data: one(proto('47', undefined, '0.0.0.0/0', '::/0')) },
    { name: 'protocol 50 (ESP) with ports given still opens no TCP or UDP port', data: one(proto('50', [3389, 3389], '0.0.0.0/0')) },
    { name: 'ICMP -1 is types and codes, not ports', data: one(icmp(-1, -1, '0.0.0.0/0', '::/0')) },
    { name: 'one half of IPv4 is not the internet', data: one(tcp(3389, '0.0.0.0/1')) },
    { name: 'halves split across protocols do not add up', data: one(tcp(3389, '0.0.0.0/1'), udp(3389, '128.0.0.0/1')) },
    { name: 'halves split across ports do not add up', data: one(tcp(3389, '0.0.0.0/1'), tcp(3390, '128.0.0.0/1')) },
    { name: 'IPv6 documentation and ULA space is not the internet', data: one(tcp(3389, '2001:db8::/32', 'fc00::/7')) },
    { name: 'egress to anywhere on 3389 is not ingress', data: { groups: [group({ egress: [tcp(3389, '0.0.0.0/0'), udp(3389, '::/0')] })] } },
    {
      name: 'all traffic from anywhere is left to all-traffic-open-to-internet when it is enabled',
      data: one(all('0.0.0.0/0', '::/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
    },
    {
      name: 'tcp and udp 0-65535 from anywhere are left to all-traffic-open-to-internet when it is enabled',
      data: one(tcp([0, 65535], '0.0.0.0/0'), udp([0, 65535], '0.0.0.0/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
    },
    {
      name: 'tcp 1-65535 counts as every TCP port, so all-traffic-open-to-internet reports it',
      data: one(tcp([1, 65535], '::/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
    },
    { name: 'a custom port list does not include 3389 unless asked', data: one(tcp(3389, '0.0.0.0/0'), udp(3389, '::/0')), options: { ports: [13389] } },
  ],
  invalid: [
    {
      name: 'tcp 3389 beside a tcp 0-65535 sweep is its own root cause (all-traffic takes only the sweep)',
      data: one(tcp([0, 65535], '0.0.0.0/0'), tcp(3389, '0.0.0.0/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4', data: { via: 'tcp 3389 from 0.0.0.0/0' } }],
    },
    {
      name: 'tcp 3389 from 0.0.0.0/0',
      data: one(tcp(3389, '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4', groupId: 'sg-target', data: { protocol: 'tcp', port: 3389, families: 'IPv4' } }],
    },
    {
      name: 'udp 3389 from 0.0.0.0/0',
      data: one(udp(3389, '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'udp/3389@ipv4', data: { protocol: 'udp', via: 'udp 3389 from 0.0.0.0/0' } }],
    },
    {
      name: 'tcp 3389 from ::/0 only (IPv6)',
      data: one(tcp(3389, '::/0')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'udp 3389 from ::/0 only (IPv6)',
      data: one(udp(3389, '::/0')),
      findings: [{ messageId: 'open', key: 'udp/3389@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'IPv4 and IPv6 together make one finding',
      data: one(tcp(3389, '0.0.0.0/0', '::/0')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4+ipv6', data: { families: 'IPv4 and IPv6' } }],
    },
    {
      name: 'tcp and udp 3389 make one finding listing both',
      data: one(tcp(3389, '0.0.0.0/0'), udp(3389, '0.0.0.0/0')),
      findings: [
        { messageId: 'open', key: 'tcp/3389@ipv4,udp/3389@ipv4', data: { ports: 'RDP (tcp 3389, udp 3389) open', via: 'tcp 3389 from 0.0.0.0/0; udp 3389 from 0.0.0.0/0' } },
      ],
    },
    {
      name: 'tcp 3389 over IPv4 and udp 3389 over IPv6: one finding over both families',
      data: one(tcp(3389, '0.0.0.0/0'), udp(3389, '::/0')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4,udp/3389@ipv6', data: { families: 'IPv4 and IPv6' } }],
    },
    {
      name: 'protocol all (-1) from anywhere, with all-traffic disabled, opens both tcp and udp 3389 (one root cause, one finding)',
      data: one(all('0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4,udp/3389@ipv4', data: { ports: 'RDP (tcp 3389, udp 3389) open', via: 'IPv4 via all traffic from 0.0.0.0/0' } }],
    },
    {
      name: 'protocol all (-1) from ::/0, with all-traffic disabled',
      data: one(all('::/0')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv6,udp/3389@ipv6', data: { families: 'over IPv6 via' } }],
    },
    {
      name: 'tcp 0-65535 covers 3389 (all-traffic disabled)',
      data: one(tcp([0, 65535], '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4' }],
    },
    {
      name: 'tcp 3380-3390 covers 3389',
      data: one(tcp([3380, 3390], '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4', data: { via: 'tcp 3380-3390' } }],
    },
    { name: 'tcp 3389-3400 range starts on the port', data: one(tcp([3389, 3400], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'tcp/3389@ipv4' }] },
    { name: 'udp 3000-3389 range ends on the port', data: one(udp([3000, 3389], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'udp/3389@ipv4' }] },
    { name: 'protocol "6" is tcp', data: one(proto('6', [3389, 3389], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'tcp/3389@ipv4' }] },
    { name: 'protocol "17" is udp', data: one(proto('17', [3389, 3389], '::/0')), findings: [{ messageId: 'open', key: 'udp/3389@ipv6' }] },
    { name: 'protocol "UDP" in capitals is udp', data: one(proto('UDP', [3389, 3389], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'udp/3389@ipv4' }] },
    {
      name: 'split CIDRs 0.0.0.0/1 + 128.0.0.0/1 in one permission',
      data: one(tcp(3389, '0.0.0.0/1', '128.0.0.0/1')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4', data: { families: 'IPv4' } }],
    },
    {
      name: 'split CIDRs across two udp permissions with different ranges',
      data: one(udp([3000, 4000], '0.0.0.0/1'), udp(3389, '128.0.0.0/1')),
      findings: [{ messageId: 'open', key: 'udp/3389@ipv4', data: { via: 'udp 3000-4000 from 0.0.0.0/1; udp 3389 from 128.0.0.0/1' } }],
    },
    {
      name: 'IPv6 global unicast 2000::/3 is the whole IPv6 internet',
      data: one(tcp(3389, '2000::/3')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'a prefix list beside 0.0.0.0/0 does not hide the exposure',
      data: one(tcp(3389, 'pl-0123456789abcdef0', '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4', data: { via: 'tcp 3389 from 0.0.0.0/0' } }],
    },
    {
      name: 'a separate udp 3389 permission is still reported beside an all-traffic one',
      data: one(all('0.0.0.0/0'), udp(3389, '::/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
      findings: [{ messageId: 'open', key: 'udp/3389@ipv6', data: { families: 'IPv6', via: 'udp 3389 from ::/0' } }],
    },
    {
      name: 'tcp 2-65535 is not every TCP port, so RDP reports it even with all-traffic enabled',
      data: one(tcp([2, 65535], '0.0.0.0/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4', data: { via: 'tcp 2-65535 from 0.0.0.0/0' } }],
    },
    {
      name: 'option ports: one finding listing each configured port that is open, per protocol',
      data: one(tcp([3389, 3390], '0.0.0.0/0'), udp(3390, '0.0.0.0/0')),
      options: { ports: [3389, 3390] },
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4,tcp/3390@ipv4,udp/3390@ipv4', data: { ports: 'RDP (tcp 3389, tcp 3390, udp 3390) open' } }],
    },
    {
      name: 'a resolved prefix list holding 0.0.0.0/0 is the internet',
      data: withList(['0.0.0.0/0'], tcp(3389, PL)),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4', data: { families: 'IPv4', via: `tcp 3389 from ${PL}` } }],
    },
    {
      name: 'a resolved prefix list holding ::/0, for udp',
      data: withList(['::/0'], udp(3389, PL)),
      findings: [{ messageId: 'open', key: 'udp/3389@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'a named resolved prefix list holding both halves, for all traffic (all-traffic disabled)',
      data: { ...withList(['0.0.0.0/1', '128.0.0.0/1'], all(PL)), prefixLists: [prefixList({ id: PL, name: 'everyone' })] },
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4,udp/3389@ipv4', data: { via: `all traffic from ${PL} (everyone)` } }],
    },
    {
      name: 'option ports replaces the default list',
      data: one(tcp([3389, 13389], '0.0.0.0/0')),
      options: { ports: [13389] },
      findings: [{ messageId: 'open', key: 'tcp/13389@ipv4', data: { port: 13389 } }],
    },
    {
      name: 'an attached group carries its blast radius',
      data: {
        groups: [group({ id: 'sg-rdp', ingress: [tcp(3389, '0.0.0.0/0')] })],
        interfaces: [eni({ groups: ['sg-rdp'], instanceId: 'i-1', publicIp: '54.0.0.1' })],
      },
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4', groupId: 'sg-rdp' }],
    },
  ],
  errors: [
    {
      name: 'security groups failed to collect',
      data: { failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  invalidOptions: [
    { name: 'ports must be integers', options: { ports: ['3389'] }, error: /ports\/0 must be integer/ },
    { name: 'ports must be in range', options: { ports: [70000] }, error: /ports\/0 must be <= 65535/ },
    { name: 'ports must not be negative', options: { ports: [-1] }, error: /ports\/0 must be >= 0/ },
    { name: 'ports must not be empty', options: { ports: [] }, error: /ports must NOT have fewer than 1 items/ },
    { name: 'ports must not repeat', options: { ports: [3389, 3389] }, error: /ports must NOT have duplicate items/ },
    { name: 'unknown option', options: { port: 3389 }, error: /must NOT have additional properties \(port\)/ },
  ],
});

describe('rdp-open-to-internet: findings in detail', () => {
  const G = 'sg-0123456789abcdef0';

  test('the message, ports and sources of tcp and udp 3389', () => {
    const f = onlyFinding(rule, one(tcp(3389, '0.0.0.0/0'), udp(3389, '::/0', '10.0.0.0/8')));
    assert.equal(f.message, 'RDP (tcp 3389, udp 3389) open to the internet over IPv4 and IPv6 via tcp 3389 from 0.0.0.0/0; udp 3389 from ::/0');
    assert.deepEqual(f.ports, [
      { protocol: 'tcp', from: 3389, to: 3389 },
      { protocol: 'udp', from: 3389, to: 3389 },
    ]);
    assert.deepEqual(f.sources, ['0.0.0.0/0', '::/0']);
  });

  test('with sgr- ids: one command revokes the tcp and the udp rule, not the private one', () => {
    // …00 tcp 3389 0.0.0.0/0; …01 udp 3389 10.0.0.0/8 (private); …02 udp 3389 ::/0
    const f = onlyFinding(rule, withRuleIds(G, tcp(3389, '0.0.0.0/0'), udp(3389, '::/0', '10.0.0.0/8')));
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00 sgr-0123456789abcdef02`,
    );
  });

  test('with sgr- ids: all traffic opening both protocols is one rule id, once', () => {
    const f = onlyFinding(rule, withRuleIds(G, all('0.0.0.0/0'), tcp(22, '10.0.0.0/8')));
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00`,
    );
  });

  test('with sgr- ids: a resolved prefix list rule is revoked by its id', () => {
    const f = onlyFinding(rule, { ...withRuleIds(G, tcp(3389, PL)), prefixListEntries: { [PL]: ['0.0.0.0/0'] } });
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00`,
    );
  });

  test('without sgr- ids: the two-step fallback', () => {
    const f = onlyFinding(rule, one(udp(3389, '0.0.0.0/0')));
    assert.equal(
      f.remediationCommand,
      'aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values=sg-target' +
        '  # then: aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-target --security-group-rule-ids <sgr-id>',
    );
  });

  test('when one offending rule has no sgr- id: the fallback', () => {
    const g = group({ id: G, ingress: [tcp(3389, '0.0.0.0/0'), udp(3389, '0.0.0.0/0')] });
    const f = onlyFinding(rule, { groups: [g], securityGroupRules: rulesOf(g).filter((r) => r.IpProtocol === 'tcp') });
    assert.match(f.remediationCommand ?? '', /^aws ec2 describe-security-group-rules /);
  });
});
