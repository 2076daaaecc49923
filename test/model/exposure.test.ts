import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission } from '@aws-sdk/client-ec2';
import {
  allTrafficExposures,
  exposureAtPort,
  familiesText,
  ingressForPortRules,
  internetExposure,
  matchLabel,
  openedPorts,
  openPortSegments,
  permissionEvidence,
  permissionText,
  portsFor,
  protocolLabel,
  sourceCidrs,
  sourceId,
  sourceIsInternalOnly,
  sourceLabel,
  type PortProtocol,
} from '../../src/model/exposure.js';
import type { Family } from '../../src/model/net.js';
import { ALL_PORTS, type PortRange } from '../../src/model/ports.js';
import type { Permission, Protocol } from '../../src/model/types.js';
import { all, group, icmp, model, proto, tcp, udp, type ScopeSpec } from '../helpers/builders.js';

/** The ingress permissions of one group built from raw IpPermissions, in order. */
function ingress(...perms: IpPermission[]): readonly Permission[] {
  const g = model({ groups: [group({ id: 'sg-x', ingress: perms })] }).groups[0];
  assert.ok(g);
  return g.ingress;
}

/** A short, comparable name for a permission: "tcp 22 from 0.0.0.0/0". */
const label = (p: Permission): string => permissionText(p);
const labels = (perms: readonly Permission[]): string[] => perms.map(label);

const r = (from: number, to: number = from): PortRange => ({ from, to });

describe('portsFor', () => {
  const cases: { name: string; input: { perm: IpPermission; protocol: PortProtocol }; expected: PortRange | undefined }[] = [
    { name: 'all opens every tcp port', input: { perm: all('0.0.0.0/0'), protocol: 'tcp' }, expected: ALL_PORTS },
    { name: 'all opens every udp port', input: { perm: all('0.0.0.0/0'), protocol: 'udp' }, expected: ALL_PORTS },
    { name: 'tcp 22 for tcp', input: { perm: tcp(22, '0.0.0.0/0'), protocol: 'tcp' }, expected: r(22) },
    { name: 'tcp 22 opens no udp port', input: { perm: tcp(22, '0.0.0.0/0'), protocol: 'udp' }, expected: undefined },
    { name: 'udp 53 for udp', input: { perm: udp(53, '0.0.0.0/0'), protocol: 'udp' }, expected: r(53) },
    { name: 'udp 53 opens no tcp port', input: { perm: udp(53, '0.0.0.0/0'), protocol: 'tcp' }, expected: undefined },
    { name: 'tcp without ports is all tcp ports', input: { perm: proto('tcp', undefined, '0.0.0.0/0'), protocol: 'tcp' }, expected: ALL_PORTS },
    { name: 'protocol "6" 20-25', input: { perm: proto('6', [20, 25], '0.0.0.0/0'), protocol: 'tcp' }, expected: r(20, 25) },
    { name: 'icmp -1 opens no tcp port', input: { perm: icmp(-1, -1, '0.0.0.0/0'), protocol: 'tcp' }, expected: undefined },
    { name: 'icmp -1 opens no udp port', input: { perm: icmp(-1, -1, '0.0.0.0/0'), protocol: 'udp' }, expected: undefined },
    { name: 'icmp type 22 is not port 22', input: { perm: icmp(22, 22, '0.0.0.0/0'), protocol: 'tcp' }, expected: undefined },
    { name: 'GRE (47) opens no tcp port', input: { perm: proto('47', undefined, '0.0.0.0/0'), protocol: 'tcp' }, expected: undefined },
    { name: 'ESP (50) with ports opens no udp port', input: { perm: proto('50', [500, 500], '0.0.0.0/0'), protocol: 'udp' }, expected: undefined },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const [perm] = ingress(input.perm);
      assert.ok(perm);
      assert.deepEqual(portsFor(perm, input.protocol), expected);
    });
  }
});

