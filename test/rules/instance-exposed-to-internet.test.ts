import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission, NetworkAclEntry, Reservation, Route } from '@aws-sdk/client-ec2';
import rule from '../../rules/instance-exposed-to-internet.js';
import {
  aclEntry,
  all,
  defaultAclEntries,
  eni,
  group,
  icmp,
  instance,
  internetGateway,
  networkAcl,
  prefixList,
  proto,
  route,
  routeTable,
  rulesOf,
  tcp,
  udp,
  type EniSpec,
  type ScopeSpec,
} from '../helpers/builders.js';
import { onlyFinding, ruleTester } from '../helpers/rule-tester.js';

interface Net {
  groups?: { id: string; ingress: IpPermission[] }[];
  eni?: Partial<EniSpec>;
  noPublicIp?: boolean;
  routes?: Route[];
  acl?: NetworkAclEntry[];
  extra?: Partial<ScopeSpec>;
}

/** One instance i-1 (web-1) whose interface eni-1 sits in a public subnet (0.0.0.0/0 → igw-1, default ACL) with 3.3.3.3. */
function net(spec: Net): ScopeSpec {
  const groups = (spec.groups ?? []).map((g) => group({ id: g.id, ingress: g.ingress }));
  return {
    groups,
    interfaces: [
      eni({ id: 'eni-1', groups: groups.map((g) => g.GroupId ?? ''), instanceId: 'i-1', ...(spec.noPublicIp ? {} : { publicIp: '3.3.3.3' }), ...spec.eni }),
    ],
    instances: [named(instance({ id: 'i-1', groups: groups.map((g) => g.GroupId ?? '') }), 'web-1')],
    networkAcls: [networkAcl({ id: 'acl-1', isDefault: true, subnets: ['subnet-1'], entries: spec.acl ?? defaultAclEntries(true) })],
    routeTables: [routeTable({ id: 'rtb-1', main: true, routes: spec.routes ?? [route('0.0.0.0/0', 'igw-1'), route('::/0', 'igw-1')] })],
    internetGateways: [internetGateway({ id: 'igw-1' })],
    ...spec.extra,
  };
}

/** The reservation's instance, tagged Name=name. */
function named(reservation: Reservation, name: string): Reservation {
  return { ...reservation, Instances: (reservation.Instances ?? []).map((i) => ({ ...i, Tags: [{ Key: 'Name', Value: name }] })) };
}

/** Without the route tables: offline input that lacks describe-route-tables output. */
function withoutRouteTables(spec: ScopeSpec): ScopeSpec {
  const { routeTables: _omitted, ...rest } = spec;
  return rest;
}

const one = (...ingress: IpPermission[]): Net => ({ groups: [{ id: 'sg-a', ingress }] });

