// RawSnapshot → AuditModel. Pure and total: saved JSON is untrusted input, so every field is
// read through a narrowing helper, and a malformed value becomes an InputError that names the
// file and the JSON path — never a crash, never a silently skipped permission.
import type { RawPart, RawScope, RawSnapshot } from '../collect/types.js';
import { inputError } from '../errors.js';
import { DATA_KINDS, DATA_KIND_INFO, type DataKind } from './kinds.js';
import { parseCidr, type Cidr } from './net.js';
import { ALL_PORTS, type PortRange } from './ports.js';
import type {
  AuditModel,
  Direction,
  EgressOnlyInternetGateway,
  FlowLog,
  Instance,
  InternetGateway,
  KindStatus,
  NaclEntry,
  NetworkAcl,
  NetworkInterface,
  Permission,
  PrefixList,
  Protocol,
  ResourceRef,
  Route,
  RouteTable,
  Scope,
  SecurityGroup,
  Source,
  Subnet,
  Vpc,
} from './types.js';
import { pushTo } from './multimap.js';
import { scopeKey } from './types.js';

type Json = Readonly<Record<string, unknown>>;

/** Reads untrusted JSON, failing with the origin file and the JSON path of the bad value. */
class Reader {
  constructor(readonly origin: string) {}

  fail(path: string, problem: string): never {
    throw inputError(
      `${this.origin}: ${path} ${problem}`,
      'the file is not valid `aws ec2 describe-*` output: re-export it, or fix or remove that entry',
    );
  }

  object(value: unknown, path: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'is not an object');
    return value as Json;
  }

  list(parent: Json, key: string, path: string): readonly unknown[] {
    const value = parent[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(`${path}.${key}`, 'is not a list');
    return value;
  }

  str(parent: Json, key: string, path: string): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(`${path}.${key}`, 'is not a string');
    return value;
  }

  requiredStr(parent: Json, key: string, path: string): string {
    const value = this.str(parent, key, path);
    if (value === undefined || value === '') this.fail(`${path}.${key}`, 'is missing');
    return value;
  }

  int(parent: Json, key: string, path: string): number | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    // The CLI prints numbers; tolerate numeric strings from hand-edited files.
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n)) this.fail(`${path}.${key}`, 'is not an integer');
    return n;
  }

  bool(parent: Json, key: string, path: string): boolean {
    const value = parent[key];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') this.fail(`${path}.${key}`, 'is not true or false');
    return value;
  }
}

const PROTOCOL_NAMES: Readonly<Record<string, Protocol>> = {
  '-1': 'all',
  all: 'all',
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  icmp: 'icmp',
  '1': 'icmp',
  icmpv6: 'icmpv6',
  '58': 'icmpv6',
};

/**
 * Unifies IpProtocol spellings: names any case, numbers 6/17/1/58 as names, "-1"/"all" as all.
 * Other IANA numbers stay numbers (they open that protocol only: no TCP or UDP port).
 * Returns undefined for anything else, which the caller treats as all traffic (fail closed).
 */
export function normalizeProtocol(raw: string): Protocol | undefined {
  const value = raw.trim().toLowerCase();
  const named = PROTOCOL_NAMES[value];
  if (named !== undefined) return named;
  if (/^\d{1,3}$/.test(value)) {
    const n = Number(value);
    // "06" is still TCP: map the number, not its spelling.
    if (n <= 255) return PROTOCOL_NAMES[String(n)] ?? n;
  }
  return undefined;
}

/** Ports a TCP/UDP permission covers. A missing or -1 bound means "all ports", never port 0. */
function tcpUdpPorts(from: number | undefined, to: number | undefined): PortRange {
  if (from === undefined || to === undefined || from < 0 || to < 0) return ALL_PORTS;
  return { from, to };
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  return 'aws';
}

function readTags(r: Reader, item: Json, key: string, path: string): Record<string, string> {
  const tags: Record<string, string> = {};
  r.list(item, key, path).forEach((t, i) => {
    const tag = r.object(t, `${path}.${key}[${i}]`);
    const k = r.str(tag, 'Key', `${path}.${key}[${i}]`);
    if (k !== undefined) tags[k] = r.str(tag, 'Value', `${path}.${key}[${i}]`) ?? '';
  });
  return tags;
}

interface PermissionContext {
  readonly groupId: string;
  readonly direction: Direction;
  readonly warnings: string[];
  readonly where: string;
  /** The scope's prefix lists, to resolve `pl-` sources. */
  readonly prefixLists?: ReadonlyMap<string, PrefixList>;
  /** The scope's `sgr-` ids by permissionKey. */
  readonly ruleIds?: ReadonlyMap<string, string>;
}

/**
 * What identifies one security group rule across DescribeSecurityGroups and
 * DescribeSecurityGroupRules, which spell the same rule differently (ports left out or -1,
 * CIDRs in any form): group, direction, normalized protocol and match, and source.
 */