describe('internetExposure', () => {
  const cases: { name: string; input: IpPermission[]; expected: { family: Family; permissions: string[] }[] }[] = [
    { name: 'nothing', input: [], expected: [] },
    { name: '0.0.0.0/0', input: [tcp(22, '0.0.0.0/0')], expected: [{ family: 'ipv4', permissions: ['tcp 22 from 0.0.0.0/0'] }] },
    { name: '::/0', input: [tcp(22, '::/0')], expected: [{ family: 'ipv6', permissions: ['tcp 22 from ::/0'] }] },
    {
      name: 'both families',
      input: [tcp(22, '0.0.0.0/0', '::/0')],
      expected: [
        { family: 'ipv4', permissions: ['tcp 22 from 0.0.0.0/0'] },
        { family: 'ipv6', permissions: ['tcp 22 from ::/0'] },
      ],
    },
    {
      name: 'two /1 halves in separate permissions',
      input: [tcp(22, '0.0.0.0/1'), tcp(22, '128.0.0.0/1')],
      expected: [{ family: 'ipv4', permissions: ['tcp 22 from 0.0.0.0/1', 'tcp 22 from 128.0.0.0/1'] }],
    },
    {
      name: 'private sources do not contribute even when listed beside the world',
      input: [tcp(22, '10.0.0.0/8'), tcp(22, '0.0.0.0/0'), tcp(22, 'fc00::/7')],
      expected: [{ family: 'ipv4', permissions: ['tcp 22 from 0.0.0.0/0'] }],
    },
    { name: 'one /1 half', input: [tcp(22, '0.0.0.0/1')], expected: [] },
    { name: 'a public /32', input: [tcp(22, '203.0.113.10/32', '198.51.100.0/24')], expected: [] },
    { name: 'private only', input: [tcp(22, '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7')], expected: [] },
    { name: 'prefix lists and group references are not the internet', input: [tcp(22, 'pl-0123456789abcdef0', 'sg-0123456789abcdef0')], expected: [] },
    { name: '2000::/3', input: [tcp(22, '2000::/3')], expected: [{ family: 'ipv6', permissions: ['tcp 22 from 2000::/3'] }] },
    { name: '2000::/4 alone', input: [tcp(22, '2000::/4')], expected: [] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const actual = internetExposure(ingress(...input)).map((e) => ({ family: e.family, permissions: labels(e.permissions) }));
      assert.deepEqual(actual, expected);
    });
  }
});

describe('exposureAtPort', () => {
  const cases: { name: string; input: { perms: IpPermission[]; protocol: PortProtocol; port: number }; expected: Family[] }[] = [
    { name: 'tcp 22 at 22', input: { perms: [tcp(22, '0.0.0.0/0')], protocol: 'tcp', port: 22 }, expected: ['ipv4'] },
    { name: 'tcp 22 at 23', input: { perms: [tcp(22, '0.0.0.0/0')], protocol: 'tcp', port: 23 }, expected: [] },
    { name: 'tcp 22 is not udp 22', input: { perms: [tcp(22, '0.0.0.0/0')], protocol: 'udp', port: 22 }, expected: [] },
    { name: 'tcp 0-65535 at edge 0', input: { perms: [tcp([0, 65535], '0.0.0.0/0')], protocol: 'tcp', port: 0 }, expected: ['ipv4'] },
    { name: 'tcp 0-65535 at edge 65535', input: { perms: [tcp([0, 65535], '::/0')], protocol: 'tcp', port: 65535 }, expected: ['ipv6'] },
    { name: 'tcp 1-65535 misses 0', input: { perms: [tcp([1, 65535], '0.0.0.0/0')], protocol: 'tcp', port: 0 }, expected: [] },
    { name: 'tcp 0-65534 misses 65535', input: { perms: [tcp([0, 65534], '0.0.0.0/0')], protocol: 'tcp', port: 65535 }, expected: [] },
    { name: 'all at udp 65535', input: { perms: [all('0.0.0.0/0', '::/0')], protocol: 'udp', port: 65535 }, expected: ['ipv4', 'ipv6'] },
    { name: 'icmp -1 is not port 0', input: { perms: [icmp(-1, -1, '0.0.0.0/0')], protocol: 'tcp', port: 0 }, expected: [] },
    { name: 'GRE opens no port', input: { perms: [proto('47', undefined, '0.0.0.0/0')], protocol: 'tcp', port: 22 }, expected: [] },
    { name: 'halves across ports do not add up', input: { perms: [tcp(22, '0.0.0.0/1'), tcp(23, '128.0.0.0/1')], protocol: 'tcp', port: 22 }, expected: [] },
    { name: 'halves on overlapping ranges add up', input: { perms: [tcp([20, 22], '0.0.0.0/1'), tcp([22, 30], '128.0.0.0/1')], protocol: 'tcp', port: 22 }, expected: ['ipv4'] },
    { name: 'all from one half + tcp from the other half', input: { perms: [all('0.0.0.0/1'), tcp(22, '128.0.0.0/1')], protocol: 'tcp', port: 22 }, expected: ['ipv4'] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      assert.deepEqual(exposureAtPort(ingress(...input.perms), input.protocol, input.port).map((e) => e.family), expected);
    });
  }

  // The port rules read a port's exposure from the group's elementary open segments, computed once.
  for (const { name, input } of cases) {
    test(`the elementary segment holding the port says the same: ${name}`, () => {
      const perms = ingress(...input.perms);
      const exposure = exposureAtPort(perms, input.protocol, input.port);
      const segment = openPortSegments(perms, input.protocol, false).find((s) => s.ports.from <= input.port && input.port <= s.ports.to);
      assert.deepEqual(segment?.families ?? [], exposure.map((e) => e.family));
      assert.deepEqual(labels(segment?.permissions ?? []), labels([...new Set(exposure.flatMap((e) => e.permissions))]));
    });
  }
});

