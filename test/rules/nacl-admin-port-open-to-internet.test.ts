import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NetworkAclEntry } from '@aws-sdk/client-ec2';
import rule, { admissionFromInternet } from '../../rules/nacl-admin-port-open-to-internet.js';
import type { Family } from '../../src/model/net.js';
import { aclEntry, defaultAclEntries, model, networkAcl, subnet, type ScopeSpec } from '../helpers/builders.js';
import { runCase, ruleTester } from '../helpers/rule-tester.js';

const ANY4 = '0.0.0.0/0';
const ANY6 = '::/0';

/** Inbound entries as AWS shows them: the given ones, then the `*` catch-all denies (32767 IPv4, 32768 IPv6). */
const inbound = (...entries: NetworkAclEntry[]): NetworkAclEntry[] => [
  ...entries,
  aclEntry(32767, 'deny', '-1', ANY4),
  aclEntry(32768, 'deny', '-1', ANY6),
  aclEntry(32767, 'deny', '-1', ANY4, undefined, true),
  aclEntry(32768, 'deny', '-1', ANY6, undefined, true),
];

const allow = (n: number, protocol: string, cidr: string, ports?: number | [number, number]) => aclEntry(n, 'allow', protocol, cidr, ports);
const deny = (n: number, protocol: string, cidr: string, ports?: number | [number, number]) => aclEntry(n, 'deny', protocol, cidr, ports);

/** One network ACL (acl-target) with these entries. */
const one = (entries: NetworkAclEntry[], spec: { subnets?: string[]; isDefault?: boolean } = {}): ScopeSpec => ({
  networkAcls: [networkAcl({ id: 'acl-target', entries, ...spec })],
});

/** acme-prod-private: 90-97 deny tcp/udp 22 and 3389 from 0.0.0.0/0 and ::/0, then 100/101 allow all. */
const prodPrivate = inbound(
  deny(90, '6', ANY4, 22),
  deny(91, '17', ANY4, 22),
  deny(92, '6', ANY4, 3389),
  deny(93, '17', ANY4, 3389),
  deny(94, '6', ANY6, 22),
  deny(95, '17', ANY6, 22),
  deny(96, '6', ANY6, 3389),
  deny(97, '17', ANY6, 3389),
  allow(100, '-1', ANY4),
  allow(101, '-1', ANY6),
);

/** The key of a finding for tcp and udp 22 and 3389 over the given families ("ipv4", "ipv4+ipv6"). */
const allFour = (families: string) => ['tcp/22', 'udp/22', 'tcp/3389', 'udp/3389'].map((p) => `${p}@${families}`).join(',');

