import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission, NetworkAclEntry } from '@aws-sdk/client-ec2';
import type { RawScope, RawSnapshot } from '../../src/collect/types.js';
import { SgAuditError } from '../../src/errors.js';
import { ALL_PORTS } from '../../src/model/ports.js';
import { normalize, normalizeProtocol, partitionOf } from '../../src/model/normalize.js';
import type { AuditModel, KindStatus, NaclEntry, Permission, Protocol } from '../../src/model/types.js';
import {
  ACCOUNT,
  REGION,
  aclEntry,
  all,
  egressOnlyInternetGateway,
  eni,
  flowLog,
  group,
  icmp,
  instance,
  internetGateway,
  model,
  networkAcl,
  prefixList,
  proto,
  route,
  routeTable,
  rulesOf,
  snapshot,
  staleGroup,
  subnet,
  tcp,
  udp,
} from '../helpers/builders.js';

const raw = (...scopes: RawScope[]): RawSnapshot => ({ source: 'file', inputs: ['test'], scopes, warnings: [] });

/** One scope whose security groups come from a file named `origin`. */
function sgScope(items: readonly unknown[], extra: Partial<RawScope> = {}, origin = 'sgs.json'): RawScope {
  return { accountId: ACCOUNT, region: REGION, kinds: { securityGroups: { status: 'ok', parts: [{ origin, items }] } }, ...extra };
}

/** The parts of a permission a test compares: only the keys present. */
function shape(p: Permission): Record<string, unknown> {
  return {
    protocol: p.protocol,
    ...(p.ports ? { ports: p.ports } : {}),
    ...(p.icmp ? { icmp: p.icmp } : {}),
  };
}

function onlyGroup(m: AuditModel) {
  assert.equal(m.groups.length, 1);
  const g = m.groups[0];
  assert.ok(g);
  return g;
}

describe('normalizeProtocol', () => {
  const cases: { name: string; input: string; expected: Protocol | undefined }[] = [
    { name: 'tcp name', input: 'tcp', expected: 'tcp' },
    { name: 'tcp upper case', input: 'TCP', expected: 'tcp' },
    { name: 'tcp mixed case with spaces', input: ' Tcp ', expected: 'tcp' },
    { name: 'tcp number', input: '6', expected: 'tcp' },
    { name: 'udp name', input: 'udp', expected: 'udp' },
    { name: 'udp number', input: '17', expected: 'udp' },
    { name: 'icmp name', input: 'icmp', expected: 'icmp' },
    { name: 'icmp number', input: '1', expected: 'icmp' },
    { name: 'icmpv6 name', input: 'icmpv6', expected: 'icmpv6' },
    { name: 'icmpv6 mixed case', input: 'ICMPv6', expected: 'icmpv6' },
    { name: 'icmpv6 number', input: '58', expected: 'icmpv6' },
    { name: '-1 is all', input: '-1', expected: 'all' },
    { name: 'all (CLI spelling)', input: 'all', expected: 'all' },
    { name: 'ALL', input: 'ALL', expected: 'all' },
    { name: 'GRE stays a number', input: '47', expected: 47 },
    { name: 'ESP stays a number', input: '50', expected: 50 },
    { name: 'HOPOPT 0 stays a number', input: '0', expected: 0 },
    { name: '255 is the highest protocol number', input: '255', expected: 255 },
    { name: 'tcp number with a leading zero is still tcp', input: '06', expected: 'tcp' },
    { name: 'udp number with leading zeros is still udp', input: '017', expected: 'udp' },
    { name: '256 is not a protocol', input: '256', expected: undefined },
    { name: 'the name gre is not an AWS spelling', input: 'gre', expected: undefined },
    { name: 'foo', input: 'foo', expected: undefined },
    { name: 'empty', input: '', expected: undefined },
    { name: '-2', input: '-2', expected: undefined },
    { name: '6.0', input: '6.0', expected: undefined },
  ];
  for (const { name, input, expected } of cases) {
    test(`${name}: ${JSON.stringify(input)} → ${String(expected)}`, () => assert.equal(normalizeProtocol(input), expected));
  }
});

describe('permissions: protocol, ports and ICMP', () => {
  const cases: { name: string; input: IpPermission; expected: { perm: Record<string, unknown>; warns?: boolean } }[] = [
    { name: 'tcp 22', input: tcp(22, '0.0.0.0/0'), expected: { perm: { protocol: 'tcp', ports: { from: 22, to: 22 } } } },
    { name: 'TCP upper case', input: proto('TCP', 22, '0.0.0.0/0'), expected: { perm: { protocol: 'tcp', ports: { from: 22, to: 22 } } } },
    { name: 'protocol "6"', input: proto('6', [20, 25], '0.0.0.0/0'), expected: { perm: { protocol: 'tcp', ports: { from: 20, to: 25 } } } },
    { name: 'udp 53', input: proto('udp', 53, '0.0.0.0/0'), expected: { perm: { protocol: 'udp', ports: { from: 53, to: 53 } } } },
    { name: 'protocol "17"', input: proto('17', 53, '0.0.0.0/0'), expected: { perm: { protocol: 'udp', ports: { from: 53, to: 53 } } } },
    { name: 'tcp 0-65535', input: tcp([0, 65535], '0.0.0.0/0'), expected: { perm: { protocol: 'tcp', ports: ALL_PORTS } } },
    { name: 'tcp port 0 given explicitly is port 0', input: tcp(0, '0.0.0.0/0'), expected: { perm: { protocol: 'tcp', ports: { from: 0, to: 0 } } } },
    { name: 'tcp with no FromPort/ToPort is all ports, not port 0', input: proto('tcp', undefined, '0.0.0.0/0'), expected: { perm: { protocol: 'tcp', ports: ALL_PORTS } } },
    { name: 'udp with no ports is all ports', input: proto('17', undefined, '0.0.0.0/0'), expected: { perm: { protocol: 'udp', ports: ALL_PORTS } } },
    { name: 'tcp with only FromPort is all ports', input: { IpProtocol: 'tcp', FromPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, expected: { perm: { protocol: 'tcp', ports: ALL_PORTS } } },
    { name: 'tcp -1/-1 is all ports', input: tcp([-1, -1], '0.0.0.0/0'), expected: { perm: { protocol: 'tcp', ports: ALL_PORTS } } },
    {
      name: 'numeric-string ports from a hand-edited file',
      input: { IpProtocol: 'tcp', FromPort: '22', ToPort: '22', IpRanges: [{ CidrIp: '0.0.0.0/0' }] } as unknown as IpPermission,
      expected: { perm: { protocol: 'tcp', ports: { from: 22, to: 22 } } },
    },
    { name: 'icmp echo (type 8, any code)', input: icmp(8, -1, '0.0.0.0/0'), expected: { perm: { protocol: 'icmp', icmp: { type: 8, code: -1 } } } },
    { name: 'icmp all types', input: icmp(-1, -1, '0.0.0.0/0'), expected: { perm: { protocol: 'icmp', icmp: { type: -1, code: -1 } } } },
    { name: 'protocol "1" keeps type and code', input: proto('1', [3, 4], '0.0.0.0/0'), expected: { perm: { protocol: 'icmp', icmp: { type: 3, code: 4 } } } },
    { name: 'icmpv6 -1', input: proto('icmpv6', [-1, -1], '::/0'), expected: { perm: { protocol: 'icmpv6', icmp: { type: -1, code: -1 } } } },
    { name: 'protocol "58" without ports is every type and code', input: proto('58', undefined, '::/0'), expected: { perm: { protocol: 'icmpv6', icmp: { type: -1, code: -1 } } } },
    { name: '-1 with no FromPort/ToPort', input: all('0.0.0.0/0'), expected: { perm: { protocol: 'all' } } },
    { name: '-1 with ports -1/-1 (DescribeSecurityGroupRules style)', input: proto('-1', [-1, -1], '0.0.0.0/0'), expected: { perm: { protocol: 'all' } } },
    { name: '-1 with ports given still has none', input: proto('-1', [22, 22], '0.0.0.0/0'), expected: { perm: { protocol: 'all' } } },
    { name: '"all"', input: proto('all', undefined, '0.0.0.0/0'), expected: { perm: { protocol: 'all' } } },
    { name: 'GRE (47) opens no ports', input: proto('47', undefined, '0.0.0.0/0'), expected: { perm: { protocol: 47 } } },
    { name: 'ESP (50) with ports given still opens no ports', input: proto('50', [22, 22], '0.0.0.0/0'), expected: { perm: { protocol: 50 } } },
    { name: 'protocol 255', input: proto('255', undefined, '0.0.0.0/0'), expected: { perm: { protocol: 255 } } },
    { name: '256 is treated as all, with a warning', input: proto('256', undefined, '0.0.0.0/0'), expected: { perm: { protocol: 'all' }, warns: true } },
    { name: '"gre" is treated as all, with a warning', input: proto('gre', undefined, '0.0.0.0/0'), expected: { perm: { protocol: 'all' }, warns: true } },
    { name: '"foo" with ports is treated as all, with a warning', input: proto('foo', [22, 22], '0.0.0.0/0'), expected: { perm: { protocol: 'all' }, warns: true } },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const m = model({ groups: [group({ id: 'sg-p', ingress: [input] })] });
      const g = onlyGroup(m);
      assert.equal(g.ingress.length, 1);
      const perm = g.ingress[0];
      assert.ok(perm);
      assert.deepEqual(shape(perm), expected.perm);
      assert.equal(perm.direction, 'ingress');
      assert.equal(perm.groupId, 'sg-p');
      if (expected.warns) {
        assert.equal(m.warnings.length, 1);
        assert.match(m.warnings[0] ?? '', new RegExp(`sg-p has unrecognized protocol "${input.IpProtocol}"; treated as all traffic`));
      } else {
        assert.deepEqual(m.warnings, []);
      }
    });
  }
});

