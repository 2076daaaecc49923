// A fake EC2 + STS endpoint for integration tests: the real SDK v3 clients talk to it over HTTP.
// It speaks the EC2 Query protocol (form-encoded POST in, XML with the model's wire names out),
// verifies SigV4 for real, paginates with opaque tokens and can inject faults. It never answers a
// mutating action: those are recorded in `violations` so a test can fail on them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type {
  EgressOnlyInternetGateway, FlowLog, Instance, InternetGateway, ManagedPrefixList, NetworkAcl, NetworkInterface, PrefixListEntry,
  Region, Reservation, RouteTable, SecurityGroup, SecurityGroupRule, StaleSecurityGroup, Subnet, Tag, Vpc,
} from '@aws-sdk/client-ec2';

export interface RegionFixture {
  securityGroups?: SecurityGroup[];
  networkInterfaces?: NetworkInterface[];
  reservations?: Reservation[];
  vpcs?: Vpc[];
  subnets?: Subnet[];
  routeTables?: RouteTable[];
  networkAcls?: NetworkAcl[];
  internetGateways?: InternetGateway[];
  egressOnlyInternetGateways?: EgressOnlyInternetGateway[];
  securityGroupRules?: SecurityGroupRule[];
  managedPrefixLists?: ManagedPrefixList[];
  /** Entries by PrefixListId, served by GetManagedPrefixListEntries. */
  prefixListEntries?: Record<string, PrefixListEntry[]>;
  flowLogs?: FlowLog[];
  staleSecurityGroups?: StaleSecurityGroup[];
}

export interface AccountFixture {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Enabled regions; EC2 in any other region answers AuthFailure, as a disabled opt-in region does (STS answers anywhere). */
  regions: Record<string, RegionFixture>;
  /** GetCallerIdentity Arn; defaults to an IAM user in the account. */
  arn?: string;
  /** Roles others may assume (STS AssumeRole), by name: who is trusted, and the external id required. */
  roles?: Record<string, { trusts: string[]; externalId?: string }>;
}