ruleTester(rule, {
  valid: [
    { name: 'no network ACLs', data: { networkAcls: [] } },
    { name: 'only the catch-all denies', data: one(inbound()) },
    { name: 'acme-prod-private: deny entries 90-97 numbered below the allow-all entries 100/101', data: one(prodPrivate) },
    {
      name: 'deny all protocols from 0.0.0.0/0 numbered below the allow',
      data: one(inbound(deny(50, '-1', ANY4), allow(100, '-1', ANY4))),
    },
    {
      name: 'a partial deny (0.0.0.0/1) below the allow leaves IPv4 not open',
      data: one(inbound(deny(90, '-1', '0.0.0.0/1'), allow(100, '-1', ANY4))),
    },
    {
      name: 'acme-analytics-private: all from 10.20.0.0/16, and only tcp/udp 32768-65535 from 0.0.0.0/0',
      data: one(inbound(allow(100, '-1', '10.20.0.0/16'), allow(110, '6', ANY4, [32768, 65535]), allow(120, '17', ANY4, [32768, 65535]))),
    },
    { name: 'allow all from 10.0.0.0/8 only', data: one(inbound(allow(100, '-1', '10.0.0.0/8'))) },
    {
      name: 'allow all from every RFC 1918 range and IPv6 ULA/documentation space',
      data: one(
        inbound(
          allow(100, '-1', '10.0.0.0/8'),
          allow(101, '-1', '172.16.0.0/12'),
          allow(102, '-1', '192.168.0.0/16'),
          allow(103, '-1', 'fc00::/7'),
          allow(104, '-1', '2001:db8::/32'),
        ),
      ),
    },
    { name: 'allow tcp 22 from an office /32', data: one(inbound(allow(100, '6', '203.0.113.10/32', 22))) },
    { name: 'one half of IPv4 is not the internet', data: one(inbound(allow(100, '6', '0.0.0.0/1', 22))) },
    {
      name: 'egress entries allowing everything are ignored',
      data: one([aclEntry(100, 'allow', '-1', ANY4, undefined, true), aclEntry(101, 'allow', '-1', ANY6, undefined, true), ...inbound()]),
    },
    { name: 'protocol "1" (ICMP) from anywhere opens no port', data: one(inbound(allow(100, '1', ANY4))) },
    { name: 'protocol "58" (ICMPv6) from ::/0 opens no port', data: one(inbound(allow(100, '58', ANY6))) },
    { name: 'protocol "50" (ESP) from anywhere opens no TCP or UDP port', data: one(inbound(allow(100, '50', ANY4), allow(101, '50', ANY6))) },
    { name: 'protocol "47" (GRE) from anywhere opens no TCP or UDP port', data: one(inbound(allow(100, '47', ANY4))) },
    {
      name: 'ranges that just miss 22 and 3389 (23-3388, 3390-65535, 0-21)',
      data: one(inbound(allow(100, '6', ANY4, [23, 3388]), allow(110, '17', ANY4, [3390, 65535]), allow(120, '6', ANY6, [0, 21]))),
    },
    { name: 'the ephemeral range 32768-65535 from anywhere covers neither 22 nor 3389', data: one(inbound(allow(100, '6', ANY4, [32768, 65535]))) },
    { name: 'tcp 80 and 443 from anywhere', data: one(inbound(allow(100, '6', ANY4, 80), allow(110, '6', ANY6, 443))) },
    {
      name: 'option ports [2222]: tcp 22 open from anywhere is no longer checked',
      data: one(inbound(allow(100, '6', ANY4, 22))),
      options: { ports: [2222] },
    },
    {
      name: 'deny all from ::/0 numbered below allow all from ::/0',
      data: one(inbound(deny(90, '-1', ANY6), allow(100, '-1', ANY6))),
    },
  ],
  invalid: [
    {
      name: 'the default ACL (100 allow all): tcp and udp 22 and 3389 over IPv4',
      data: one(defaultAclEntries(), { isDefault: true }),
      findings: [
        {
          messageId: 'open',
          key: allFour('ipv4'),
          groupId: 'acl-target',
          data: { ports: 'tcp 22, udp 22, tcp 3389, udp 3389 over IPv4 (rule 100)', subnets: 'used by no subnet' },
        },
      ],
    },
    {
      name: 'the default ACL of an IPv6 VPC (101 allow ::/0): flagged over IPv6 too',
      data: one(defaultAclEntries(true), { isDefault: true }),
      findings: [{ messageId: 'open', key: allFour('ipv4+ipv6'), data: { ports: 'tcp 22, udp 22, tcp 3389, udp 3389 over IPv4 and IPv6 (rule 100, 101)' } }],
    },
    {
      name: 'allow all from ::/0 only: open over IPv6 only',
      data: one(inbound(allow(101, '-1', ANY6))),
      findings: [{ messageId: 'open', key: allFour('ipv6'), data: { ports: 'tcp 22, udp 22, tcp 3389, udp 3389 over IPv6 (rule 101)' } }],
    },
    {
      name: 'IPv6 written long-hand (0:0:0:0:0:0:0:0/0)',
      data: one(inbound(allow(100, '6', '0:0:0:0:0:0:0:0/0', 22))),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv6', data: { ports: 'tcp 22 over IPv6 (rule 100)' } }],
    },
    {
      name: 'deny entries numbered ABOVE the allow do not matter: first match decides',
      data: one(inbound(allow(100, '-1', ANY4), deny(110, '6', ANY4, 22), deny(111, '17', ANY4, 22), deny(120, '-1', ANY4))),
      findings: [{ messageId: 'open', key: allFour('ipv4'), data: { ports: 'tcp 22, udp 22, tcp 3389, udp 3389 over IPv4 (rule 100)' } }],
    },
    {
      name: 'entries listed out of order are evaluated by rule number (deny 110 listed first)',
      data: one(inbound(deny(110, '-1', ANY4), allow(100, '-1', ANY4))),
      findings: [{ messageId: 'open', key: allFour('ipv4') }],
    },
    {
      name: 'a deny of tcp 22 below the allow closes only tcp 22',
      data: one(inbound(deny(90, '6', ANY4, 22), allow(100, '-1', ANY4))),
      findings: [{ messageId: 'open', key: 'udp/22@ipv4,tcp/3389@ipv4,udp/3389@ipv4', data: { ports: 'udp 22, tcp 3389, udp 3389 over IPv4 (rule 100)' } }],
    },
    {
      name: 'IPv4 denies below the allows leave IPv6 open',
      data: one(inbound(deny(90, '-1', ANY4), allow(100, '-1', ANY4), allow(101, '-1', ANY6))),
      findings: [{ messageId: 'open', key: allFour('ipv6'), data: { ports: 'over IPv6 (rule 101)' } }],
    },
    {
      name: 'an IPv6 deny does not close IPv4',
      data: one(inbound(deny(90, '6', ANY6, 22), allow(100, '6', ANY4, 22))),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4', data: { ports: 'tcp 22 over IPv4 (rule 100)' } }],
    },
    {
      name: 'a deny of only private space (10.0.0.0/8) below the allow leaves it open',
      data: one(inbound(deny(90, '-1', '10.0.0.0/8'), allow(100, '-1', ANY4))),
      findings: [{ messageId: 'open', key: allFour('ipv4') }],
    },
    {
      name: 'allow tcp 22 from 0.0.0.0/0 only: only tcp 22',
      data: one(inbound(allow(100, '6', ANY4, 22))),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4', data: { ports: 'tcp 22 over IPv4 (rule 100)' } }],
    },
    {
      name: 'allow tcp 1024-65535: 3389 flagged, 22 not',
      data: one(inbound(allow(130, '6', ANY4, [1024, 65535]))),
      findings: [{ messageId: 'open', key: 'tcp/3389@ipv4', data: { ports: 'tcp 3389 over IPv4 (rule 130)' } }],
    },
    {
      name: 'acme-staging-public: 100 allows tcp 22, 130 the return range tcp 1024-65535 (covers 3389); no udp',
      data: one(
        inbound(allow(100, '6', ANY4, 22), allow(110, '6', ANY4, 80), allow(120, '6', ANY4, 443), allow(130, '6', ANY4, [1024, 65535])),
      ),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4,tcp/3389@ipv4', data: { ports: 'tcp 22 over IPv4 (rule 100); tcp 3389 over IPv4 (rule 130)' } }],
    },
    {
      name: 'ranges that just cover: tcp 3389-3389 and udp 0-22',
      data: one(inbound(allow(100, '6', ANY4, [3389, 3389]), allow(110, '17', ANY4, [0, 22]))),
      findings: [{ messageId: 'open', key: 'udp/22@ipv4,tcp/3389@ipv4' }],
    },
    {
      name: 'protocol "-1" matches every port of tcp and udp',
      data: one(inbound(allow(100, '-1', ANY4))),
      findings: [{ messageId: 'open', key: allFour('ipv4') }],
    },
    {
      name: 'protocol "6" is tcp',
      data: one(inbound(allow(100, '6', ANY4, [22, 22]))),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4' }],
    },
    {
      name: 'protocol "17" is udp',
      data: one(inbound(allow(100, '17', ANY4, 3389))),
      findings: [{ messageId: 'open', key: 'udp/3389@ipv4', data: { ports: 'udp 3389 over IPv4 (rule 100)' } }],
    },
    {
      name: 'protocol "tcp" spelled as a name is read too',
      data: one(inbound(allow(100, 'tcp', ANY4, 22))),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4' }],
    },
    {
      name: 'ICMP ("1") and ESP ("50") allows beside an allow of tcp 22: only tcp 22',
      data: one(inbound(allow(90, '1', ANY4), allow(95, '50', ANY4), allow(100, '6', ANY4, 22))),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4', data: { ports: 'tcp 22 over IPv4 (rule 100)' } }],
    },
    {
      name: 'an ICMP deny below the allow does not close tcp 22',
      data: one(inbound(deny(90, '1', ANY4), allow(100, '6', ANY4, 22))),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4' }],
    },
    {
      name: 'allow split over 0.0.0.0/1 + 128.0.0.0/1 is all of IPv4',
      data: one(inbound(allow(100, '6', '0.0.0.0/1', 22), allow(110, '6', '128.0.0.0/1', 22))),
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4', data: { ports: 'tcp 22 over IPv4 (rule 100, 110)' } }],
    },
    {
      name: 'option ports [22]: only 22 is checked',
      data: one(defaultAclEntries()),
      options: { ports: [22] },
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4,udp/22@ipv4', data: { ports: 'tcp 22, udp 22 over IPv4 (rule 100)' } }],
    },
    {
      name: 'option ports [2222, 22] is checked in port order',
      data: one(inbound(allow(100, '6', ANY4, [22, 2222]))),
      options: { ports: [2222, 22] },
      findings: [{ messageId: 'open', key: 'tcp/22@ipv4,tcp/2222@ipv4', data: { ports: 'tcp 22, tcp 2222 over IPv4 (rule 100)' } }],
    },
    {
      name: 'an ACL associated with no subnet is still flagged',
      data: { ...one(defaultAclEntries()), subnets: [subnet({ id: 'subnet-a', name: 'public-a' })] },
      findings: [{ messageId: 'open', data: { subnets: 'used by no subnet' } }],
    },
    {
      name: 'the subnets using the ACL are named in the message (names from DescribeSubnets)',
      data: {
        ...one(defaultAclEntries(), { subnets: ['subnet-b', 'subnet-a'] }),
        subnets: [subnet({ id: 'subnet-a', name: 'acme-prod-public-1a' }), subnet({ id: 'subnet-b' })],
      },
      findings: [{ messageId: 'open', data: { subnets: 'used by 2 subnet(s): subnet-a (acme-prod-public-1a), subnet-b' } }],
    },
    {
      name: 'without subnet data the subnets are named by id',
      data: one(defaultAclEntries(), { subnets: ['subnet-a'] }),
      findings: [{ messageId: 'open', data: { subnets: 'used by 1 subnet(s): subnet-a' } }],
    },
    {
      name: 'two ACLs: only the open one is flagged',
      data: {
        networkAcls: [
          networkAcl({ id: 'acl-closed', entries: prodPrivate }),
          networkAcl({ id: 'acl-open', entries: defaultAclEntries(), isDefault: true }),
        ],
      },
      findings: [{ messageId: 'open', groupId: 'acl-open', key: allFour('ipv4') }],
    },
  ],
  errors: [
    {
      name: 'network ACLs failed to collect',
      data: { failed: { networkAcls: 'UnauthorizedOperation' } },
      error: /DescribeNetworkAcls could not be collected/,
    },
    {
      name: 'network ACLs failed in one region of two: that region is an error, not a pass',
      data: [{ failed: { networkAcls: 'UnauthorizedOperation' } }, { region: 'eu-west-1', networkAcls: [] }],
      error: /DescribeNetworkAcls could not be collected/,
    },
  ],
  skipped: [{ name: 'offline data without network ACLs', data: { groups: [] }, skipped: true }],
  invalidOptions: [
    { name: 'ports must be integers', options: { ports: ['22'] }, error: /\/ports\/0 must be integer/ },
    { name: 'ports must be at most 65535', options: { ports: [70000] }, error: /\/ports\/0 must be <= 65535/ },
    { name: 'ports may not be empty', options: { ports: [] }, error: /\/ports must NOT have fewer than 1 items/ },
    { name: 'unknown option', options: { prots: [22] }, error: /must NOT have additional properties \(prots\)/ },
  ],
});