describe('permissions: flattening and sources', () => {
  test('one IpPermission with 2 IPv4 + 1 IPv6 + 1 prefix list + 1 group pair is 5 permissions', () => {
    const m = normalize(
      raw(
        sgScope([
          {
            GroupId: 'sg-flat',
            GroupName: 'flat',
            OwnerId: ACCOUNT,
            IpPermissions: [
              { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
              {
                IpProtocol: 'tcp',
                FromPort: 443,
                ToPort: 443,
                IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'office' }, { CidrIp: '198.51.100.7/32' }],
                Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'office v6' }],
                PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0', Description: 'cloudfront' }],
                UserIdGroupPairs: [{ GroupId: 'sg-other', UserId: '999988887777', Description: 'peer' }],
              },
            ],
          },
        ]),
      ),
    );
    const g = onlyGroup(m);
    assert.equal(g.ingress.length, 6);
    const flat = g.ingress.filter((p) => p.permissionIndex === 1);
    assert.equal(flat.length, 5);
    assert.deepEqual(
      flat.map((p) => {
        const s = p.source;
        const what = s.kind === 'cidr' ? `${s.cidr.family} ${s.cidr.text}` : s.kind === 'prefix-list' ? s.prefixListId : `${s.groupId} ${s.userId ?? ''} self=${s.self}`;
        return [s.kind, what, p.description ?? null];
      }),
      [
        ['cidr', 'ipv4 203.0.113.0/24', 'office'],
        ['cidr', 'ipv4 198.51.100.7/32', null],
        ['cidr', 'ipv6 2001:db8::/32', 'office v6'],
        ['prefix-list', 'pl-0123456789abcdef0', 'cloudfront'],
        ['security-group', 'sg-other 999988887777 self=false', 'peer'],
      ],
    );
    for (const p of flat) {
      assert.deepEqual(shape(p), { protocol: 'tcp', ports: { from: 443, to: 443 } });
      assert.equal(p.groupId, 'sg-flat');
      assert.equal(p.direction, 'ingress');
    }
    assert.equal(g.ingress.filter((p) => p.permissionIndex === 0).length, 1);
  });

  test('a permission with no source at all yields no permissions', () => {
    const g = onlyGroup(model({ groups: [group({ ingress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }] })] }));
    assert.deepEqual(g.ingress, []);
  });

  test('egress is read with direction egress', () => {
    const g = onlyGroup(model({ groups: [group({ egress: [all('0.0.0.0/0', '::/0')] })] }));
    assert.deepEqual(g.ingress, []);
    assert.deepEqual(
      g.egress.map((p) => [p.direction, p.protocol, p.permissionIndex]),
      [
        ['egress', 'all', 0],
        ['egress', 'all', 0],
      ],
    );
  });

  const pairCases: {
    name: string;
    input: Record<string, unknown>;
    expected: { groupId: string; self: boolean; userId?: string; vpcId?: string; peeringConnectionId?: string; peeringStatus?: string };
  }[] = [
    { name: 'self-reference', input: { GroupId: 'sg-me', UserId: ACCOUNT }, expected: { groupId: 'sg-me', self: true, userId: ACCOUNT } },
    { name: 'same-account reference', input: { GroupId: 'sg-b', UserId: ACCOUNT }, expected: { groupId: 'sg-b', self: false, userId: ACCOUNT } },
    { name: 'other-account reference', input: { GroupId: 'sg-c', UserId: '999988887777' }, expected: { groupId: 'sg-c', self: false, userId: '999988887777' } },
    { name: 'deleted referenced group (no UserId)', input: { GroupId: 'sg-gone' }, expected: { groupId: 'sg-gone', self: false } },
    {
      name: 'peered VPC reference behind a deleted peering',
      input: { GroupId: 'sg-peer', UserId: '999988887777', VpcId: 'vpc-peer', VpcPeeringConnectionId: 'pcx-1', PeeringStatus: 'deleted' },
      expected: { groupId: 'sg-peer', self: false, userId: '999988887777', vpcId: 'vpc-peer', peeringConnectionId: 'pcx-1', peeringStatus: 'deleted' },
    },
    { name: 'legacy pair with only a GroupName', input: { GroupName: 'amazon-elb-sg', UserId: 'amazon-elb' }, expected: { groupId: 'amazon-elb-sg', self: false, userId: 'amazon-elb' } },
  ];
  for (const { name, input, expected } of pairCases) {
    test(`group pair: ${name}`, () => {
      const g = onlyGroup(
        normalize(raw(sgScope([{ GroupId: 'sg-me', OwnerId: ACCOUNT, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [input] }] }]))),
      );
      const perm = g.ingress[0];
      assert.ok(perm);
      assert.deepEqual(perm.source, { kind: 'security-group', ...expected });
    });
  }

  test('descriptions are kept per source; an empty description is dropped', () => {
    const g = onlyGroup(
      normalize(
        raw(
          sgScope([
            {
              GroupId: 'sg-d',
              IpPermissions: [
                { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'vpn' }, { CidrIp: '10.1.0.0/16', Description: '' }] },
              ],
            },
          ]),
        ),
      ),
    );
    assert.deepEqual(
      g.ingress.map((p) => p.description ?? null),
      ['vpn', null],
    );
  });
});