export function permissionKey(p: Permission): string {
  const match = p.ports ? `${p.ports.from}-${p.ports.to}` : p.icmp ? `icmp ${p.icmp.type}/${p.icmp.code}` : '';
  const source =
    p.source.kind === 'cidr'
      ? `${p.source.cidr.family}:${p.source.cidr.first}/${p.source.cidr.prefix}`
      : p.source.kind === 'prefix-list'
        ? p.source.prefixListId
        : p.source.groupId;
  return [p.groupId, p.direction, String(p.protocol), match, source].join('|');
}

function readPermissions(r: Reader, raw: readonly unknown[], path: string, ctx: PermissionContext): Permission[] {
  const out: Permission[] = [];
  raw.forEach((entry, permissionIndex) => {
    const at = `${path}[${permissionIndex}]`;
    const perm = r.object(entry, at);
    const rawProtocol = r.requiredStr(perm, 'IpProtocol', at);
    let protocol = normalizeProtocol(rawProtocol);
    if (protocol === undefined) {
      ctx.warnings.push(`${ctx.where}: ${ctx.groupId} has unrecognized protocol "${rawProtocol}"; treated as all traffic`);
      protocol = 'all';
    }
    const from = r.int(perm, 'FromPort', at);
    const to = r.int(perm, 'ToPort', at);
    // AWS rejects such a rule; in an edited file it must not silently open nothing.
    if (protocol === 'tcp' || protocol === 'udp') {
      if (from !== undefined && from > 65535) r.fail(`${at}.FromPort`, `${from} is not a port (0-65535)`);
      if (to !== undefined && to > 65535) r.fail(`${at}.ToPort`, `${to} is not a port (0-65535)`);
      if (from !== undefined && to !== undefined && from >= 0 && to >= 0 && from > to) {
        r.fail(`${at}.FromPort`, `${from} is greater than ToPort ${to}`);
      }
    }
    // ICMP/ICMPv6 FromPort/ToPort are type/code (-1 = all); `all` and other protocols ignore them.
    const base =
      protocol === 'tcp' || protocol === 'udp'
        ? { ports: tcpUdpPorts(from, to) }
        : protocol === 'icmp' || protocol === 'icmpv6'
          ? { icmp: { type: from ?? -1, code: to ?? -1 } }
          : {};
    const push = (source: Source, description: string | undefined) => {
      const permission: Permission = {
        groupId: ctx.groupId,
        direction: ctx.direction,
        protocol: protocol as Protocol,
        ...base,
        source,
        ...(description ? { description } : {}),
        permissionIndex,
      };
      const ruleId = ctx.ruleIds?.get(permissionKey(permission));
      out.push(ruleId ? { ...permission, ruleId } : permission);
    };

    for (const [key, field] of [
      ['IpRanges', 'CidrIp'],
      ['Ipv6Ranges', 'CidrIpv6'],
    ] as const) {
      r.list(perm, key, at).forEach((item, i) => {
        const itemPath = `${at}.${key}[${i}]`;
        const range = r.object(item, itemPath);
        const text = r.requiredStr(range, field, itemPath);
        const cidr = parseCidr(text);
        if (!cidr) r.fail(`${itemPath}.${field}`, `"${text}" is not a CIDR`);
        push({ kind: 'cidr', cidr }, r.str(range, 'Description', itemPath));
      });
    }
    r.list(perm, 'PrefixListIds', at).forEach((item, i) => {
      const itemPath = `${at}.PrefixListIds[${i}]`;
      const pl = r.object(item, itemPath);
      const prefixListId = r.requiredStr(pl, 'PrefixListId', itemPath);
      const known = ctx.prefixLists?.get(prefixListId);
      push(
        {
          kind: 'prefix-list',
          prefixListId,
          ...(known?.name !== undefined ? { name: known.name } : {}),
          ...(known?.entries !== undefined ? { entries: known.entries } : {}),
        },
        r.str(pl, 'Description', itemPath),
      );
    });
    r.list(perm, 'UserIdGroupPairs', at).forEach((item, i) => {
      const itemPath = `${at}.UserIdGroupPairs[${i}]`;
      const pair = r.object(item, itemPath);
      const groupId = r.str(pair, 'GroupId', itemPath) ?? r.requiredStr(pair, 'GroupName', itemPath);
      const userId = r.str(pair, 'UserId', itemPath);
      const vpcId = r.str(pair, 'VpcId', itemPath);
      const peeringConnectionId = r.str(pair, 'VpcPeeringConnectionId', itemPath);
      const peeringStatus = r.str(pair, 'PeeringStatus', itemPath);
      push(
        {
          kind: 'security-group',
          groupId,
          ...(userId !== undefined ? { userId } : {}),
          ...(vpcId !== undefined ? { vpcId } : {}),
          ...(peeringConnectionId !== undefined ? { peeringConnectionId } : {}),
          ...(peeringStatus !== undefined ? { peeringStatus } : {}),
          self: groupId === ctx.groupId,
        },
        r.str(pair, 'Description', itemPath),
      );
    });
  });
  return out;
}

interface ScopeInput {
  readonly accountId: string;
  readonly region: string;
  /** scopeKey(accountId, region) */
  readonly key: string;
}

interface ScopeResolvers {
  readonly prefixLists: ReadonlyMap<string, PrefixList>;
  readonly ruleIds: ReadonlyMap<string, string>;
}

