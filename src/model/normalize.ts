// RawSnapshot → AuditModel. Pure and total: saved JSON is untrusted input, so every field is
// read through a narrowing helper, and a malformed value becomes an InputError that names the
// file and the JSON path — never a crash, never a silently skipped permission.
import type { RawScope, RawSnapshot } from '../collect/types.js';
import { inputError } from '../errors.js';
import { DATA_KINDS, DATA_KIND_INFO, type DataKind } from './kinds.js';
import { parseCidr } from './net.js';
import { ALL_PORTS, type PortRange } from './ports.js';
import type {
  AuditModel,
  Direction,
  Instance,
  KindStatus,
  NetworkInterface,
  Permission,
  Protocol,
  Scope,
  SecurityGroup,
  Source,
  Vpc,
} from './types.js';
import { pushTo } from './multimap.js';

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
    const push = (source: Source, description: string | undefined) =>
      out.push({
        groupId: ctx.groupId,
        direction: ctx.direction,
        protocol: protocol as Protocol,
        ...base,
        source,
        ...(description ? { description } : {}),
        permissionIndex,
      });

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
      push({ kind: 'prefix-list', prefixListId: r.requiredStr(pl, 'PrefixListId', itemPath) }, r.str(pl, 'Description', itemPath));
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
}

function readGroup(r: Reader, item: unknown, path: string, scope: ScopeInput, warnings: string[]): SecurityGroup {
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
  });
  const egress = readPermissions(r, r.list(g, 'IpPermissionsEgress', path), `${path}.IpPermissionsEgress`, {
    groupId: id,
    direction: 'egress',
    warnings,
    where,
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
  return {
    id: r.requiredStr(e, 'NetworkInterfaceId', path),
    accountId: r.str(e, 'OwnerId', path) ?? scope.accountId,
    region: scope.region,
    ...(vpcId !== undefined ? { vpcId } : {}),
    ...(subnetId !== undefined ? { subnetId } : {}),
    groupIds: readGroupIds(r, e, 'Groups', path),
    ...(instanceId ? { instanceId } : {}),
    interfaceType: r.str(e, 'InterfaceType', path) ?? 'interface',
    requesterManaged: r.bool(e, 'RequesterManaged', path),
    description: r.str(e, 'Description', path) ?? '',
    status: r.str(e, 'Status', path) ?? '',
    publicIps: [...publicIps].sort(),
    ipv6Addresses,
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
  return {
    id: r.requiredStr(v, 'VpcId', path),
    accountId: r.str(v, 'OwnerId', path) ?? scope.accountId,
    region: scope.region,
    isDefault: r.bool(v, 'IsDefault', path),
    ...(cidrBlock !== undefined ? { cidrBlock } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

/** Offline data may not say which account it is: take the first OwnerId it carries. */
function inferAccount(scope: RawScope): string {
  if (scope.accountId) return scope.accountId;
  for (const kind of DATA_KINDS) {
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

// An instance on its way out no longer shares anything; DescribeInstances lists terminated ones for about an hour.
const GONE_STATES = new Set(['terminated', 'shutting-down']);

export function normalize(snapshot: RawSnapshot): AuditModel {
  const warnings: string[] = [];
  const scopes: Scope[] = [];
  const groups: SecurityGroup[] = [];
  const interfaces: NetworkInterface[] = [];
  const instances: Instance[] = [];
  const vpcs: Vpc[] = [];
  const seen = { groups: new Set<string>(), interfaces: new Set<string>(), instances: new Set<string>(), vpcs: new Set<string>() };

  for (const raw of snapshot.scopes) {
    const scope: ScopeInput = { accountId: inferAccount(raw), region: raw.region };
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
        const r = new Reader(part.origin ?? `${DATA_KIND_INFO[kind].operation} ${scope.region}`);
        part.items.forEach((item, i) => {
          const path = `${key}[${i}]`;
          // The same resource given twice (overlapping input files) is counted once.
          switch (kind) {
            case 'securityGroups': {
              const g = readGroup(r, item, path, scope, warnings);
              if (!seen.groups.has(g.id)) (seen.groups.add(g.id), groups.push(g));
              break;
            }
            case 'networkInterfaces': {
              const e = readInterface(r, item, path, scope);
              if (!seen.interfaces.has(e.id)) (seen.interfaces.add(e.id), interfaces.push(e));
              break;
            }
            case 'instances':
              for (const inst of readInstances(r, item, path, scope)) {
                if (!seen.instances.has(inst.id)) (seen.instances.add(inst.id), instances.push(inst));
              }
              break;
            case 'vpcs': {
              const v = readVpc(r, item, path, scope);
              if (!seen.vpcs.has(v.id)) (seen.vpcs.add(v.id), vpcs.push(v));
              break;
            }
          }
        });
      }
    }
    scopes.push({ accountId: scope.accountId, region: scope.region, kinds });
  }

  const groupsById = new Map(groups.map((g) => [g.id, g]));
  const interfacesByGroup = new Map<string, NetworkInterface[]>();
  for (const eni of interfaces) for (const id of eni.groupIds) pushTo(interfacesByGroup, id, eni);
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

  return {
    scopes,
    groups,
    interfaces,
    instances,
    vpcs,
    groupsById,
    interfacesByGroup,
    instancesByGroup,
    instancesByVpc,
    referencesTo,
    warnings,
  };
}