describe('groups: ARN, account, default', () => {
  const arnCases: { name: string; input: { region: string; item: Record<string, unknown> }; expected: { arn: string; accountId: string } }[] = [
    {
      name: 'SecurityGroupArn is used as given',
      input: { region: 'us-east-1', item: { GroupId: 'sg-1', OwnerId: ACCOUNT, SecurityGroupArn: 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1' } },
      expected: { arn: 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1', accountId: ACCOUNT },
    },
    {
      name: 'built in partition aws',
      input: { region: 'us-east-1', item: { GroupId: 'sg-1', OwnerId: ACCOUNT } },
      expected: { arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-1`, accountId: ACCOUNT },
    },
    {
      name: 'built in partition aws-cn for cn-north-1',
      input: { region: 'cn-north-1', item: { GroupId: 'sg-1', OwnerId: ACCOUNT } },
      expected: { arn: `arn:aws-cn:ec2:cn-north-1:${ACCOUNT}:security-group/sg-1`, accountId: ACCOUNT },
    },
    {
      name: 'built in partition aws-us-gov for us-gov-west-1',
      input: { region: 'us-gov-west-1', item: { GroupId: 'sg-1', OwnerId: ACCOUNT } },
      expected: { arn: `arn:aws-us-gov:ec2:us-gov-west-1:${ACCOUNT}:security-group/sg-1`, accountId: ACCOUNT },
    },
    {
      name: 'OwnerId wins over the scope account',
      input: { region: 'us-east-1', item: { GroupId: 'sg-1', OwnerId: '999988887777' } },
      expected: { arn: 'arn:aws:ec2:us-east-1:999988887777:security-group/sg-1', accountId: '999988887777' },
    },
    {
      name: 'no OwnerId: the scope account',
      input: { region: 'us-east-1', item: { GroupId: 'sg-1' } },
      expected: { arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-1`, accountId: ACCOUNT },
    },
  ];
  for (const { name, input, expected } of arnCases) {
    test(`ARN: ${name}`, () => {
      const g = onlyGroup(normalize(raw(sgScope([input.item], { region: input.region }))));
      assert.equal(g.arn, expected.arn);
      assert.equal(g.ref.arn, expected.arn);
      assert.equal(g.accountId, expected.accountId);
      assert.equal(g.region, input.region);
    });
  }

  const partitionCases: { name: string; input: string; expected: string }[] = [
    { name: 'commercial', input: 'eu-west-1', expected: 'aws' },
    { name: 'China', input: 'cn-northwest-1', expected: 'aws-cn' },
    { name: 'GovCloud', input: 'us-gov-east-1', expected: 'aws-us-gov' },
    { name: 'ISO', input: 'us-iso-east-1', expected: 'aws-iso' },
    { name: 'ISO-B', input: 'us-isob-east-1', expected: 'aws-iso-b' },
    { name: 'ISO-E', input: 'eu-isoe-west-1', expected: 'aws-iso-e' },
  ];
  for (const { name, input, expected } of partitionCases) {
    test(`partitionOf: ${name} ${input} → ${expected}`, () => assert.equal(partitionOf(input), expected));
  }

  const defaultCases: { name: string; input: string | undefined; expected: boolean }[] = [
    { name: 'default', input: 'default', expected: true },
    { name: 'Default (names are case-insensitive)', input: 'Default', expected: true },
    { name: 'DEFAULT', input: 'DEFAULT', expected: true },
    { name: 'default-web', input: 'default-web', expected: false },
    { name: 'launch-wizard-1', input: 'launch-wizard-1', expected: false },
    { name: 'no GroupName', input: undefined, expected: false },
  ];
  for (const { name, input, expected } of defaultCases) {
    test(`isDefault: ${name} → ${expected}`, () => {
      const g = onlyGroup(normalize(raw(sgScope([{ GroupId: 'sg-1', VpcId: 'vpc-1', ...(input !== undefined ? { GroupName: input } : {}) }]))));
      assert.equal(g.isDefault, expected);
      assert.equal(g.name, input ?? '');
    });
  }

  test('tags, description and VPC are read', () => {
    const g = onlyGroup(
      normalize(raw(sgScope([{ GroupId: 'sg-1', GroupName: 'web', Description: 'web tier', VpcId: 'vpc-9', Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'empty' }] }]))),
    );
    assert.deepEqual(g.tags, { env: 'prod', empty: '' });
    assert.equal(g.description, 'web tier');
    assert.equal(g.vpcId, 'vpc-9');
    assert.equal(g.ref.vpcId, 'vpc-9');
  });

  test('a group without VpcId (EC2-Classic) has no vpcId key', () => {
    const g = onlyGroup(normalize(raw(sgScope([{ GroupId: 'sg-1', GroupName: 'classic' }]))));
    assert.equal('vpcId' in g, false);
  });
});

describe('network interfaces and instances', () => {
  const publicIpCases: { name: string; input: Record<string, unknown>; expected: string[] }[] = [
    { name: 'no association', input: {}, expected: [] },
    { name: 'primary association', input: { Association: { PublicIp: '54.1.1.1' } }, expected: ['54.1.1.1'] },
    {
      name: 'secondary private IPs\' associations, deduplicated and sorted',
      input: {
        Association: { PublicIp: '54.1.1.1' },
        PrivateIpAddresses: [
          { PrivateIpAddress: '10.0.0.5', Primary: true, Association: { PublicIp: '54.1.1.1' } },
          { PrivateIpAddress: '10.0.0.6', Association: { PublicIp: '3.3.3.3' } },
          { PrivateIpAddress: '10.0.0.7' },
        ],
      },
      expected: ['3.3.3.3', '54.1.1.1'],
    },
    { name: 'only a secondary association', input: { PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.6', Association: { PublicIp: '3.3.3.3' } }] }, expected: ['3.3.3.3'] },
    { name: 'association without a public IP (carrier IP only)', input: { Association: { CarrierIp: '155.146.1.1' } }, expected: [] },
  ];
  for (const { name, input, expected } of publicIpCases) {
    test(`ENI public IPs: ${name}`, () => {
      const m = model({ interfaces: [{ ...eni({ id: 'eni-1', groups: ['sg-a'] }), ...input }] });
      assert.deepEqual(m.interfaces[0]?.publicIps, expected);
    });
  }

  test('ENI fields and interfacesByGroup', () => {
    const m = model({
      groups: [group({ id: 'sg-a' }), group({ id: 'sg-b' })],
      interfaces: [
        eni({ id: 'eni-1', groups: ['sg-a', 'sg-b'], instanceId: 'i-1', publicIp: '54.1.1.1' }),
        eni({ id: 'eni-2', groups: ['sg-a'], type: 'nat_gateway', requesterManaged: true }),
      ],
    });
    const [e1, e2] = m.interfaces;
    assert.ok(e1 && e2);
    assert.equal(e1.instanceId, 'i-1');
    assert.deepEqual(e1.groupIds, ['sg-a', 'sg-b']);
    assert.equal(e1.region, REGION);
    assert.equal(e1.accountId, ACCOUNT);
    assert.equal(e2.interfaceType, 'nat_gateway');
    assert.equal(e2.requesterManaged, true);
    assert.equal('instanceId' in e2, false);
    assert.deepEqual(m.interfacesByGroup.get('sg-a')?.map((e) => e.id), ['eni-1', 'eni-2']);
    assert.deepEqual(m.interfacesByGroup.get('sg-b')?.map((e) => e.id), ['eni-1']);
  });

  test('instance group ids are the union of SecurityGroups and NetworkInterfaces[].Groups', () => {
    const reservation = instance({ id: 'i-1', groups: ['sg-b'] });
    const inst = reservation.Instances?.[0];
    assert.ok(inst);
    inst.NetworkInterfaces = [{ Groups: [{ GroupId: 'sg-b' }, { GroupId: 'sg-a' }] }, { Groups: [{ GroupId: 'sg-c' }] }];
    const m = model({ instances: [reservation] });
    assert.deepEqual(m.instances[0]?.groupIds, ['sg-a', 'sg-b', 'sg-c']);
    assert.deepEqual([...m.instancesByGroup.keys()].sort(), ['sg-a', 'sg-b', 'sg-c']);
  });

  const stateCases: { name: string; input: string; expected: boolean }[] = [
    { name: 'running is counted', input: 'running', expected: true },
    { name: 'pending is counted', input: 'pending', expected: true },
    { name: 'stopped is counted', input: 'stopped', expected: true },
    { name: 'stopping is counted', input: 'stopping', expected: true },
    { name: 'shutting-down is excluded', input: 'shutting-down', expected: false },
    { name: 'terminated is excluded', input: 'terminated', expected: false },
  ];
  for (const { name, input, expected } of stateCases) {
    test(`instance state: ${name}`, () => {
      const m = model({ instances: [instance({ id: 'i-x', groups: ['sg-a'], vpcId: 'vpc-7', state: input })] });
      assert.equal(m.instances.length, 1, 'every instance stays in the model');
      assert.equal(m.instances[0]?.state, input);
      assert.equal(m.instancesByGroup.get('sg-a')?.length ?? 0, expected ? 1 : 0);
      assert.equal(m.instancesByVpc.get('vpc-7')?.length ?? 0, expected ? 1 : 0);
    });
  }

  test('instance without State is "unknown" and counted; Name tag and public IP read', () => {
    const m = model({
      instances: [{ OwnerId: ACCOUNT, Instances: [{ InstanceId: 'i-9', Tags: [{ Key: 'Name', Value: 'bastion' }], PublicIpAddress: '52.0.0.1', SecurityGroups: [{ GroupId: 'sg-a' }] }] }],
    });
    const inst = m.instances[0];
    assert.ok(inst);
    assert.equal(inst.state, 'unknown');
    assert.equal(inst.name, 'bastion');
    assert.equal(inst.publicIp, '52.0.0.1');
    assert.equal(m.instancesByGroup.get('sg-a')?.length, 1);
  });

  test('VPCs are read', () => {
    const m = normalize(
      raw({
        accountId: ACCOUNT,
        region: REGION,
        kinds: { vpcs: { status: 'ok', parts: [{ items: [{ VpcId: 'vpc-1', IsDefault: true, CidrBlock: '172.31.0.0/16', Tags: [{ Key: 'Name', Value: 'main' }] }] }] } },
      }),
    );
    assert.deepEqual(m.vpcs, [
      {
        id: 'vpc-1',
        scope: `${ACCOUNT}/${REGION}`,
        accountId: ACCOUNT,
        region: REGION,
        isDefault: true,
        cidrBlock: '172.31.0.0/16',
        name: 'main',
        ref: { type: 'vpc', id: 'vpc-1', name: 'main', arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-1`, accountId: ACCOUNT, region: REGION, vpcId: 'vpc-1' },
      },
    ]);
  });

  const vpcRefCases: { name: string; input: { region: string; item: Record<string, unknown> }; expected: { name: string; arn: string; accountId: string } }[] = [
    {
      name: 'a default VPC without a Name tag is called "default VPC"',
      input: { region: REGION, item: { VpcId: 'vpc-d', IsDefault: true } },
      expected: { name: 'default VPC', arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-d`, accountId: ACCOUNT },
    },
    {
      name: 'a non-default VPC without a Name tag has an empty name',
      input: { region: REGION, item: { VpcId: 'vpc-n' } },
      expected: { name: '', arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-n`, accountId: ACCOUNT },
    },
    {
      name: 'the Name tag wins over "default VPC"',
      input: { region: REGION, item: { VpcId: 'vpc-d', IsDefault: true, Tags: [{ Key: 'Name', Value: 'legacy' }] } },
      expected: { name: 'legacy', arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-d`, accountId: ACCOUNT },
    },
    {
      name: 'OwnerId gives the account; the ARN is in the region\'s partition',
      input: { region: 'cn-north-1', item: { VpcId: 'vpc-c', OwnerId: '999988887777' } },
      expected: { name: '', arn: 'arn:aws-cn:ec2:cn-north-1:999988887777:vpc/vpc-c', accountId: '999988887777' },
    },
  ];
  for (const { name, input, expected } of vpcRefCases) {
    test(`VPC ref: ${name}`, () => {
      const m = normalize(raw({ accountId: ACCOUNT, region: input.region, kinds: { vpcs: { status: 'ok', parts: [{ items: [input.item] }] } } }));
      const v = m.vpcs[0];
      assert.ok(v);
      assert.deepEqual(v.ref, {
        type: 'vpc',
        id: input.item['VpcId'],
        name: expected.name,
        arn: expected.arn,
        accountId: expected.accountId,
        region: input.region,
        vpcId: input.item['VpcId'],
      });
      assert.equal(v.accountId, expected.accountId);
    });
  }
});

describe('indexes across groups', () => {
  test('referencesTo excludes self-references and spans ingress and egress', () => {
    const m = model({
      groups: [
        group({ id: 'sg-a', ingress: [all('sg-a')] }),
        group({ id: 'sg-b', ingress: [tcp(5432, 'sg-a')] }),
        group({ id: 'sg-c', egress: [tcp(443, 'sg-a', 'sg-c')] }),
      ],
    });
    assert.deepEqual(
      m.referencesTo.get('sg-a')?.map((p) => [p.groupId, p.direction]),
      [
        ['sg-b', 'ingress'],
        ['sg-c', 'egress'],
      ],
    );
    assert.equal(m.referencesTo.has('sg-c'), false);
    assert.equal(m.referencesTo.has('sg-b'), false);
    assert.equal(m.groups[0]?.ingress[0]?.source.kind === 'security-group' && m.groups[0].ingress[0].source.self, true);
  });

  test('the same group in two parts (overlapping files) is counted once', () => {
    const g1 = group({ id: 'sg-dup' });
    const g2 = group({ id: 'sg-two' });
    const m = normalize(
      raw({
        accountId: ACCOUNT,
        region: REGION,
        kinds: { securityGroups: { status: 'ok', parts: [{ origin: 'a.json', items: [g1, g2] }, { origin: 'b.json', items: [g1] }] } },
      }),
    );
    assert.deepEqual(m.groups.map((g) => g.id), ['sg-dup', 'sg-two']);
    assert.deepEqual(m.scopes[0]?.kinds.get('securityGroups'), { state: 'ok', origin: 'a.json, b.json' });
  });

  test('the same ENI and instance in two parts are counted once', () => {
    const e = eni({ id: 'eni-dup', groups: ['sg-a'] });
    const r = instance({ id: 'i-dup', groups: ['sg-a'] });
    const m = normalize(
      raw({
        accountId: ACCOUNT,
        region: REGION,
        kinds: {
          networkInterfaces: { status: 'ok', parts: [{ items: [e] }, { items: [e] }] },
          instances: { status: 'ok', parts: [{ items: [r] }, { items: [r] }] },
        },
      }),
    );
    assert.equal(m.interfaces.length, 1);
    assert.equal(m.instances.length, 1);
    assert.equal(m.instancesByGroup.get('sg-a')?.length, 1);
  });

  test('groupsById indexes every group', () => {
    const m = model({ groups: [group({ id: 'sg-1' }), group({ id: 'sg-2' })] });
    assert.deepEqual([...m.groupsById.keys()], ['sg-1', 'sg-2']);
  });
});

describe('malformed input → SgAuditError naming origin and JSON path', () => {
  const cases: { name: string; input: RawScope; expected: string }[] = [
    {
      name: 'a three-part IPv4 CIDR',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0/8' }] }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp "10.0.0/8" is not a CIDR',
    },
    {
      name: 'a prefix too long',
      input: sgScope([{ GroupId: 'sg-0' }, { GroupId: 'sg-1', IpPermissions: [tcp(22, '10.0.0.0/8'), { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '10.0.0.0/33' }] }] }]),
      expected: 'sgs.json: SecurityGroups[1].IpPermissions[1].IpRanges[1].CidrIp "10.0.0.0/33" is not a CIDR',
    },
    {
      name: 'a bad IPv6 CIDR in egress',
      input: sgScope([{ GroupId: 'sg-1', IpPermissionsEgress: [all('0.0.0.0/0'), { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/129' }] }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissionsEgress[1].Ipv6Ranges[0].CidrIpv6 "::/129" is not a CIDR',
    },
    {
      name: 'an IPv4 range missing its CidrIp',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ Description: 'x' }] }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp is missing',
    },
    {
      name: 'an IP range that is a bare string',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions[0].IpRanges[0] is not an object',
    },
    {
      name: 'IpPermissions that is not a list',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: { IpProtocol: '-1' } }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions is not a list',
    },
    {
      name: 'a reversed port range (AWS rejects it; an edited file must not silently open nothing)',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8100, ToPort: 8000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions[0].FromPort 8100 is greater than ToPort 8000',
    },
    {
      name: 'a port above 65535',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 70000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions[0].ToPort 70000 is not a port (0-65535)',
    },
    { name: 'a missing GroupId', input: sgScope([{ GroupId: 'sg-0' }, { GroupName: 'web' }]), expected: 'sgs.json: SecurityGroups[1].GroupId is missing' },
    { name: 'an empty GroupId', input: sgScope([{ GroupId: '' }]), expected: 'sgs.json: SecurityGroups[0].GroupId is missing' },
    { name: 'a group that is not an object', input: sgScope([null]), expected: 'sgs.json: SecurityGroups[0] is not an object' },
    { name: 'a GroupName that is a number', input: sgScope([{ GroupId: 'sg-1', GroupName: 7 }]), expected: 'sgs.json: SecurityGroups[0].GroupName is not a string' },
    {
      name: 'FromPort "x"',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 'x', ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions[0].FromPort is not an integer',
    },
    {
      name: 'ToPort 22.5',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22.5 }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions[0].ToPort is not an integer',
    },
    {
      name: 'a missing IpProtocol',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: [{ FromPort: 22, ToPort: 22 }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions[0].IpProtocol is missing',
    },
    {
      name: 'a prefix list entry without its id',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: '-1', PrefixListIds: [{ Description: 'x' }] }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions[0].PrefixListIds[0].PrefixListId is missing',
    },
    {
      name: 'a group pair with neither GroupId nor GroupName',
      input: sgScope([{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ UserId: ACCOUNT }] }] }]),
      expected: 'sgs.json: SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].GroupName is missing',
    },
    {
      name: 'Tags that is not a list',
      input: sgScope([{ GroupId: 'sg-1', Tags: { env: 'prod' } }]),
      expected: 'sgs.json: SecurityGroups[0].Tags is not a list',
    },
    {
      name: 'no origin: the operation and region stand in',
      input: { accountId: ACCOUNT, region: 'eu-west-1', kinds: { securityGroups: { status: 'ok', parts: [{ items: [{}] }] } } },
      expected: 'DescribeSecurityGroups eu-west-1: SecurityGroups[0].GroupId is missing',
    },
    {
      name: 'an ENI without an id',
      input: { accountId: ACCOUNT, region: REGION, kinds: { networkInterfaces: { status: 'ok', parts: [{ origin: 'enis.json', items: [{ Groups: [] }] }] } } },
      expected: 'enis.json: NetworkInterfaces[0].NetworkInterfaceId is missing',
    },
    {
      name: 'an ENI with RequesterManaged "yes"',
      input: { accountId: ACCOUNT, region: REGION, kinds: { networkInterfaces: { status: 'ok', parts: [{ origin: 'enis.json', items: [{ NetworkInterfaceId: 'eni-1', RequesterManaged: 'yes' }] }] } } },
      expected: 'enis.json: NetworkInterfaces[0].RequesterManaged is not true or false',
    },
    {
      name: 'an ENI group without GroupId',
      input: { accountId: ACCOUNT, region: REGION, kinds: { networkInterfaces: { status: 'ok', parts: [{ origin: 'enis.json', items: [{ NetworkInterfaceId: 'eni-1', Groups: [{ GroupName: 'x' }] }] }] } } },
      expected: 'enis.json: NetworkInterfaces[0].Groups[0].GroupId is missing',
    },
    {
      name: 'an instance without an id',
      input: { accountId: ACCOUNT, region: REGION, kinds: { instances: { status: 'ok', parts: [{ origin: 'inst.json', items: [{ Instances: [{ InstanceId: 'i-1' }, { State: { Name: 'running' } }] }] }] } } },
      expected: 'inst.json: Reservations[0].Instances[1].InstanceId is missing',
    },
    {
      name: 'an instance interface whose Groups is not a list',
      input: { accountId: ACCOUNT, region: REGION, kinds: { instances: { status: 'ok', parts: [{ origin: 'inst.json', items: [{ Instances: [{ InstanceId: 'i-1', NetworkInterfaces: [{ Groups: 'sg-1' }] }] }] }] } } },
      expected: 'inst.json: Reservations[0].Instances[0].NetworkInterfaces[0].Groups is not a list',
    },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      assert.throws(
        () => normalize(raw(input)),
        (error: unknown) => {
          assert.ok(error instanceof SgAuditError, `expected SgAuditError, got ${String(error)}`);
          assert.equal(error.message, expected);
          assert.equal(error.kind, 'input');
          assert.equal(error.exitCode, 2);
          assert.ok(error.hint && error.hint.length > 0, 'has a hint');
          return true;
        },
      );
    });
  }
});