function readGroup(r: Reader, item: unknown, path: string, scope: ScopeInput, warnings: string[], resolvers: ScopeResolvers): SecurityGroup {
  const g = r.object(item, path);
  const id = r.requiredStr(g, 'GroupId', path);
  const name = r.str(g, 'GroupName', path) ?? '';
  const vpcId = r.str(g, 'VpcId', path);
  const accountId = r.str(g, 'OwnerId', path) ?? scope.accountId;
  const arn =
    r.str(g, 'SecurityGroupArn', path) ??
    `arn:${partitionOf(scope.region)}:ec2:${scope.region}:${accountId}:security-group/${id}`;
  const where = r.origin;
  const ingress = readPermissions(r, r.list(g, 'IpPermissions', path), `${path}.IpPermissions`, {
    groupId: id,
    direction: 'ingress',
    warnings,
    where,
    ...resolvers,
  });
  const egress = readPermissions(r, r.list(g, 'IpPermissionsEgress', path), `${path}.IpPermissionsEgress`, {
    groupId: id,
    direction: 'egress',
    warnings,
    where,
    ...resolvers,
  });
  const ref = {
    type: 'security-group' as const,
    id,
    name,
    arn,
    accountId,
    region: scope.region,
    ...(vpcId !== undefined ? { vpcId } : {}),
  };
  return {
    id,
    scope: scope.key,
    name,
    description: r.str(g, 'Description', path) ?? '',
    ...(vpcId !== undefined ? { vpcId } : {}),
    accountId,
    region: scope.region,
    arn,
    tags: readTags(r, g, 'Tags', path),
    isDefault: name.toLowerCase() === 'default',
    ingress,
    egress,
    ref,
  };
}

function readGroupIds(r: Reader, parent: Json, key: string, path: string): string[] {
  return r.list(parent, key, path).map((item, i) => r.requiredStr(r.object(item, `${path}.${key}[${i}]`), 'GroupId', `${path}.${key}[${i}]`));
}

function readInterface(r: Reader, item: unknown, path: string, scope: ScopeInput): NetworkInterface {
  const e = r.object(item, path);
  const attachment = e['Attachment'] === undefined ? undefined : r.object(e['Attachment'], `${path}.Attachment`);
  const association = e['Association'] === undefined ? undefined : r.object(e['Association'], `${path}.Association`);
  const publicIps = new Set<string>();
  const primaryPublic = association && r.str(association, 'PublicIp', `${path}.Association`);
  if (primaryPublic) publicIps.add(primaryPublic);
  r.list(e, 'PrivateIpAddresses', path).forEach((p, i) => {
    const at = `${path}.PrivateIpAddresses[${i}]`;
    const priv = r.object(p, at);
    if (priv['Association'] !== undefined) {
      const ip = r.str(r.object(priv['Association'], `${at}.Association`), 'PublicIp', `${at}.Association`);
      if (ip) publicIps.add(ip);
    }
  });
  const ipv6Addresses = r
    .list(e, 'Ipv6Addresses', path)
    .map((a, i) => r.str(r.object(a, `${path}.Ipv6Addresses[${i}]`), 'Ipv6Address', `${path}.Ipv6Addresses[${i}]`))
    .filter((a): a is string => a !== undefined);
  const vpcId = r.str(e, 'VpcId', path);
  const subnetId = r.str(e, 'SubnetId', path);
  const instanceId = attachment && r.str(attachment, 'InstanceId', `${path}.Attachment`);
  const id = r.requiredStr(e, 'NetworkInterfaceId', path);
  const accountId = r.str(e, 'OwnerId', path) ?? scope.accountId;
  const description = r.str(e, 'Description', path) ?? '';
  return {
    scope: scope.key,
    id,
    accountId,
    region: scope.region,
    ...(vpcId !== undefined ? { vpcId } : {}),
    ...(subnetId !== undefined ? { subnetId } : {}),
    groupIds: readGroupIds(r, e, 'Groups', path),
    ...(instanceId ? { instanceId } : {}),
    interfaceType: r.str(e, 'InterfaceType', path) ?? 'interface',
    requesterManaged: r.bool(e, 'RequesterManaged', path),
    description,
    status: r.str(e, 'Status', path) ?? '',
    publicIps: [...publicIps].sort(),
    ipv6Addresses,
    denyAllIgwTraffic: r.bool(e, 'DenyAllIgwTraffic', path),
    // Named after what it serves: its instance, else the service's own description ("ELB app/…").
    ref: resourceRef('network-interface', id, instanceId || description, accountId, scope.region, vpcId),
  };
}