describe('openPortSegments', () => {
  const cases: {
    name: string;
    input: { perms: IpPermission[]; protocol: PortProtocol };
    expected: { ports: PortRange; families: Family[]; permissions: string[] }[];
  }[] = [
    { name: 'nothing open', input: { perms: [tcp(22, '10.0.0.0/8')], protocol: 'tcp' }, expected: [] },
    { name: 'one port', input: { perms: [tcp(22, '0.0.0.0/0')], protocol: 'tcp' }, expected: [{ ports: r(22), families: ['ipv4'], permissions: ['tcp 22 from 0.0.0.0/0'] }] },
    {
      name: 'adjacent segments are joined, with both permissions',
      input: { perms: [tcp([20, 21], '0.0.0.0/0'), tcp([22, 25], '0.0.0.0/0')], protocol: 'tcp' },
      expected: [{ ports: r(20, 25), families: ['ipv4'], permissions: ['tcp 20-21 from 0.0.0.0/0', 'tcp 22-25 from 0.0.0.0/0'] }],
    },
    {
      name: 'a one-port gap keeps segments apart',
      input: { perms: [tcp([20, 21], '0.0.0.0/0'), tcp([23, 25], '0.0.0.0/0')], protocol: 'tcp' },
      expected: [
        { ports: r(20, 21), families: ['ipv4'], permissions: ['tcp 20-21 from 0.0.0.0/0'] },
        { ports: r(23, 25), families: ['ipv4'], permissions: ['tcp 23-25 from 0.0.0.0/0'] },
      ],
    },
    {
      name: 'split where the families differ',
      input: { perms: [tcp([20, 30], '0.0.0.0/0'), tcp([25, 40], '::/0')], protocol: 'tcp' },
      expected: [
        { ports: r(20, 24), families: ['ipv4'], permissions: ['tcp 20-30 from 0.0.0.0/0'] },
        { ports: r(25, 30), families: ['ipv4', 'ipv6'], permissions: ['tcp 20-30 from 0.0.0.0/0', 'tcp 25-40 from ::/0'] },
        { ports: r(31, 40), families: ['ipv6'], permissions: ['tcp 25-40 from ::/0'] },
      ],
    },
    {
      name: 'only the overlap of two halves is open',
      input: { perms: [tcp([20, 30], '0.0.0.0/1'), tcp([25, 40], '128.0.0.0/1')], protocol: 'tcp' },
      expected: [{ ports: r(25, 30), families: ['ipv4'], permissions: ['tcp 20-30 from 0.0.0.0/1', 'tcp 25-40 from 128.0.0.0/1'] }],
    },
    {
      name: 'a nested range joins back into one segment, with every permission that covers part of it',
      input: { perms: [tcp([0, 100], '0.0.0.0/0'), tcp(50, '0.0.0.0/0')], protocol: 'tcp' },
      expected: [{ ports: r(0, 100), families: ['ipv4'], permissions: ['tcp 0-100 from 0.0.0.0/0', 'tcp 50 from 0.0.0.0/0'] }],
    },
    {
      name: 'all traffic opens every udp port',
      input: { perms: [all('::/0'), tcp(22, '0.0.0.0/0')], protocol: 'udp' },
      expected: [{ ports: ALL_PORTS, families: ['ipv6'], permissions: ['all traffic from ::/0'] }],
    },
    {
      name: 'private sources on the same ports are not attributed',
      input: { perms: [tcp(22, '10.0.0.0/8'), tcp(22, '0.0.0.0/0')], protocol: 'tcp' },
      expected: [{ ports: r(22), families: ['ipv4'], permissions: ['tcp 22 from 0.0.0.0/0'] }],
    },
    { name: 'icmp and GRE open no segment', input: { perms: [icmp(-1, -1, '0.0.0.0/0'), proto('47', undefined, '0.0.0.0/0')], protocol: 'tcp' }, expected: [] },
    {
      name: 'edges 0 and 65535',
      input: { perms: [tcp(0, '0.0.0.0/0'), tcp(65535, '0.0.0.0/0')], protocol: 'tcp' },
      expected: [
        { ports: r(0), families: ['ipv4'], permissions: ['tcp 0 from 0.0.0.0/0'] },
        { ports: r(65535), families: ['ipv4'], permissions: ['tcp 65535 from 0.0.0.0/0'] },
      ],
    },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const actual = openPortSegments(ingress(...input.perms), input.protocol);
      for (const s of actual) assert.equal(s.protocol, input.protocol);
      assert.deepEqual(
        actual.map((s) => ({ ports: s.ports, families: [...s.families], permissions: labels(s.permissions) })),
        expected,
      );
    });
  }
});

