import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission } from '@aws-sdk/client-ec2';
import rule from '../../rules/broad-public-source.js';
import { all, eni, group, icmp, prefixList, proto, tcp, udp, withRuleIds, type ScopeSpec } from '../helpers/builders.js';
import { onlyFinding, runCase, ruleTester } from '../helpers/rule-tester.js';

const one = (...ingress: IpPermission[]): ScopeSpec => ({ groups: [group({ id: 'sg-target', ingress })] });
const PL = 'pl-0123456789abcdef0';
const withList = (entries: string[], ...ingress: IpPermission[]): ScopeSpec => ({ ...one(...ingress), prefixListEntries: { [PL]: entries } });

ruleTester(rule, {
  valid: [
    { name: 'no ingress at all', data: one() },
    { name: 'a public /16 is not wider than /16', data: one(tcp(443, '54.239.0.0/16')) },
    { name: 'a public /24 and a /32', data: one(tcp(443, '52.94.76.0/24', '52.94.76.10/32')) },
    { name: 'an IPv6 /32 is not wider than /32', data: one(tcp(443, '2600:1f00::/32')) },
    { name: 'an IPv6 /48', data: one(tcp(443, '2600:1f00:1234::/48')) },
    { name: 'private ranges are not public (RFC 1918, CGNAT, ULA)', data: one(all('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7')) },
    { name: 'special-purpose ranges are not public (multicast, reserved, link-local)', data: one(all('224.0.0.0/4', '240.0.0.0/4', '169.254.0.0/16', 'fe80::/10')) },
    { name: '0.0.0.0/0 is already the internet', data: one(tcp(22, '0.0.0.0/0')) },
    { name: '::/0 is already the internet', data: one(tcp(22, '::/0')) },
    { name: '2000::/3 is already the IPv6 internet', data: one(tcp(22, '2000::/3')) },
    { name: 'all traffic from 0.0.0.0/0 and ::/0 is already the internet', data: one(all('0.0.0.0/0', '::/0')) },
    { name: 'split CIDRs 0.0.0.0/1 + 128.0.0.0/1 in one permission are already the internet', data: one(tcp(22, '0.0.0.0/1', '128.0.0.0/1')) },
    { name: 'split CIDRs in two permissions with the same protocol and ports', data: one(tcp(22, '0.0.0.0/1'), tcp(22, '128.0.0.0/1')) },
    { name: 'all traffic from 0.0.0.0/1 + 128.0.0.0/1', data: one(all('0.0.0.0/1'), all('128.0.0.0/1')) },
    { name: 'quarters and a half together are the internet', data: one(tcp(22, '0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/1')) },
    { name: 'a half beside all traffic from 0.0.0.0/0', data: one(all('0.0.0.0/0'), udp([0, 65535], '0.0.0.0/1')) },
    { name: 'a half on tcp 22 beside the other half on a range that covers 22', data: one(tcp(22, '0.0.0.0/1'), tcp([0, 1023], '128.0.0.0/1', '0.0.0.0/1')) },
    { name: 'protocol "50" (ESP) from both halves', data: one(proto('50', undefined, '0.0.0.0/1', '128.0.0.0/1')) },
    { name: 'a group reference', data: one(all('sg-0123456789abcdef0'), tcp(22, 'sg-0123456789abcdef0')) },
    { name: 'an unresolved prefix list', data: one(tcp(22, PL)) },
    { name: 'a resolved prefix list of office /32s', data: withList(['52.94.76.10/32', '52.94.76.11/32'], tcp(22, PL)) },
    { name: 'a resolved prefix list holding both halves is already the internet', data: withList(['0.0.0.0/1', '128.0.0.0/1'], tcp(22, PL)) },
    { name: 'a resolved prefix list of private ranges', data: withList(['10.0.0.0/8', 'fc00::/7'], all(PL)) },
    { name: 'egress to a wide public range is not ingress', data: { groups: [group({ egress: [tcp(443, '52.0.0.0/8', '2600:1f00::/24')] })] } },
    { name: 'option trusted: the same range', data: one(tcp(443, '52.0.0.0/8')), options: { trusted: ['52.0.0.0/8'] } },
    { name: 'option trusted: a range that contains it', data: one(tcp(443, '52.0.0.0/8')), options: { trusted: ['52.0.0.0/6'] } },
    { name: 'option trusted: IPv6', data: one(tcp(443, '2600:1f00::/24')), options: { trusted: ['2600::/12'] } },
    { name: 'option minIpv4PrefixLength 8: a /8 is not wider', data: one(tcp(443, '52.0.0.0/8')), options: { minIpv4PrefixLength: 8 } },
    { name: 'option minIpv6PrefixLength 24: a /24 is not wider', data: one(tcp(443, '2600:1f00::/24')), options: { minIpv6PrefixLength: 24 } },
  ],
  invalid: [
    {
      name: 'tcp 443 from 52.0.0.0/8',
      data: one(tcp(443, '52.0.0.0/8')),
      findings: [{ messageId: 'broad', key: '52.0.0.0/8', groupId: 'sg-target', severity: 'medium', data: { sources: 'tcp 443 from 52.0.0.0/8' } }],
    },
    {
      name: 'a /15 is just wider than /16',
      data: one(tcp(443, '52.94.0.0/15')),
      findings: [{ messageId: 'broad', key: '52.94.0.0/15' }],
    },
    {
      name: 'tcp 443 from 2600:1f00::/24 (IPv6)',
      data: one(tcp(443, '2600:1f00::/24')),
      findings: [{ messageId: 'broad', key: '2600:1f00::/24', data: { sources: 'tcp 443 from 2600:1f00::/24' } }],
    },
    {
      name: 'an IPv6 /31 is just wider than /32',
      data: one(tcp(443, '2600:1f00::/31')),
      findings: [{ messageId: 'broad', key: '2600:1f00::/31' }],
    },
    {
      name: 'the partner-webhooks group: /8 and IPv6 /24 flagged, the /16 not',
      data: one(tcp(443, '52.0.0.0/8', '54.239.0.0/16', '2600:1f00::/24')),
      findings: [{ messageId: 'broad', key: '2600:1f00::/24,52.0.0.0/8', data: { sources: 'tcp 443 from 52.0.0.0/8; tcp 443 from 2600:1f00::/24' } }],
    },
    {
      name: 'host bits are masked: 52.1.2.3/8 is 52.0.0.0/8',
      data: one(tcp(443, '52.1.2.3/8')),
      findings: [{ messageId: 'broad', key: '52.0.0.0/8' }],
    },
    {
      name: '0.0.0.0/1 alone is one half of the internet, flagged',
      data: one(tcp(22, '0.0.0.0/1')),
      findings: [{ messageId: 'broad', key: '0.0.0.0/1' }],
    },
    {
      name: 'halves on different ports are both flagged',
      data: one(tcp(22, '0.0.0.0/1'), tcp(23, '128.0.0.0/1')),
      findings: [{ messageId: 'broad', key: '0.0.0.0/1,128.0.0.0/1', data: { sources: 'tcp 22 from 0.0.0.0/1; tcp 23 from 128.0.0.0/1' } }],
    },
    {
      name: 'halves on different protocols are both flagged',
      data: one(tcp(22, '0.0.0.0/1'), udp(22, '128.0.0.0/1')),
      findings: [{ messageId: 'broad', key: '0.0.0.0/1,128.0.0.0/1' }],
    },
    {
      name: 'a half on a range the other half covers only in part: only the wider-ported half',
      data: one(tcp([20, 25], '0.0.0.0/1'), tcp(22, '128.0.0.0/1')),
      findings: [{ messageId: 'broad', key: '0.0.0.0/1', data: { sources: 'tcp 20-25 from 0.0.0.0/1' } }],
    },
    {
      name: 'all traffic from one half beside tcp 0-65535 from the other: the all-traffic half (udp is not covered)',
      data: one(all('0.0.0.0/1'), tcp([0, 65535], '128.0.0.0/1')),
      findings: [{ messageId: 'broad', key: '0.0.0.0/1', data: { sources: 'all traffic from 0.0.0.0/1' } }],
    },
    {
      name: 'a tcp half beside all traffic from the other half: only the all-traffic half (its other ports are half the internet)',
      data: one(all('128.0.0.0/1'), tcp(22, '0.0.0.0/1')),
      findings: [{ messageId: 'broad', key: '128.0.0.0/1', data: { sources: 'all traffic from 128.0.0.0/1' } }],
    },
    {
      name: 'a partly private range that includes public space (0.0.0.0/2)',
      data: one(tcp(22, '0.0.0.0/2')),
      findings: [{ messageId: 'broad', key: '0.0.0.0/2' }],
    },
    {
      name: 'half of IPv6 global unicast (2000::/4)',
      data: one(tcp(22, '2000::/4')),
      findings: [{ messageId: 'broad', key: '2000::/4' }],
    },
    { name: 'protocol all from a /8', data: one(all('52.0.0.0/8')), findings: [{ messageId: 'broad', data: { sources: 'all traffic from 52.0.0.0/8' } }] },
    { name: 'ICMP -1 from a /8 (any protocol counts)', data: one(icmp(-1, -1, '52.0.0.0/8')), findings: [{ messageId: 'broad', data: { sources: 'icmp all types from 52.0.0.0/8' } }] },
    { name: 'protocol "50" (ESP) from a /8', data: one(proto('50', undefined, '52.0.0.0/8')), findings: [{ messageId: 'broad', data: { sources: 'proto 50 (ESP) from 52.0.0.0/8' } }] },
    { name: 'protocol "6" from a /8', data: one(proto('6', [443, 443], '52.0.0.0/8')), findings: [{ messageId: 'broad', data: { sources: 'tcp 443 from 52.0.0.0/8' } }] },
    {
      name: 'the same range in two permissions: one source, both permissions named',
      data: one(tcp(22, '52.0.0.0/8'), tcp(443, '52.0.0.0/8')),
      findings: [{ messageId: 'broad', key: '52.0.0.0/8', data: { sources: 'tcp 22 from 52.0.0.0/8; tcp 443 from 52.0.0.0/8' } }],
    },
    {
      name: 'a broad entry of a resolved prefix list',
      data: withList(['52.0.0.0/8', '52.94.76.10/32'], tcp(22, PL)),
      findings: [{ messageId: 'broad', key: '52.0.0.0/8', data: { sources: `52.0.0.0/8 in tcp 22 from ${PL}` } }],
    },
    {
      name: 'a broad entry of a named prefix list',
      data: { ...withList(['2600:1f00::/24'], tcp(22, PL)), prefixLists: [prefixList({ id: PL, name: 'partners' })] },
      findings: [{ messageId: 'broad', key: '2600:1f00::/24', data: { sources: `2600:1f00::/24 in tcp 22 from ${PL} (partners)` } }],
    },
    {
      name: 'a prefix-list half beside the other half on another port',
      data: withList(['0.0.0.0/1'], tcp(22, PL), tcp(23, '128.0.0.0/1')),
      findings: [{ messageId: 'broad', key: '0.0.0.0/1,128.0.0.0/1' }],
    },
    {
      name: 'option trusted: a narrower trusted range does not contain it',
      data: one(tcp(443, '52.0.0.0/8')),
      options: { trusted: ['52.0.0.0/9'] },
      findings: [{ messageId: 'broad', key: '52.0.0.0/8' }],
    },
    {
      name: 'option trusted: only the trusted range is left out',
      data: one(tcp(443, '52.0.0.0/8', '2600:1f00::/24')),
      options: { trusted: ['52.0.0.0/8'] },
      findings: [{ messageId: 'broad', key: '2600:1f00::/24' }],
    },
    {
      name: 'option trusted: an IPv4 range does not trust IPv6',
      data: one(tcp(443, '2600:1f00::/24')),
      options: { trusted: ['0.0.0.0/0'] },
      findings: [{ messageId: 'broad', key: '2600:1f00::/24' }],
    },
    {
      name: 'option trusted applies to prefix-list entries too (the untrusted entry is flagged)',
      data: withList(['52.0.0.0/8', '53.0.0.0/8'], tcp(22, PL)),
      options: { trusted: ['52.0.0.0/8'] },
      findings: [{ messageId: 'broad', key: '53.0.0.0/8' }],
    },
    {
      name: 'option minIpv4PrefixLength 24: a /16 is now wider',
      data: one(tcp(443, '54.239.0.0/16', '52.94.76.0/24')),
      options: { minIpv4PrefixLength: 24 },
      findings: [{ messageId: 'broad', key: '54.239.0.0/16' }],
    },
    {
      name: 'option minIpv4PrefixLength 8: a /7 is still wider',
      data: one(tcp(443, '52.0.0.0/7', '54.0.0.0/8')),
      options: { minIpv4PrefixLength: 8 },
      findings: [{ messageId: 'broad', key: '52.0.0.0/7' }],
    },
    {
      name: 'option minIpv6PrefixLength 48: a /32 is now wider',
      data: one(tcp(443, '2600:1f00::/32', '2600:1f00:1234::/48')),
      options: { minIpv6PrefixLength: 48 },
      findings: [{ messageId: 'broad', key: '2600:1f00::/32' }],
    },
    {
      name: 'option minIpv6PrefixLength does not change IPv4',
      data: one(tcp(443, '54.239.0.0/16', '2600:1f00::/32')),
      options: { minIpv6PrefixLength: 48 },
      findings: [{ messageId: 'broad', key: '2600:1f00::/32' }],
    },
    {
      name: 'an attached group carries its blast radius',
      data: {
        groups: [group({ id: 'sg-partners', ingress: [tcp(443, '52.0.0.0/8')] })],
        interfaces: [eni({ groups: ['sg-partners'], instanceId: 'i-1', publicIp: '54.0.0.1' })],
      },
      findings: [{ messageId: 'broad', groupId: 'sg-partners' }],
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
    { name: 'minIpv4PrefixLength must be at least 1', options: { minIpv4PrefixLength: 0 }, error: /minIpv4PrefixLength must be >= 1/ },
    { name: 'minIpv4PrefixLength must be at most 32', options: { minIpv4PrefixLength: 33 }, error: /minIpv4PrefixLength must be <= 32/ },
    { name: 'minIpv4PrefixLength must be an integer', options: { minIpv4PrefixLength: '16' }, error: /minIpv4PrefixLength must be integer/ },
    { name: 'minIpv6PrefixLength must be at most 128', options: { minIpv6PrefixLength: 129 }, error: /minIpv6PrefixLength must be <= 128/ },
    { name: 'minIpv6PrefixLength must not be fractional', options: { minIpv6PrefixLength: 32.5 }, error: /minIpv6PrefixLength must be integer/ },
    { name: 'trusted entries are CIDRs', options: { trusted: ['52.0.0.0/33'] }, error: /trusted\/0 "52\.0\.0\.0\/33" is not a CIDR/ },
    { name: 'trusted entries are not names', options: { trusted: ['partners'] }, error: /trusted\/0 "partners" is not a CIDR/ },
    { name: 'trusted must not repeat', options: { trusted: ['52.0.0.0/8', '52.0.0.0/8'] }, error: /trusted must NOT have duplicate items/ },
    { name: 'unknown option', options: { minPrefix: 16 }, error: /must NOT have additional properties \(minPrefix\)/ },
  ],
});

describe('broad-public-source: findings in detail', () => {
  const G = 'sg-0123456789abcdef0';

  test('the message, sources and evidence', () => {
    const f = onlyFinding(rule, one(tcp(443, '52.0.0.0/8', '54.239.0.0/16', '2600:1f00::/24')));
    assert.equal(f.message, 'Ingress from wide public range(s): tcp 443 from 52.0.0.0/8; tcp 443 from 2600:1f00::/24');
    assert.deepEqual(f.sources, ['2600:1f00::/24', '52.0.0.0/8']);
    assert.deepEqual(
      (f.evidence['sources'] as { cidr: string; prefixLength: number }[]).map((s) => [s.cidr, s.prefixLength]),
      [
        ['52.0.0.0/8', 8],
        ['2600:1f00::/24', 24],
      ],
    );
  });

  test('a prefix-list entry: the source is the entry, the evidence names the list', () => {
    const f = onlyFinding(rule, withList(['52.0.0.0/8'], tcp(22, PL)));
    assert.deepEqual(f.sources, ['52.0.0.0/8']);
    const [source] = f.evidence['sources'] as { cidr: string; permission: { source: string; prefixListEntries?: string[] } }[];
    assert.equal(source?.cidr, '52.0.0.0/8');
    assert.equal(source?.permission.source, PL);
    assert.deepEqual(source?.permission.prefixListEntries, ['52.0.0.0/8']);
  });

  test('with sgr- ids: revokes exactly the broad sources', () => {
    // …00 52.0.0.0/8; …01 54.239.0.0/16 (not broad); …02 2600:1f00::/24; …03 tcp 22 from 10.0.0.0/8
    const f = onlyFinding(rule, withRuleIds(G, tcp(443, '52.0.0.0/8', '54.239.0.0/16', '2600:1f00::/24'), tcp(22, '10.0.0.0/8')));
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00 sgr-0123456789abcdef02`,
    );
  });

  test('with sgr- ids: a range in two permissions is revoked from both', () => {
    const f = onlyFinding(rule, withRuleIds(G, tcp(22, '52.0.0.0/8'), tcp(443, '52.0.0.0/8')));
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00 sgr-0123456789abcdef01`,
    );
  });

  test('with sgr- ids: a trusted range is not revoked', () => {
    const f = onlyFinding(rule, withRuleIds(G, tcp(443, '52.0.0.0/8', '53.0.0.0/8')), { options: { trusted: ['52.0.0.0/8'] } });
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef01`,
    );
  });

  test('without sgr- ids: the two-step fallback', () => {
    const f = onlyFinding(rule, one(tcp(443, '52.0.0.0/8')));
    assert.equal(
      f.remediationCommand,
      'aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values=sg-target' +
        '  # then: aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-target --security-group-rule-ids <sgr-id>',
    );
  });

  test('one finding per group', () => {
    const { findings } = runCase(rule, {
      name: 'two groups',
      data: { groups: [group({ id: 'sg-a', ingress: [tcp(443, '52.0.0.0/8')] }), group({ id: 'sg-b', ingress: [tcp(443, '53.0.0.0/8'), udp(53, '54.0.0.0/8')] })] },
    });
    assert.deepEqual(
      findings.map((f) => [f.resource.id, f.key]),
      [
        ['sg-a', '52.0.0.0/8'],
        ['sg-b', '53.0.0.0/8,54.0.0.0/8'],
      ],
    );
  });
});