function readInstances(r: Reader, item: unknown, path: string, scope: ScopeInput): Instance[] {
  const reservation = r.object(item, path);
  const owner = r.str(reservation, 'OwnerId', path) ?? scope.accountId;
  return r.list(reservation, 'Instances', path).map((raw, i) => {
    const at = `${path}.Instances[${i}]`;
    const inst = r.object(raw, at);
    const groupIds = new Set(readGroupIds(r, inst, 'SecurityGroups', at));
    r.list(inst, 'NetworkInterfaces', at).forEach((ni, j) => {
      for (const id of readGroupIds(r, r.object(ni, `${at}.NetworkInterfaces[${j}]`), 'Groups', `${at}.NetworkInterfaces[${j}]`)) {
        groupIds.add(id);
      }
    });
    const state = inst['State'] === undefined ? undefined : r.str(r.object(inst['State'], `${at}.State`), 'Name', `${at}.State`);
    const name = readTags(r, inst, 'Tags', at)['Name'];
    const vpcId = r.str(inst, 'VpcId', at);
    const subnetId = r.str(inst, 'SubnetId', at);
    const publicIp = r.str(inst, 'PublicIpAddress', at);
    return {
      id: r.requiredStr(inst, 'InstanceId', at),
      accountId: owner,
      region: scope.region,
      ...(vpcId !== undefined ? { vpcId } : {}),
      ...(subnetId !== undefined ? { subnetId } : {}),
      state: state ?? 'unknown',
      ...(name !== undefined ? { name } : {}),
      groupIds: [...groupIds].sort(),
      ...(publicIp !== undefined ? { publicIp } : {}),
    };
  });
}

function readVpc(r: Reader, item: unknown, path: string, scope: ScopeInput): Vpc {
  const v = r.object(item, path);
  const cidrBlock = r.str(v, 'CidrBlock', path);
  const name = readTags(r, v, 'Tags', path)['Name'];
  const id = r.requiredStr(v, 'VpcId', path);
  const accountId = r.str(v, 'OwnerId', path) ?? scope.accountId;
  const isDefault = r.bool(v, 'IsDefault', path);
  return {
    id,
    scope: scope.key,
    accountId,
    region: scope.region,
    isDefault,
    ...(cidrBlock !== undefined ? { cidrBlock } : {}),
    ...(name !== undefined ? { name } : {}),
    ref: resourceRef('vpc', id, name ?? (isDefault ? 'default VPC' : ''), accountId, scope.region, id),
  };
}

const ARN_RESOURCE: Readonly<Record<ResourceRef['type'], string>> = {
  'security-group': 'security-group',
  'network-acl': 'network-acl',
  vpc: 'vpc',
  'network-interface': 'network-interface',
};

function resourceRef(
  type: ResourceRef['type'],
  id: string,
  name: string,
  accountId: string,
  region: string,
  vpcId: string | undefined,
  arn?: string,
): ResourceRef {
  return {
    type,
    id,
    name,
    arn: arn ?? `arn:${partitionOf(region)}:ec2:${region}:${accountId}:${ARN_RESOURCE[type]}/${id}`,
    accountId,
    region,
    ...(vpcId !== undefined ? { vpcId } : {}),
  };
}

