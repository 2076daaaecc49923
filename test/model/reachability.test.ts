// Effective exposure of one interface, layer by layer: each case starts from a reachable
// interface (public IP, 0.0.0.0/0 → igw, ACL allow, SSH open) and changes one layer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission, NetworkAclEntry, Route } from '@aws-sdk/client-ec2';
import { interfaceReachability, type Reachable } from '../../src/model/reachability.js';
import { formatPortRanges } from '../../src/model/ports.js';
import {
  aclEntry,
  defaultAclEntries,
  egressOnlyInternetGateway,
  eni,
  group,
  internetGateway,
  model,
  networkAcl,
  route,
  routeTable,
  tcp,
  type EniSpec,
  type ScopeSpec,
} from '../helpers/builders.js';

interface Scenario {
  /** Ingress of the one group sg-a, unless `groups` is given. */
  ingress?: IpPermission[];
  groups?: { id: string; ingress: IpPermission[] }[];
  eni?: Partial<EniSpec>;
  /** The interface has no public IPv4 (it has 3.3.3.3 otherwise). */
  noPublicIp?: boolean;
  /** Routes of the subnet's own table (explicitly associated with subnet-1). */
  routes?: Route[];
  /** Routes of the VPC's main table; with `explicit: false` the subnet falls back to it. */
  mainRoutes?: Route[];
  explicit?: boolean;
  acl?: NetworkAclEntry[];
  igwVpcs?: string[];
}

function scopeOf(s: Scenario): ScopeSpec {
  const groups = s.groups ?? [{ id: 'sg-a', ingress: s.ingress ?? [tcp(22, '0.0.0.0/0')] }];
  return {
    groups: groups.map((g) => group({ id: g.id, ingress: g.ingress })),
    interfaces: [eni({ id: 'eni-1', groups: groups.map((g) => g.id), subnetId: 'subnet-1', ...(s.noPublicIp ? {} : { publicIp: '3.3.3.3' }), ...s.eni })],
    networkAcls: [networkAcl({ id: 'acl-1', subnets: ['subnet-1'], entries: s.acl ?? defaultAclEntries(true) })],
    routeTables: [
      ...(s.explicit === false ? [] : [routeTable({ id: 'rtb-subnet', subnets: ['subnet-1'], routes: s.routes ?? [route('0.0.0.0/0', 'igw-1')] })]),
      routeTable({ id: 'rtb-main', main: true, routes: s.mainRoutes ?? [] }),
    ],
    internetGateways: [internetGateway({ id: 'igw-1', vpcIds: s.igwVpcs ?? ['vpc-1'] })],
    egressOnlyInternetGateways: [egressOnlyInternetGateway({ id: 'eigw-1' })],
  };
}

function reach(s: Scenario): readonly Reachable[] {
  const m = model(scopeOf(s));
  const found = m.interfaces.find((e) => e.id === 'eni-1');
  assert.ok(found);
  return interfaceReachability(m, found);
}

/** "ipv4 tcp 22" per result, for comparing what is reachable. */
const summary = (results: readonly Reachable[]) => results.map((r) => `${r.family} ${r.protocol} ${formatPortRanges(r.ports)}`);

