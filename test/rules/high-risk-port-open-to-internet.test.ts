import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission } from '@aws-sdk/client-ec2';
import rule, { HIGH_RISK_PORTS } from '../../rules/high-risk-port-open-to-internet.js';
import { all, eni, group, icmp, prefixList, proto, rulesOf, tcp, udp, withRuleIds, type ScopeSpec } from '../helpers/builders.js';
import { onlyFinding, runCase, ruleTester } from '../helpers/rule-tester.js';

const one = (...ingress: IpPermission[]): ScopeSpec => ({ groups: [group({ id: 'sg-target', ingress })] });
const PL = 'pl-0123456789abcdef0';
/** One group whose ingress may use PL, with PL's entries collected. */
const withList = (entries: string[], ...ingress: IpPermission[]): ScopeSpec => ({ ...one(...ingress), prefixListEntries: { [PL]: entries } });

const ALL_TRAFFIC = 'all-traffic-open-to-internet';

ruleTester(rule, {
  valid: [
    { name: 'tcp 3306 from an office /32', data: one(tcp(3306, '52.94.76.10/32')) },
    { name: 'tcp 3306 from a private /8', data: one(tcp(3306, '10.0.0.0/8')) },
    { name: 'tcp 3306 from everything private (RFC 1918 + ULA)', data: one(tcp(3306, '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7')) },
    { name: 'tcp 3306 and udp 53 from a group reference', data: one(tcp(3306, 'sg-0123456789abcdef0'), udp(53, 'sg-0123456789abcdef0')) },
    { name: 'all traffic from a group reference', data: one(all('sg-0123456789abcdef0')) },
    { name: 'tcp 3306 from an unresolved prefix list is not counted as the internet', data: one(tcp(3306, PL)) },
    { name: 'tcp 3306 from a resolved prefix list of office /32s', data: withList(['52.94.76.10/32', '52.94.76.11/32'], tcp(3306, PL)) },
    { name: 'tcp 3306 from a resolved prefix list of private ranges', data: withList(['10.0.0.0/8', 'fc00::/7'], tcp(3306, PL)) },
    { name: 'SSH, RDP, HTTP and HTTPS from anywhere are not on the list', data: one(tcp(22, '0.0.0.0/0'), tcp(3389, '0.0.0.0/0'), udp(3389, '::/0'), tcp(80, '0.0.0.0/0'), tcp(443, '::/0')) },
    { name: 'tcp 26-87 from anywhere just misses 25 (SMTP) and 88 (Kerberos)', data: one(tcp([26, 87], '0.0.0.0/0')) },
    { name: 'tcp 27020-65535 from anywhere just misses 27019 (MongoDB)', data: one(tcp([27020, 65535], '0.0.0.0/0', '::/0')) },
    { name: 'tcp 53 is not DNS (the list has udp 53 only)', data: one(tcp(53, '0.0.0.0/0')) },
    { name: 'udp 3306 is not MySQL (the list has tcp 3306 only)', data: one(udp(3306, '0.0.0.0/0')) },
    { name: 'protocol 47 (GRE) opens no TCP or UDP port', data: one(proto('47', undefined, '0.0.0.0/0', '::/0')) },
    { name: 'protocol 50 (ESP) with ports 3306 still opens no TCP port', data: one(proto('50', [3306, 3306], '0.0.0.0/0')) },
    { name: 'ICMP -1 is types and codes, not ports', data: one(icmp(-1, -1, '0.0.0.0/0'), proto('icmpv6', [-1, -1], '::/0')) },
    { name: 'ICMP type 25 code 25 is not port 25', data: one(icmp(25, 25, '0.0.0.0/0')) },
    { name: 'one half of IPv4 is not the internet', data: one(tcp(3306, '0.0.0.0/1')) },
    { name: 'halves split across ports do not add up', data: one(tcp(3306, '0.0.0.0/1'), tcp(3307, '128.0.0.0/1')) },
    { name: 'halves split across protocols do not add up', data: one(tcp(2049, '0.0.0.0/1'), udp(2049, '128.0.0.0/1')) },
    { name: 'IPv6 documentation and ULA space is not the internet', data: one(tcp(3306, '2001:db8::/32', 'fc00::/7')) },
    { name: 'egress to anywhere on 3306 is not ingress', data: { groups: [group({ egress: [tcp(3306, '0.0.0.0/0'), udp(53, '::/0')] })] } },
    {
      name: 'all traffic from anywhere is left to all-traffic-open-to-internet when it is enabled',
      data: one(all('0.0.0.0/0', '::/0')),
      alsoEnabled: [ALL_TRAFFIC],
    },
    {
      name: 'tcp and udp 0-65535 from anywhere are left to all-traffic-open-to-internet when it is enabled',
      data: one(tcp([0, 65535], '0.0.0.0/0'), udp([1, 65535], '::/0')),
      alsoEnabled: [ALL_TRAFFIC],
    },
    {
      name: 'all traffic from a resolved 0.0.0.0/0 prefix list is left to all-traffic-open-to-internet when it is enabled',
      data: withList(['0.0.0.0/0'], all(PL)),
      alsoEnabled: [ALL_TRAFFIC],
    },
    {
      name: 'option ports replaces the default list',
      data: one(tcp(3306, '0.0.0.0/0'), udp(53, '0.0.0.0/0')),
      options: { ports: [{ protocol: 'tcp', port: 8443, service: 'alt HTTPS' }] },
    },
  ],
  invalid: [
    {
      name: 'tcp 20-25 from anywhere: one finding listing 20, 21, 23 and 25 with their services',
      data: one(tcp([20, 25], '0.0.0.0/0')),
      findings: [
        {
          messageId: 'open',
          key: 'tcp/20@ipv4,tcp/21@ipv4,tcp/23@ipv4,tcp/25@ipv4',
          groupId: 'sg-target',
          severity: 'high',
          data: { ports: 'tcp 20 FTP, tcp 21 FTP, tcp 23 Telnet, tcp 25 SMTP', families: 'IPv4', via: 'tcp 20-25 from 0.0.0.0/0' },
        },
      ],
    },
    {
      name: 'udp 53 and udp 161 from anywhere',
      data: one(udp(53, '0.0.0.0/0'), udp(161, '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'udp/53@ipv4,udp/161@ipv4', data: { ports: 'udp 53 DNS, udp 161 SNMP' } }],
    },
    {
      name: 'tcp and udp entries of one group are one finding, tcp first',
      data: one(udp(11211, '0.0.0.0/0'), tcp(11211, '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/11211@ipv4,udp/11211@ipv4', data: { ports: 'tcp 11211 Memcached, udp 11211 Memcached' } }],
    },
    {
      name: 'tcp 3306 from ::/0 only (IPv6)',
      data: one(tcp(3306, '::/0')),
      findings: [{ messageId: 'open', key: 'tcp/3306@ipv6', data: { ports: 'tcp 3306 MySQL', families: 'IPv6' } }],
    },
    {
      name: 'IPv4 and IPv6 together make one finding',
      data: one(tcp(5432, '0.0.0.0/0', '::/0')),
      findings: [{ messageId: 'open', key: 'tcp/5432@ipv4+ipv6', data: { ports: 'tcp 5432 PostgreSQL', families: 'IPv4 and IPv6' } }],
    },
    {
      name: 'ports over different families: the families of all the ports',
      data: one(tcp(6379, '0.0.0.0/0'), tcp(27017, '::/0')),
      findings: [{ messageId: 'open', key: 'tcp/6379@ipv4,tcp/27017@ipv6', data: { families: 'IPv4 and IPv6', ports: 'tcp 6379 Redis, tcp 27017 MongoDB' } }],
    },
    {
      name: 'tcp 26-88 covers 88 only',
      data: one(tcp([26, 88], '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/88@ipv4', data: { ports: 'tcp 88 Kerberos', via: 'tcp 26-88' } }],
    },
    { name: 'tcp 3306-3306 range edge', data: one(tcp([3306, 3306], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'tcp/3306@ipv4' }] },
    { name: 'tcp 3300-3306 range ends on the port', data: one(tcp([3300, 3306], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'tcp/3306@ipv4' }] },
    { name: 'tcp 27019-27100 range starts on the port', data: one(tcp([27019, 27100], '::/0')), findings: [{ messageId: 'open', key: 'tcp/27019@ipv6' }] },
    { name: 'protocol "6" is tcp', data: one(proto('6', [3306, 3306], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'tcp/3306@ipv4' }] },
    { name: 'protocol "17" is udp', data: one(proto('17', [53, 53], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'udp/53@ipv4' }] },
    { name: 'protocol "TCP" in capitals is tcp', data: one(proto('TCP', [6379, 6379], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'tcp/6379@ipv4' }] },
    {
      name: 'split CIDRs 0.0.0.0/1 + 128.0.0.0/1 in one permission',
      data: one(tcp(3306, '0.0.0.0/1', '128.0.0.0/1')),
      findings: [{ messageId: 'open', key: 'tcp/3306@ipv4', data: { families: 'IPv4', via: 'tcp 3306 from 0.0.0.0/1; tcp 3306 from 128.0.0.0/1' } }],
    },
    {
      name: 'split CIDRs across two permissions with different ranges: only the overlap',
      data: one(tcp([3300, 3310], '0.0.0.0/1'), tcp([3306, 5432], '128.0.0.0/1')),
      findings: [{ messageId: 'open', key: 'tcp/3306@ipv4', data: { via: 'tcp 3300-3310 from 0.0.0.0/1; tcp 3306-5432 from 128.0.0.0/1' } }],
    },
    {
      name: 'IPv6 global unicast 2000::/3 is the whole IPv6 internet',
      data: one(tcp(9200, '2000::/3')),
      findings: [{ messageId: 'open', key: 'tcp/9200@ipv6', data: { families: 'IPv6', ports: 'tcp 9200 Elasticsearch/OpenSearch' } }],
    },
    {
      name: 'a resolved prefix list holding 0.0.0.0/0 is the internet',
      data: withList(['0.0.0.0/0'], tcp(3306, PL)),
      findings: [{ messageId: 'open', key: 'tcp/3306@ipv4', data: { families: 'IPv4', via: `tcp 3306 from ${PL}` } }],
    },
    {
      name: 'a resolved prefix list holding ::/0 is the IPv6 internet',
      data: withList(['::/0'], udp(161, PL)),
      findings: [{ messageId: 'open', key: 'udp/161@ipv6', data: { families: 'IPv6' } }],
    },
    {
      name: 'a resolved prefix list holding one half, beside a CIDR for the other half',
      data: withList(['0.0.0.0/1'], tcp(3306, PL, '128.0.0.0/1')),
      findings: [{ messageId: 'open', key: 'tcp/3306@ipv4', data: { via: `tcp 3306 from 128.0.0.0/1; tcp 3306 from ${PL}` } }],
    },
    {
      name: 'a named resolved prefix list shows its name',
      data: { ...withList(['0.0.0.0/0'], tcp(3306, PL)), prefixLists: [prefixList({ id: PL, name: 'everyone' })] },
      findings: [{ messageId: 'open', data: { via: `tcp 3306 from ${PL} (everyone)` } }],
    },
    {
      name: 'all traffic from anywhere, with all-traffic disabled, is reported here',
      data: one(all('0.0.0.0/0')),
      findings: [{ messageId: 'open', data: { via: 'all traffic from 0.0.0.0/0', ports: 'tcp 20 FTP, tcp 21 FTP, tcp 23 Telnet' } }],
    },
    {
      name: 'tcp 0-65535 from anywhere, with all-traffic disabled, opens every tcp entry and no udp one',
      data: one(tcp([0, 65535], '0.0.0.0/0')),
      findings: [{ messageId: 'open', data: { ports: 'tcp 27019 MongoDB via' } }],
    },
    {
      name: 'a separate tcp 3306 permission is still reported beside an all-traffic one',
      data: one(all('0.0.0.0/0'), tcp(3306, '::/0')),
      alsoEnabled: [ALL_TRAFFIC],
      findings: [{ messageId: 'open', key: 'tcp/3306@ipv6', data: { families: 'IPv6', via: 'tcp 3306 from ::/0' } }],
    },
    {
      name: 'tcp 3306 beside a tcp 0-65535 sweep is its own root cause (all-traffic takes only the sweep)',
      data: one(tcp([0, 65535], '0.0.0.0/0'), tcp(3306, '0.0.0.0/0')),
      alsoEnabled: [ALL_TRAFFIC],
      findings: [{ messageId: 'open', key: 'tcp/3306@ipv4', data: { via: 'tcp 3306 from 0.0.0.0/0' } }],
    },
    {
      name: 'tcp 2-65535 is not every TCP port, so it is reported here even with all-traffic enabled',
      data: one(tcp([2, 65535], '0.0.0.0/0')),
      alsoEnabled: [ALL_TRAFFIC],
      findings: [{ messageId: 'open', data: { via: 'tcp 2-65535 from 0.0.0.0/0' } }],
    },
    {
      name: 'option ports: a custom entry with its own service name',
      data: one(tcp(8443, '0.0.0.0/0'), tcp(3306, '0.0.0.0/0')),
      options: { ports: [{ protocol: 'tcp', port: 8443, service: 'alt HTTPS' }] },
      findings: [{ messageId: 'open', key: 'tcp/8443@ipv4', data: { ports: 'tcp 8443 alt HTTPS' } }],
    },
    {
      name: 'option ports: entries are listed by protocol then port, whatever their order in the option',
      data: one(all('0.0.0.0/0')),
      options: {
        ports: [
          { protocol: 'udp', port: 500, service: 'IKE' },
          { protocol: 'tcp', port: 9000, service: 'app' },
          { protocol: 'tcp', port: 10, service: 'ten' },
        ],
      },
      findings: [{ messageId: 'open', key: 'tcp/10@ipv4,tcp/9000@ipv4,udp/500@ipv4', data: { ports: 'tcp 10 ten, tcp 9000 app, udp 500 IKE' } }],
    },
    {
      name: 'an attached group carries its blast radius',
      data: {
        groups: [group({ id: 'sg-db', ingress: [tcp(3306, '0.0.0.0/0')] })],
        interfaces: [eni({ groups: ['sg-db'], instanceId: 'i-1', publicIp: '54.0.0.1' })],
      },
      findings: [{ messageId: 'open', key: 'tcp/3306@ipv4', groupId: 'sg-db' }],
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
    { name: 'ports must not be empty', options: { ports: [] }, error: /ports must NOT have fewer than 1 items/ },
    { name: 'protocol must be tcp or udp', options: { ports: [{ protocol: 'icmp', port: 8, service: 'ping' }] }, error: /ports\/0\/protocol must be equal to one of the allowed values/ },
    { name: 'port must be in range', options: { ports: [{ protocol: 'tcp', port: 70000, service: 'x' }] }, error: /ports\/0\/port must be <= 65535/ },
    { name: 'port must be an integer', options: { ports: [{ protocol: 'tcp', port: '3306', service: 'MySQL' }] }, error: /ports\/0\/port must be integer/ },
    { name: 'service is required', options: { ports: [{ protocol: 'tcp', port: 3306 }] }, error: /ports\/0 must have required property 'service'/ },
    { name: 'service must not be empty', options: { ports: [{ protocol: 'tcp', port: 3306, service: '' }] }, error: /ports\/0\/service must NOT have fewer than 1 characters/ },
    { name: 'a plain port number is not an entry', options: { ports: [3306] }, error: /ports\/0 must be object/ },
    { name: 'unknown entry field', options: { ports: [{ protocol: 'tcp', port: 1, service: 'x', note: 'y' }] }, error: /ports\/0 must NOT have additional properties \(note\)/ },
    { name: 'unknown option', options: { port: 3306 }, error: /must NOT have additional properties \(port\)/ },
  ],
});

describe('high-risk-port-open-to-internet: findings in detail', () => {
  const G = 'sg-0123456789abcdef0';

  test('the message, ports and sources of tcp 20-25 from anywhere', () => {
    const f = onlyFinding(rule, one(tcp([20, 25], '0.0.0.0/0', '10.0.0.0/8')));
    assert.equal(f.message, 'High-risk port(s) open to the internet over IPv4: tcp 20 FTP, tcp 21 FTP, tcp 23 Telnet, tcp 25 SMTP via tcp 20-25 from 0.0.0.0/0');
    assert.deepEqual(f.ports, [20, 21, 23, 25].map((port) => ({ protocol: 'tcp', from: port, to: port })));
    assert.deepEqual(f.sources, ['0.0.0.0/0'], 'the private source is not at fault');
  });

  test('evidence names each port with its service and families', () => {
    const f = onlyFinding(rule, one(udp(53, '0.0.0.0/0'), tcp(3306, '::/0')));
    const ports = (f.evidence['ports'] as { protocol: string; port: number; service?: string; families: string[] }[]).map((p) => [
      p.protocol,
      p.port,
      p.service,
      p.families,
    ]);
    assert.deepEqual(ports, [
      ['tcp', 3306, 'MySQL', ['ipv6']],
      ['udp', 53, 'DNS', ['ipv4']],
    ]);
  });

  test('all traffic with all-traffic disabled lists every entry of the default list, once, in order', () => {
    const f = onlyFinding(rule, one(all('0.0.0.0/0')));
    const expected = [...HIGH_RISK_PORTS].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
    assert.equal(f.key, expected.map((p) => `${p.protocol}/${p.port}@ipv4`).join(','));
    assert.equal(f.ports?.length, HIGH_RISK_PORTS.length);
    assert.ok(f.message.includes(expected.map((p) => `${p.protocol} ${p.port} ${p.service}`).join(', ')));
  });

  test('the default list leaves SSH and RDP to their own rules', () => {
    assert.deepEqual(HIGH_RISK_PORTS.filter((p) => p.port === 22 || p.port === 3389), []);
  });

  test('with sgr- ids: revokes exactly the offending rules, in one command', () => {
    // sgr-…00: tcp 20-25 0.0.0.0/0; sgr-…01: tcp 20-25 10.0.0.0/8 (private); sgr-…02: tcp 3306 ::/0; sgr-…03: tcp 443 0.0.0.0/0.
    const f = onlyFinding(rule, withRuleIds(G, tcp([20, 25], '0.0.0.0/0', '10.0.0.0/8'), tcp(3306, '::/0'), tcp(443, '0.0.0.0/0')));
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00 sgr-0123456789abcdef02`,
    );
    assert.deepEqual(f.sources, ['0.0.0.0/0', '::/0']);
  });

  test('with sgr- ids: both halves of a split are revoked', () => {
    const f = onlyFinding(rule, withRuleIds(G, tcp(3306, '0.0.0.0/1', '128.0.0.0/1')));
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00 sgr-0123456789abcdef01`,
    );
  });

  test('with sgr- ids: a resolved 0.0.0.0/0 prefix list rule is revoked by its id', () => {
    const f = onlyFinding(rule, { ...withRuleIds(G, tcp(22, '10.0.0.0/8'), tcp(6379, PL)), prefixListEntries: { [PL]: ['0.0.0.0/0'] } });
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef01`,
    );
    assert.deepEqual(f.sources, [PL]);
  });

  test('with sgr- ids and all-traffic enabled: the all-traffic permission is not revoked here', () => {
    const f = onlyFinding(rule, withRuleIds(G, all('0.0.0.0/0'), tcp(3306, '0.0.0.0/0')), { alsoEnabled: [ALL_TRAFFIC] });
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef01`,
    );
  });

  test('without sgr- ids: the two-step fallback', () => {
    const f = onlyFinding(rule, one(tcp(3306, '0.0.0.0/0')));
    assert.equal(
      f.remediationCommand,
      'aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values=sg-target' +
        '  # then: aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-target --security-group-rule-ids <sgr-id>',
    );
  });

  test('when one offending rule has no sgr- id: the fallback, not a partial command', () => {
    const g = group({ id: G, ingress: [tcp(3306, '0.0.0.0/0', '::/0')] });
    const f = onlyFinding(rule, { groups: [g], securityGroupRules: rulesOf(g).filter((r) => r.CidrIpv6 === undefined) });
    assert.match(f.remediationCommand ?? '', /^aws ec2 describe-security-group-rules /);
  });

  test('another region: the command names the group\'s region', () => {
    const g = group({ id: G, ingress: [tcp(3306, '0.0.0.0/0')] });
    const f = onlyFinding(rule, { region: 'eu-west-1', groups: [g], securityGroupRules: rulesOf(g) });
    assert.equal(f.remediationCommand, `aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00`);
  });

  test('one finding per group, each on its own group', () => {
    const { findings } = runCase(rule, {
      name: 'two groups',
      data: { groups: [group({ id: 'sg-a', ingress: [tcp(21, '0.0.0.0/0')] }), group({ id: 'sg-b', ingress: [udp(161, '::/0')] })] },
    });
    assert.deepEqual(
      findings.map((f) => [f.resource.id, f.key]),
      [
        ['sg-a', 'tcp/21@ipv4'],
        ['sg-b', 'udp/161@ipv6'],
      ],
    );
  });
});