describe('scopes: data-kind status and account', () => {
  test('ok, error and absent per kind', () => {
    const m = normalize(snapshot({ groups: [], failed: { networkInterfaces: 'UnauthorizedOperation' } }));
    const scope = m.scopes[0];
    assert.ok(scope);
    const expected: [string, KindStatus][] = [
      ['securityGroups', { state: 'ok', origin: 'test securityGroups' }],
      ['networkInterfaces', { state: 'error', error: { code: 'UnauthorizedOperation', message: 'UnauthorizedOperation (test)', operation: 'Describe networkInterfaces' } }],
      ['instances', { state: 'absent' }],
      ['vpcs', { state: 'absent' }],
      ['subnets', { state: 'absent' }],
      ['networkAcls', { state: 'absent' }],
      ['flowLogs', { state: 'absent' }],
      ['securityGroupRules', { state: 'absent' }],
      ['prefixLists', { state: 'absent' }],
      ['prefixListEntries', { state: 'absent' }],
      ['staleSecurityGroups', { state: 'absent' }],
      ['routeTables', { state: 'absent' }],
      ['internetGateways', { state: 'absent' }],
      ['egressOnlyInternetGateways', { state: 'absent' }],
    ];
    assert.deepEqual([...scope.kinds.entries()], expected);
  });

  test('ok without origin has no origin key', () => {
    const m = normalize(raw({ accountId: ACCOUNT, region: REGION, kinds: { securityGroups: { status: 'ok', parts: [{ items: [] }] } } }));
    assert.deepEqual(m.scopes[0]?.kinds.get('securityGroups'), { state: 'ok' });
  });

  test('several scopes keep their own status and region', () => {
    const m = normalize(snapshot({ region: 'us-east-1', groups: [group({ id: 'sg-e' })] }, { region: 'eu-west-1', account: '999988887777', failed: { securityGroups: 'AuthFailure' } }));
    assert.deepEqual(
      m.scopes.map((s) => [s.accountId, s.region, s.kinds.get('securityGroups')?.state]),
      [
        [ACCOUNT, 'us-east-1', 'ok'],
        ['999988887777', 'eu-west-1', 'error'],
      ],
    );
    assert.equal(m.groups[0]?.region, 'us-east-1');
  });

  const accountCases: { name: string; input: RawScope; expected: string }[] = [
    { name: 'scope account given', input: { accountId: '123456789012', region: REGION, kinds: { securityGroups: { status: 'ok', parts: [{ items: [{ GroupId: 'sg-1', OwnerId: '999988887777' }] }] } } }, expected: '123456789012' },
    { name: 'inferred from a group OwnerId', input: { region: REGION, kinds: { securityGroups: { status: 'ok', parts: [{ items: [{ GroupId: 'sg-1', OwnerId: '444455556666' }] }] } } }, expected: '444455556666' },
    {
      name: 'inferred from a later kind when groups have no OwnerId',
      input: {
        region: REGION,
        kinds: {
          securityGroups: { status: 'ok', parts: [{ items: [{ GroupId: 'sg-1' }] }] },
          instances: { status: 'ok', parts: [{ items: [{ OwnerId: '777788889999', Instances: [] }] }] },
        },
      },
      expected: '777788889999',
    },
    { name: 'nothing says: unknown', input: { region: REGION, kinds: { securityGroups: { status: 'ok', parts: [{ items: [{ GroupId: 'sg-1' }] }] } } }, expected: 'unknown' },
  ];
  for (const { name, input, expected } of accountCases) {
    test(`account: ${name}`, () => {
      const m = normalize(raw(input));
      assert.equal(m.scopes[0]?.accountId, expected);
      const g = m.groups[0];
      assert.ok(g);
      if (!input.accountId && expected !== 'unknown') {
        assert.equal(g.arn, `arn:aws:ec2:${REGION}:${expected}:security-group/sg-1`);
      }
    });
  }
});