describe('nacl-admin-port-open-to-internet: finding details', () => {
  test('ports and evidence name each open (protocol, port), its families and the allowing rules', () => {
    const { findings } = runCase(rule, {
      name: 'evidence',
      data: {
        ...one(inbound(allow(100, '6', ANY4, 22), allow(101, '-1', ANY6)), { subnets: ['subnet-a'] }),
        subnets: [subnet({ id: 'subnet-a', name: 'web' })],
      },
      options: { ports: [22] },
    });
    assert.equal(findings.length, 1);
    const f = findings[0];
    assert.ok(f);
    assert.equal(f.resource.type, 'network-acl');
    assert.deepEqual(f.ports, [
      { protocol: 'tcp', from: 22, to: 22 },
      { protocol: 'udp', from: 22, to: 22 },
    ]);
    assert.deepEqual(f.evidence, {
      isDefault: false,
      subnets: ['subnet-a (web)'],
      open: [
        { protocol: 'tcp', port: 22, families: ['ipv4', 'ipv6'], allowedBy: [100, 101] },
        { protocol: 'udp', port: 22, families: ['ipv6'], allowedBy: [101] },
      ],
    });
    assert.equal(f.message, 'Admits from the internet: tcp 22 over IPv4 and IPv6 (rule 100, 101); udp 22 over IPv6 (rule 101); used by 1 subnet(s): subnet-a (web)');
  });

  test('the remediation command names the ACL and region', () => {
    const { findings } = runCase(rule, { name: 'cli', data: one(defaultAclEntries()) });
    assert.match(findings[0]?.remediationCommand ?? '', /^aws ec2 create-network-acl-entry --region us-east-1 --network-acl-id acl-target --ingress .*--rule-action deny$/);
  });
});