describe('openedPorts', () => {
  const cases: { name: string; input: { perms: IpPermission[]; protocol: PortProtocol }; expected: PortRange[] }[] = [
    { name: 'private and public CIDRs and prefix lists count', input: { perms: [tcp(22, '10.0.0.0/8'), tcp(23, 'pl-1'), tcp(80, '0.0.0.0/0')], protocol: 'tcp' }, expected: [r(22, 23), r(80)] },
    { name: 'group references do not count', input: { perms: [tcp(22, 'sg-1')], protocol: 'tcp' }, expected: [] },
    { name: 'all opens every port', input: { perms: [all('10.0.0.0/8')], protocol: 'udp' }, expected: [ALL_PORTS] },
    { name: 'icmp opens none', input: { perms: [icmp(-1, -1, '10.0.0.0/8')], protocol: 'udp' }, expected: [] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => assert.deepEqual(openedPorts(ingress(...input.perms), input.protocol), expected));
  }
});

describe('allTrafficExposures', () => {
  const cases: { name: string; input: IpPermission[]; expected: { scope: string; families: Family[]; permissions: string[] }[] }[] = [
    { name: 'all via 0.0.0.0/0', input: [all('0.0.0.0/0')], expected: [{ scope: 'all', families: ['ipv4'], permissions: ['all traffic from 0.0.0.0/0'] }] },
    { name: 'all via ::/0 only', input: [all('::/0')], expected: [{ scope: 'all', families: ['ipv6'], permissions: ['all traffic from ::/0'] }] },
    {
      name: 'all via both families in one permission',
      input: [all('0.0.0.0/0', '::/0')],
      expected: [{ scope: 'all', families: ['ipv4', 'ipv6'], permissions: ['all traffic from 0.0.0.0/0', 'all traffic from ::/0'] }],
    },
    { name: 'all via split /1 halves', input: [all('0.0.0.0/1', '128.0.0.0/1')], expected: [{ scope: 'all', families: ['ipv4'], permissions: ['all traffic from 0.0.0.0/1', 'all traffic from 128.0.0.0/1'] }] },
    { name: 'all from a private range', input: [all('10.0.0.0/8', 'fc00::/7')], expected: [] },
    { name: 'all from a group (default group self-reference)', input: [all('sg-x')], expected: [] },
    { name: 'tcp 0-65535', input: [tcp([0, 65535], '0.0.0.0/0')], expected: [{ scope: 'tcp', families: ['ipv4'], permissions: ['tcp all from 0.0.0.0/0'] }] },
    { name: 'tcp 1-65535', input: [tcp([1, 65535], '0.0.0.0/0')], expected: [{ scope: 'tcp', families: ['ipv4'], permissions: ['tcp 1-65535 from 0.0.0.0/0'] }] },
    { name: 'tcp 2-65535 → none', input: [tcp([2, 65535], '0.0.0.0/0')], expected: [] },
    { name: 'tcp 1-65534 → none', input: [tcp([1, 65534], '0.0.0.0/0')], expected: [] },
    { name: 'tcp without ports', input: [proto('tcp', undefined, '::/0')], expected: [{ scope: 'tcp', families: ['ipv6'], permissions: ['tcp all from ::/0'] }] },
    { name: 'udp 0-65535 from ::/0', input: [udp([0, 65535], '::/0')], expected: [{ scope: 'udp', families: ['ipv6'], permissions: ['udp all from ::/0'] }] },
    {
      name: 'tcp 0-65535 split across /1 halves',
      input: [tcp([0, 65535], '0.0.0.0/1'), tcp([0, 65535], '128.0.0.0/1')],
      expected: [{ scope: 'tcp', families: ['ipv4'], permissions: ['tcp all from 0.0.0.0/1', 'tcp all from 128.0.0.0/1'] }],
    },
    {
      name: 'tcp 0-32767 + 32768-65535',
      input: [tcp([0, 32767], '0.0.0.0/0'), tcp([32768, 65535], '0.0.0.0/0')],
      expected: [{ scope: 'tcp', families: ['ipv4'], permissions: ['tcp 0-32767 from 0.0.0.0/0', 'tcp 32768-65535 from 0.0.0.0/0'] }],
    },
    {
      name: 'tcp halves of the ports from different families → none',
      input: [tcp([0, 32767], '0.0.0.0/0'), tcp([32768, 65535], '::/0')],
      expected: [],
    },
    {
      name: 'tcp and udp both swept',
      input: [tcp([0, 65535], '0.0.0.0/0'), udp([1, 65535], '0.0.0.0/0')],
      expected: [
        { scope: 'tcp', families: ['ipv4'], permissions: ['tcp all from 0.0.0.0/0'] },
        { scope: 'udp', families: ['ipv4'], permissions: ['udp 1-65535 from 0.0.0.0/0'] },
      ],
    },
    {
      name: 'all 0/0 + tcp 22 ::/0 → only scope all with just the all permission',
      input: [all('0.0.0.0/0'), tcp(22, '::/0')],
      expected: [{ scope: 'all', families: ['ipv4'], permissions: ['all traffic from 0.0.0.0/0'] }],
    },
    {
      name: 'all 0/0 + tcp 0-65535 0/0 → the tcp sweep is explained by all',
      input: [all('0.0.0.0/0'), tcp([0, 65535], '0.0.0.0/0')],
      expected: [{ scope: 'all', families: ['ipv4'], permissions: ['all traffic from 0.0.0.0/0'] }],
    },
    {
      name: 'all ::/0 + tcp 0-65535 0/0 → scopes all (ipv6) and tcp (ipv4)',
      input: [all('::/0'), tcp([0, 65535], '0.0.0.0/0')],
      expected: [
        { scope: 'all', families: ['ipv6'], permissions: ['all traffic from ::/0'] },
        { scope: 'tcp', families: ['ipv4'], permissions: ['tcp all from 0.0.0.0/0'] },
      ],
    },
    {
      name: 'all from one half + tcp 0-65535 from the other half → a tcp sweep of both',
      input: [all('0.0.0.0/1'), tcp([0, 65535], '128.0.0.0/1')],
      expected: [{ scope: 'tcp', families: ['ipv4'], permissions: ['all traffic from 0.0.0.0/1', 'tcp all from 128.0.0.0/1'] }],
    },
    { name: 'a single-port rule is no sweep', input: [tcp(22, '0.0.0.0/0', '::/0')], expected: [] },
    { name: 'icmp -1 and GRE from everywhere are no sweep', input: [icmp(-1, -1, '0.0.0.0/0'), proto('47', undefined, '0.0.0.0/0')], expected: [] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const actual = allTrafficExposures(ingress(...input)).map((e) => ({ scope: e.scope, families: [...e.families], permissions: labels(e.permissions) }));
      assert.deepEqual(actual, expected);
    });
  }
});