/** One scope holding only this data kind, from a file named `origin`. */
function kindScope(kind: keyof RawScope['kinds'], items: readonly unknown[], origin: string): RawScope {
  return { accountId: ACCOUNT, region: REGION, kinds: { [kind]: { status: 'ok', parts: [{ origin, items }] } } };
}

/** The parts of a NACL entry a test compares. */
function entryShape(e: NaclEntry): Record<string, unknown> {
  return {
    ruleNumber: e.ruleNumber,
    egress: e.egress,
    action: e.action,
    protocol: e.protocol,
    ...(e.ports ? { ports: e.ports } : {}),
    cidr: `${e.cidr.family} ${e.cidr.text}`,
  };
}

describe('network ACLs', () => {
  const entryCases: { name: string; input: NetworkAclEntry; expected: Record<string, unknown> }[] = [
    {
      name: 'protocol "6" is tcp with its PortRange',
      input: aclEntry(100, 'allow', '6', '0.0.0.0/0', 22),
      expected: { ruleNumber: 100, egress: false, action: 'allow', protocol: 'tcp', ports: { from: 22, to: 22 }, cidr: 'ipv4 0.0.0.0/0' },
    },
    {
      name: 'protocol "17" is udp',
      input: aclEntry(110, 'deny', '17', '0.0.0.0/0', [1024, 65535]),
      expected: { ruleNumber: 110, egress: false, action: 'deny', protocol: 'udp', ports: { from: 1024, to: 65535 }, cidr: 'ipv4 0.0.0.0/0' },
    },
    {
      name: 'protocol "-1" is all, without ports',
      input: aclEntry(100, 'allow', '-1', '0.0.0.0/0'),
      expected: { ruleNumber: 100, egress: false, action: 'allow', protocol: 'all', cidr: 'ipv4 0.0.0.0/0' },
    },
    {
      name: 'protocol "-1" ignores a PortRange',
      input: aclEntry(100, 'allow', '-1', '0.0.0.0/0', 22),
      expected: { ruleNumber: 100, egress: false, action: 'allow', protocol: 'all', cidr: 'ipv4 0.0.0.0/0' },
    },
    {
      name: 'protocol "1" is icmp, without ports',
      input: { ...aclEntry(90, 'allow', '1', '0.0.0.0/0'), IcmpTypeCode: { Type: -1, Code: -1 } },
      expected: { ruleNumber: 90, egress: false, action: 'allow', protocol: 'icmp', cidr: 'ipv4 0.0.0.0/0' },
    },
    {
      name: 'protocol "58" with an IPv6 CIDR is icmpv6',
      input: aclEntry(91, 'allow', '58', '::/0'),
      expected: { ruleNumber: 91, egress: false, action: 'allow', protocol: 'icmpv6', cidr: 'ipv6 ::/0' },
    },
    {
      name: 'protocol "50" (ESP) stays a number, without ports even when given',
      input: aclEntry(92, 'allow', '50', '0.0.0.0/0', 500),
      expected: { ruleNumber: 92, egress: false, action: 'allow', protocol: 50, cidr: 'ipv4 0.0.0.0/0' },
    },
    {
      name: 'protocol "tcp" spelled as a name',
      input: aclEntry(100, 'allow', 'tcp', '0.0.0.0/0', 443),
      expected: { ruleNumber: 100, egress: false, action: 'allow', protocol: 'tcp', ports: { from: 443, to: 443 }, cidr: 'ipv4 0.0.0.0/0' },
    },
    {
      name: 'tcp without a PortRange is every port',
      input: aclEntry(100, 'allow', '6', '0.0.0.0/0'),
      expected: { ruleNumber: 100, egress: false, action: 'allow', protocol: 'tcp', ports: ALL_PORTS, cidr: 'ipv4 0.0.0.0/0' },
    },
    {
      name: 'Ipv6CidrBlock is read as an IPv6 CIDR',
      input: aclEntry(101, 'allow', '-1', '::/0'),
      expected: { ruleNumber: 101, egress: false, action: 'allow', protocol: 'all', cidr: 'ipv6 ::/0' },
    },
    {
      name: 'CIDRs are canonicalized',
      input: aclEntry(100, 'allow', '6', '10.1.2.3/8', 22),
      expected: { ruleNumber: 100, egress: false, action: 'allow', protocol: 'tcp', ports: { from: 22, to: 22 }, cidr: 'ipv4 10.0.0.0/8' },
    },
    {
      name: 'an egress entry',
      input: aclEntry(100, 'allow', '-1', '0.0.0.0/0', undefined, true),
      expected: { ruleNumber: 100, egress: true, action: 'allow', protocol: 'all', cidr: 'ipv4 0.0.0.0/0' },
    },
    {
      name: 'the IPv6 catch-all 32768',
      input: aclEntry(32768, 'deny', '-1', '::/0'),
      expected: { ruleNumber: 32768, egress: false, action: 'deny', protocol: 'all', cidr: 'ipv6 ::/0' },
    },
  ];
  for (const { name, input, expected } of entryCases) {
    test(`entry: ${name}`, () => {
      const acl = model({ networkAcls: [networkAcl({ id: 'acl-1', entries: [input] })] }).networkAcls[0];
      assert.ok(acl);
      assert.equal(acl.entries.length, 1);
      const entry = acl.entries[0];
      assert.ok(entry);
      assert.deepEqual(entryShape(entry), expected);
    });
  }

  test('entries of both directions are sorted by rule number', () => {
    const acl = model({
      networkAcls: [
        networkAcl({
          entries: [
            aclEntry(32767, 'deny', '-1', '0.0.0.0/0'),
            aclEntry(200, 'allow', '-1', '0.0.0.0/0', undefined, true),
            aclEntry(100, 'allow', '-1', '0.0.0.0/0'),
            aclEntry(32768, 'deny', '-1', '::/0'),
            aclEntry(101, 'allow', '-1', '::/0'),
            aclEntry(90, 'deny', '6', '0.0.0.0/0', 22),
          ],
        }),
      ],
    }).networkAcls[0];
    assert.deepEqual(
      acl?.entries.map((e) => [e.ruleNumber, e.egress]),
      [
        [90, false],
        [100, false],
        [101, false],
        [200, true],
        [32767, false],
        [32768, false],
      ],
    );
  });

  test('ACL fields: VPC, default, Name tag, sorted subnet associations, ref', () => {
    const raw1 = { ...networkAcl({ id: 'acl-1', vpcId: 'vpc-9', isDefault: true, subnets: ['subnet-b', 'subnet-a'], entries: [] }), Tags: [{ Key: 'Name', Value: 'main' }] };
    const acl = model({ networkAcls: [raw1] }).networkAcls[0];
    assert.ok(acl);
    assert.equal(acl.id, 'acl-1');
    assert.equal(acl.vpcId, 'vpc-9');
    assert.equal(acl.isDefault, true);
    assert.equal(acl.name, 'main');
    assert.deepEqual(acl.subnetIds, ['subnet-a', 'subnet-b']);
    assert.deepEqual(acl.ref, {
      type: 'network-acl',
      id: 'acl-1',
      name: 'main',
      arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:network-acl/acl-1`,
      accountId: ACCOUNT,
      region: REGION,
      vpcId: 'vpc-9',
      origin: 'test networkAcls',
    });
  });

  const refNameCases: { name: string; input: { isDefault: boolean }; expected: string }[] = [
    { name: 'a default ACL without a Name tag is called "default"', input: { isDefault: true }, expected: 'default' },
    { name: 'another ACL without a Name tag has an empty name', input: { isDefault: false }, expected: '' },
  ];
  for (const { name, input, expected } of refNameCases) {
    test(`ACL ref: ${name}`, () => {
      const acl = model({ networkAcls: [networkAcl({ entries: [], isDefault: input.isDefault })] }).networkAcls[0];
      assert.equal(acl?.ref.name, expected);
      assert.equal(acl?.isDefault, input.isDefault);
    });
  }

  test('an association without a SubnetId is left out', () => {
    const raw1 = { ...networkAcl({ id: 'acl-1', entries: [] }), Associations: [{ NetworkAclAssociationId: 'aclassoc-1', NetworkAclId: 'acl-1' }, { SubnetId: 'subnet-a' }] };
    assert.deepEqual(model({ networkAcls: [raw1] }).networkAcls[0]?.subnetIds, ['subnet-a']);
  });

  const badCases: { name: string; input: object; expected: string }[] = [
    {
      name: 'a protocol that is not one ("foo")',
      input: { ...aclEntry(100, 'allow', '6', '0.0.0.0/0', 22), Protocol: 'foo' },
      expected: 'acls.json: NetworkAcls[0].Entries[1].Protocol "foo" is not a protocol',
    },
    {
      name: 'protocol 256',
      input: { ...aclEntry(100, 'allow', '-1', '0.0.0.0/0'), Protocol: '256' },
      expected: 'acls.json: NetworkAcls[0].Entries[1].Protocol "256" is not a protocol',
    },
    {
      name: 'a missing protocol',
      input: { RuleNumber: 100, RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
      expected: 'acls.json: NetworkAcls[0].Entries[1].Protocol is missing',
    },
    {
      name: 'neither CidrBlock nor Ipv6CidrBlock',
      input: { RuleNumber: 100, RuleAction: 'allow', Protocol: '-1', Egress: false },
      expected: 'acls.json: NetworkAcls[0].Entries[1] has neither CidrBlock nor Ipv6CidrBlock',
    },
    {
      name: 'a bad IPv4 CIDR',
      input: aclEntry(100, 'allow', '-1', '10.0.0/8'),
      expected: 'acls.json: NetworkAcls[0].Entries[1].CidrBlock "10.0.0/8" is not a CIDR',
    },
    {
      name: 'a bad IPv6 CIDR names Ipv6CidrBlock',
      input: aclEntry(100, 'allow', '-1', '::/129'),
      expected: 'acls.json: NetworkAcls[0].Entries[1].Ipv6CidrBlock "::/129" is not a CIDR',
    },
    {
      name: 'a RuleAction that is neither allow nor deny',
      input: { ...aclEntry(100, 'allow', '-1', '0.0.0.0/0'), RuleAction: 'permit' },
      expected: 'acls.json: NetworkAcls[0].Entries[1].RuleAction "permit" is not allow or deny',
    },
    {
      name: 'a missing RuleNumber',
      input: { RuleAction: 'allow', Protocol: '-1', Egress: false, CidrBlock: '0.0.0.0/0' },
      expected: 'acls.json: NetworkAcls[0].Entries[1].RuleNumber is missing',
    },
    {
      name: 'a reversed PortRange',
      input: aclEntry(100, 'allow', '6', '0.0.0.0/0', [30, 20]),
      expected: 'acls.json: NetworkAcls[0].Entries[1].PortRange 30-20 is not a port range',
    },
    {
      name: 'a PortRange above 65535',
      input: aclEntry(100, 'allow', '17', '0.0.0.0/0', [53, 70000]),
      expected: 'acls.json: NetworkAcls[0].Entries[1].PortRange 53-70000 is not a port range',
    },
    {
      name: 'Egress that is not a boolean',
      input: { ...aclEntry(100, 'allow', '-1', '0.0.0.0/0'), Egress: 'no' },
      expected: 'acls.json: NetworkAcls[0].Entries[1].Egress is not true or false',
    },
  ];
  for (const { name, input, expected } of badCases) {
    test(`input error: ${name}`, () => {
      const item = networkAcl({ id: 'acl-1', entries: [aclEntry(32767, 'deny', '-1', '0.0.0.0/0'), input as NetworkAclEntry] });
      assert.throws(
        () => normalize(raw(kindScope('networkAcls', [item], 'acls.json'))),
        (error: unknown) => {
          assert.ok(error instanceof SgAuditError, `expected SgAuditError, got ${String(error)}`);
          assert.equal(error.message, expected);
          assert.equal(error.kind, 'input');
          return true;
        },
      );
    });
  }

  test('an ACL without NetworkAclId is an input error', () => {
    assert.throws(() => normalize(raw(kindScope('networkAcls', [{ Entries: [] }], 'acls.json'))), /acls\.json: NetworkAcls\[0\]\.NetworkAclId is missing/);
  });
});

describe('subnets', () => {
  test('fields, Name tag and subnetsById', () => {
    const m = model({ subnets: [subnet({ id: 'subnet-a', vpcId: 'vpc-9', name: 'public-1a', cidr: '10.0.1.0/24' }), subnet({ id: 'subnet-b' })] });
    assert.deepEqual(m.subnets, [
      { id: 'subnet-a', accountId: ACCOUNT, region: REGION, vpcId: 'vpc-9', cidrBlock: '10.0.1.0/24', availabilityZone: `${REGION}a`, name: 'public-1a' },
      { id: 'subnet-b', accountId: ACCOUNT, region: REGION, vpcId: 'vpc-1', cidrBlock: '10.0.1.0/24', availabilityZone: `${REGION}a` },
    ]);
    assert.equal(m.subnetsById.get('subnet-a')?.name, 'public-1a');
    assert.equal(m.subnetsById.get('subnet-b')?.name, undefined);
    assert.equal(m.subnetsById.has('subnet-c'), false);
  });

  test('a subnet with only an id', () => {
    const m = normalize(raw(kindScope('subnets', [{ SubnetId: 'subnet-x' }], 'subnets.json')));
    assert.deepEqual(m.subnets, [{ id: 'subnet-x', accountId: ACCOUNT, region: REGION }]);
  });

  test('a subnet without SubnetId is an input error', () => {
    assert.throws(() => normalize(raw(kindScope('subnets', [{ VpcId: 'vpc-1' }], 'subnets.json'))), /subnets\.json: Subnets\[0\]\.SubnetId is missing/);
  });
});

describe('route tables and internet gateways', () => {
  test('a table: main flag, subnet associations, routes with destination, target type and state', () => {
    const m = model({
      routeTables: [
        routeTable({
          id: 'rtb-a',
          main: true,
          subnets: ['subnet-2', 'subnet-1'],
          routes: [route('0.0.0.0/0', 'igw-1'), route('::/0', 'eigw-1'), route('10.9.0.0/16', 'pcx-1', 'blackhole'), route('pl-0123456789abcdef0', 'vpce-1')],
        }),
      ],
    });
    const table = m.routeTables[0];
    assert.ok(table);
    assert.equal(table.id, 'rtb-a');
    assert.equal(table.vpcId, 'vpc-1');
    assert.equal(table.main, true);
    assert.deepEqual(table.subnetIds, ['subnet-1', 'subnet-2']);
    assert.deepEqual(
      table.routes.map((r) => [r.destination?.text ?? r.prefixListId, r.targetType, r.targetId, r.state]),
      [
        ['10.0.0.0/16', 'local', 'local', 'active'],
        ['0.0.0.0/0', 'igw', 'igw-1', 'active'],
        ['::/0', 'eigw', 'eigw-1', 'active'],
        ['10.9.0.0/16', 'pcx', 'pcx-1', 'blackhole'],
        ['pl-0123456789abcdef0', 'vpce', 'vpce-1', 'active'],
      ],
    );
    assert.equal(table.routes[2]?.destination?.family, 'ipv6');
  });

  test('NAT, transit gateway and core network targets; a missing State reads as active', () => {
    const raw = routeTable({ id: 'rtb-b', routes: [] });
    raw.Routes = [
      { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1' },
      { DestinationCidrBlock: '172.16.0.0/12', TransitGatewayId: 'tgw-1', State: 'active' },
      { DestinationCidrBlock: '192.168.0.0/16', CoreNetworkArn: 'arn:aws:networkmanager::111122223333:core-network/core-network-1', State: 'active' },
    ];
    const routes = model({ routeTables: [raw] }).routeTables[0]?.routes ?? [];
    assert.deepEqual(routes.map((r) => [r.targetType, r.state]), [['nat', 'active'], ['tgw', 'active'], ['core-network', 'active']]);
  });

  test('disassociated and gateway (edge) associations route no subnet; a non-main table is not main', () => {
    const raw = routeTable({ id: 'rtb-c', subnets: ['subnet-1'], routes: [] });
    raw.Associations = [
      ...(raw.Associations ?? []),
      { Main: false, SubnetId: 'subnet-gone', AssociationState: { State: 'disassociated' } },
      { Main: false, GatewayId: 'igw-1', AssociationState: { State: 'associated' } },
    ];
    const table = model({ routeTables: [raw] }).routeTables[0];
    assert.deepEqual(table?.subnetIds, ['subnet-1']);
    assert.equal(table?.main, false);
  });

  test('a route without a destination, or with a bad one, is an input error naming the file and path', () => {
    assert.throws(
      () => normalize(raw(kindScope('routeTables', [{ RouteTableId: 'rtb-1', Routes: [{ GatewayId: 'igw-1' }] }], 'rtbs.json'))),
      /rtbs\.json: RouteTables\[0\]\.Routes\[0\] has no destination/,
    );
    assert.throws(
      () => normalize(raw(kindScope('routeTables', [{ RouteTableId: 'rtb-1', Routes: [{ DestinationIpv6CidrBlock: '::/200', GatewayId: 'igw-1' }] }], 'rtbs.json'))),
      /rtbs\.json: RouteTables\[0\]\.Routes\[0\]\.DestinationIpv6CidrBlock "::\/200" is not a CIDR/,
    );
  });

  test('internet gateways and egress-only gateways with their attached VPCs (detached ones left out)', () => {
    const igw = internetGateway({ id: 'igw-a', vpcIds: ['vpc-2'] });
    igw.Attachments = [...(igw.Attachments ?? []), { VpcId: 'vpc-old', State: 'detached' }];
    // AWS reports an attached internet gateway as "available".
    igw.Attachments.push({ VpcId: 'vpc-1', State: 'available' as 'attached' });
    const m = model({ internetGateways: [igw], egressOnlyInternetGateways: [egressOnlyInternetGateway({ id: 'eigw-a', vpcIds: ['vpc-2'] })] });
    assert.deepEqual(m.internetGateways, [{ id: 'igw-a', accountId: ACCOUNT, region: REGION, vpcIds: ['vpc-1', 'vpc-2'] }]);
    assert.deepEqual(m.egressOnlyInternetGateways, [{ id: 'eigw-a', accountId: ACCOUNT, region: REGION, vpcIds: ['vpc-2'] }]);
  });

  test('an interface: DenyAllIgwTraffic, and a resource ref named after its instance', () => {
    const m = model({ interfaces: [eni({ id: 'eni-a', groups: [], instanceId: 'i-9', denyAllIgwTraffic: true, ipv6: ['2600::1'] })] });
    const nic = m.interfaces[0];
    assert.equal(nic?.denyAllIgwTraffic, true);
    assert.deepEqual(nic?.ipv6Addresses, ['2600::1']);
    assert.deepEqual(nic?.ref, {
      type: 'network-interface', id: 'eni-a', name: 'i-9', arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:network-interface/eni-a`,
      accountId: ACCOUNT, region: REGION, vpcId: 'vpc-1', origin: 'test networkInterfaces',
    });
  });
});