ruleTester(rule, {
  valid: [
    { name: 'no network interfaces', data: { ...net({}), interfaces: [] } },
    { name: 'SSH open to the internet, but the interface has no public IP', data: net({ ...one(tcp(22, '0.0.0.0/0')), noPublicIp: true }) },
    { name: 'SSH open, public IP, but 0.0.0.0/0 goes to a NAT gateway', data: net({ ...one(tcp(22, '0.0.0.0/0')), routes: [route('0.0.0.0/0', 'nat-1')] }) },
    { name: 'SSH over IPv6 behind an egress-only gateway', data: net({ ...one(tcp(22, '::/0')), noPublicIp: true, eni: { ipv6: ['2600:1f18::1'] }, routes: [route('::/0', 'eigw-1')] }) },
    { name: 'tcp 80 and 443 (authorized by default)', data: net(one(tcp(80, '0.0.0.0/0', '::/0'), tcp(443, '0.0.0.0/0', '::/0'))) },
    { name: 'SSH from one public /32 is not the whole internet', data: net(one(tcp(22, '8.8.8.8/32'))) },
    { name: 'a range that just misses the open port: tcp 8444-8500 authorized, 8443 closed', data: net(one(tcp([8444, 8500], '0.0.0.0/0'))), options: { authorized: ['tcp/8444-8500'] } },
    { name: 'ICMP -1 and GRE (47) from the internet open no port', data: net(one(icmp(-1, -1, '0.0.0.0/0'), proto('47', undefined, '0.0.0.0/0'))) },
    { name: 'a group-reference source is not the internet', data: net(one(tcp(22, 'sg-other'))) },
    { name: 'the ACL denies tcp 22 before allowing all', data: net({ ...one(tcp(22, '0.0.0.0/0')), acl: [aclEntry(90, 'deny', '6', '0.0.0.0/0', 22), ...defaultAclEntries()] }) },
    { name: 'option authorized: tcp/8443 is meant to be public', data: net(one(tcp(8443, '0.0.0.0/0'))), options: { authorized: ['tcp/443', 'tcp/8443'] } },
  ],
  invalid: [
    {
      name: 'SSH from 0.0.0.0/0 on a public instance is critical',
      data: net(one(tcp(22, '0.0.0.0/0'))),
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/22', severity: 'critical', data: { target: 'instance i-1 (web-1)', path: 'tcp 22 over IPv4 (sg-a tcp 22 from 0.0.0.0/0; acl-1 rule 100; rtb-1 0.0.0.0/0 → igw-1; 3.3.3.3)' } }],
    },
    {
      name: 'RDP over UDP is critical',
      data: net(one(udp(3389, '0.0.0.0/0'))),
      findings: [{ messageId: 'reachable', key: 'ipv4:udp/3389', severity: 'critical' }],
    },
    {
      name: 'a high-risk port (MySQL 3306) is critical',
      data: net(one(tcp(3306, '0.0.0.0/0'))),
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/3306', severity: 'critical' }],
    },
    {
      name: 'another unauthorized port (8443) is high',
      data: net(one(tcp(8443, '0.0.0.0/0'))),
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/8443', severity: 'high' }],
    },
    {
      name: 'a range that covers 22 (20-25) reports its ports, the authorized ones left out',
      data: net(one(tcp([20, 25], '0.0.0.0/0'))),
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/20-25', severity: 'critical', data: { ports: 'tcp 20-25 over IPv4' } }],
    },
    {
      name: 'protocol all from 0.0.0.0/0: every port but 80 and 443 over tcp, every udp port',
      data: net(one(all('0.0.0.0/0'))),
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/0-79,ipv4:tcp/81-442,ipv4:tcp/444-65535,ipv4:udp/0-65535', severity: 'critical' }],
    },
    {
      name: 'numeric protocol "6" is tcp',
      data: net(one(proto('6', 22, '0.0.0.0/0'))),
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/22', severity: 'critical' }],
    },
    {
      name: 'IPv6: SSH from ::/0 with ::/0 → igw and an IPv6 address',
      data: net({ ...one(tcp(22, '::/0')), noPublicIp: true, eni: { ipv6: ['2600:1f18::1'] } }),
      findings: [{ messageId: 'reachable', key: 'ipv6:tcp/22', severity: 'critical', data: { path: 'acl-1 rule 101; rtb-1 ::/0 → igw-1; 2600:1f18::1' } }],
    },
    {
      name: 'split CIDRs (0.0.0.0/1 + 128.0.0.0/1) in one group',
      data: net(one(tcp(22, '0.0.0.0/1', '128.0.0.0/1'))),
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/22', severity: 'critical' }],
    },
    {
      name: 'two groups whose union is the internet (neither alone)',
      data: net({ groups: [{ id: 'sg-a', ingress: [tcp(22, '0.0.0.0/1')] }, { id: 'sg-b', ingress: [tcp(22, '128.0.0.0/1')] }] }),
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/22', severity: 'critical', data: { path: 'sg-a tcp 22 from 0.0.0.0/1 + sg-b tcp 22 from 128.0.0.0/1' } }],
    },
    {
      name: 'a prefix-list source whose entries hold 0.0.0.0/0',
      data: net({ ...one(tcp(22, 'pl-0123456789abcdef0')), extra: { prefixLists: [prefixList({ id: 'pl-0123456789abcdef0' })], prefixListEntries: { 'pl-0123456789abcdef0': ['0.0.0.0/0'] } } }),
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/22', severity: 'critical' }],
    },
    {
      name: 'an AWS-managed interface (load balancer) with 8081 open',
      data: net({ ...one(tcp(8081, '0.0.0.0/0')), eni: { instanceId: '', requesterManaged: true } }),
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/8081', severity: 'high', data: { target: 'network interface' } }],
    },
    {
      name: 'option criticalPorts replaces the admin and high-risk list',
      data: net(one(tcp(22, '0.0.0.0/0'), tcp(8443, '0.0.0.0/0'))),
      options: { criticalPorts: ['tcp/8443'] },
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/22,ipv4:tcp/8443', severity: 'critical' }],
    },
    {
      name: 'option authorized does not silence an admin port',
      data: net(one(tcp(22, '0.0.0.0/0'))),
      options: { authorized: ['tcp/22'] },
      findings: [{ messageId: 'reachable', key: 'ipv4:tcp/22', severity: 'critical' }],
    },
  ],
  errors: [
    {
      name: 'route tables failed to collect: error, not pass',
      data: { ...net(one(tcp(22, '0.0.0.0/0'))), failed: { routeTables: 'UnauthorizedOperation' } },
      error: /DescribeRouteTables/,
    },
  ],
  skipped: [{ name: 'offline input without describe-route-tables output', data: withoutRouteTables(net(one(tcp(22, '0.0.0.0/0')))), skipped: true }],
  invalidOptions: [{ name: 'a port spec that is not one', options: { authorized: ['http'] }, error: /not a port spec/ }],
});

describe('instance-exposed-to-internet details', () => {
  test('evidence names the permission, the ACL entry, the route and the address; the fix revokes the sgr- id', () => {
    const data = net(one(tcp(22, '0.0.0.0/0')));
    const f = onlyFinding(rule, { ...data, securityGroupRules: rulesOf(...(data.groups ?? [])) });
    assert.equal(f.resource.type, 'network-interface');
    assert.equal(f.resource.id, 'eni-1');
    assert.deepEqual(f.evidence['reachable'], [
      {
        family: 'ipv4',
        protocol: 'tcp',
        ports: '22',
        critical: '22',
        permissions: [{ groupId: 'sg-a', permission: 'tcp 22 from 0.0.0.0/0', ruleId: 'sgr-a0' }],
        networkAcl: { id: 'acl-1', entries: [100] },
        routeTable: { id: 'rtb-1', routes: [{ destination: '0.0.0.0/0', gatewayId: 'igw-1' }] },
        addresses: ['3.3.3.3'],
      },
    ]);
    assert.equal(f.evidence['instanceId'], 'i-1');
    assert.equal(f.remediationCommand, 'aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-a --security-group-rule-ids sgr-a0');
    assert.deepEqual(f.ports, [{ protocol: 'tcp', from: 22, to: 22 }]);
  });
});