describe('interfaceReachability', () => {
  test('public IP + route to an attached igw + ACL allow + SSH open: reachable, with the path through each layer', () => {
    const results = reach({});
    assert.deepEqual(summary(results), ['ipv4 tcp 22']);
    assert.deepEqual(results[0]?.via, {
      permissions: [{ groupId: 'sg-a', permission: 'tcp 22 from 0.0.0.0/0' }],
      aclId: 'acl-1',
      aclEntries: [100],
      routeTableId: 'rtb-subnet',
      routes: [{ destination: '0.0.0.0/0', gatewayId: 'igw-1' }],
      addresses: ['3.3.3.3'],
    });
  });

  describe('each layer alone closes it', () => {
    const closed: [string, Scenario][] = [
      ['no public IP on the interface', { noPublicIp: true }],
      ['no route to an internet gateway (local only)', { routes: [] }],
      ['0.0.0.0/0 to a NAT gateway only', { routes: [route('0.0.0.0/0', 'nat-1')] }],
      ['::/0 to an egress-only gateway only (IPv4 has no route either)', { routes: [route('::/0', 'eigw-1')] }],
      ['the igw route is a blackhole', { routes: [route('0.0.0.0/0', 'igw-1', 'blackhole')] }],
      ['the igw is not attached to the VPC', { igwVpcs: ['vpc-other'] }],
      ['more specific routes to a NAT gateway cover all of 0.0.0.0/0', { routes: [route('0.0.0.0/0', 'igw-1'), route('0.0.0.0/1', 'nat-1'), route('128.0.0.0/1', 'nat-1')] }],
      ['the ACL denies tcp 22 from 0.0.0.0/0', { acl: [aclEntry(100, 'deny', '6', '0.0.0.0/0', 22), aclEntry(200, 'allow', '-1', '0.0.0.0/0')] }],
      ['the security group opens SSH only to a public /24', { ingress: [tcp(22, '8.8.8.0/24')] }],
    ];
    for (const [name, scenario] of closed) test(name, () => assert.deepEqual(reach(scenario), []));
  });

  test('IPv6: ::/0 → igw and an IPv6 address reach SSH opened to ::/0', () => {
    const results = reach({
      ingress: [tcp(22, '::/0')],
      noPublicIp: true,
      eni: { ipv6: ['2600:1f18::10'] },
      routes: [route('0.0.0.0/0', 'igw-1'), route('::/0', 'igw-1')],
    });
    assert.deepEqual(summary(results), ['ipv6 tcp 22']);
    assert.deepEqual(results[0]?.via.routes, [{ destination: '::/0', gatewayId: 'igw-1' }]);
    assert.deepEqual(results[0]?.via.aclEntries, [101]);
    assert.deepEqual(results[0]?.via.addresses, ['2600:1f18::10']);
  });

  test('IPv6 behind an egress-only gateway is not reachable; IPv4 through the igw still is', () => {
    const results = reach({
      ingress: [tcp(22, '0.0.0.0/0', '::/0')],
      eni: { ipv6: ['2600:1f18::10'] },
      routes: [route('0.0.0.0/0', 'igw-1'), route('::/0', 'eigw-1')],
    });
    assert.deepEqual(summary(results), ['ipv4 tcp 22']);
  });

  test('a subnet without an explicit association uses the main route table', () => {
    const viaMain = reach({ explicit: false, mainRoutes: [route('0.0.0.0/0', 'igw-1')] });
    assert.deepEqual(summary(viaMain), ['ipv4 tcp 22']);
    assert.equal(viaMain[0]?.via.routeTableId, 'rtb-main');
    // The explicit association wins over a public main table.
    assert.deepEqual(reach({ routes: [route('0.0.0.0/0', 'nat-1')], mainRoutes: [route('0.0.0.0/0', 'igw-1')] }), []);
  });

  test('ACL: a deny numbered before the allow closes the port (first match)', () => {
    const acl = [aclEntry(90, 'deny', '6', '0.0.0.0/0', 22), aclEntry(100, 'allow', '6', '0.0.0.0/0', 22)];
    assert.deepEqual(reach({ acl }), []);
  });

  test('ACL: an allow numbered before the deny opens it, and names the allow entry', () => {
    const results = reach({ acl: [aclEntry(90, 'allow', '6', '0.0.0.0/0', 22), aclEntry(100, 'deny', '6', '0.0.0.0/0', 22)] });
    assert.deepEqual(summary(results), ['ipv4 tcp 22']);
    assert.deepEqual(results[0]?.via.aclEntries, [90]);
  });

  test('two groups whose union is the whole internet open the port; neither alone does', () => {
    const both = reach({ groups: [{ id: 'sg-a', ingress: [tcp(22, '0.0.0.0/1')] }, { id: 'sg-b', ingress: [tcp(22, '128.0.0.0/1')] }] });
    assert.deepEqual(summary(both), ['ipv4 tcp 22']);
    assert.deepEqual(both[0]?.via.permissions.map((p) => p.groupId).sort(), ['sg-a', 'sg-b']);
    assert.deepEqual(reach({ groups: [{ id: 'sg-a', ingress: [tcp(22, '0.0.0.0/1')] }] }), []);
    assert.deepEqual(reach({ groups: [{ id: 'sg-b', ingress: [tcp(22, '128.0.0.0/1')] }] }), []);
  });

  test('the ACL cuts a group\'s range: only the ports both let in, joined into ranges', () => {
    const results = reach({
      ingress: [tcp([20, 30], '0.0.0.0/0')],
      acl: [aclEntry(100, 'deny', '6', '0.0.0.0/0', 25), aclEntry(110, 'allow', '6', '0.0.0.0/0', [0, 65535])],
    });
    assert.deepEqual(summary(results), ['ipv4 tcp 20-24, 26-30']);
  });
});