describe('ingressForPortRules', () => {
  const cases: { name: string; input: { perms: IpPermission[]; allTrafficEnabled: boolean }; expected: string[] }[] = [
    { name: 'disabled: everything', input: { perms: [all('0.0.0.0/0'), tcp(22, '0.0.0.0/0')], allTrafficEnabled: false }, expected: ['all traffic from 0.0.0.0/0', 'tcp 22 from 0.0.0.0/0'] },
    { name: 'enabled: the all permission is left out', input: { perms: [all('0.0.0.0/0'), tcp(22, '0.0.0.0/0')], allTrafficEnabled: true }, expected: ['tcp 22 from 0.0.0.0/0'] },
    { name: 'enabled: tcp 22 from ::/0 beside all from 0/0 stays', input: { perms: [all('0.0.0.0/0'), tcp(22, '::/0')], allTrafficEnabled: true }, expected: ['tcp 22 from ::/0'] },
    { name: 'enabled: a tcp sweep is left out', input: { perms: [tcp([0, 65535], '0.0.0.0/0'), udp(53, '0.0.0.0/0')], allTrafficEnabled: true }, expected: ['udp 53 from 0.0.0.0/0'] },
    { name: 'enabled: both sweeps of the mixed case are left out', input: { perms: [all('::/0'), tcp([0, 65535], '0.0.0.0/0')], allTrafficEnabled: true }, expected: [] },
    { name: 'enabled: nothing reported, nothing removed', input: { perms: [tcp(22, '0.0.0.0/0'), tcp(80, '10.0.0.0/8')], allTrafficEnabled: true }, expected: ['tcp 22 from 0.0.0.0/0', 'tcp 80 from 10.0.0.0/8'] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => assert.deepEqual(labels(ingressForPortRules(ingress(...input.perms), input.allTrafficEnabled)), expected));
  }

  test('returns the same list when nothing is reported', () => {
    const perms = ingress(tcp(22, '0.0.0.0/0'));
    assert.equal(ingressForPortRules(perms, true), perms);
    assert.equal(ingressForPortRules(perms, false), perms);
  });
});