describe('flow logs', () => {
  const cases: { name: string; input: Record<string, unknown>; expected: Record<string, unknown> }[] = [
    {
      name: 'an active, delivering VPC flow log',
      input: { ...flowLog({ id: 'fl-1', resourceId: 'vpc-1' }) },
      expected: { id: 'fl-1', accountId: ACCOUNT, region: REGION, resourceId: 'vpc-1', status: 'ACTIVE', deliverStatus: 'SUCCESS', trafficType: 'ALL' },
    },
    {
      name: 'a failing subnet flow log with its error',
      input: { ...flowLog({ id: 'fl-2', resourceId: 'subnet-1', deliverStatus: 'FAILED' }), DeliverLogsErrorMessage: 'Access error' },
      expected: { id: 'fl-2', accountId: ACCOUNT, region: REGION, resourceId: 'subnet-1', status: 'ACTIVE', deliverStatus: 'FAILED', deliverError: 'Access error', trafficType: 'ALL' },
    },
    {
      name: 'no FlowLogStatus, DeliverLogsStatus or TrafficType',
      input: { FlowLogId: 'fl-3', ResourceId: 'eni-1' },
      expected: { id: 'fl-3', accountId: ACCOUNT, region: REGION, resourceId: 'eni-1', status: 'ACTIVE' },
    },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const m = normalize(raw(kindScope('flowLogs', [input], 'flow-logs.json')));
      assert.deepEqual(m.flowLogs, [expected]);
    });
  }

  test('flowLogsByResource groups the logs by the VPC, subnet or interface they log', () => {
    const m = model({
      flowLogs: [flowLog({ id: 'fl-1', resourceId: 'vpc-1' }), flowLog({ id: 'fl-2', resourceId: 'vpc-1', deliverStatus: 'FAILED' }), flowLog({ id: 'fl-3', resourceId: 'eni-9' })],
    });
    assert.deepEqual(m.flowLogsByResource.get('vpc-1')?.map((l) => l.id), ['fl-1', 'fl-2']);
    assert.deepEqual(m.flowLogsByResource.get('eni-9')?.map((l) => l.id), ['fl-3']);
    assert.equal(m.flowLogsByResource.has('vpc-2'), false);
  });

  const badCases: { name: string; input: Record<string, unknown>; expected: RegExp }[] = [
    { name: 'no FlowLogId', input: { ResourceId: 'vpc-1' }, expected: /flow-logs\.json: FlowLogs\[0\]\.FlowLogId is missing/ },
    { name: 'no ResourceId', input: { FlowLogId: 'fl-1' }, expected: /flow-logs\.json: FlowLogs\[0\]\.ResourceId is missing/ },
    { name: 'a status that is not a string', input: { FlowLogId: 'fl-1', ResourceId: 'vpc-1', FlowLogStatus: 1 }, expected: /FlowLogs\[0\]\.FlowLogStatus is not a string/ },
  ];
  for (const { name, input, expected } of badCases) {
    test(`input error: ${name}`, () => assert.throws(() => normalize(raw(kindScope('flowLogs', [input], 'flow-logs.json'))), expected));
  }
});

