// Named-field builders for raw (SDK / CLI-shaped) data, so a test reads as its scenario:
//   group({ name: 'web', ingress: [tcp(22, '0.0.0.0/0'), all('::/0')] })
import type {
  EgressOnlyInternetGateway,
  FlowLog,
  InternetGateway,
  IpPermission,
  ManagedPrefixList,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  Reservation,
  Route,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  StaleSecurityGroup,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import type { RawKindResult, RawScope, RawSnapshot } from '../../src/collect/types.js';
import type { DataKind } from '../../src/model/kinds.js';
import { normalize } from '../../src/model/normalize.js';
import type { AuditModel } from '../../src/model/types.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

type Port = number | readonly [number, number];

/** Routes each source to the list AWS would put it in: CIDR v4, CIDR v6, prefix list, group. */
function withSources(base: IpPermission, sources: readonly string[]): IpPermission {
  const perm: IpPermission = { ...base };
  for (const source of sources) {
    if (source.startsWith('pl-')) (perm.PrefixListIds ??= []).push({ PrefixListId: source });
    else if (source.startsWith('sg-')) (perm.UserIdGroupPairs ??= []).push({ GroupId: source, UserId: ACCOUNT });
    else if (source.includes(':')) (perm.Ipv6Ranges ??= []).push({ CidrIpv6: source });
    else (perm.IpRanges ??= []).push({ CidrIp: source });
  }
  return perm;
}

const range = (port: Port) => (typeof port === 'number' ? [port, port] : port);

export function tcp(port: Port, ...sources: string[]): IpPermission {
  const [from, to] = range(port);
  return withSources({ IpProtocol: 'tcp', FromPort: from, ToPort: to }, sources);
}

export function udp(port: Port, ...sources: string[]): IpPermission {
  const [from, to] = range(port);
  return withSources({ IpProtocol: 'udp', FromPort: from, ToPort: to }, sources);
}

/** Protocol "-1": the API omits the ports. */
export function all(...sources: string[]): IpPermission {
  return withSources({ IpProtocol: '-1' }, sources);
}

/** A protocol as the API spells it ("6", "47", "TCP"), with optional ports. */
export function proto(protocol: string, ports: Port | undefined, ...sources: string[]): IpPermission {
  const base: IpPermission = { IpProtocol: protocol };
  if (ports !== undefined) [base.FromPort, base.ToPort] = range(ports);
  return withSources(base, sources);
}

export function icmp(type: number, code: number, ...sources: string[]): IpPermission {
  return withSources({ IpProtocol: 'icmp', FromPort: type, ToPort: code }, sources);
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${(++counter).toString(16).padStart(17, '0')}`;

export interface GroupSpec {
  id?: string;
  name?: string;
  vpcId?: string;
  description?: string;
  ingress?: IpPermission[];
  egress?: IpPermission[];
}

export function group(spec: GroupSpec = {}): SecurityGroup {
  const id = spec.id ?? nextId('sg');
  return {
    GroupId: id,
    GroupName: spec.name ?? `group-${id}`,
    Description: spec.description ?? 'test group',
    OwnerId: ACCOUNT,
    VpcId: spec.vpcId ?? 'vpc-1',
    IpPermissions: spec.ingress ?? [],
    IpPermissionsEgress: spec.egress ?? [],
  };
}

export interface EniSpec {
  id?: string;
  groups: string[];
  instanceId?: string;
  vpcId?: string;
  publicIp?: string;
  type?: string;
  requesterManaged?: boolean;
  subnetId?: string;
  ipv6?: string[];
  denyAllIgwTraffic?: boolean;
}

export function eni(spec: EniSpec): NetworkInterface {
  return {
    NetworkInterfaceId: spec.id ?? nextId('eni'),
    OwnerId: ACCOUNT,
    AvailabilityZone: `${REGION}a`,
    VpcId: spec.vpcId ?? 'vpc-1',
    SubnetId: spec.subnetId ?? 'subnet-1',
    Groups: spec.groups.map((GroupId) => ({ GroupId })),
    InterfaceType: (spec.type ?? 'interface') as NetworkInterface['InterfaceType'],
    RequesterManaged: spec.requesterManaged ?? false,
    Status: 'in-use',
    ...(spec.instanceId ? { Attachment: { InstanceId: spec.instanceId, DeviceIndex: 0, Status: 'attached' } } : {}),
    ...(spec.publicIp ? { Association: { PublicIp: spec.publicIp, IpOwnerId: 'amazon' } } : {}),
    ...(spec.ipv6 ? { Ipv6Addresses: spec.ipv6.map((Ipv6Address) => ({ Ipv6Address })) } : {}),
    ...(spec.denyAllIgwTraffic ? { DenyAllIgwTraffic: true } : {}),
  };
}

export interface InstanceSpec {
  id?: string;
  groups: string[];
  vpcId?: string;
  state?: string;
}

export function instance(spec: InstanceSpec): Reservation {
  const id = spec.id ?? nextId('i');
  return {
    ReservationId: nextId('r'),
    OwnerId: ACCOUNT,
    Instances: [
      {
        InstanceId: id,
        VpcId: spec.vpcId ?? 'vpc-1',
        SubnetId: 'subnet-1',
        State: { Name: (spec.state ?? 'running') as 'running', Code: 16 },
        SecurityGroups: spec.groups.map((GroupId) => ({ GroupId })),
        Placement: { AvailabilityZone: `${REGION}a` },
      },
    ],
  };
}

export function vpc(spec: { id?: string; name?: string; isDefault?: boolean; cidr?: string } = {}): Vpc {
  return {
    VpcId: spec.id ?? 'vpc-1',
    OwnerId: ACCOUNT,
    CidrBlock: spec.cidr ?? '10.0.0.0/16',
    IsDefault: spec.isDefault ?? false,
    ...(spec.name ? { Tags: [{ Key: 'Name', Value: spec.name }] } : {}),
  };
}

export function subnet(spec: { id?: string; vpcId?: string; name?: string; cidr?: string } = {}): Subnet {
  return {
    SubnetId: spec.id ?? 'subnet-1',
    VpcId: spec.vpcId ?? 'vpc-1',
    OwnerId: ACCOUNT,
    CidrBlock: spec.cidr ?? '10.0.1.0/24',
    AvailabilityZone: `${REGION}a`,
    ...(spec.name ? { Tags: [{ Key: 'Name', Value: spec.name }] } : {}),
  };
}

/**
 * One network ACL entry as DescribeNetworkAcls returns it: protocol as a number string
 * ("-1", "6", "17"), ports only for tcp/udp. `in(100, 'allow', '6', '0.0.0.0/0', [22, 22])`.
 */
export function aclEntry(
  ruleNumber: number,
  action: 'allow' | 'deny',
  protocol: string,
  cidr: string,
  ports?: Port,
  egress = false,
): NetworkAclEntry {
  const portRange = ports === undefined ? {} : { PortRange: { From: range(ports)[0], To: range(ports)[1] } };
  const block = cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr };
  return { RuleNumber: ruleNumber, RuleAction: action, Protocol: protocol, Egress: egress, ...block, ...portRange };
}

/** The entries AWS puts in a default network ACL: 100 allow all, * deny all (both directions), and 101 for IPv6. */
export function defaultAclEntries(ipv6 = false): NetworkAclEntry[] {
  const both = (egress: boolean) => [
    aclEntry(100, 'allow', '-1', '0.0.0.0/0', undefined, egress),
    ...(ipv6 ? [aclEntry(101, 'allow', '-1', '::/0', undefined, egress)] : []),
    aclEntry(32767, 'deny', '-1', '0.0.0.0/0', undefined, egress),
    ...(ipv6 ? [aclEntry(32768, 'deny', '-1', '::/0', undefined, egress)] : []),
  ];
  return [...both(false), ...both(true)];
}

export function networkAcl(spec: { id?: string; vpcId?: string; isDefault?: boolean; subnets?: string[]; entries: NetworkAclEntry[] }): NetworkAcl {
  const id = spec.id ?? nextId('acl');
  return {
    NetworkAclId: id,
    VpcId: spec.vpcId ?? 'vpc-1',
    OwnerId: ACCOUNT,
    IsDefault: spec.isDefault ?? false,
    Associations: (spec.subnets ?? []).map((SubnetId, i) => ({ NetworkAclAssociationId: `aclassoc-${i}`, NetworkAclId: id, SubnetId })),
    Entries: spec.entries,
  };
}

/**
 * One route as DescribeRouteTables returns it: the destination's family picks the field, the
 * target's prefix the target field. `route('0.0.0.0/0', 'igw-1')`, `route('::/0', 'eigw-1')`.
 */
export function route(destination: string, target: string, state: 'active' | 'blackhole' = 'active'): Route {
  const dest = destination.startsWith('pl-')
    ? { DestinationPrefixListId: destination }
    : destination.includes(':')
      ? { DestinationIpv6CidrBlock: destination }
      : { DestinationCidrBlock: destination };
  const field = target.startsWith('nat-')
    ? 'NatGatewayId'
    : target.startsWith('eigw-')
      ? 'EgressOnlyInternetGatewayId'
      : target.startsWith('tgw-')
        ? 'TransitGatewayId'
        : target.startsWith('pcx-')
          ? 'VpcPeeringConnectionId'
          : 'GatewayId';
  return { ...dest, [field]: target, State: state, Origin: 'CreateRoute' };
}

/** A route table; `main` makes it the VPC's main table (an association with Main: true and no subnet). */
export function routeTable(spec: { id?: string; vpcId?: string; main?: boolean; subnets?: string[]; routes: Route[] }): RouteTable {
  const id = spec.id ?? nextId('rtb');
  return {
    RouteTableId: id,
    VpcId: spec.vpcId ?? 'vpc-1',
    OwnerId: ACCOUNT,
    Associations: [
      ...(spec.main ? [{ Main: true, RouteTableAssociationId: `rtbassoc-main-${id}`, RouteTableId: id, AssociationState: { State: 'associated' as const } }] : []),
      ...(spec.subnets ?? []).map((SubnetId, i) => ({
        Main: false,
        RouteTableAssociationId: `rtbassoc-${i}-${id}`,
        RouteTableId: id,
        SubnetId,
        AssociationState: { State: 'associated' as const },
      })),
    ],
    Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' }, ...spec.routes],
  };
}

export function internetGateway(spec: { id?: string; vpcIds?: string[] } = {}): InternetGateway {
  return {
    InternetGatewayId: spec.id ?? 'igw-1',
    OwnerId: ACCOUNT,
    Attachments: (spec.vpcIds ?? ['vpc-1']).map((VpcId) => ({ VpcId, State: 'attached' as const })),
  };
}

export function egressOnlyInternetGateway(spec: { id?: string; vpcIds?: string[] } = {}): EgressOnlyInternetGateway {
  return {
    EgressOnlyInternetGatewayId: spec.id ?? 'eigw-1',
    Attachments: (spec.vpcIds ?? ['vpc-1']).map((VpcId) => ({ VpcId, State: 'attached' as const })),
  };
}

export function flowLog(spec: { resourceId: string; status?: string; deliverStatus?: string; id?: string }): FlowLog {
  return {
    FlowLogId: spec.id ?? nextId('fl'),
    ResourceId: spec.resourceId,
    FlowLogStatus: spec.status ?? 'ACTIVE',
    DeliverLogsStatus: spec.deliverStatus ?? 'SUCCESS',
    TrafficType: 'ALL',
  };
}

export function prefixList(spec: { id: string; name?: string; owner?: string }): ManagedPrefixList {
  return { PrefixListId: spec.id, PrefixListName: spec.name ?? spec.id, OwnerId: spec.owner ?? ACCOUNT, AddressFamily: 'IPv4' };
}

/** A stale-group record as DescribeStaleSecurityGroups returns it, for references to `staleGroupId`. */
export function staleGroup(spec: { groupId: string; vpcId?: string; permissions: IpPermission[] }): StaleSecurityGroup {
  return {
    GroupId: spec.groupId,
    VpcId: spec.vpcId ?? 'vpc-1',
    StaleIpPermissions: spec.permissions.map((p) => ({
      IpProtocol: p.IpProtocol,
      FromPort: p.FromPort,
      ToPort: p.ToPort,
      UserIdGroupPairs: p.UserIdGroupPairs,
    })),
    StaleIpPermissionsEgress: [],
  };
}

/**
 * DescribeSecurityGroupRules for these groups: one rule per (permission × source), ids
 * sgr-<group id suffix>-<n>, as AWS would list them.
 */
export function rulesOf(...groups: SecurityGroup[]): SecurityGroupRule[] {
  const out: SecurityGroupRule[] = [];
  for (const g of groups) {
    let n = 0;
    for (const [perms, egress] of [
      [g.IpPermissions ?? [], false],
      [g.IpPermissionsEgress ?? [], true],
    ] as const) {
      for (const p of perms) {
        const base = {
          GroupId: g.GroupId,
          GroupOwnerId: ACCOUNT,
          IsEgress: egress,
          IpProtocol: p.IpProtocol,
          FromPort: p.FromPort ?? -1,
          ToPort: p.ToPort ?? -1,
        };
        const id = () => `sgr-${(g.GroupId ?? '').replace('sg-', '')}${(n++).toString(16)}`;
        for (const r of p.IpRanges ?? []) out.push({ ...base, SecurityGroupRuleId: id(), CidrIpv4: r.CidrIp, Description: r.Description });
        for (const r of p.Ipv6Ranges ?? []) out.push({ ...base, SecurityGroupRuleId: id(), CidrIpv6: r.CidrIpv6, Description: r.Description });
        for (const r of p.PrefixListIds ?? []) out.push({ ...base, SecurityGroupRuleId: id(), PrefixListId: r.PrefixListId, Description: r.Description });
        for (const r of p.UserIdGroupPairs ?? []) {
          out.push({ ...base, SecurityGroupRuleId: id(), ReferencedGroupInfo: { GroupId: r.GroupId, UserId: r.UserId }, Description: r.Description });
        }
      }
    }
  }
  return out;
}

/** One group with its `sgr-` ids collected (rulesOf): sgr-<id suffix><n>, n counting sources in order. */
export function withRuleIds(groupId: string, ...ingress: IpPermission[]): ScopeSpec {
  const g = group({ id: groupId, ingress });
  return { groups: [g], securityGroupRules: rulesOf(g) };
}

/** What one account × region holds; a kind left undefined was not collected (offline: absent). */
export interface ScopeSpec {
  groups?: SecurityGroup[];
  interfaces?: NetworkInterface[];
  instances?: Reservation[];
  vpcs?: Vpc[];
  subnets?: Subnet[];
  networkAcls?: NetworkAcl[];
  flowLogs?: FlowLog[];
  securityGroupRules?: SecurityGroupRule[];
  prefixLists?: ManagedPrefixList[];
  /** Entries by prefix-list id (GetManagedPrefixListEntries). */
  prefixListEntries?: Record<string, string[]>;
  staleSecurityGroups?: StaleSecurityGroup[];
  routeTables?: RouteTable[];
  internetGateways?: InternetGateway[];
  egressOnlyInternetGateways?: EgressOnlyInternetGateway[];
  region?: string;
  account?: string;
  /** Kinds whose collection failed, with the error code. */
  failed?: Partial<Record<DataKind, string>>;
}

export function rawScope(spec: ScopeSpec): RawScope {
  const kinds: Partial<Record<DataKind, RawKindResult>> = {};
  const put = (kind: DataKind, items: readonly unknown[] | undefined) => {
    if (items) kinds[kind] = { status: 'ok', parts: [{ origin: `test ${kind}`, items }] };
  };
  put('securityGroups', spec.groups ?? []);
  put('networkInterfaces', spec.interfaces);
  put('instances', spec.instances);
  put('vpcs', spec.vpcs);
  put('subnets', spec.subnets);
  put('networkAcls', spec.networkAcls);
  put('flowLogs', spec.flowLogs);
  put('securityGroupRules', spec.securityGroupRules);
  put('prefixLists', spec.prefixLists);
  put(
    'prefixListEntries',
    spec.prefixListEntries &&
      Object.entries(spec.prefixListEntries).map(([PrefixListId, cidrs]) => ({ PrefixListId, Entries: cidrs.map((Cidr) => ({ Cidr })) })),
  );
  put('staleSecurityGroups', spec.staleSecurityGroups);
  put('routeTables', spec.routeTables);
  put('internetGateways', spec.internetGateways);
  put('egressOnlyInternetGateways', spec.egressOnlyInternetGateways);
  for (const [kind, code] of Object.entries(spec.failed ?? {}) as [DataKind, string][]) {
    kinds[kind] = { status: 'error', error: { code, message: `${code} (test)`, operation: `Describe ${kind}` } };
  }
  return { accountId: spec.account ?? ACCOUNT, region: spec.region ?? REGION, kinds };
}

export function snapshot(...scopes: ScopeSpec[]): RawSnapshot {
  return { source: 'file', inputs: ['test'], scopes: scopes.map(rawScope), warnings: [] };
}

export function model(...scopes: ScopeSpec[]): AuditModel {
  return normalize(snapshot(...scopes));
}
