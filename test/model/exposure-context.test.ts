// Severity in context: why the internet cannot reach a group's exposure, or undefined when it can
// (or the data cannot tell). Each case starts from sg-a (SSH open to 0.0.0.0/0) on one reachable
// interface and changes one thing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission, NetworkAclEntry, Route } from '@aws-sdk/client-ec2';
import { unreachableBecause, type ContextPorts } from '../../src/model/exposure-context.js';
import type { DataKind } from '../../src/model/kinds.js';
import {
  aclEntry,
  defaultAclEntries,
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

const SSH: ContextPorts[] = [{ protocol: 'tcp', from: 22, to: 22 }];

interface Scenario {
  groups?: { id: string; ingress: IpPermission[] }[];
  /** The interfaces; by default one reachable interface eni-1 with every group. */
  interfaces?: (Partial<EniSpec> & { id: string })[];
  routes?: Route[];
  acl?: NetworkAclEntry[];
  /** Kinds left out of the data (absent), or failed. */
  absent?: DataKind[];
  failed?: Partial<Record<DataKind, string>>;
}

function because(s: Scenario, groupId = 'sg-a', ports: readonly ContextPorts[] = SSH): string | undefined {
  const groups = s.groups ?? [{ id: 'sg-a', ingress: [tcp(22, '0.0.0.0/0')] }];
  const spec: ScopeSpec = {
    groups: groups.map((g) => group({ id: g.id, ingress: g.ingress })),
    interfaces: (s.interfaces ?? [{ id: 'eni-1', publicIp: '3.3.3.3' }]).map((e) => eni({ groups: groups.map((g) => g.id), ...e })),
    networkAcls: [networkAcl({ id: 'acl-1', subnets: ['subnet-1'], entries: s.acl ?? defaultAclEntries(true) })],
    routeTables: [routeTable({ id: 'rtb-1', subnets: ['subnet-1'], routes: s.routes ?? [route('0.0.0.0/0', 'igw-1'), route('::/0', 'igw-1')] })],
    internetGateways: [internetGateway({ id: 'igw-1' })],
    ...(s.failed ? { failed: s.failed } : {}),
  };
  for (const kind of s.absent ?? []) delete (spec as Record<string, unknown>)[kind === 'networkInterfaces' ? 'interfaces' : kind];
  const m = model(spec);
  const found = m.groupsById.get(groupId);
  const [scope] = m.scopes;
  assert.ok(found && scope);
  return unreachableBecause(m, scope, found, ports);
}

describe('unreachableBecause', () => {
  test('reachable through the group: nothing to say (the finding keeps its severity)', () => {
    assert.equal(because({}), undefined);
  });

  test('attached to nothing', () => {
    assert.equal(because({ interfaces: [] }), 'the group is attached to no network interface');
  });

  describe('one interface, each outer layer closed', () => {
    const cases: [string, Scenario, string][] = [
      ['no public IPv4', { interfaces: [{ id: 'eni-1' }] }, 'it has no public IPv4 address'],
      ['0.0.0.0/0 to a NAT gateway', { routes: [route('0.0.0.0/0', 'nat-1')] }, 'it has no route to an internet gateway'],
      [
        'the ACL denies tcp 22 before allowing all',
        { acl: [aclEntry(90, 'deny', '6', '0.0.0.0/0', 22), ...defaultAclEntries()] },
        'it is behind a network ACL that denies them',
      ],
    ];
    for (const [name, scenario, why] of cases) {
      test(name, () => assert.equal(because(scenario), `its one network interface (eni-1) is not reachable from the internet on these ports: ${why}`));
    }
  });

  test('several interfaces: counted by what closes each; one reachable interface keeps the severity', () => {
    const interfaces = [{ id: 'eni-1' }, { id: 'eni-2' }, { id: 'eni-3', subnetId: 'subnet-private', publicIp: '3.3.3.5' }];
    assert.equal(
      because({ interfaces }),
      'none of its 3 network interfaces is reachable from the internet on these ports (2 without a public IPv4 address, 1 without a route to an internet gateway)',
    );
    assert.equal(because({ interfaces: [...interfaces, { id: 'eni-4', publicIp: '3.3.3.4' }] }), undefined);
  });

  test('only the finding\'s ports count: an ACL that lets 443 in but not 22 leaves SSH unreachable', () => {
    const scenario: Scenario = {
      groups: [{ id: 'sg-a', ingress: [tcp(22, '0.0.0.0/0'), tcp(443, '0.0.0.0/0')] }],
      acl: [aclEntry(100, 'allow', '6', '0.0.0.0/0', 443)],
    };
    assert.match(because(scenario) ?? '', /behind a network ACL that denies them$/);
    assert.equal(because(scenario, 'sg-a', [{ protocol: 'tcp', from: 443, to: 443 }]), undefined);
  });

  test('only this group\'s path counts: SSH over IPv6 on an interface the internet reaches over IPv4 through another group', () => {
    const scenario: Scenario = {
      groups: [
        { id: 'sg-v6', ingress: [tcp(22, '::/0')] },
        { id: 'sg-v4', ingress: [tcp(22, '0.0.0.0/0')] },
      ],
    };
    assert.equal(because(scenario, 'sg-v4'), undefined);
    assert.equal(because(scenario, 'sg-v6'), 'its one network interface (eni-1) is not reachable from the internet on these ports: it has no IPv6 address');
  });

  test('protocol all and port ranges: any reachable TCP or UDP port of the finding keeps it', () => {
    const allTraffic: Scenario = {
      groups: [{ id: 'sg-a', ingress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }],
      acl: [aclEntry(100, 'allow', '17', '0.0.0.0/0', 53)],
    };
    const everyPort: ContextPorts[] = [
      { protocol: 'tcp', from: 0, to: 65535 },
      { protocol: 'udp', from: 0, to: 65535 },
    ];
    assert.equal(because(allTraffic, 'sg-a', everyPort), undefined, 'udp 53 gets in');
    assert.match(because(allTraffic, 'sg-a', [{ protocol: 'tcp', from: 0, to: 65535 }]) ?? '', /behind a network ACL that denies them$/);
    // A range that covers the one port the ACL lets in, and one that just misses it.
    const ranged: Scenario = { groups: [{ id: 'sg-a', ingress: [tcp([20, 25], '0.0.0.0/0')] }], acl: [aclEntry(100, 'allow', '6', '0.0.0.0/0', 22)] };
    assert.equal(because(ranged, 'sg-a', [{ protocol: 'tcp', from: 20, to: 25 }]), undefined);
    assert.match(because(ranged, 'sg-a', [{ protocol: 'tcp', from: 23, to: 25 }]) ?? '', /behind a network ACL that denies them$/);
  });

  test('both families closed by different layers are both named', () => {
    const scenario: Scenario = {
      groups: [{ id: 'sg-a', ingress: [tcp(22, '0.0.0.0/0', '::/0')] }],
      interfaces: [{ id: 'eni-1', ipv6: ['2600:1f18::10'] }],
      routes: [route('0.0.0.0/0', 'igw-1')],
    };
    assert.match(because(scenario) ?? '', /: it has no public IPv4 address and has no IPv6 route to an internet gateway$/);
  });

  describe('fail closed: nothing is lowered when the data cannot tell', () => {
    test('interfaces not collected', () => assert.equal(because({ interfaces: [], absent: ['networkInterfaces'] }), undefined));
    test('route tables not collected (attached)', () => assert.equal(because({ interfaces: [{ id: 'eni-1' }], absent: ['routeTables'] }), undefined));
    test('internet gateways failed (attached)', () => assert.equal(because({ interfaces: [{ id: 'eni-1' }], failed: { internetGateways: 'UnauthorizedOperation' } }), undefined));
    test('an unattached group needs only the interfaces', () => {
      assert.equal(because({ interfaces: [], absent: ['routeTables', 'internetGateways'] }), 'the group is attached to no network interface');
    });
    test('no ports to judge', () => assert.equal(because({ interfaces: [] }, 'sg-a', []), undefined));
  });
});