describe('prefix lists', () => {
  const PL = 'pl-0123456789abcdef0';
  const sourceOf = (m: AuditModel) => {
    const p = onlyGroup(m).ingress[0];
    assert.ok(p);
    return p.source;
  };
  const cases: {
    name: string;
    input: { prefixLists?: ReturnType<typeof prefixList>[]; prefixListEntries?: Record<string, string[]> };
    expected: { name?: string; entries?: string[] };
  }[] = [
    { name: 'nothing collected: unresolved, no name', input: {}, expected: {} },
    { name: 'described but entries not collected: a name, unresolved', input: { prefixLists: [prefixList({ id: PL, name: 'office' })] }, expected: { name: 'office' } },
    {
      name: 'described and entries collected: name and entries',
      input: { prefixLists: [prefixList({ id: PL, name: 'office' })], prefixListEntries: { [PL]: ['203.0.113.0/27', '198.51.100.7/32'] } },
      expected: { name: 'office', entries: ['203.0.113.0/27', '198.51.100.7/32'] },
    },
    { name: 'entries without the description: entries, no name', input: { prefixListEntries: { [PL]: ['0.0.0.0/0'] } }, expected: { entries: ['0.0.0.0/0'] } },
    { name: 'entries collected and empty: resolved to nothing', input: { prefixLists: [prefixList({ id: PL, name: 'empty' })], prefixListEntries: { [PL]: [] } }, expected: { name: 'empty', entries: [] } },
    { name: 'entries are canonicalized', input: { prefixListEntries: { [PL]: ['10.1.2.3/8', '2001:DB8::1/32'] } }, expected: { entries: ['10.0.0.0/8', '2001:db8::/32'] } },
    {
      name: 'another list\'s data does not resolve this one',
      input: { prefixLists: [prefixList({ id: 'pl-other', name: 'other' })], prefixListEntries: { 'pl-other': ['0.0.0.0/0'] } },
      expected: {},
    },
  ];
  for (const { name, input, expected } of cases) {
    test(`pl- source: ${name}`, () => {
      const source = sourceOf(model({ groups: [group({ ingress: [tcp(443, PL)] })], ...input }));
      assert.equal(source.kind, 'prefix-list');
      if (source.kind !== 'prefix-list') return;
      assert.equal(source.prefixListId, PL);
      assert.equal(source.name, expected.name);
      assert.deepEqual(source.entries?.map((c) => c.text), expected.entries);
      assert.equal('entries' in source, expected.entries !== undefined, 'entries is absent exactly when unresolved');
    });
  }

  test('the model lists the prefix lists with owner, name and entries', () => {
    const m = model({
      prefixLists: [prefixList({ id: PL, name: 'office' }), prefixList({ id: 'pl-aws', name: 'com.amazonaws.global.cloudfront.origin-facing', owner: 'AWS' })],
      prefixListEntries: { [PL]: ['203.0.113.0/27'] },
    });
    assert.deepEqual(
      m.prefixLists.map((p) => [p.id, p.name, p.ownerId, p.entries?.map((c) => c.text) ?? null]),
      [
        [PL, 'office', ACCOUNT, ['203.0.113.0/27']],
        ['pl-aws', 'com.amazonaws.global.cloudfront.origin-facing', 'AWS', null],
      ],
    );
  });

  test('an entry that is not a CIDR is an input error', () => {
    assert.throws(() => model({ prefixListEntries: { [PL]: ['10.0.0.0/8', '10.0.0.0/33'] } }), /Entries\[1\]\.Cidr "10\.0\.0\.0\/33" is not a CIDR/);
  });
});