function readSubnet(r: Reader, item: unknown, path: string, scope: ScopeInput): Subnet {
  const s = r.object(item, path);
  const vpcId = r.str(s, 'VpcId', path);
  const cidrBlock = r.str(s, 'CidrBlock', path);
  const availabilityZone = r.str(s, 'AvailabilityZone', path);
  const name = readTags(r, s, 'Tags', path)['Name'];
  return {
    id: r.requiredStr(s, 'SubnetId', path),
    accountId: r.str(s, 'OwnerId', path) ?? scope.accountId,
    region: scope.region,
    ...(vpcId !== undefined ? { vpcId } : {}),
    ...(cidrBlock !== undefined ? { cidrBlock } : {}),
    ...(availabilityZone !== undefined ? { availabilityZone } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

function readNaclEntry(r: Reader, item: unknown, path: string): NaclEntry {
  const e = r.object(item, path);
  const ruleNumber = r.int(e, 'RuleNumber', path);
  if (ruleNumber === undefined) r.fail(`${path}.RuleNumber`, 'is missing');
  const rawProtocol = r.requiredStr(e, 'Protocol', path);
  // An entry we cannot read must not be guessed at: it could be the deny that closes a port.
  const protocol = normalizeProtocol(rawProtocol);
  if (protocol === undefined) r.fail(`${path}.Protocol`, `"${rawProtocol}" is not a protocol`);
  const action = r.requiredStr(e, 'RuleAction', path);
  if (action !== 'allow' && action !== 'deny') r.fail(`${path}.RuleAction`, `"${action}" is not allow or deny`);
  const field = r.str(e, 'CidrBlock', path) !== undefined ? 'CidrBlock' : 'Ipv6CidrBlock';
  const cidrText = r.str(e, field, path);
  if (cidrText === undefined) r.fail(path, 'has neither CidrBlock nor Ipv6CidrBlock');
  const cidr = parseCidr(cidrText);
  if (!cidr) r.fail(`${path}.${field}`, `"${cidrText}" is not a CIDR`);
  let ports: PortRange | undefined;
  if (protocol === 'tcp' || protocol === 'udp') {
    const range = e['PortRange'] === undefined ? undefined : r.object(e['PortRange'], `${path}.PortRange`);
    const from = range && r.int(range, 'From', `${path}.PortRange`);
    const to = range && r.int(range, 'To', `${path}.PortRange`);
    if (from !== undefined && to !== undefined && (from > to || to > 65535)) r.fail(`${path}.PortRange`, `${from}-${to} is not a port range`);
    ports = tcpUdpPorts(from, to);
  }
  return { ruleNumber, egress: r.bool(e, 'Egress', path), action, protocol, ...(ports ? { ports } : {}), cidr };
}

function readNetworkAcl(r: Reader, item: unknown, path: string, scope: ScopeInput): NetworkAcl {
  const a = r.object(item, path);
  const id = r.requiredStr(a, 'NetworkAclId', path);
  const vpcId = r.str(a, 'VpcId', path);
  const accountId = r.str(a, 'OwnerId', path) ?? scope.accountId;
  const isDefault = r.bool(a, 'IsDefault', path);
  const name = readTags(r, a, 'Tags', path)['Name'];
  const entries = r
    .list(a, 'Entries', path)
    .map((e, i) => readNaclEntry(r, e, `${path}.Entries[${i}]`))
    .sort((x, y) => x.ruleNumber - y.ruleNumber);
  const subnetIds = r
    .list(a, 'Associations', path)
    .map((x, i) => r.str(r.object(x, `${path}.Associations[${i}]`), 'SubnetId', `${path}.Associations[${i}]`))
    .filter((x): x is string => x !== undefined)
    .sort();
  return {
    id,
    scope: scope.key,
    accountId,
    region: scope.region,
    ...(vpcId !== undefined ? { vpcId } : {}),
    isDefault,
    ...(name !== undefined ? { name } : {}),
    subnetIds,
    entries,
    ref: resourceRef('network-acl', id, name ?? (isDefault ? 'default' : ''), accountId, scope.region, vpcId),
  };
}

/** The target of a route: whichever target field is set (the API sets exactly one). */
const ROUTE_TARGETS: readonly string[] = [
  'GatewayId', 'EgressOnlyInternetGatewayId', 'NatGatewayId', 'TransitGatewayId', 'VpcPeeringConnectionId',
  'NetworkInterfaceId', 'InstanceId', 'CarrierGatewayId', 'LocalGatewayId', 'CoreNetworkArn',
];

/** igw-0ab… → igw, local → local, arn:aws:networkmanager::…:core-network/… → core-network. */
function routeTargetType(field: string, id: string): string {
  if (field === 'CoreNetworkArn') return 'core-network';
  const dash = id.indexOf('-');
  return dash > 0 ? id.slice(0, dash) : id;
}

function readRoute(r: Reader, item: unknown, path: string): Route {
  const route = r.object(item, path);
  const field4 = r.str(route, 'DestinationCidrBlock', path) !== undefined;
  const destinationField = field4 ? 'DestinationCidrBlock' : 'DestinationIpv6CidrBlock';
  const text = r.str(route, destinationField, path);
  const prefixListId = r.str(route, 'DestinationPrefixListId', path);
  let destination: Cidr | undefined;
  if (text !== undefined) {
    destination = parseCidr(text);
    if (!destination) r.fail(`${path}.${destinationField}`, `"${text}" is not a CIDR`);
  } else if (prefixListId === undefined) {
    r.fail(path, 'has no destination (DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId)');
  }
  const field = ROUTE_TARGETS.find((f) => r.str(route, f, path) !== undefined);
  // A route with no target we know (a future target type) still routes somewhere: not to an internet gateway.
  const targetId = field === undefined ? 'unknown' : (r.str(route, field, path) as string);
  return {
    ...(destination ? { destination } : {}),
    ...(prefixListId !== undefined ? { prefixListId } : {}),
    targetId,
    targetType: field === undefined ? 'unknown' : routeTargetType(field, targetId),
    // Hand-made files may leave State out; AWS always sets it, and a usable route is active.
    state: r.str(route, 'State', path) ?? 'active',
  };
}

function readRouteTable(r: Reader, item: unknown, path: string, scope: ScopeInput): RouteTable {
  const t = r.object(item, path);
  const vpcId = r.str(t, 'VpcId', path);
  const name = readTags(r, t, 'Tags', path)['Name'];
  let main = false;
  const subnetIds: string[] = [];
  r.list(t, 'Associations', path).forEach((x, i) => {
    const at = `${path}.Associations[${i}]`;
    const assoc = r.object(x, at);
    // A disassociated (or failed) association no longer routes the subnet.
    const state = assoc['AssociationState'] === undefined ? undefined : r.str(r.object(assoc['AssociationState'], `${at}.AssociationState`), 'State', `${at}.AssociationState`);
    if (state !== undefined && state !== 'associated') return;
    if (r.bool(assoc, 'Main', at)) main = true;
    // Gateway (edge) associations route traffic entering through a gateway, not a subnet's (EC2-NOTES 3.3).
    const subnetId = r.str(assoc, 'SubnetId', at);
    if (subnetId !== undefined) subnetIds.push(subnetId);
  });
  return {
    scope: scope.key,
    id: r.requiredStr(t, 'RouteTableId', path),
    accountId: r.str(t, 'OwnerId', path) ?? scope.accountId,
    region: scope.region,
    ...(vpcId !== undefined ? { vpcId } : {}),
    main,
    subnetIds: subnetIds.sort(),
    routes: r.list(t, 'Routes', path).map((x, i) => readRoute(r, x, `${path}.Routes[${i}]`)),
    ...(name !== undefined ? { name } : {}),
  };
}

// An internet gateway attachment reads "available" once attached; these are the states that no longer carry traffic.
const GONE_ATTACHMENTS = new Set(['detaching', 'detached']);

function attachedVpcs(r: Reader, item: Json, path: string): string[] {
  return r
    .list(item, 'Attachments', path)
    .map((x, i) => r.object(x, `${path}.Attachments[${i}]`))
    .filter((a, i) => !GONE_ATTACHMENTS.has(r.str(a, 'State', `${path}.Attachments[${i}]`) ?? 'available'))
    .map((a, i) => r.str(a, 'VpcId', `${path}.Attachments[${i}]`))
    .filter((v): v is string => v !== undefined)
    .sort();
}

function readInternetGateway(r: Reader, item: unknown, path: string, scope: ScopeInput): InternetGateway {
  const g = r.object(item, path);
  const name = readTags(r, g, 'Tags', path)['Name'];
  return {
    id: r.requiredStr(g, 'InternetGatewayId', path),
    accountId: r.str(g, 'OwnerId', path) ?? scope.accountId,
    region: scope.region,
    vpcIds: attachedVpcs(r, g, path),
    ...(name !== undefined ? { name } : {}),
  };
}

function readEgressOnlyInternetGateway(r: Reader, item: unknown, path: string, scope: ScopeInput): EgressOnlyInternetGateway {
  const g = r.object(item, path);
  return {
    id: r.requiredStr(g, 'EgressOnlyInternetGatewayId', path),
    accountId: scope.accountId,
    region: scope.region,
    vpcIds: attachedVpcs(r, g, path),
  };
}

function readFlowLog(r: Reader, item: unknown, path: string, scope: ScopeInput): FlowLog {
  const f = r.object(item, path);
  const deliverStatus = r.str(f, 'DeliverLogsStatus', path);
  const deliverError = r.str(f, 'DeliverLogsErrorMessage', path);
  const trafficType = r.str(f, 'TrafficType', path);
  return {
    id: r.requiredStr(f, 'FlowLogId', path),
    accountId: scope.accountId,
    region: scope.region,
    resourceId: r.requiredStr(f, 'ResourceId', path),
    status: r.str(f, 'FlowLogStatus', path) ?? 'ACTIVE',
    ...(deliverStatus !== undefined ? { deliverStatus } : {}),
    ...(deliverError !== undefined ? { deliverError } : {}),
    ...(trafficType !== undefined ? { trafficType } : {}),
  };
}

/** The scope's prefix lists: DescribeManagedPrefixLists metadata joined with the entries of each list. */
function readPrefixLists(raw: RawScope, scope: ScopeInput): Map<string, PrefixList> {
  const lists = new Map<string, PrefixList>();
  const described = raw.kinds.prefixLists;
  if (described?.status === 'ok') {
    for (const part of described.parts) {
      const r: Reader = new Reader(part.origin ?? `DescribeManagedPrefixLists ${scope.region}`);
      part.items.forEach((item, i) => {
        const path = `PrefixLists[${i}]`;
        const p = r.object(item, path);
        const id = r.requiredStr(p, 'PrefixListId', path);
        const name = r.str(p, 'PrefixListName', path);
        const ownerId = r.str(p, 'OwnerId', path);
        lists.set(id, {
          id,
          accountId: scope.accountId,
          region: scope.region,
          ...(name !== undefined ? { name } : {}),
          ...(ownerId !== undefined ? { ownerId } : {}),
        });
      });
    }
  }
  const entries = raw.kinds.prefixListEntries;
  if (entries?.status === 'ok') {
    for (const part of entries.parts) {
      const r: Reader = new Reader(part.origin ?? `GetManagedPrefixListEntries ${scope.region}`);
      part.items.forEach((item, i) => {
        const path = `[${i}]`;
        const e = r.object(item, path);
        const id = r.requiredStr(e, 'PrefixListId', path);
        const cidrs: Cidr[] = r.list(e, 'Entries', path).map((entry, j) => {
          const at = `Entries[${j}]`;
          const text = r.requiredStr(r.object(entry, at), 'Cidr', at);
          const cidr = parseCidr(text);
          if (!cidr) r.fail(`${at}.Cidr`, `"${text}" is not a CIDR`);
          return cidr;
        });
        const known = lists.get(id);
        lists.set(id, { ...(known ?? { id, accountId: scope.accountId, region: scope.region }), entries: cidrs });
      });
    }
  }
  return lists;
}

/** `sgr-` ids by permissionKey, from DescribeSecurityGroupRules (one source per rule). */
function readRuleIds(raw: RawScope, scope: ScopeInput): Map<string, string> {
  const ids = new Map<string, string>();
  const result = raw.kinds.securityGroupRules;
  if (result?.status !== 'ok') return ids;
  for (const part of result.parts) {
    const r: Reader = new Reader(part.origin ?? `DescribeSecurityGroupRules ${scope.region}`);
    part.items.forEach((item, i) => {
      const path = `SecurityGroupRules[${i}]`;
      const rule = r.object(item, path);
      const ruleId = r.requiredStr(rule, 'SecurityGroupRuleId', path);
      const groupId = r.requiredStr(rule, 'GroupId', path);
      const referenced = rule['ReferencedGroupInfo'] === undefined ? undefined : r.object(rule['ReferencedGroupInfo'], `${path}.ReferencedGroupInfo`);
      // The same rule in IpPermission form, so it is read (and keyed) exactly like the groups' own.
      const asPermission: Record<string, unknown> = {
        IpProtocol: rule['IpProtocol'],
        FromPort: rule['FromPort'],
        ToPort: rule['ToPort'],
        IpRanges: rule['CidrIpv4'] !== undefined ? [{ CidrIp: rule['CidrIpv4'] }] : [],
        Ipv6Ranges: rule['CidrIpv6'] !== undefined ? [{ CidrIpv6: rule['CidrIpv6'] }] : [],
        PrefixListIds: rule['PrefixListId'] !== undefined ? [{ PrefixListId: rule['PrefixListId'] }] : [],
        UserIdGroupPairs: referenced ? [referenced] : [],
      };
      const direction: Direction = r.bool(rule, 'IsEgress', path) ? 'egress' : 'ingress';
      for (const perm of readPermissions(r, [asPermission], path, { groupId, direction, warnings: [], where: r.origin })) {
        ids.set(permissionKey(perm), ruleId);
      }
    });
  }
  return ids;
}

/** The rules DescribeStaleSecurityGroups reports, as permissions of their groups. */
function readStale(r: Reader, item: unknown, path: string): Permission[] {
  const g = r.object(item, path);
  const groupId = r.requiredStr(g, 'GroupId', path);
  const out: Permission[] = [];
  for (const [key, direction] of [
    ['StaleIpPermissions', 'ingress'],
    ['StaleIpPermissionsEgress', 'egress'],
  ] as const) {
    // StaleIpPermission lists CIDRs and prefix lists as plain strings; only its group pairs matter here.
    const perms = r.list(g, key, path).map((p, i) => {
      const perm = r.object(p, `${path}.${key}[${i}]`);
      return { IpProtocol: perm['IpProtocol'], FromPort: perm['FromPort'], ToPort: perm['ToPort'], UserIdGroupPairs: perm['UserIdGroupPairs'] };
    });
    out.push(...readPermissions(r, perms, `${path}.${key}`, { groupId, direction, warnings: [], where: r.origin }));
  }
  return out;
}

// Kinds whose OwnerId is the account that owns the item (a prefix list's may be "AWS").
const OWNED_KINDS: readonly DataKind[] = [
  'securityGroups', 'networkInterfaces', 'instances', 'vpcs', 'subnets', 'networkAcls', 'routeTables', 'internetGateways',
];

/** Offline data may not say which account it is: take the first OwnerId it carries. */
function inferAccount(scope: RawScope): string {
  if (scope.accountId) return scope.accountId;
  for (const kind of OWNED_KINDS) {
    const result = scope.kinds[kind];
    if (result?.status !== 'ok') continue;
    for (const item of result.parts.flatMap((p) => p.items)) {
      if (typeof item === 'object' && item !== null && 'OwnerId' in item) {
        const owner = (item as Json)['OwnerId'];
        if (typeof owner === 'string' && owner !== '') return owner;
      }
    }
  }
  return 'unknown';
}

/**
 * Records the saved file a resource was read from (offline), so reports can point at it; or, for
 * a resource infrastructure as code defines, the file, line and address that define it.
 */
function withOrigin<T extends { id: string; ref: ResourceRef }>(resource: T, part: RawPart): T {
  const source = part.sources?.get(resource.id);
  if (source) {
    const line = source.line !== undefined ? { line: source.line } : {};
    return { ...resource, ref: { ...resource.ref, origin: source.origin, address: source.address, ...line } };
  }
  return part.origin === undefined ? resource : { ...resource, ref: { ...resource.ref, origin: part.origin } };
}

// An instance on its way out no longer shares anything; DescribeInstances lists terminated ones for about an hour.
const GONE_STATES = new Set(['terminated', 'shutting-down']);

export function normalize(snapshot: RawSnapshot): AuditModel {
  const warnings: string[] = [];
  const scopes: Scope[] = [];
  const groups: SecurityGroup[] = [];
  const interfaces: NetworkInterface[] = [];
  const instances: Instance[] = [];
  const vpcs: Vpc[] = [];
  const subnets: Subnet[] = [];
  const networkAcls: NetworkAcl[] = [];
  const flowLogs: FlowLog[] = [];
  const prefixLists: PrefixList[] = [];
  const routeTables: RouteTable[] = [];
  const internetGateways: InternetGateway[] = [];
  const egressOnlyInternetGateways: EgressOnlyInternetGateway[] = [];
  const staleByGroup = new Map<string, Permission[]>();
  // The same resource given twice (overlapping input files) is counted once. Ids per type, so
  // no key is built for each of the account's 100k resources.
  const seen = new Map<string, Set<string>>();
  const once = <T extends { id: string }>(list: T[], item: T, type: string) => {
    let ids = seen.get(type);
    if (!ids) seen.set(type, (ids = new Set()));
    if (!ids.has(item.id)) (ids.add(item.id), list.push(item));
  };

  for (const raw of snapshot.scopes) {
    const accountId = inferAccount(raw);
    const scope: ScopeInput = { accountId, region: raw.region, key: scopeKey(accountId, raw.region) };
    const scopeLists = readPrefixLists(raw, scope);
    for (const list of scopeLists.values()) once(prefixLists, list, `pl/${scope.accountId}/${scope.region}`);
    const resolvers: ScopeResolvers = { prefixLists: scopeLists, ruleIds: readRuleIds(raw, scope) };
    const kinds = new Map<DataKind, KindStatus>();
    for (const kind of DATA_KINDS) {
      const result = raw.kinds[kind];
      if (!result) {
        kinds.set(kind, { state: 'absent' });
        continue;
      }
      if (result.status === 'error') {
        kinds.set(kind, { state: 'error', error: result.error });
        continue;
      }
      const origins = result.parts.map((p) => p.origin).filter((o): o is string => o !== undefined);
      kinds.set(kind, origins.length > 0 ? { state: 'ok', origin: origins.join(', ') } : { state: 'ok' });
      const key = DATA_KIND_INFO[kind].resultKey;
      for (const part of result.parts) {
        const r: Reader = new Reader(part.origin ?? `${DATA_KIND_INFO[kind].operation} ${scope.region}`);
        part.items.forEach((item, i) => {
          const path = `${key}[${i}]`;
          switch (kind) {
            case 'securityGroups':
              once(groups, withOrigin(readGroup(r, item, path, scope, warnings, resolvers), part), 'sg');
              break;
            case 'networkInterfaces':
              once(interfaces, withOrigin(readInterface(r, item, path, scope), part), 'eni');
              break;
            case 'instances':
              for (const inst of readInstances(r, item, path, scope)) once(instances, inst, 'i');
              break;
            case 'vpcs':
              once(vpcs, withOrigin(readVpc(r, item, path, scope), part), 'vpc');
              break;
            case 'subnets':
              once(subnets, readSubnet(r, item, path, scope), 'subnet');
              break;
            case 'networkAcls':
              once(networkAcls, withOrigin(readNetworkAcl(r, item, path, scope), part), 'acl');
              break;
            case 'flowLogs':
              once(flowLogs, readFlowLog(r, item, path, scope), 'fl');
              break;
            case 'routeTables':
              once(routeTables, readRouteTable(r, item, path, scope), 'rtb');
              break;
            case 'internetGateways':
              once(internetGateways, readInternetGateway(r, item, path, scope), 'igw');
              break;
            case 'egressOnlyInternetGateways':
              once(egressOnlyInternetGateways, readEgressOnlyInternetGateway(r, item, path, scope), 'eigw');
              break;
            case 'staleSecurityGroups':
              for (const perm of readStale(r, item, path)) pushTo(staleByGroup, perm.groupId, perm);
              break;
            case 'securityGroupRules':
            case 'prefixLists':
            case 'prefixListEntries':
              break; // read above: they annotate the groups' permissions
          }
        });
      }
    }
    scopes.push({ accountId: scope.accountId, region: scope.region, kinds });
  }

  const groupsById = new Map(groups.map((g) => [g.id, g]));
  const interfacesByGroup = new Map<string, NetworkInterface[]>();
  const interfacesByVpc = new Map<string, NetworkInterface[]>();
  for (const eni of interfaces) {
    for (const id of eni.groupIds) pushTo(interfacesByGroup, id, eni);
    if (eni.vpcId) pushTo(interfacesByVpc, eni.vpcId, eni);
  }
  const instancesByGroup = new Map<string, Instance[]>();
  const instancesByVpc = new Map<string, Instance[]>();
  for (const inst of instances) {
    if (GONE_STATES.has(inst.state)) continue;
    for (const id of inst.groupIds) pushTo(instancesByGroup, id, inst);
    if (inst.vpcId) pushTo(instancesByVpc, inst.vpcId, inst);
  }
  const referencesTo = new Map<string, Permission[]>();
  for (const g of groups) {
    for (const perm of [...g.ingress, ...g.egress]) {
      if (perm.source.kind === 'security-group' && !perm.source.self) pushTo(referencesTo, perm.source.groupId, perm);
    }
  }
  const flowLogsByResource = new Map<string, FlowLog[]>();
  for (const log of flowLogs) pushTo(flowLogsByResource, log.resourceId, log);

  return {
    scopes,
    groups,
    interfaces,
    instances,
    vpcs,
    subnets,
    networkAcls,
    flowLogs,
    prefixLists,
    routeTables,
    internetGateways,
    egressOnlyInternetGateways,
    groupsById,
    interfacesByGroup,
    interfacesByVpc,
    subnetsById: new Map(subnets.map((s) => [s.id, s])),
    flowLogsByResource,
    staleByGroup,
    instancesByGroup,
    instancesByVpc,
    referencesTo,
    warnings,
  };
}