describe('labels', () => {
  const protocolCases: { name: string; input: Protocol; expected: string }[] = [
    { name: 'GRE', input: 47, expected: 'proto 47 (GRE)' },
    { name: 'ESP', input: 50, expected: 'proto 50 (ESP)' },
    { name: 'an unnamed number', input: 253, expected: 'proto 253' },
    { name: 'tcp', input: 'tcp', expected: 'tcp' },
    { name: 'all', input: 'all', expected: 'all' },
    { name: 'icmpv6', input: 'icmpv6', expected: 'icmpv6' },
  ];
  for (const { name, input, expected } of protocolCases) {
    test(`protocolLabel: ${name}`, () => assert.equal(protocolLabel(input), expected));
  }

  const matchCases: { name: string; input: IpPermission; expected: string }[] = [
    { name: 'icmp type 8 code -1', input: icmp(8, -1, '0.0.0.0/0'), expected: 'type 8 code all' },
    { name: 'icmp type 3 code 4', input: icmp(3, 4, '0.0.0.0/0'), expected: 'type 3 code 4' },
    { name: 'icmp all types', input: icmp(-1, -1, '0.0.0.0/0'), expected: 'all types' },
    { name: 'tcp 0-65535', input: tcp([0, 65535], '0.0.0.0/0'), expected: 'all' },
    { name: 'tcp 1-65535', input: tcp([1, 65535], '0.0.0.0/0'), expected: '1-65535' },
    { name: 'tcp 22', input: tcp(22, '0.0.0.0/0'), expected: '22' },
    { name: 'tcp 0', input: tcp(0, '0.0.0.0/0'), expected: '0' },
    { name: 'protocol all has no ports', input: all('0.0.0.0/0'), expected: 'all' },
    { name: 'GRE has no ports', input: proto('47', undefined, '0.0.0.0/0'), expected: 'all' },
  ];
  for (const { name, input, expected } of matchCases) {
    test(`matchLabel: ${name}`, () => {
      const [perm] = ingress(input);
      assert.ok(perm);
      assert.equal(matchLabel(perm), expected);
    });
  }

  const textCases: { name: string; input: IpPermission; expected: string }[] = [
    { name: 'all → all traffic', input: all('0.0.0.0/0'), expected: 'all traffic from 0.0.0.0/0' },
    { name: 'tcp 22', input: tcp(22, '0.0.0.0/0'), expected: 'tcp 22 from 0.0.0.0/0' },
    { name: 'udp range from IPv6', input: udp([1000, 2000], '2600::/16'), expected: 'udp 1000-2000 from 2600::/16' },
    { name: 'icmp from an unresolved prefix list', input: icmp(8, 0, 'pl-0123456789abcdef0'), expected: 'icmp type 8 code 0 from pl-0123456789abcdef0, entries unknown' },
    { name: 'GRE', input: proto('47', undefined, '0.0.0.0/0'), expected: 'proto 47 (GRE) from 0.0.0.0/0' },
    { name: 'self reference', input: all('sg-x'), expected: 'all traffic from sg-x (self)' },
    { name: 'other group with its account', input: tcp(5432, 'sg-y'), expected: 'tcp 5432 from sg-y (account 111122223333)' },
    { name: 'canonical CIDR text', input: tcp(22, '10.1.2.3/8'), expected: 'tcp 22 from 10.0.0.0/8' },
  ];
  for (const { name, input, expected } of textCases) {
    test(`permissionText: ${name}`, () => {
      const [perm] = ingress(input);
      assert.ok(perm);
      assert.equal(permissionText(perm), expected);
    });
  }

  test('sourceLabel: a deleted group has no account', () => {
    assert.equal(sourceLabel({ kind: 'security-group', groupId: 'sg-gone', self: false }), 'sg-gone');
  });

  test('permissionEvidence', () => {
    const [perm] = ingress(tcp(22, '0.0.0.0/0'));
    assert.ok(perm);
    assert.deepEqual(permissionEvidence(perm), { direction: 'ingress', protocol: 'tcp', ports: '22', source: '0.0.0.0/0' });
  });

  const familyCases: { name: string; input: Family[]; expected: string }[] = [
    { name: 'none', input: [], expected: '' },
    { name: 'ipv4', input: ['ipv4'], expected: 'IPv4' },
    { name: 'both', input: ['ipv4', 'ipv6'], expected: 'IPv4 and IPv6' },
  ];
  for (const { name, input, expected } of familyCases) {
    test(`familiesText: ${name}`, () => assert.equal(familiesText(input), expected));
  }
});

// Prefix lists are resolved by normalize from GetManagedPrefixListEntries: a `pl-` source carries
// its entries when they were collected, and none (unresolved) otherwise.
const PL = 'pl-0123456789abcdef0';

/** The ingress of one group, with `entries` as PL's collected entries (undefined: not collected). */
function ingressWithList(entries: string[] | undefined, ...perms: IpPermission[]): readonly Permission[] {
  const spec: ScopeSpec = { groups: [group({ id: 'sg-x', ingress: perms })], ...(entries ? { prefixListEntries: { [PL]: entries } } : {}) };
  const g = model(spec).groups[0];
  assert.ok(g);
  return g.ingress;
}