describe('sgr- ids from DescribeSecurityGroupRules', () => {
  const ruleIdsOf = (m: AuditModel, direction: 'ingress' | 'egress' = 'ingress') => onlyGroup(m)[direction].map((p) => p.ruleId ?? null);

  test('each (permission × source) gets its own id', () => {
    const g = group({ id: 'sg-a', ingress: [tcp(22, '0.0.0.0/0', '::/0', 'pl-0123456789abcdef0', 'sg-b')] });
    const rules = rulesOf(g);
    assert.equal(rules.length, 4);
    assert.deepEqual(
      ruleIdsOf(model({ groups: [g], securityGroupRules: rules })),
      rules.map((r) => r.SecurityGroupRuleId),
    );
    assert.equal(new Set(rules.map((r) => r.SecurityGroupRuleId)).size, 4);
  });

  test('without DescribeSecurityGroupRules there are no ids', () => {
    const m = model({ groups: [group({ ingress: [tcp(22, '0.0.0.0/0')] })] });
    assert.equal('ruleId' in (onlyGroup(m).ingress[0] ?? {}), false);
  });

  const matchCases: { name: string; input: { perm: IpPermission; rule: Record<string, unknown> }; expected: boolean }[] = [
    { name: 'protocol -1: ports missing in the group, -1/-1 in the rule', input: { perm: all('0.0.0.0/0'), rule: { IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' } }, expected: true },
    { name: 'protocol "47": ports missing in the group, -1/-1 in the rule', input: { perm: proto('47', undefined, '0.0.0.0/0'), rule: { IpProtocol: '47', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' } }, expected: true },
    { name: 'protocol "6" in the group, "tcp" in the rule', input: { perm: proto('6', 22, '0.0.0.0/0'), rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' } }, expected: true },
    { name: 'ICMP type 8, any code', input: { perm: icmp(8, -1, '10.0.0.0/8'), rule: { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, CidrIpv4: '10.0.0.0/8' } }, expected: true },
    { name: 'an IPv4 CIDR with host bits set matches its canonical form', input: { perm: tcp(22, '10.1.2.3/8'), rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8' } }, expected: true },
    { name: 'an IPv6 CIDR in upper case and long form', input: { perm: tcp(22, '2001:DB8:0:0::/32'), rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv6: '2001:db8::/32' } }, expected: true },
    { name: 'a different port does not match', input: { perm: tcp(22, '0.0.0.0/0'), rule: { IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, CidrIpv4: '0.0.0.0/0' } }, expected: false },
    { name: 'udp does not match tcp', input: { perm: tcp(53, '0.0.0.0/0'), rule: { IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIpv4: '0.0.0.0/0' } }, expected: false },
    { name: 'a different CIDR does not match', input: { perm: tcp(22, '10.0.0.0/8'), rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/16' } }, expected: false },
    { name: 'an egress rule does not match ingress', input: { perm: tcp(22, '0.0.0.0/0'), rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0', IsEgress: true } }, expected: false },
    { name: 'another group\'s rule does not match', input: { perm: tcp(22, '0.0.0.0/0'), rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0', GroupId: 'sg-other' } }, expected: false },
    { name: 'a group reference by id', input: { perm: udp(53, 'sg-dns'), rule: { IpProtocol: 'udp', FromPort: 53, ToPort: 53, ReferencedGroupInfo: { GroupId: 'sg-dns', UserId: ACCOUNT } } }, expected: true },
  ];
  for (const { name, input, expected } of matchCases) {
    test(`match: ${name}`, () => {
      const rule = { SecurityGroupRuleId: 'sgr-0001', GroupId: 'sg-a', GroupOwnerId: ACCOUNT, IsEgress: false, ...input.rule };
      const m = model({ groups: [group({ id: 'sg-a', ingress: [input.perm] })], securityGroupRules: [rule] });
      assert.deepEqual(ruleIdsOf(m), [expected ? 'sgr-0001' : null]);
    });
  }

  test('the same permission in both directions gets each direction\'s id', () => {
    const g = group({ id: 'sg-a', ingress: [all('sg-a')], egress: [all('sg-a')] });
    const rules = rulesOf(g);
    const m = model({ groups: [g], securityGroupRules: rules });
    assert.deepEqual(ruleIdsOf(m), [rules.find((r) => !r.IsEgress)?.SecurityGroupRuleId]);
    assert.deepEqual(ruleIdsOf(m, 'egress'), [rules.find((r) => r.IsEgress)?.SecurityGroupRuleId]);
    assert.notEqual(ruleIdsOf(m)[0], ruleIdsOf(m, 'egress')[0]);
  });

  test('a rule without SecurityGroupRuleId is an input error', () => {
    assert.throws(
      () => model({ groups: [], securityGroupRules: [{ GroupId: 'sg-a', IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' }] }),
      /SecurityGroupRules\[0\]\.SecurityGroupRuleId is missing/,
    );
  });
});

describe('stale security groups', () => {
  test('DescribeStaleSecurityGroups rules become permissions of their group', () => {
    const m = model({ staleSecurityGroups: [staleGroup({ groupId: 'sg-db', permissions: [tcp(5432, 'sg-gone'), all('sg-gone2')] })] });
    const stale = m.staleByGroup.get('sg-db');
    assert.ok(stale);
    assert.deepEqual(
      stale.map((p) => [p.groupId, p.direction, p.protocol, p.ports ?? null, p.source.kind === 'security-group' ? p.source.groupId : null]),
      [
        ['sg-db', 'ingress', 'tcp', { from: 5432, to: 5432 }, 'sg-gone'],
        ['sg-db', 'ingress', 'all', null, 'sg-gone2'],
      ],
    );
    assert.equal(m.groups.length, 0, 'stale records are not groups');
  });

  test('egress stale rules; CIDR and prefix-list strings of StaleIpPermission are ignored', () => {
    const m = model({
      staleSecurityGroups: [
        {
          GroupId: 'sg-app',
          VpcId: 'vpc-1',
          StaleIpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: ['0.0.0.0/0'], PrefixListIds: ['pl-1'] }],
          StaleIpPermissionsEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-peer', VpcPeeringConnectionId: 'pcx-1', PeeringStatus: 'deleted' }] }],
        },
      ],
    });
    assert.deepEqual(
      m.staleByGroup.get('sg-app')?.map((p) => [p.direction, p.ports?.from ?? null, p.source]),
      [['egress', 443, { kind: 'security-group', groupId: 'sg-peer', peeringConnectionId: 'pcx-1', peeringStatus: 'deleted', self: false }]],
    );
  });

  test('several records for one group (one call per VPC) add up; other groups are not listed', () => {
    const m = model({
      staleSecurityGroups: [staleGroup({ groupId: 'sg-db', permissions: [tcp(5432, 'sg-gone')] }), staleGroup({ groupId: 'sg-db', permissions: [tcp(6379, 'sg-gone')] })],
    });
    assert.deepEqual(m.staleByGroup.get('sg-db')?.map((p) => p.ports?.from), [5432, 6379]);
    assert.equal(m.staleByGroup.has('sg-gone'), false);
  });

  test('a stale record without GroupId is an input error', () => {
    assert.throws(() => model({ staleSecurityGroups: [{ VpcId: 'vpc-1', StaleIpPermissions: [] }] }), /StaleSecurityGroupSet\[0\]\.GroupId is missing/);
  });
});