describe('admissionFromInternet (first match by rule number)', () => {
  const aclOf = (entries: NetworkAclEntry[]) => {
    const acl = model({ networkAcls: [networkAcl({ entries })] }).networkAcls[0];
    assert.ok(acl);
    return acl;
  };
  const cases: {
    name: string;
    input: { entries: NetworkAclEntry[]; protocol: 'tcp' | 'udp'; port: number; family: Family };
    expected: number[] | undefined;
  }[] = [
    { name: 'default ACL, tcp 22, IPv4', input: { entries: defaultAclEntries(), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: [100] },
    { name: 'default ACL, udp 3389, IPv4', input: { entries: defaultAclEntries(), protocol: 'udp', port: 3389, family: 'ipv4' }, expected: [100] },
    { name: 'default ACL without IPv6 entries, tcp 22, IPv6', input: { entries: defaultAclEntries(), protocol: 'tcp', port: 22, family: 'ipv6' }, expected: undefined },
    { name: 'default ACL with IPv6, tcp 22, IPv6', input: { entries: defaultAclEntries(true), protocol: 'tcp', port: 22, family: 'ipv6' }, expected: [101] },
    { name: 'only catch-all denies', input: { entries: inbound(), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: undefined },
    { name: 'no entries at all (implicit deny)', input: { entries: [], protocol: 'tcp', port: 22, family: 'ipv4' }, expected: undefined },
    { name: 'deny tcp 22 below allow all', input: { entries: inbound(deny(90, '6', ANY4, 22), allow(100, '-1', ANY4)), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: undefined },
    { name: 'deny tcp 22 below allow all: udp 22 still open', input: { entries: inbound(deny(90, '6', ANY4, 22), allow(100, '-1', ANY4)), protocol: 'udp', port: 22, family: 'ipv4' }, expected: [100] },
    { name: 'deny tcp 22 above allow all', input: { entries: inbound(allow(100, '-1', ANY4), deny(110, '6', ANY4, 22)), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: [100] },
    { name: 'deny 0.0.0.0/1 below allow 0.0.0.0/0', input: { entries: inbound(deny(90, '-1', '0.0.0.0/1'), allow(100, '-1', ANY4)), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: undefined },
    { name: 'deny 10.0.0.0/8 below allow 0.0.0.0/0', input: { entries: inbound(deny(90, '-1', '10.0.0.0/8'), allow(100, '-1', ANY4)), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: [100] },
    { name: 'deny 0.0.0.0/0 for tcp 3389 only; asking for 22', input: { entries: inbound(deny(90, '6', ANY4, 3389), allow(100, '-1', ANY4)), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: [100] },
    { name: 'split allow 0.0.0.0/1 + 128.0.0.0/1', input: { entries: inbound(allow(100, '6', '0.0.0.0/1', 22), allow(110, '6', '128.0.0.0/1', 22)), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: [100, 110] },
    { name: 'split allow, one half on another port', input: { entries: inbound(allow(100, '6', '0.0.0.0/1', 22), allow(110, '6', '128.0.0.0/1', 23)), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: undefined },
    { name: 'allow tcp 1024-65535, port 3389', input: { entries: inbound(allow(130, '6', ANY4, [1024, 65535])), protocol: 'tcp', port: 3389, family: 'ipv4' }, expected: [130] },
    { name: 'allow tcp 1024-65535, port 22', input: { entries: inbound(allow(130, '6', ANY4, [1024, 65535])), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: undefined },
    { name: 'allow tcp 1024-65535, udp 3389', input: { entries: inbound(allow(130, '6', ANY4, [1024, 65535])), protocol: 'udp', port: 3389, family: 'ipv4' }, expected: undefined },
    { name: 'allow 32768-65535, port 3389', input: { entries: inbound(allow(100, '-1', '10.0.0.0/8'), allow(110, '6', ANY4, [32768, 65535])), protocol: 'tcp', port: 3389, family: 'ipv4' }, expected: undefined },
    { name: 'allow ICMP "1" from anywhere', input: { entries: inbound(allow(100, '1', ANY4)), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: undefined },
    { name: 'allow ESP "50" from anywhere', input: { entries: inbound(allow(100, '50', ANY4)), protocol: 'udp', port: 22, family: 'ipv4' }, expected: undefined },
    { name: 'allow "17" from anywhere, udp', input: { entries: inbound(allow(100, '17', ANY4, 22)), protocol: 'udp', port: 22, family: 'ipv4' }, expected: [100] },
    { name: 'allow "17" from anywhere, tcp', input: { entries: inbound(allow(100, '17', ANY4, 22)), protocol: 'tcp', port: 22, family: 'ipv4' }, expected: undefined },
    { name: 'egress allow all is ignored', input: { entries: [aclEntry(100, 'allow', '-1', ANY4, undefined, true), ...inbound()], protocol: 'tcp', port: 22, family: 'ipv4' }, expected: undefined },
    { name: 'IPv4 allow does not open IPv6', input: { entries: inbound(allow(100, '-1', ANY4)), protocol: 'tcp', port: 22, family: 'ipv6' }, expected: undefined },
    { name: 'IPv6 allow ::/0', input: { entries: inbound(allow(100, '6', ANY6, 22)), protocol: 'tcp', port: 22, family: 'ipv6' }, expected: [100] },
    { name: 'IPv6 allow 2000::/3 (all global unicast)', input: { entries: inbound(allow(100, '6', '2000::/3', 22)), protocol: 'tcp', port: 22, family: 'ipv6' }, expected: [100] },
    { name: 'IPv6 allow 2001:db8::/32 (documentation) only', input: { entries: inbound(allow(100, '6', '2001:db8::/32', 22)), protocol: 'tcp', port: 22, family: 'ipv6' }, expected: undefined },
    { name: 'IPv6 deny ::/0 below allow', input: { entries: inbound(deny(90, '-1', ANY6), allow(100, '-1', ANY6)), protocol: 'tcp', port: 22, family: 'ipv6' }, expected: undefined },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => assert.deepEqual(admissionFromInternet(aclOf(input.entries), input.protocol, input.port, input.family), expected));
  }
});