describe('sourceCidrs', () => {
  const cases: { name: string; input: { perm: IpPermission; entries?: string[] }; expected: string[] }[] = [
    { name: 'an IPv4 CIDR', input: { perm: tcp(22, '0.0.0.0/0') }, expected: ['0.0.0.0/0'] },
    { name: 'an IPv6 CIDR', input: { perm: tcp(22, '::/0') }, expected: ['::/0'] },
    { name: 'host bits are masked', input: { perm: tcp(22, '10.1.2.3/8') }, expected: ['10.0.0.0/8'] },
    { name: 'IPv6 written long-hand', input: { perm: tcp(22, '2600:1f00:0:0:0:0:0:0/24') }, expected: ['2600:1f00::/24'] },
    { name: 'a resolved prefix list: its entries, in order', input: { perm: tcp(22, PL), entries: ['52.94.76.10/32', '10.0.0.0/8', '::/0'] }, expected: ['52.94.76.10/32', '10.0.0.0/8', '::/0'] },
    { name: 'a resolved prefix list with host bits in an entry', input: { perm: tcp(22, PL), entries: ['52.94.76.10/24'] }, expected: ['52.94.76.0/24'] },
    { name: 'a resolved, empty prefix list', input: { perm: tcp(22, PL), entries: [] }, expected: [] },
    { name: 'an unresolved prefix list', input: { perm: tcp(22, PL) }, expected: [] },
    { name: 'entries of another list do not resolve this one', input: { perm: tcp(22, 'pl-0ffffffffffffffff'), entries: ['0.0.0.0/0'] }, expected: [] },
    { name: 'a group reference', input: { perm: all('sg-0123456789abcdef0') }, expected: [] },
    { name: 'a self reference', input: { perm: all('sg-x') }, expected: [] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const [perm] = ingressWithList(input.entries, input.perm);
      assert.ok(perm);
      assert.deepEqual(sourceCidrs(perm).map((c) => c.text), expected);
    });
  }

  test('a resolved prefix list keeps the family and prefix of each entry', () => {
    const [perm] = ingressWithList(['52.0.0.0/8', '2600:1f00::/24'], tcp(22, PL));
    assert.ok(perm);
    assert.deepEqual(sourceCidrs(perm).map((c) => [c.family, c.prefix]), [
      ['ipv4', 8],
      ['ipv6', 24],
    ]);
  });
});

describe('sourceIsInternalOnly', () => {
  const cases: { name: string; input: { perm: IpPermission; entries?: string[] }; expected: boolean }[] = [
    { name: '10.0.0.0/8', input: { perm: tcp(22, '10.0.0.0/8') }, expected: true },
    { name: '172.16.0.0/12', input: { perm: tcp(22, '172.16.0.0/12') }, expected: true },
    { name: '192.168.0.0/16', input: { perm: tcp(22, '192.168.0.0/16') }, expected: true },
    { name: 'carrier-grade NAT 100.64.0.0/10', input: { perm: tcp(22, '100.64.0.0/10') }, expected: true },
    { name: 'IPv6 ULA fc00::/7', input: { perm: tcp(22, 'fc00::/7') }, expected: true },
    { name: 'documentation 203.0.113.10/32 (special-purpose, not public)', input: { perm: tcp(22, '203.0.113.10/32') }, expected: true },
    { name: '172.15.255.255/32, just below 172.16/12, is public', input: { perm: tcp(22, '172.15.255.255/32') }, expected: false },
    { name: '172.16.0.0/11 reaches past 172.16/12 into public space', input: { perm: tcp(22, '172.16.0.0/11') }, expected: false },
    { name: '0.0.0.0/0', input: { perm: tcp(22, '0.0.0.0/0') }, expected: false },
    { name: '::/0', input: { perm: tcp(22, '::/0') }, expected: false },
    { name: 'a public /32', input: { perm: tcp(22, '52.94.76.10/32') }, expected: false },
    { name: 'a resolved prefix list of private ranges', input: { perm: tcp(22, PL), entries: ['10.0.0.0/8', '192.168.0.0/16', 'fc00::/7'] }, expected: true },
    { name: 'a resolved prefix list with one public entry', input: { perm: tcp(22, PL), entries: ['10.0.0.0/8', '52.94.76.10/32'] }, expected: false },
    { name: 'a resolved, empty prefix list is not known to be private', input: { perm: tcp(22, PL), entries: [] }, expected: false },
    { name: 'an unresolved prefix list is not known to be private', input: { perm: tcp(22, PL) }, expected: false },
    { name: 'a group reference', input: { perm: tcp(22, 'sg-0123456789abcdef0') }, expected: false },
    { name: 'a self reference', input: { perm: all('sg-x') }, expected: false },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const [perm] = ingressWithList(input.entries, input.perm);
      assert.ok(perm);
      assert.equal(sourceIsInternalOnly(perm), expected);
    });
  }
});