/** An AWS Organization served at Organizations ListAccounts (JSON protocol), to its management account only. */
export interface OrganizationFixture {
  managementAccountId: string;
  accounts: { Id: string; Name: string; Status: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' }[];
}

export type Fault =
  | { kind: 'throttle' }
  | { kind: 'error'; status: number; code: string; message?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'malformed' }
  | { kind: 'truncated' }
  /** A broken endpoint: the page as usual, with a new NextToken every time, so the list never ends. */
  | { kind: 'endlessToken' };

export interface FaultContext {
  action: string;
  region: string;
  accountId: string;
  /** 0-based page index of this list call. */
  page: number;
  /** How many times this exact request (account, region, action, parameters, token) was made before. */
  attempt: number;
  /** The request's parameters (without Action and Version), e.g. PrefixListId or VpcId of a per-id call. */
  params: Readonly<Record<string, string>>;
}

export interface FakeEc2Options {
  accounts: AccountFixture[];
  organization?: OrganizationFixture;
  /** Caps every page below MaxResults, to force many pages. */
  maxPageSize?: number;
  fault?: (ctx: FaultContext) => Fault | undefined;
  /**
   * Serve a page's XML from memory after it was first built (for benchmarks: the endpoint's own
   * CPU would otherwise compete with the client's on the same cores). Tokens stay valid.
   */
  cacheResponses?: boolean;
}

export interface RecordedRequest {
  service: 'ec2' | 'sts' | 'organizations' | 'unknown';
  action: string;
  region: string;
  /** Empty when the request could not be authenticated. */
  accountId: string;
  /** Every form field except Action and Version. */
  params: Record<string, string>;
  status: number;
}

export interface FakeEc2 {
  url: string;
  requests: RecordedRequest[];
  violations: string[];
  close(): Promise<void>;
  countByAction(): Record<string, number>;
}

const EC2_VERSION = '2016-11-15';
const STS_VERSION = '2011-06-15';
const EC2_NS = `http://ec2.amazonaws.com/doc/${EC2_VERSION}/`;
const STS_NS = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;
const AUTH_FAILURE = 'AWS was not able to validate the provided access credentials';

// ---------------------------------------------------------------------------------------------
// Wire names. One line per shape: `Member` (wire name = member with a lower-case first letter),
// `Member=wire` (the model's locationName differs), `:Shape` (nested structure, or list of them).
// Lists are told apart at run time by the value being an array; EC2 wraps every list member in
// <item>. Copied from the SDK's schemas (dist-cjs `xmlName` traits); the integration test checks
// every entry against them. Fixture members missing here make startFakeEc2 throw.
const WIRE_SPEC: Record<string, string> = {
  Tag: 'Key Value',
  GroupIdentifier: 'GroupId GroupName',
  OperatorResponse: 'Managed Principal HiddenByDefault',
  SecurityGroup: 'GroupId GroupName Description=groupDescription OwnerId VpcId SecurityGroupArn Tags=tagSet:Tag '
    + 'IpPermissions:IpPermission IpPermissionsEgress:IpPermission',
  IpPermission: 'IpProtocol FromPort ToPort UserIdGroupPairs=groups:UserIdGroupPair IpRanges:IpRange '
    + 'Ipv6Ranges:Ipv6Range PrefixListIds:PrefixListId',
  UserIdGroupPair: 'Description UserId GroupName GroupId VpcId VpcPeeringConnectionId PeeringStatus',
  IpRange: 'CidrIp Description',
  Ipv6Range: 'CidrIpv6 Description',
  PrefixListId: 'PrefixListId Description',
  SecurityGroupRule: 'SecurityGroupRuleId GroupId GroupOwnerId IsEgress IpProtocol FromPort ToPort CidrIpv4 CidrIpv6 '
    + 'PrefixListId ReferencedGroupInfo:ReferencedSecurityGroup Description Tags=tagSet:Tag SecurityGroupRuleArn',
  ReferencedSecurityGroup: 'GroupId PeeringStatus UserId VpcId VpcPeeringConnectionId',
  NetworkInterface: 'Association:NetworkInterfaceAssociation Attachment:NetworkInterfaceAttachment AvailabilityZone '
    + 'AvailabilityZoneId Description Groups=groupSet:GroupIdentifier InterfaceType '
    + 'Ipv6Addresses=ipv6AddressesSet:NetworkInterfaceIpv6Address MacAddress NetworkInterfaceId OutpostArn OwnerId '
    + 'PrivateDnsName PublicDnsName PrivateIpAddress PrivateIpAddresses=privateIpAddressesSet:NetworkInterfacePrivateIpAddress '
    + 'RequesterId RequesterManaged SourceDestCheck Status SubnetId TagSet:Tag VpcId DenyAllIgwTraffic Ipv6Native '
    + 'Ipv6Address Operator:OperatorResponse',
  NetworkInterfaceAssociation: 'AllocationId AssociationId IpOwnerId PublicDnsName PublicIp CustomerOwnedIp CarrierIp',
  NetworkInterfaceAttachment: 'AttachTime AttachmentId DeleteOnTermination DeviceIndex NetworkCardIndex InstanceId '
    + 'InstanceOwnerId Status',
  NetworkInterfaceIpv6Address: 'Ipv6Address PublicIpv6DnsName IsPrimaryIpv6',
  NetworkInterfacePrivateIpAddress: 'Association:NetworkInterfaceAssociation Primary PrivateDnsName PrivateIpAddress',
  Reservation: 'ReservationId OwnerId RequesterId Groups=groupSet:GroupIdentifier Instances=instancesSet:Instance',
  Instance: 'InstanceId ImageId InstanceType State=instanceState:InstanceState StateTransitionReason=reason '
    + 'PrivateDnsName PublicDnsName=dnsName PrivateIpAddress PublicIpAddress=ipAddress Ipv6Address SubnetId VpcId '
    + 'KeyName AmiLaunchIndex LaunchTime Placement:Placement Platform PlatformDetails Architecture '
    + 'IamInstanceProfile:IamInstanceProfile SecurityGroups=groupSet:GroupIdentifier '
    + 'NetworkInterfaces=networkInterfaceSet:InstanceNetworkInterface SourceDestCheck Tags=tagSet:Tag '
    + 'MetadataOptions:InstanceMetadataOptionsResponse Monitoring:Monitoring RootDeviceType RootDeviceName '
    + 'VirtualizationType Hypervisor EbsOptimized EnaSupport Operator:OperatorResponse',
  InstanceState: 'Code Name',
  Placement: 'AvailabilityZone AvailabilityZoneId GroupName Tenancy',
  IamInstanceProfile: 'Arn Id',
  InstanceMetadataOptionsResponse: 'State HttpTokens HttpPutResponseHopLimit HttpEndpoint HttpProtocolIpv6 '
    + 'InstanceMetadataTags',
  Monitoring: 'State',
  InstanceNetworkInterface: 'Association:InstanceNetworkInterfaceAssociation Attachment:InstanceNetworkInterfaceAttachment '
    + 'Description Groups=groupSet:GroupIdentifier Ipv6Addresses=ipv6AddressesSet:InstanceIpv6Address MacAddress '
    + 'NetworkInterfaceId OwnerId PrivateDnsName PrivateIpAddress PrivateIpAddresses=privateIpAddressesSet:InstancePrivateIpAddress '
    + 'SourceDestCheck Status SubnetId VpcId InterfaceType Operator:OperatorResponse',
  InstanceNetworkInterfaceAssociation: 'CarrierIp CustomerOwnedIp IpOwnerId PublicDnsName PublicIp',
  InstanceNetworkInterfaceAttachment: 'AttachTime AttachmentId DeleteOnTermination DeviceIndex Status NetworkCardIndex',
  InstanceIpv6Address: 'Ipv6Address IsPrimaryIpv6',
  InstancePrivateIpAddress: 'Association:InstanceNetworkInterfaceAssociation Primary PrivateDnsName PrivateIpAddress',
  Vpc: 'VpcId OwnerId State CidrBlock DhcpOptionsId InstanceTenancy IsDefault Tags=tagSet:Tag '
    + 'CidrBlockAssociationSet:VpcCidrBlockAssociation Ipv6CidrBlockAssociationSet:VpcIpv6CidrBlockAssociation '
    + 'BlockPublicAccessStates:BlockPublicAccessStates',
  VpcCidrBlockAssociation: 'AssociationId CidrBlock CidrBlockState:VpcCidrBlockState',
  VpcIpv6CidrBlockAssociation: 'AssociationId Ipv6CidrBlock Ipv6CidrBlockState:VpcCidrBlockState NetworkBorderGroup Ipv6Pool',
  VpcCidrBlockState: 'State StatusMessage',
  BlockPublicAccessStates: 'InternetGatewayBlockMode',
  Subnet: 'SubnetId SubnetArn VpcId OwnerId State CidrBlock AvailabilityZone AvailabilityZoneId AvailableIpAddressCount '
    + 'DefaultForAz MapPublicIpOnLaunch AssignIpv6AddressOnCreation Ipv6Native Tags=tagSet:Tag '
    + 'Ipv6CidrBlockAssociationSet:SubnetIpv6CidrBlockAssociation BlockPublicAccessStates:BlockPublicAccessStates',
  SubnetIpv6CidrBlockAssociation: 'AssociationId Ipv6CidrBlock Ipv6CidrBlockState:SubnetCidrBlockState',
  SubnetCidrBlockState: 'State StatusMessage',
  RouteTable: 'RouteTableId VpcId OwnerId Routes=routeSet:Route Associations=associationSet:RouteTableAssociation '
    + 'PropagatingVgws=propagatingVgwSet:PropagatingVgw Tags=tagSet:Tag',
  Route: 'DestinationCidrBlock DestinationIpv6CidrBlock DestinationPrefixListId EgressOnlyInternetGatewayId GatewayId '
    + 'InstanceId InstanceOwnerId NatGatewayId TransitGatewayId LocalGatewayId CarrierGatewayId NetworkInterfaceId '
    + 'Origin State VpcPeeringConnectionId CoreNetworkArn',
  RouteTableAssociation: 'Main RouteTableAssociationId RouteTableId SubnetId GatewayId '
    + 'AssociationState:RouteTableAssociationState',
  RouteTableAssociationState: 'State StatusMessage',
  PropagatingVgw: 'GatewayId',
  InternetGateway: 'InternetGatewayId OwnerId Attachments=attachmentSet:InternetGatewayAttachment Tags=tagSet:Tag',
  InternetGatewayAttachment: 'State VpcId',
  EgressOnlyInternetGateway: 'EgressOnlyInternetGatewayId Attachments=attachmentSet:InternetGatewayAttachment Tags=tagSet:Tag',
  NetworkAcl: 'NetworkAclId VpcId OwnerId IsDefault=default Entries=entrySet:NetworkAclEntry '
    + 'Associations=associationSet:NetworkAclAssociation Tags=tagSet:Tag',
  NetworkAclEntry: 'RuleNumber Protocol RuleAction Egress CidrBlock Ipv6CidrBlock IcmpTypeCode:IcmpTypeCode PortRange:PortRange',
  NetworkAclAssociation: 'NetworkAclAssociationId NetworkAclId SubnetId',
  IcmpTypeCode: 'Code Type',
  PortRange: 'From To',
  ManagedPrefixList: 'PrefixListId AddressFamily State StateMessage PrefixListArn PrefixListName MaxEntries Version '
    + 'Tags=tagSet:Tag OwnerId',
  PrefixListEntry: 'Cidr Description',
  FlowLog: 'CreationTime DeliverLogsErrorMessage DeliverLogsPermissionArn DeliverCrossAccountRole DeliverLogsStatus '
    + 'FlowLogId FlowLogStatus LogGroupName ResourceId TrafficType LogDestinationType LogDestination LogFormat '
    + 'Tags=tagSet:Tag MaxAggregationInterval',
  // StaleIpPermission's IpRanges and PrefixListIds are lists of plain strings, unlike IpPermission's.
  StaleSecurityGroup: 'Description GroupId GroupName VpcId StaleIpPermissions:StaleIpPermission '
    + 'StaleIpPermissionsEgress:StaleIpPermission',
  StaleIpPermission: 'FromPort IpProtocol IpRanges PrefixListIds ToPort UserIdGroupPairs=groups:UserIdGroupPair',
  Region: 'RegionName Endpoint=regionEndpoint OptInStatus',
};

export interface WireMember { wire: string; shape?: string }

/** Parsed WIRE_SPEC: shape → SDK member name → wire name and nested shape. */
export const WIRE_SHAPES: ReadonlyMap<string, ReadonlyMap<string, WireMember>> = new Map(
  Object.entries(WIRE_SPEC).map(([shape, spec]) => [shape, new Map(spec.split(/\s+/).map((token): [string, WireMember] => {
    const m = /^([A-Za-z0-9]+)(?:=([A-Za-z0-9]+))?(?::([A-Za-z0-9]+))?$/.exec(token);
    if (!m?.[1]) throw new Error(`fake-ec2: bad wire spec '${token}' in ${shape}`);
    const name = m[1];
    const member: WireMember = { wire: m[2] ?? name[0]!.toLowerCase() + name.slice(1) };
    if (m[3]) {
      if (!(m[3] in WIRE_SPEC)) throw new Error(`fake-ec2: ${shape}.${name} names unknown shape ${m[3]}`);
      member.shape = m[3];
    }
    return [name, member];
  }))]),
);

// Control characters are sent as character references so hostile-string tests survive the trip;
// '\r' too, because XML parsers fold a raw CR LF into LF.
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (s: string): string =>
  s.replace(/[&<>"']|[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => XML_ENTITIES[c] ?? `&#${c.charCodeAt(0)};`);

function xmlValue(value: unknown, member: WireMember, path: string): string {
  if (Array.isArray(value)) return value.map((v, i) => `<item>${xmlValue(v, member, `${path}[${i}]`)}</item>`).join('');
  if (value instanceof Date) return value.toISOString();
  switch (typeof value) {
    case 'string': return escapeXml(value);
    case 'boolean': return String(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`fake-ec2: ${path} is not a finite number`);
      return String(value);
    case 'object':
      if (value !== null && member.shape) return xmlStruct(value, member.shape, path);
  }
  throw new Error(`fake-ec2: ${path} has a value the wire shape cannot carry: ${String(value)}`);
}

function xmlStruct(obj: object, shape: string, path: string): string {
  const members = WIRE_SHAPES.get(shape);
  let out = '';
  for (const [name, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const member = members?.get(name);
    if (!member) throw new Error(`fake-ec2: ${path}.${name} is not serialized for ${shape}; add it to WIRE_SPEC`);
    out += `<${member.wire}>${xmlValue(value, member, `${path}.${name}`)}</${member.wire}>`;
  }
  return out;
}

const xmlItems = (items: readonly object[], shape: string, path: string): string =>
  items.map((item, i) => `<item>${xmlStruct(item, shape, `${path}[${i}]`)}</item>`).join('');

// ---------------------------------------------------------------------------------------------
// Actions.

class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

type Params = ReadonlyMap<string, string>;

interface Query { params: Params; fixture: RegionFixture; account: AccountFixture; region: string }

interface ListSpec {
  result: string;           // wire name of the result list
  shape: string;            // wire shape of one item
  maxResults?: readonly [number, number];  // absent: the action is not paginated
  allowed: RegExp;          // every accepted request parameter
  idsWithMaxResults?: false; // the model forbids MaxResults together with the ID list
  select(q: Query): object[];
}

/** Values of `Key.1`, `Key.2`, … in index order. */
function listParam(params: Params, key: string): string[] {
  const found: [number, string][] = [];
  for (const [k, v] of params) {
    const m = /^(.+)\.(\d+)$/.exec(k);
    if (m?.[1] === key) found.push([Number(m[2]), v]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

function filterParams(params: Params): { name: string; values: string[] }[] {
  const filters: { name: string; values: string[] }[] = [];
  for (const [k, name] of params) {
    const m = /^Filter\.(\d+)\.Name$/.exec(k);
    if (m) filters.push({ name, values: listParam(params, `Filter.${m[1]}.Value`) });
  }
  return filters;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.flatMap(strings) : v === undefined || v === null ? [] : [String(v)];

const tagsOf = (t: object): Tag[] => {
  const tagged = t as { Tags?: Tag[]; TagSet?: Tag[] };
  return tagged.Tags ?? tagged.TagSet ?? [];
};

interface Selector<T> {
  /** Request list parameter (e.g. GroupId for GroupId.N) → item key, and the error for an unknown ID. */
  ids?: Record<string, readonly [get: (t: T) => string | undefined, notFound: string]>;
  /** Supported filters: name → the item's values for it. `tag:<key>` and `tag-key` work everywhere. */
  filters: Record<string, (t: T) => unknown>;
}

function matcher<T extends object>(sel: Selector<T>, params: Params, all: readonly T[]): (t: T) => boolean {
  const tests: ((t: T) => boolean)[] = [];
  for (const [param, [get, notFound]] of Object.entries(sel.ids ?? {})) {
    const wanted = listParam(params, param);
    if (wanted.length === 0) continue;
    const missing = wanted.find((w) => !all.some((t) => get(t) === w));
    if (missing !== undefined) throw new ApiError(400, notFound, `The ID '${missing}' does not exist`);
    tests.push((t) => wanted.includes(get(t) ?? ''));
  }
  for (const { name, values } of filterParams(params)) {
    const get = name.startsWith('tag:') ? (t: T) => tagsOf(t).filter((tag) => tag.Key === name.slice(4)).map((tag) => tag.Value)
      : name === 'tag-key' ? (t: T) => tagsOf(t).map((tag) => tag.Key)
      : sel.filters[name];
    if (!get) throw new ApiError(400, 'InvalidParameterValue', `The filter '${name}' is invalid (not supported by fake-ec2)`);
    tests.push((t) => strings(get(t)).some((v) => values.includes(v)));
  }
  return (t) => tests.every((test) => test(t));
}

function allowedParams(ids: string[], extra: string[], paginated: boolean, filters = true): RegExp {
  const names = [...extra, 'DryRun', ...(paginated ? ['MaxResults', 'NextToken'] : [])];
  const filter = filters ? ['Filter\\.\\d+\\.(?:Name|Value\\.\\d+)'] : [];
  return new RegExp(`^(?:${[...names, ...ids.map((id) => `${id}\\.\\d+`), ...filter].join('|')})$`);
}

function list<T extends object>(spec: {
  result: string; shape: string; maxResults?: readonly [number, number]; extra?: string[];
  items(r: RegionFixture): T[] | undefined;
} & Selector<T>): ListSpec {
  return {
    result: spec.result, shape: spec.shape,
    ...(spec.maxResults ? { maxResults: spec.maxResults } : {}),
    allowed: allowedParams(Object.keys(spec.ids ?? {}), spec.extra ?? [], spec.maxResults !== undefined),
    select(q) {
      const all = spec.items(q.fixture) ?? [];
      return all.filter(matcher(spec, q.params, all));
    },
  };
}

const PAGE_5_1000 = [5, 1000] as const;
const PREFIX_LIST_RANGE = [1, 100] as const;

const instanceSelector: Selector<Instance> = {
  ids: { InstanceId: [(i) => i.InstanceId, 'InvalidInstanceID.NotFound'] },
  filters: {
    'instance-id': (i) => i.InstanceId, 'vpc-id': (i) => i.VpcId, 'subnet-id': (i) => i.SubnetId,
    'instance-state-name': (i) => i.State?.Name,
    'instance.group-id': (i) => i.SecurityGroups?.map((g) => g.GroupId),
    'network-interface.group-id': (i) => i.NetworkInterfaces?.flatMap((n) => n.Groups?.map((g) => g.GroupId)),
  },
};

const ACTIONS: Record<string, ListSpec> = {
  DescribeSecurityGroups: list<SecurityGroup>({
    result: 'securityGroupInfo', shape: 'SecurityGroup', maxResults: PAGE_5_1000, items: (r) => r.securityGroups,
    ids: { GroupId: [(g) => g.GroupId, 'InvalidGroup.NotFound'], GroupName: [(g) => g.GroupName, 'InvalidGroup.NotFound'] },
    filters: { 'group-id': (g) => g.GroupId, 'group-name': (g) => g.GroupName, 'vpc-id': (g) => g.VpcId, 'owner-id': (g) => g.OwnerId },
  }),
  DescribeSecurityGroupRules: list<SecurityGroupRule>({
    result: 'securityGroupRuleSet', shape: 'SecurityGroupRule', maxResults: PAGE_5_1000, items: (r) => r.securityGroupRules,
    ids: { SecurityGroupRuleId: [(s) => s.SecurityGroupRuleId, 'InvalidSecurityGroupRuleId.NotFound'] },
    filters: { 'group-id': (s) => s.GroupId, 'security-group-rule-id': (s) => s.SecurityGroupRuleId },
  }),
  DescribeNetworkInterfaces: {
    ...list<NetworkInterface>({
      result: 'networkInterfaceSet', shape: 'NetworkInterface', maxResults: PAGE_5_1000, items: (r) => r.networkInterfaces,
      extra: ['IncludeManagedResources'],
      ids: { NetworkInterfaceId: [(n) => n.NetworkInterfaceId, 'InvalidNetworkInterfaceID.NotFound'] },
      filters: {
        'network-interface-id': (n) => n.NetworkInterfaceId, 'vpc-id': (n) => n.VpcId, 'subnet-id': (n) => n.SubnetId,
        'group-id': (n) => n.Groups?.map((g) => g.GroupId), 'attachment.instance-id': (n) => n.Attachment?.InstanceId,
      },
    }),
    idsWithMaxResults: false,
  },
  DescribeInstances: {
    result: 'reservationSet', shape: 'Reservation', maxResults: PAGE_5_1000, idsWithMaxResults: false,
    allowed: allowedParams(['InstanceId'], ['IncludeManagedResources'], true),
    // Filters match instances; a reservation is returned with only its matching instances, or not at all.
    select(q) {
      const reservations = q.fixture.reservations ?? [];
      const match = matcher(instanceSelector, q.params, reservations.flatMap((r) => r.Instances ?? []));
      return reservations.flatMap((r) => {
        const instances = (r.Instances ?? []).filter(match);
        return instances.length === (r.Instances ?? []).length ? [r] : instances.length ? [{ ...r, Instances: instances }] : [];
      });
    },
  },
  DescribeVpcs: list<Vpc>({
    result: 'vpcSet', shape: 'Vpc', maxResults: PAGE_5_1000, items: (r) => r.vpcs,
    ids: { VpcId: [(v) => v.VpcId, 'InvalidVpcID.NotFound'] },
    filters: { 'vpc-id': (v) => v.VpcId, 'is-default': (v) => v.IsDefault, 'owner-id': (v) => v.OwnerId },
  }),
  DescribeSubnets: list<Subnet>({
    result: 'subnetSet', shape: 'Subnet', maxResults: PAGE_5_1000, items: (r) => r.subnets,
    ids: { SubnetId: [(s) => s.SubnetId, 'InvalidSubnetID.NotFound'] },
    filters: { 'subnet-id': (s) => s.SubnetId, 'vpc-id': (s) => s.VpcId },
  }),
  DescribeRouteTables: list<RouteTable>({
    result: 'routeTableSet', shape: 'RouteTable', maxResults: [5, 100], items: (r) => r.routeTables,
    ids: { RouteTableId: [(t) => t.RouteTableId, 'InvalidRouteTableID.NotFound'] },
    filters: {
      'route-table-id': (t) => t.RouteTableId, 'vpc-id': (t) => t.VpcId,
      'association.subnet-id': (t) => t.Associations?.map((a) => a.SubnetId),
      'association.main': (t) => t.Associations?.map((a) => a.Main),
    },
  }),
  DescribeInternetGateways: list<InternetGateway>({
    result: 'internetGatewaySet', shape: 'InternetGateway', maxResults: PAGE_5_1000, items: (r) => r.internetGateways,
    ids: { InternetGatewayId: [(g) => g.InternetGatewayId, 'InvalidInternetGatewayID.NotFound'] },
    filters: { 'internet-gateway-id': (g) => g.InternetGatewayId, 'attachment.vpc-id': (g) => g.Attachments?.map((a) => a.VpcId) },
  }),
  DescribeEgressOnlyInternetGateways: list<EgressOnlyInternetGateway>({
    // The model caps this call's MaxResults at 255, not 1000.
    result: 'egressOnlyInternetGatewaySet', shape: 'EgressOnlyInternetGateway', maxResults: [5, 255], items: (r) => r.egressOnlyInternetGateways,
    ids: { EgressOnlyInternetGatewayId: [(g) => g.EgressOnlyInternetGatewayId, 'InvalidEgressOnlyInternetGatewayId.NotFound'] },
    filters: { 'egress-only-internet-gateway-id': (g) => g.EgressOnlyInternetGatewayId },
  }),
  DescribeNetworkAcls: list<NetworkAcl>({
    result: 'networkAclSet', shape: 'NetworkAcl', maxResults: PAGE_5_1000, items: (r) => r.networkAcls,
    ids: { NetworkAclId: [(a) => a.NetworkAclId, 'InvalidNetworkAclID.NotFound'] },
    filters: { 'network-acl-id': (a) => a.NetworkAclId, 'vpc-id': (a) => a.VpcId, default: (a) => a.IsDefault },
  }),
  DescribeManagedPrefixLists: list<ManagedPrefixList>({
    result: 'prefixListSet', shape: 'ManagedPrefixList', maxResults: PREFIX_LIST_RANGE, items: (r) => r.managedPrefixLists,
    ids: { PrefixListId: [(p) => p.PrefixListId, 'InvalidPrefixListID.NotFound'] },
    filters: { 'prefix-list-id': (p) => p.PrefixListId, 'prefix-list-name': (p) => p.PrefixListName, 'owner-id': (p) => p.OwnerId },
  }),
  GetManagedPrefixListEntries: {
    // One list per call, no filters (TargetVersion asks for an older version; the fake has one).
    result: 'entrySet', shape: 'PrefixListEntry', maxResults: PREFIX_LIST_RANGE,
    allowed: allowedParams([], ['PrefixListId', 'TargetVersion'], true, false),
    select({ params, fixture }) {
      const id = params.get('PrefixListId');
      if (!id) throw new ApiError(400, 'MissingParameter', 'The request must contain the parameter PrefixListId');
      const entries = fixture.prefixListEntries?.[id];
      if (entries) return entries;
      if (fixture.managedPrefixLists?.some((p) => p.PrefixListId === id)) return [];
      throw new ApiError(400, 'InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`);
    },
  },
  // The model gives DescribeFlowLogs' MaxResults no range; 5–1000 is what its siblings use.
  DescribeFlowLogs: list<FlowLog>({
    result: 'flowLogSet', shape: 'FlowLog', maxResults: PAGE_5_1000, items: (r) => r.flowLogs,
    ids: { FlowLogId: [(f) => f.FlowLogId, 'InvalidFlowLogId.NotFound'] },
    filters: { 'flow-log-id': (f) => f.FlowLogId, 'resource-id': (f) => f.ResourceId },
  }),
  DescribeStaleSecurityGroups: {
    // One VPC per call, no filters.
    result: 'staleSecurityGroupSet', shape: 'StaleSecurityGroup', maxResults: [5, 255],
    allowed: allowedParams([], ['VpcId'], true, false),
    select({ params, fixture }) {
      const vpc = params.get('VpcId');
      if (!vpc) throw new ApiError(400, 'MissingParameter', 'The request must contain the parameter VpcId');
      if (fixture.vpcs && !fixture.vpcs.some((v) => v.VpcId === vpc)) {
        throw new ApiError(400, 'InvalidVpcID.NotFound', `The vpc ID '${vpc}' does not exist`);
      }
      return (fixture.staleSecurityGroups ?? []).filter((g) => g.VpcId === vpc);
    },
  },
  DescribeRegions: {
    result: 'regionInfo', shape: 'Region', allowed: allowedParams(['RegionName'], ['AllRegions'], false),
    select({ params, account }) {
      const regions = Object.keys(account.regions).map((name): Region =>
        ({ RegionName: name, Endpoint: `ec2.${name}.amazonaws.com`, OptInStatus: 'opt-in-not-required' }));
      const names = listParam(params, 'RegionName');
      const missing = names.find((n) => !(n in account.regions));
      if (missing) throw new ApiError(400, 'InvalidParameterValue', `Invalid region name: ${missing}`);
      const match = matcher<Region>({ filters: { 'region-name': (r) => r.RegionName, 'opt-in-status': (r) => r.OptInStatus } }, params, regions);
      return regions.filter((r) => (names.length === 0 || names.includes(r.RegionName ?? '')) && match(r));
    },
  },
};

// ---------------------------------------------------------------------------------------------
// SigV4.

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

interface Caller { account: AccountFixture; region: string; service: string }

function verifySignature(req: IncomingMessage, body: Buffer, accounts: readonly AccountFixture[], scopedTo: 'ec2' | 'sts' | 'organizations'): Caller {
  const isSts = scopedTo !== 'ec2';
  const header = req.headers.authorization;
  if (!header) throw new ApiError(401, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/
    .exec(header);
  if (!m) throw new ApiError(400, 'IncompleteSignature', `Authorization header is malformed: ${header}`);
  const [, keyId = '', date = '', region = '', service = '', signedHeaders = '', signature = ''] = m;
  const account = accounts.find((a) => a.accessKeyId === keyId);
  if (!account) {
    throw isSts ? new ApiError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.')
      : new ApiError(401, 'AuthFailure', AUTH_FAILURE);
  }
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const names = signedHeaders.split(';');
  if (!amzDate.startsWith(date) || !names.includes('host') || !names.includes('x-amz-date')) {
    throw new ApiError(403, 'SignatureDoesNotMatch', 'Date, host and x-amz-date must be signed and agree with the credential scope.');
  }
  if (service !== scopedTo) {
    throw new ApiError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: '${scopedTo}'.`);
  }
  const payloadHash = sha256(body);
  const claimed = req.headers['x-amz-content-sha256'];
  if (claimed !== undefined && claimed !== payloadHash) {
    throw new ApiError(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match the body.');
  }
  const [path = '/', query = ''] = (req.url ?? '/').split('?');
  const canonicalRequest = [
    req.method ?? 'POST', path, query.split('&').filter(Boolean).sort().join('&'),
    ...names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}`), '',
    signedHeaders, payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = [date, region, service, 'aws4_request'].reduce<Buffer | string>(hmac, `AWS4${account.secretAccessKey}`);
  const expected = hmac(key, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    throw new ApiError(403, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return { account, region, service };
}

// ---------------------------------------------------------------------------------------------
// Server.

interface TokenState { scope: string; offset: number; page: number }

const FIXTURE_SHAPES: Record<Exclude<keyof RegionFixture, 'prefixListEntries'>, string> = {
  securityGroups: 'SecurityGroup', securityGroupRules: 'SecurityGroupRule', networkInterfaces: 'NetworkInterface',
  reservations: 'Reservation', vpcs: 'Vpc', subnets: 'Subnet', routeTables: 'RouteTable', networkAcls: 'NetworkAcl',
  internetGateways: 'InternetGateway', egressOnlyInternetGateways: 'EgressOnlyInternetGateway', managedPrefixLists: 'ManagedPrefixList', flowLogs: 'FlowLog',
  staleSecurityGroups: 'StaleSecurityGroup',
};

export async function startFakeEc2(options: FakeEc2Options): Promise<FakeEc2> {
  // Serialize every fixture once so an unsupported member fails the test set-up, not a request.
  for (const account of options.accounts) {
    for (const [region, fixture] of Object.entries(account.regions)) {
      for (const [key, shape] of Object.entries(FIXTURE_SHAPES)) {
        xmlItems(fixture[key as keyof typeof FIXTURE_SHAPES] ?? [], shape, `${account.accountId}/${region}.${key}`);
      }
      for (const [id, entries] of Object.entries(fixture.prefixListEntries ?? {})) {
        xmlItems(entries, 'PrefixListEntry', `${account.accountId}/${region}.prefixListEntries.${id}`);
      }
    }
  }

  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const tokens = new Map<string, TokenState>();
  const attempts = new Map<string, number>();
  const pageCache = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();

  /** Organizations speaks JSON 1.1 (X-Amz-Target), not the Query protocol: ListAccounts only. */
  function handleOrganizations(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const action = String(req.headers['x-amz-target'] ?? '').replace(/^AWSOrganizationsV20161128\./, '');
    let input: { NextToken?: string; MaxResults?: number } = {};
    try {
      input = JSON.parse(body.toString('utf8') || '{}') as typeof input;
    } catch {
      // answered as a bad request below
    }
    const record: RecordedRequest = { service: 'organizations', action, region: '', accountId: '', params: { ...(input.NextToken ? { NextToken: input.NextToken } : {}) }, status: 0 };
    requests.push(record);
    const send = (status: number, json: unknown): void => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(json));
    };
    try {
      if (action !== 'ListAccounts') {
        violations.push(`organizations action ${action}`);
        throw new ApiError(400, 'UnsupportedAPIEndpointException', `fake-ec2 serves only ListAccounts, not ${action}`);
      }
      const { account, region } = verifySignature(req, body, options.accounts, 'organizations');
      record.accountId = account.accountId;
      record.region = region;
      const org = options.organization;
      if (!org) throw new ApiError(400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
      if (account.accountId !== org.managementAccountId) {
        throw new ApiError(400, 'AccessDeniedException', 'You don\'t have permissions to access this resource.');
      }
      const offset = input.NextToken ? Number(input.NextToken.replace('org-page-', '')) : 0;
      const size = Math.min(input.MaxResults ?? 20, options.maxPageSize ?? 20);
      const page = org.accounts.slice(offset, offset + size);
      const next = offset + page.length < org.accounts.length ? { NextToken: `org-page-${offset + page.length}` } : {};
      send(200, { Accounts: page.map((a) => ({ ...a, Arn: `arn:aws:organizations::${org.managementAccountId}:account/o-fake/${a.Id}`, Email: `${a.Id}@example.com` })), ...next });
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(500, 'ServiceException', String(e));
      send(error.status, { __type: error.code, message: error.message });
    }
  }

  /** STS AssumeRole: the target account's credentials, if its role trusts the caller (and the external id matches). */
  function assumeRole(caller: AccountFixture, params: Map<string, string>, requestId: string): string {
    const roleArn = params.get('RoleArn') ?? '';
    const m = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    const target = m ? options.accounts.find((a) => a.accountId === m[1]) : undefined;
    const role = m && target ? target.roles?.[m[2] as string] : undefined;
    const denied = () => new ApiError(403, 'AccessDenied', `User: arn:aws:iam::${caller.accountId}:user/sg-audit-test is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    if (!target || !role || !role.trusts.includes(caller.accountId)) throw denied();
    if (role.externalId !== undefined && params.get('ExternalId') !== role.externalId) throw denied();
    if (!params.get('RoleSessionName')) throw new ApiError(400, 'ValidationError', 'RoleSessionName is required');
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    return `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials>`
      + `<AccessKeyId>${escapeXml(target.accessKeyId)}</AccessKeyId><SecretAccessKey>${escapeXml(target.secretAccessKey)}</SecretAccessKey>`
      + `<SessionToken>fake-session-${randomUUID()}</SessionToken><Expiration>${expiration}</Expiration></Credentials>`
      + `<AssumedRoleUser><Arn>arn:aws:sts::${target.accountId}:assumed-role/${escapeXml(m?.[2] ?? '')}/${escapeXml(params.get('RoleSessionName') ?? '')}</Arn>`
      + `<AssumedRoleId>AROAFAKE:${escapeXml(params.get('RoleSessionName') ?? '')}</AssumedRoleId></AssumedRoleUser>`
      + `</AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (req.headers['x-amz-target'] !== undefined) return handleOrganizations(req, body, res);
    const params = new Map(new URLSearchParams(body.toString('utf8')));
    const action = params.get('Action') ?? '';
    const version = params.get('Version') ?? '';
    params.delete('Action');
    params.delete('Version');
    const isSts = version === STS_VERSION;
    const record: RecordedRequest = {
      service: isSts ? 'sts' : version === EC2_VERSION ? 'ec2' : 'unknown',
      action, region: '', accountId: '', params: Object.fromEntries(params), status: 0,
    };
    requests.push(record);
    const requestId = randomUUID();
    const send = (status: number, xml: string): void => {
      record.status = status;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId });
      res.end(xml);
    };
    const sendError = (e: ApiError): void => send(e.status, isSts
      ? `<ErrorResponse xmlns="${STS_NS}"><Error><Type>${e.status >= 500 ? 'Receiver' : 'Sender'}</Type>`
        + `<Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(e.code)}</Code>`
        + `<Message>${escapeXml(e.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`);

    try {
      // Checked before anything else, so a mutating call is caught even when it would fail to authenticate.
      // AssumeRole changes nothing in any account: it only hands out credentials.
      if (!/^(Describe|Get)/.test(action) && !(isSts && action === 'AssumeRole')) {
        const credential = /Credential=([^,\s]+)/.exec(req.headers.authorization ?? '')?.[1] ?? 'unsigned';
        violations.push(`non-read-only action ${action || '(none)'} ${JSON.stringify(record.params)} [${credential}]`);
        throw new ApiError(403, 'UnauthorizedOperation', `You are not authorized to perform this operation (${action}).`);
      }
      if (req.method !== 'POST') throw new ApiError(400, 'InvalidHttpRequest', 'fake-ec2 only accepts form-encoded POST');
      if (record.service === 'unknown') throw new ApiError(400, 'InvalidParameterValue', `Unsupported Version '${version}'`);
      const { account, region } = verifySignature(req, body, options.accounts, isSts ? 'sts' : 'ec2');
      record.accountId = account.accountId;
      record.region = region;
      const fixture = account.regions[region];
      if (!isSts && !fixture) throw new ApiError(401, 'AuthFailure', AUTH_FAILURE);
      const spec = isSts ? undefined : ACTIONS[action];
      if (isSts ? action !== 'GetCallerIdentity' && action !== 'AssumeRole' : !spec) {
        throw new ApiError(400, 'InvalidAction', `The action ${action} is not valid for this web service (fake-ec2).`);
      }
      for (const name of params.keys()) {
        const stsAllowed = action === 'AssumeRole' && /^(RoleArn|RoleSessionName|ExternalId|DurationSeconds)$/.test(name);
        if (isSts ? !stsAllowed : !spec?.allowed.test(name)) {
          throw new ApiError(400, 'UnknownParameter', `The parameter ${name} is not recognized (by fake-ec2 for ${action})`);
        }
      }

      const token = params.get('NextToken');
      const scope = [account.accountId, region, action,
        JSON.stringify([...params].filter(([k]) => k !== 'NextToken' && k !== 'MaxResults').sort())].join('|');
      const state = token === undefined ? undefined : tokens.get(token);
      if (token !== undefined && state?.scope !== scope) {
        throw new ApiError(400, 'InvalidPaginationToken', `The pagination token '${token}' is invalid.`);
      }
      const attemptKey = `${scope}|${token ?? ''}`;
      const attempt = attempts.get(attemptKey) ?? 0;
      attempts.set(attemptKey, attempt + 1);

      const fault = options.fault?.({ action, region, accountId: account.accountId, page: state?.page ?? 0, attempt, params: record.params });
      if (fault?.kind === 'throttle') {
        throw isSts ? new ApiError(400, 'Throttling', 'Rate exceeded')
          : new ApiError(400, 'RequestLimitExceeded', 'Request limit exceeded.');
      }
      if (fault?.kind === 'error') throw new ApiError(fault.status, fault.code, fault.message ?? `Injected ${fault.code}`);
      if (fault?.kind === 'delay') {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => { timers.delete(timer); resolve(); }, fault.ms);
          timers.add(timer);
        });
      }

      let xml: string;
      if (isSts && action === 'AssumeRole') {
        xml = assumeRole(account, params, requestId);
      } else if (!spec || !fixture) {
        const arn = account.arn ?? `arn:aws:iam::${account.accountId}:user/sg-audit-test`;
        xml = `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>${escapeXml(arn)}</Arn>`
          + `<UserId>AIDA${account.accountId}</UserId><Account>${account.accountId}</Account></GetCallerIdentityResult>`
          + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
      } else {
        const rawMax = params.get('MaxResults');
        const maxResults = rawMax === undefined ? undefined : Number(rawMax);
        const [lo, hi] = spec.maxResults ?? [0, 0];
        if (maxResults !== undefined && !(Number.isInteger(maxResults) && maxResults >= lo && maxResults <= hi)) {
          throw new ApiError(400, 'InvalidParameterValue', `Value ( ${rawMax} ) for parameter maxResults is invalid. Expecting a value between ${lo} and ${hi}.`);
        }
        if (maxResults !== undefined && spec.idsWithMaxResults === false && [...params.keys()].some((k) => /Id\.\d+$/.test(k))) {
          throw new ApiError(400, 'InvalidParameterCombination', 'The parameter maxResults cannot be used with an ID list.');
        }
        if (params.get('DryRun') === 'true') {
          throw new ApiError(412, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
        }
        // Calls without a MaxResults range (DescribeRegions) are not paginated by EC2 at all.
        const size = spec.maxResults ? Math.min(maxResults ?? Infinity, options.maxPageSize ?? Infinity) : Infinity;
        const offset = state?.offset ?? 0;
        const cacheKey = `${scope}|${offset}|${size}`;
        const cached = options.cacheResponses ? pageCache.get(cacheKey) : undefined;
        if (cached !== undefined) {
          send(200, cached);
          return;
        }
        const items = spec.select({ params, fixture, account, region });
        const page = items.slice(offset, offset + size);
        let next = '';
        if (fault?.kind === 'endlessToken') {
          const id = `endless-${randomUUID()}`;
          tokens.set(id, { scope, offset, page: (state?.page ?? 0) + 1 });
          next = `<nextToken>${escapeXml(id)}</nextToken>`;
        } else if (offset + page.length < items.length) {
          // Real tokens are base64 with '+', '/' and '='; a collector must pass them back verbatim.
          const id = Buffer.concat([Buffer.from([0xfb, 0xff]), randomBytes(15)]).toString('base64');
          tokens.set(id, { scope, offset: offset + page.length, page: (state?.page ?? 0) + 1 });
          next = `<nextToken>${escapeXml(id)}</nextToken>`;
        }
        xml = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NS}"><requestId>${requestId}</requestId>`
          + `<${spec.result}>${xmlItems(page, spec.shape, spec.result)}</${spec.result}>${next}</${action}Response>`;
        if (options.cacheResponses && !fault) pageCache.set(cacheKey, xml);
      }

      if (fault?.kind === 'malformed') send(200, 'Service Unavailable. This body is not XML.');
      else if (fault?.kind === 'truncated') send(200, xml.slice(0, Math.floor(xml.length / 2)));
      else send(200, xml);
    } catch (e) {
      if (e instanceof ApiError) return sendError(e);
      // A fixture edited after start-up that the wire table cannot carry, or a bug in the fake.
      violations.push(`fake-ec2 internal error on ${action}: ${e instanceof Error ? e.message : String(e)}`);
      sendError(new ApiError(500, 'InternalError', 'fake-ec2 internal error; see violations'));
    }
  }

  // A client that aborts mid-body (e.g. its own timeout) must not crash the test process.
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    countByAction() {
      const counts: Record<string, number> = {};
      for (const r of requests) counts[r.action] = (counts[r.action] ?? 0) + 1;
      return counts;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // The SDK keeps sockets alive; without this close() waits for them to idle out.
        server.closeAllConnections();
      });
    },
  };
}
