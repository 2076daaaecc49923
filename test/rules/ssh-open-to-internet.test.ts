import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import rule from '../../rules/ssh-open-to-internet.js';
import { all, eni, group, icmp, prefixList, proto, rulesOf, tcp, udp, withRuleIds, type ScopeSpec } from '../helpers/builders.js';
import { onlyFinding, ruleTester } from '../helpers/rule-tester.js';

const one = (...ingress: ReturnType<typeof tcp>[]) => ({ groups: [group({ id: 'sg-target', ingress })] });
const PL = 'pl-0123456789abcdef0';
/** One group whose ingress may use PL, with PL's entries collected (GetManagedPrefixListEntries). */
const withList = (entries: string[], ...ingress: ReturnType<typeof tcp>[]): ScopeSpec => ({ ...one(...ingress), prefixListEntries: { [PL]: entries } });

ruleTester(rule, {
  valid: [
    { name: 'tcp 22 from an office /32', data: one(tcp(22, '203.0.113.10/32')) },
    { name: 'tcp 22 from a private /8', data: one(tcp(22, '10.0.0.0/8')) },
    { name: 'tcp 22 from everything private (RFC 1918 + ULA)', data: one(tcp(22, '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7')) },
    { name: 'tcp 22 from a group reference', data: one(tcp(22, 'sg-0123456789abcdef0')) },
    { name: 'tcp 22 from an unresolved prefix list is not counted as the internet', data: one(tcp(22, 'pl-0123456789abcdef0')) },
    { name: 'tcp 22 from a resolved prefix list of office ranges', data: withList(['52.94.76.10/32', '52.94.77.0/27', '2600:1f00::/56'], tcp(22, PL)) },
    { name: 'tcp 22 from a resolved prefix list of private ranges', data: withList(['10.0.0.0/8', '192.168.0.0/16', 'fc00::/7'], tcp(22, PL)) },
    { name: 'tcp 22 from a resolved prefix list holding one half only', data: withList(['0.0.0.0/1'], tcp(22, PL)) },
    { name: 'tcp 22 from a resolved but empty prefix list', data: withList([], tcp(22, PL)) },
    {
      name: 'all traffic from a resolved 0.0.0.0/0 prefix list is left to all-traffic-open-to-internet when it is enabled',
      data: withList(['0.0.0.0/0'], all(PL)),
      alsoEnabled: ['all-traffic-open-to-internet'],
    },
    { name: 'tcp 80 from anywhere is not SSH', data: one(tcp(80, '0.0.0.0/0', '::/0')) },
    { name: 'tcp 23-79 from anywhere just misses 22', data: one(tcp([23, 79], '0.0.0.0/0')) },
    { name: 'tcp 0-21 from anywhere just misses 22', data: one(tcp([0, 21], '0.0.0.0/0')) },
    { name: 'udp 22 from anywhere is not TCP', data: one(udp(22, '0.0.0.0/0')) },
    { name: 'protocol 47 (GRE) opens no TCP port', data: one(proto('47', undefined, '0.0.0.0/0', '::/0')) },
    { name: 'protocol 50 (ESP) with ports given still opens no TCP port', data: one(proto('50', [22, 22], '0.0.0.0/0')) },
    { name: 'ICMP -1 is types and codes, not ports', data: one(icmp(-1, -1, '0.0.0.0/0', '::/0')) },
    { name: 'one half of IPv4 is not the internet', data: one(tcp(22, '0.0.0.0/1')) },
    { name: 'halves split across ports do not add up', data: one(tcp(22, '0.0.0.0/1'), tcp(23, '128.0.0.0/1')) },
    { name: 'IPv6 documentation and ULA space is not the internet', data: one(tcp(22, '2001:db8::/32', 'fc00::/7')) },
    { name: 'egress to anywhere on 22 is not ingress', data: { groups: [group({ egress: [tcp(22, '0.0.0.0/0')] })] } },
    {
      name: 'all traffic from anywhere is left to all-traffic-open-to-internet when it is enabled',
      data: one(all('0.0.0.0/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
    },
    {
      name: 'tcp 0-65535 from anywhere is left to all-traffic-open-to-internet when it is enabled',
      data: one(tcp([0, 65535], '0.0.0.0/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
    },
    { name: 'a custom port list does not include 22 unless asked', data: one(tcp(22, '0.0.0.0/0')), options: { ports: [2222] } },
  ],
  invalid: [
    {
      name: 'tcp 22 from 0.0.0.0/0',
      data: one(tcp(22, '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4', groupId: 'sg-target', data: { families: 'IPv4' } }],
    },
    {
      name: 'tcp 22 from ::/0 only (IPv6)',
      data: one(tcp(22, '::/0')),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'IPv6 written long-hand 0:0:0:0:0:0:0:0/0',
      data: one(tcp(22, '0:0:0:0:0:0:0:0/0')),
      findings: [{ messageId: 'open', data: { families: 'IPv6' } }],
    },
    {
      name: 'IPv4 and IPv6 together make one finding',
      data: one(tcp(22, '0.0.0.0/0', '::/0')),
      findings: [{ messageId: 'open', data: { families: 'IPv4 and IPv6' } }],
    },
    {
      name: 'protocol all (-1) from anywhere, with all-traffic disabled',
      data: one(all('0.0.0.0/0')),
      findings: [{ messageId: 'open', data: { via: 'all traffic from 0.0.0.0/0' } }],
    },
    { name: 'tcp 0-65535 covers 22', data: one(tcp([0, 65535], '0.0.0.0/0')), findings: [{ messageId: 'open' }] },
    { name: 'tcp 20-25 covers 22', data: one(tcp([20, 25], '0.0.0.0/0')), findings: [{ messageId: 'open', data: { via: 'tcp 20-25' } }] },
    { name: 'tcp 22-22 range edge', data: one(tcp([22, 22], '0.0.0.0/0')), findings: [{ messageId: 'open' }] },
    { name: 'protocol "6" is tcp', data: one(proto('6', [22, 22], '0.0.0.0/0')), findings: [{ messageId: 'open' }] },
    { name: 'protocol "TCP" in capitals is tcp', data: one(proto('TCP', [22, 22], '0.0.0.0/0')), findings: [{ messageId: 'open' }] },
    {
      name: 'split CIDRs 0.0.0.0/1 + 128.0.0.0/1 in one permission',
      data: one(tcp(22, '0.0.0.0/1', '128.0.0.0/1')),
      findings: [{ messageId: 'open', data: { families: 'IPv4' } }],
    },
    {
      name: 'split CIDRs across two permissions with different ranges',
      data: one(tcp([20, 25], '0.0.0.0/1'), tcp(22, '128.0.0.0/1')),
      findings: [{ messageId: 'open', data: { via: 'tcp 20-25 from 0.0.0.0/1; tcp 22 from 128.0.0.0/1' } }],
    },
    {
      name: 'everything except RFC 1918 is still the internet',
      data: one(
        tcp(22, '0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/3',
          '160.0.0.0/5', '168.0.0.0/6', '172.0.0.0/12', '172.32.0.0/11', '172.64.0.0/10', '172.128.0.0/9', '173.0.0.0/8',
          '174.0.0.0/7', '176.0.0.0/4', '192.0.0.0/9', '192.128.0.0/11', '192.160.0.0/13', '192.169.0.0/16', '192.170.0.0/15',
          '192.172.0.0/14', '192.176.0.0/12', '192.192.0.0/10', '193.0.0.0/8', '194.0.0.0/7', '196.0.0.0/6', '200.0.0.0/5',
          '208.0.0.0/4', '224.0.0.0/3'),
      ),
      findings: [{ messageId: 'open' }],
    },
    {
      name: 'IPv6 global unicast 2000::/3 is the whole IPv6 internet',
      data: one(tcp(22, '2000::/3')),
      findings: [{ messageId: 'open', data: { families: 'IPv6' } }],
    },
    {
      name: 'a separate tcp 22 permission is still reported beside an all-traffic one',
      data: one(all('0.0.0.0/0'), tcp(22, '::/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
      findings: [{ messageId: 'open', data: { families: 'IPv6', via: 'tcp 22 from ::/0' } }],
    },
    {
      name: 'option ports: one finding per group listing every configured port that is open',
      data: one(tcp([22, 2222], '0.0.0.0/0')),
      options: { ports: [22, 2222, 8022] },
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4,tcp/2222@ipv4', data: { ports: 'SSH (tcp 22, tcp 2222) open', via: 'tcp 22-2222 from 0.0.0.0/0' } }],
    },
    {
      name: 'option ports replaces the default list',
      data: one(tcp(22, '0.0.0.0/0'), tcp(2222, '::/0')),
      options: { ports: [2222] },
      findings: [{ messageId: 'open', key: 'tcp/2222@ipv6', data: { ports: 'SSH (tcp 2222) open', families: 'IPv6' } }],
    },
    {
      name: 'a resolved prefix list holding 0.0.0.0/0 is the internet',
      data: withList(['0.0.0.0/0'], tcp(22, PL)),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4', data: { families: 'IPv4', via: `tcp 22 from ${PL}` } }],
    },
    {
      name: 'a resolved prefix list holding ::/0 is the IPv6 internet',
      data: withList(['::/0'], tcp(22, PL)),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'a resolved prefix list holding both halves',
      data: withList(['0.0.0.0/1', '128.0.0.0/1'], tcp(22, PL)),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4', data: { families: 'IPv4' } }],
    },
    {
      name: 'a resolved prefix list holding one half, beside a CIDR for the other half',
      data: withList(['128.0.0.0/1'], tcp(22, '0.0.0.0/1'), tcp([0, 1023], PL)),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4', data: { via: `tcp 22 from 0.0.0.0/1; tcp 0-1023 from ${PL}` } }],
    },
    {
      name: 'all traffic from a resolved 0.0.0.0/0 prefix list, with all-traffic disabled',
      data: { ...withList(['0.0.0.0/0'], all(PL)), prefixLists: [prefixList({ id: PL, name: 'everyone' })] },
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4', data: { via: `all traffic from ${PL} (everyone)` } }],
    },
    {
      name: 'an attached group carries its blast radius',
      data: { groups: [group({ id: 'sg-web', ingress: [tcp(22, '0.0.0.0/0')] })], interfaces: [eni({ groups: ['sg-web'], instanceId: 'i-1', publicIp: '54.0.0.1' })] },
      findings: [{ messageId: 'open', groupId: 'sg-web' }],
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
    { name: 'ports must be integers', options: { ports: ['22'] }, error: /ports\/0 must be integer/ },
    { name: 'ports must be in range', options: { ports: [70000] }, error: /ports\/0 must be <= 65535/ },
    { name: 'ports must not be empty', options: { ports: [] }, error: /ports must NOT have fewer than 1 items/ },
    { name: 'unknown option', options: { port: 22 }, error: /must NOT have additional properties \(port\)/ },
  ],
});

describe('ssh-open-to-internet: findings in detail', () => {
  const G = 'sg-0123456789abcdef0';

  test('the message, ports and sources', () => {
    const f = onlyFinding(rule, one(tcp(22, '0.0.0.0/0', '::/0', '10.0.0.0/8')));
    assert.equal(f.message, 'SSH (tcp 22) open to the internet over IPv4 and IPv6 via tcp 22 from 0.0.0.0/0; tcp 22 from ::/0');
    assert.deepEqual(f.ports, [{ protocol: 'tcp', from: 22, to: 22 }]);
    assert.deepEqual(f.sources, ['0.0.0.0/0', '::/0']);
  });

  test('with sgr- ids: revokes exactly the rules that open 22 to the internet', () => {
    // rulesOf numbers IPv4 sources before IPv6 ones: …00 tcp 22 0.0.0.0/0; …01 tcp 22 10.0.0.0/8 (private);
    // …02 tcp 22 ::/0; …03 tcp 443 0.0.0.0/0
    const f = onlyFinding(rule, withRuleIds(G, tcp(22, '0.0.0.0/0', '::/0', '10.0.0.0/8'), tcp(443, '0.0.0.0/0')));
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00 sgr-0123456789abcdef02`,
    );
  });

  test('with sgr- ids: several configured ports, one command for all their rules', () => {
    const f = onlyFinding(rule, withRuleIds(G, tcp(22, '0.0.0.0/0'), tcp(2222, '::/0')), { options: { ports: [22, 2222] } });
    assert.equal(f.key, 'tcp/22@ipv4,tcp/2222@ipv6');
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00 sgr-0123456789abcdef01`,
    );
  });

  test('with sgr- ids: a resolved 0.0.0.0/0 prefix list rule is revoked by its id', () => {
    const f = onlyFinding(rule, { ...withRuleIds(G, tcp(22, '10.0.0.0/8', PL)), prefixListEntries: { [PL]: ['0.0.0.0/0'] } });
    assert.deepEqual(f.sources, [PL]);
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef01`,
    );
  });

  test('with sgr- ids and all-traffic enabled: the all-traffic permission is not revoked here', () => {
    const f = onlyFinding(rule, withRuleIds(G, all('0.0.0.0/0'), tcp(22, '::/0')), { alsoEnabled: ['all-traffic-open-to-internet'] });
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef01`,
    );
  });

  test('without sgr- ids: the two-step fallback', () => {
    const f = onlyFinding(rule, one(tcp(22, '0.0.0.0/0')));
    assert.equal(
      f.remediationCommand,
      'aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values=sg-target' +
        '  # then: aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-target --security-group-rule-ids <sgr-id>',
    );
  });

  test('when one offending rule has no sgr- id: the fallback, not a partial command', () => {
    const g = group({ id: G, ingress: [tcp(22, '0.0.0.0/0', '::/0')] });
    const f = onlyFinding(rule, { groups: [g], securityGroupRules: rulesOf(g).filter((r) => r.CidrIpv6 === undefined) });
    assert.match(f.remediationCommand ?? '', /^aws ec2 describe-security-group-rules /);
  });

  test('sgr- ids of another group are not used', () => {
    const other = group({ id: 'sg-other', ingress: [tcp(22, '0.0.0.0/0')] });
    const f = onlyFinding(rule, { groups: [group({ id: G, ingress: [tcp(22, '0.0.0.0/0')] }), group({ id: 'sg-other' })], securityGroupRules: rulesOf(other) });
    assert.match(f.remediationCommand ?? '', /^aws ec2 describe-security-group-rules /);
  });
});