describe('sourceId', () => {
  const cases: { name: string; input: { perm: IpPermission; entries?: string[] }; expected: string }[] = [
    { name: 'an IPv4 CIDR, canonical', input: { perm: tcp(22, '10.1.2.3/8') }, expected: '10.0.0.0/8' },
    { name: 'an IPv6 CIDR, canonical', input: { perm: tcp(22, '0:0:0:0:0:0:0:0/0') }, expected: '::/0' },
    { name: 'an unresolved prefix list: its id', input: { perm: tcp(22, PL) }, expected: PL },
    { name: 'a resolved prefix list: its id, not its entries', input: { perm: tcp(22, PL), entries: ['0.0.0.0/0'] }, expected: PL },
    { name: 'a group reference: the group id', input: { perm: tcp(22, 'sg-0123456789abcdef0') }, expected: 'sg-0123456789abcdef0' },
    { name: 'a self reference: the group id', input: { perm: all('sg-x') }, expected: 'sg-x' },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const [perm] = ingressWithList(input.entries, input.perm);
      assert.ok(perm);
      assert.equal(sourceId(perm.source), expected);
    });
  }
});

describe('exposure through resolved prefix lists', () => {
  const cases: { name: string; input: { perms: IpPermission[]; entries?: string[] }; expected: Family[] }[] = [
    { name: 'a list holding 0.0.0.0/0', input: { perms: [tcp(22, PL)], entries: ['0.0.0.0/0'] }, expected: ['ipv4'] },
    { name: 'a list holding ::/0', input: { perms: [tcp(22, PL)], entries: ['::/0'] }, expected: ['ipv6'] },
    { name: 'a list holding both halves', input: { perms: [tcp(22, PL)], entries: ['0.0.0.0/1', '128.0.0.0/1'] }, expected: ['ipv4'] },
    { name: 'a list holding one half, beside a CIDR for the other', input: { perms: [tcp(22, PL, '128.0.0.0/1')], entries: ['0.0.0.0/1'] }, expected: ['ipv4'] },
    { name: 'a list holding one half only', input: { perms: [tcp(22, PL)], entries: ['0.0.0.0/1'] }, expected: [] },
    { name: 'a list of office /32s', input: { perms: [tcp(22, PL)], entries: ['52.94.76.10/32', '52.94.76.11/32'] }, expected: [] },
    { name: 'a list of private ranges', input: { perms: [tcp(22, PL)], entries: ['10.0.0.0/8', 'fc00::/7'] }, expected: [] },
    { name: 'an empty list', input: { perms: [tcp(22, PL)], entries: [] }, expected: [] },
    { name: 'an unresolved list', input: { perms: [tcp(22, PL)] }, expected: [] },
    { name: 'an unresolved list beside 0.0.0.0/0 does not hide it', input: { perms: [tcp(22, PL, '0.0.0.0/0')] }, expected: ['ipv4'] },
    { name: 'a list holding 0.0.0.0/0 on another port', input: { perms: [tcp(23, PL)], entries: ['0.0.0.0/0'] }, expected: [] },
  ];
  for (const { name, input, expected } of cases) {
    test(`exposureAtPort tcp 22: ${name}`, () => {
      assert.deepEqual(exposureAtPort(ingressWithList(input.entries, ...input.perms), 'tcp', 22).map((e) => e.family), expected);
    });
  }

  test('openPortSegments: a resolved list is named by its permission', () => {
    const segments = openPortSegments(ingressWithList(['0.0.0.0/0'], tcp([8000, 8010], PL), tcp([8005, 8020], '10.0.0.0/8')), 'tcp');
    assert.deepEqual(
      segments.map((s) => ({ ports: s.ports, families: [...s.families], permissions: labels(s.permissions) })),
      [{ ports: r(8000, 8010), families: ['ipv4'], permissions: [`tcp 8000-8010 from ${PL}`] }],
    );
  });

  test('allTrafficExposures: all traffic from a resolved 0.0.0.0/0 list', () => {
    const actual = allTrafficExposures(ingressWithList(['0.0.0.0/0', '::/0'], all(PL))).map((e) => ({ scope: e.scope, families: [...e.families] }));
    assert.deepEqual(actual, [{ scope: 'all', families: ['ipv4', 'ipv6'] }]);
  });

  test('permissionEvidence carries a resolved list\'s entries, and says when they are unknown', () => {
    const [resolved] = ingressWithList(['52.94.76.10/32', '10.0.0.0/8'], tcp(22, PL));
    const [unresolved] = ingressWithList(undefined, tcp(22, PL));
    assert.ok(resolved && unresolved);
    assert.deepEqual(permissionEvidence(resolved), {
      direction: 'ingress',
      protocol: 'tcp',
      ports: '22',
      source: PL,
      prefixListEntries: ['52.94.76.10/32', '10.0.0.0/8'],
    });
    assert.deepEqual(permissionEvidence(unresolved), { direction: 'ingress', protocol: 'tcp', ports: '22', source: `${PL}, entries unknown` });
  });
});
