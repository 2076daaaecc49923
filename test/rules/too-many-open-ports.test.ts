import assert from 'node:assert/strict';
import { test } from 'node:test';
import rule from '../../rules/too-many-open-ports.js';
import { all, eni, group, icmp, proto, tcp, udp, type ScopeSpec } from '../helpers/builders.js';
import { runCase, ruleTester } from '../helpers/rule-tester.js';

const one = (...ingress: ReturnType<typeof tcp>[]) => ({ groups: [group({ id: 'sg-target', ingress })] });
const PL = 'pl-0123456789abcdef0';
/** One group whose ingress may use PL, with PL's entries collected (GetManagedPrefixListEntries). */
const withList = (entries: string[], ...ingress: ReturnType<typeof tcp>[]): ScopeSpec => ({ ...one(...ingress), prefixListEntries: { [PL]: entries } });

ruleTester(rule, {
  valid: [
    { name: 'no rules at all', data: one() },
    { name: 'tcp 22, 80 and 443 from anywhere are three ports', data: one(tcp(22, '0.0.0.0/0'), tcp(80, '0.0.0.0/0', '::/0'), tcp(443, '0.0.0.0/0', '::/0')) },
    { name: 'exactly 10 ports (tcp 1-10) is not more than 10', data: one(tcp([1, 10], '0.0.0.0/0')) },
    { name: 'tcp 1-5 + udp 1-5 sum to 10', data: one(tcp([1, 5], '0.0.0.0/0'), udp([1, 5], '0.0.0.0/0')) },
    { name: 'overlapping ranges tcp 1-8 + tcp 3-10 count 10 ports once', data: one(tcp([1, 8], '0.0.0.0/0'), tcp([3, 10], '10.0.0.0/8')) },
    { name: 'the same 10 ports over IPv4 and IPv6 are still 10', data: one(tcp([1, 10], '0.0.0.0/0', '::/0')) },
    { name: 'the same 10 ports from several CIDRs and a prefix list are still 10', data: one(tcp([1, 10], '10.0.0.0/8', '52.94.76.10/32', 'pl-0123456789abcdef0')) },
    { name: 'a group reference opens no counted port', data: one(tcp([0, 65535], 'sg-0123456789abcdef0'), all('sg-0123456789abcdef0')) },
    { name: 'a self reference opens no counted port (the AWS default group)', data: { groups: [group({ id: 'sg-self', ingress: [all('sg-self')] })] } },
    { name: 'ports from group references are not added to CIDR ports', data: one(tcp([1, 10], '0.0.0.0/0'), tcp([11, 1000], 'sg-0123456789abcdef0')) },
    { name: 'ICMP -1 is types and codes, not ports', data: one(icmp(-1, -1, '0.0.0.0/0'), proto('icmpv6', [-1, -1], '::/0')) },
    { name: 'protocol 47 (GRE) opens no port', data: one(proto('47', undefined, '0.0.0.0/0', '::/0')) },
    { name: 'protocol 50 (ESP) with ports 0-65535 opens no port', data: one(proto('50', [0, 65535], '0.0.0.0/0')) },
    { name: 'egress is not counted', data: { groups: [group({ egress: [all('0.0.0.0/0', '::/0'), tcp([0, 65535], '10.0.0.0/8')] })] } },
    {
      name: 'all traffic from anywhere is left to all-traffic-open-to-internet when it is enabled',
      data: one(all('0.0.0.0/0', '::/0'), tcp(22, '0.0.0.0/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
    },
    {
      name: 'tcp and udp 0-65535 from anywhere are left to all-traffic-open-to-internet when it is enabled',
      data: one(tcp([0, 65535], '0.0.0.0/0'), udp([1, 65535], '::/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
    },
    {
      name: 'split CIDRs reported by all-traffic-open-to-internet are not counted either',
      data: one(tcp([0, 65535], '0.0.0.0/1', '128.0.0.0/1')),
      alsoEnabled: ['all-traffic-open-to-internet'],
    },
    { name: 'option maxOpenPorts raises the limit', data: one(tcp([8000, 8100], '0.0.0.0/0')), options: { maxOpenPorts: 101 } },
    {
      name: 'all traffic from a resolved 0.0.0.0/0 prefix list is left to all-traffic-open-to-internet when it is enabled',
      data: withList(['0.0.0.0/0'], all(PL), tcp(22, '10.0.0.0/8')),
      alsoEnabled: ['all-traffic-open-to-internet'],
    },
    { name: 'exactly 10 ports from a resolved prefix list', data: withList(['52.94.76.10/32'], tcp([1, 10], PL)) },
  ],
  invalid: [
    {
      name: '11 ports (tcp 1-11) from anywhere',
      data: one(tcp([1, 11], '0.0.0.0/0')),
      findings: [{ messageId: 'tooMany', key: 'tcp/1-11', groupId: 'sg-target', severity: 'medium', data: { count: 11, tcp: 'tcp 1-11', udp: 'udp none', max: 10 } }],
    },
    {
      name: 'tcp 1-6 + udp 1-5 are summed to 11',
      data: one(tcp([1, 6], '0.0.0.0/0'), udp([1, 5], '0.0.0.0/0')),
      findings: [{ messageId: 'tooMany', data: { count: 11, tcp: 'tcp 1-6', udp: 'udp 1-5' } }],
    },
    {
      name: 'overlapping ranges tcp 1-8 + tcp 5-11 count 11 ports once',
      data: one(tcp([1, 8], '0.0.0.0/0'), tcp([5, 11], '0.0.0.0/0')),
      findings: [{ messageId: 'tooMany', data: { count: 11, tcp: 'tcp 1-11' } }],
    },
    {
      name: 'separate single ports add up (11 ports)',
      data: one(...[21, 22, 23, 25, 80, 110, 143, 443, 993, 995, 3306].map((p) => tcp(p, '0.0.0.0/0'))),
      findings: [{ messageId: 'tooMany', data: { count: 11, tcp: 'tcp 21-23, 25, 80, 110, 143, 443, 993, 995, 3306' } }],
    },
    {
      name: 'tcp 8000-8100 from 10.0.0.0/8 only: severity low',
      data: one(tcp([8000, 8100], '10.0.0.0/8')),
      findings: [{ messageId: 'tooMany', severity: 'low', data: { count: 101, tcp: 'tcp 8000-8100', privateNote: ' (private sources only)' } }],
    },
    {
      name: 'tcp 8000-8100 from everything private (RFC 1918 + ULA): severity low',
      data: one(tcp([8000, 8100], '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7')),
      findings: [{ messageId: 'tooMany', severity: 'low' }],
    },
    {
      name: 'tcp 8000-8100 from 0.0.0.0/0: severity medium',
      data: one(tcp([8000, 8100], '0.0.0.0/0')),
      findings: [{ messageId: 'tooMany', severity: 'medium', data: { count: 101 } }],
    },
    {
      name: 'tcp 8000-8100 from ::/0 (IPv6): severity medium',
      data: one(tcp([8000, 8100], '::/0')),
      findings: [{ messageId: 'tooMany', severity: 'medium', data: { count: 101 } }],
    },
    {
      name: 'tcp 8000-8100 from a prefix list keeps medium (its entries are not known to be private)',
      data: one(tcp([8000, 8100], 'pl-0123456789abcdef0')),
      findings: [{ messageId: 'tooMany', severity: 'medium', data: { count: 101 } }],
    },
    {
      name: 'tcp 8000-8100 from a resolved prefix list whose entries are all private: severity low',
      data: withList(['10.0.0.0/8', '192.168.0.0/16', 'fc00::/7'], tcp([8000, 8100], PL)),
      findings: [{ messageId: 'tooMany', severity: 'low', data: { count: 101, privateNote: ' (private sources only)' } }],
    },
    {
      name: 'a private resolved prefix list beside a private CIDR: severity low',
      data: withList(['192.168.0.0/16'], tcp([8000, 8050], PL), udp([8000, 8049], '10.0.0.0/8')),
      findings: [{ messageId: 'tooMany', severity: 'low', data: { count: 101 } }],
    },
    {
      name: 'tcp 8000-8100 from a resolved prefix list with one public entry: severity medium',
      data: withList(['10.0.0.0/8', '52.94.76.10/32'], tcp([8000, 8100], PL)),
      findings: [{ messageId: 'tooMany', severity: 'medium', data: { count: 101 } }],
    },
    {
      name: 'a private resolved prefix list beside an unresolved one: severity medium',
      data: { ...withList(['10.0.0.0/8'], tcp([8000, 8050], PL)), groups: [group({ id: 'sg-target', ingress: [tcp([8000, 8050], PL), tcp([8051, 8100], 'pl-0ffffffffffffffff')] })] },
      findings: [{ messageId: 'tooMany', severity: 'medium', data: { count: 101 } }],
    },
    {
      name: 'tcp 8000-8100 from a resolved 0.0.0.0/0 prefix list: severity medium',
      data: withList(['0.0.0.0/0'], tcp([8000, 8100], PL)),
      findings: [{ messageId: 'tooMany', severity: 'medium', data: { count: 101 } }],
    },
    {
      name: 'tcp 8000-8100 from a private /8 and one public /32: severity medium',
      data: one(tcp([8000, 8100], '10.0.0.0/8'), tcp(22, '52.94.76.10/32')),
      findings: [{ messageId: 'tooMany', severity: 'medium', data: { count: 102 } }],
    },
    {
      name: 'GRE and ICMP from anywhere beside private ports keep severity low (they open no port)',
      data: one(tcp([8000, 8100], '10.0.0.0/8'), proto('47', undefined, '0.0.0.0/0'), icmp(-1, -1, '0.0.0.0/0', '::/0')),
      findings: [{ messageId: 'tooMany', severity: 'low', data: { count: 101 } }],
    },
    {
      name: 'a group reference beside private CIDRs does not raise the severity',
      data: one(tcp([8000, 8100], '10.0.0.0/8', 'sg-0123456789abcdef0')),
      findings: [{ messageId: 'tooMany', severity: 'low', data: { count: 101 } }],
    },
    {
      name: 'protocol all (-1) from anywhere, with all-traffic disabled, opens every port of both',
      data: one(all('0.0.0.0/0')),
      findings: [{ messageId: 'tooMany', severity: 'medium', data: { count: 131072, tcp: 'tcp all', udp: 'udp all' } }],
    },
    {
      name: 'protocol all (-1) from a private /8 is still counted with all-traffic enabled (it reports nothing)',
      data: one(all('10.0.0.0/8')),
      alsoEnabled: ['all-traffic-open-to-internet'],
      findings: [{ messageId: 'tooMany', severity: 'low', data: { count: 131072 } }],
    },
    {
      name: 'protocol "6" is tcp',
      data: one(proto('6', [1, 11], '0.0.0.0/0')),
      findings: [{ messageId: 'tooMany', data: { count: 11, tcp: 'tcp 1-11' } }],
    },
    {
      name: 'protocol "17" is udp',
      data: one(proto('17', [1, 11], '::/0')),
      findings: [{ messageId: 'tooMany', data: { count: 11, udp: 'udp 1-11' } }],
    },
    {
      name: 'tcp 1-11 from split CIDRs 0.0.0.0/1 + 128.0.0.0/1',
      data: one(tcp([1, 11], '0.0.0.0/1', '128.0.0.0/1')),
      findings: [{ messageId: 'tooMany', severity: 'medium', data: { count: 11 } }],
    },
    {
      name: 'GRE and ICMP beside 11 tcp ports add nothing',
      data: one(tcp([1, 11], '0.0.0.0/0'), proto('47', undefined, '0.0.0.0/0'), icmp(-1, -1, '0.0.0.0/0')),
      findings: [{ messageId: 'tooMany', data: { count: 11 } }],
    },
    {
      name: 'tcp 8000-8100 from ::/0 beside all traffic from 0.0.0.0/0 is still counted with all-traffic enabled',
      data: one(all('0.0.0.0/0'), tcp([8000, 8100], '::/0')),
      alsoEnabled: ['all-traffic-open-to-internet'],
      findings: [{ messageId: 'tooMany', severity: 'medium', data: { count: 101, udp: 'udp none' } }],
    },
    {
      name: 'private ports beside a tcp 0-65535 reported by all-traffic: only the private ones are counted',
      data: one(tcp([0, 65535], '0.0.0.0/0'), udp([8000, 8100], '10.0.0.0/8')),
      alsoEnabled: ['all-traffic-open-to-internet'],
      findings: [{ messageId: 'tooMany', severity: 'low', data: { count: 101, tcp: 'tcp none', udp: 'udp 8000-8100' } }],
    },
    {
      name: 'option maxOpenPorts lowers the limit',
      data: one(tcp(80, '0.0.0.0/0'), tcp(443, '0.0.0.0/0')),
      options: { maxOpenPorts: 1 },
      findings: [{ messageId: 'tooMany', data: { count: 2, max: 1 } }],
    },
    {
      name: 'option maxOpenPorts 0 flags any open port',
      data: one(tcp(443, '0.0.0.0/0')),
      options: { maxOpenPorts: 0 },
      findings: [{ messageId: 'tooMany', data: { count: 1, max: 0 } }],
    },
    {
      name: 'option maxOpenPorts is strict: 101 ports over a limit of 100',
      data: one(tcp([8000, 8100], '0.0.0.0/0')),
      options: { maxOpenPorts: 100 },
      findings: [{ messageId: 'tooMany', data: { count: 101, max: 100 } }],
    },
    {
      name: 'an attached group carries its blast radius',
      data: {
        groups: [group({ id: 'sg-wide', ingress: [tcp([8000, 8100], '0.0.0.0/0')] })],
        interfaces: [eni({ groups: ['sg-wide'], instanceId: 'i-1', publicIp: '54.0.0.1' })],
      },
      findings: [{ messageId: 'tooMany', groupId: 'sg-wide' }],
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
    { name: 'maxOpenPorts must be an integer', options: { maxOpenPorts: '10' }, error: /maxOpenPorts must be integer/ },
    { name: 'maxOpenPorts must not be fractional', options: { maxOpenPorts: 10.5 }, error: /maxOpenPorts must be integer/ },
    { name: 'maxOpenPorts must not be negative', options: { maxOpenPorts: -1 }, error: /maxOpenPorts must be >= 0/ },
    { name: 'maxOpenPorts must not exceed every tcp and udp port', options: { maxOpenPorts: 131073 }, error: /maxOpenPorts must be <= 131072/ },
    { name: 'unknown option', options: { maxPorts: 10 }, error: /must NOT have additional properties \(maxPorts\)/ },
  ],
});

test('too-many-open-ports: ports and sources of a private prefix-list finding', () => {
  const { findings } = runCase(rule, { name: 'detail', data: withList(['10.0.0.0/8'], tcp([8000, 8100], PL), udp(53, '10.0.0.0/8', 'sg-0123456789abcdef0')) });
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.equal(f?.severity, 'low');
  assert.deepEqual(f?.ports, [
    { protocol: 'tcp', from: 8000, to: 8100 },
    { protocol: 'udp', from: 53, to: 53 },
  ]);
  assert.deepEqual(f?.sources, [PL, '10.0.0.0/8'], 'the group reference opens no counted port');
  assert.equal(f?.evidence['privateSourcesOnly'], true);
});
