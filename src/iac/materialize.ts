// A World (what a plan or template declares) → one account × region of saved `aws ec2
// describe-*` JSON, merged over the account's own data when there is some (--context): the shape
// the normalizer already reads, so plans and templates get the same model, rules and reports as an
// account. Pure.
//
// Three kinds of gap, each handled its own way (docs/plans.md):
//
// - A value known only after apply (or a template parameter without a default) is *assumed*: the
//   worst it could be (an unknown CIDR on a rule is 0.0.0.0/0, unknown ports are all ports, an
//   unknown subnet is a public one) or, in the second pass, the best (the rule is left out).
//   Findings of the worst pass that the best pass does not have depend on those values; the audit
//   marks them with what was assumed (src/iac/audit.ts). A check never passes because of one.
// - A value that has no worst case (the groups of an interface, the group a rule belongs to) makes
//   the checks that need it *undecided*: errors, so the run is incomplete (exit 3).
// - A resource the plan only references, and that neither the plan nor the context holds (an
//   existing subnet, a group of another stack), is *outside*: the check that needs it is skipped
//   for that resource and the report says what --context would add, as an offline audit says
//   which saved file would.
import type { RawKindResult, RawPart, RawScope, ResourceSource } from '../collect/types.js';
import type { DataKind } from '../model/kinds.js';
import type { UnknownValue } from '../model/types.js';
import {
  isUnknown,
  type AddressSetting,
  type IacAclEntry,
  type IacRoute,
  type IacRule,
  type IacSource,
  type Maybe,
  type World,
} from './world.js';

export type Assumption = 'worst' | 'best';

/** An unknown value, and the model resource whose checks read it. */
export interface NotedUnknown {
  readonly resourceId: string;
  readonly value: UnknownValue;
}

/** Checks that cannot be decided before apply: errors (exit 3). */
export interface Undecided {
  readonly ruleIds: readonly string[];
  /** The model resource the checks are about; undefined when it is every resource of the rules. */
  readonly resourceId?: string;
  readonly message: string;
}

/** An interface whose way to the internet leaves what the inputs hold. */
export interface Outside {
  readonly interfaceId: string;
  readonly address: string;
  /** What is missing, in words: "subnet-0abc (its subnet)". */
  readonly missing: readonly string[];
}

export interface Materialized {
  readonly scope: RawScope;
  readonly unknowns: readonly NotedUnknown[];
  readonly undecided: readonly Undecided[];
  readonly outside: readonly Outside[];
  /** Per interface, the resources its exposure depends on (groups, subnet, route table, ACL, gateways). */
  readonly related: ReadonlyMap<string, readonly string[]>;
  /** Things the inputs hold that the audit cannot use, for the report's warnings. */
  readonly warnings: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Json, key: string): string | undefined => (typeof o[key] === 'string' ? (o[key] as string) : undefined);
const list = (o: Json, key: string): unknown[] => (Array.isArray(o[key]) ? (o[key] as unknown[]) : []);

/** The kinds a plan or template can fill: the rest come from the context, or are absent. */
export const IAC_KINDS: readonly DataKind[] = [
  'securityGroups',
  'networkInterfaces',
  'instances',
  'vpcs',
  'subnets',
  'networkAcls',
  'routeTables',
  'internetGateways',
  'prefixLists',
  'prefixListEntries',
  'flowLogs',
];

// The id fields of each kind's items (a reservation is keyed by its instances).
const ID_FIELD: Partial<Record<DataKind, string>> = {
  securityGroups: 'GroupId',
  networkInterfaces: 'NetworkInterfaceId',
  vpcs: 'VpcId',
  subnets: 'SubnetId',
  networkAcls: 'NetworkAclId',
  routeTables: 'RouteTableId',
  internetGateways: 'InternetGatewayId',
  prefixLists: 'PrefixListId',
  prefixListEntries: 'PrefixListId',
  flowLogs: 'FlowLogId',
};

/** The account's items of one kind (the context), by id, each with the file it was read from. */
class ContextKind {
  readonly items: Json[] = [];
  readonly byId = new Map<string, Json>();
  readonly origins = new Map<Json, string | undefined>();
  constructor(kind: DataKind, scope: RawScope | undefined) {
    const result = scope?.kinds[kind];
    if (result?.status !== 'ok') return;
    const field = ID_FIELD[kind];
    for (const part of result.parts) {
      for (const item of part.items) {
        if (!isObject(item)) continue;
        this.items.push(item);
        this.origins.set(item, part.origin);
        const id = field ? str(item, field) : undefined;
        if (id !== undefined) this.byId.set(id, item);
      }
    }
  }
}

/** Route table fields by the prefix of the target's id. */
function routeTargetField(target: string): string {
  if (target.startsWith('nat-')) return 'NatGatewayId';
  if (target.startsWith('eigw-')) return 'EgressOnlyInternetGatewayId';
  if (target.startsWith('tgw-')) return 'TransitGatewayId';
  if (target.startsWith('pcx-')) return 'VpcPeeringConnectionId';
  if (target.startsWith('eni-')) return 'NetworkInterfaceId';
  if (target.startsWith('i-')) return 'InstanceId';
  if (target.startsWith('cagw-')) return 'CarrierGatewayId';
  if (target.startsWith('lgw-')) return 'LocalGatewayId';
  if (target.startsWith('arn:')) return 'CoreNetworkArn';
  return 'GatewayId'; // igw-, vgw-, vpce-, local
}

/** AWS's protocol numbers for the names Terraform and CloudFormation accept in network ACL entries. */
const ACL_PROTOCOL: Readonly<Record<string, string>> = { all: '-1', tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };

class Builder {
  readonly unknowns: NotedUnknown[] = [];
  readonly undecided: Undecided[] = [];
  readonly outside: Outside[] = [];
  readonly warnings: string[] = [];
  readonly related = new Map<string, string[]>();
  readonly sources = new Map<DataKind, Map<string, ResourceSource>>();
  /** Items by kind, then by the file they come from (the plan's own under the plan's name). */
  readonly items = new Map<DataKind, Map<string | undefined, Json[]>>();
  private synthetic = 0;

  constructor(
    readonly world: World,
    readonly assume: Assumption,
    readonly context: RawScope | undefined,
  ) {}

  get worst(): boolean {
    return this.assume === 'worst';
  }

  /** A resource of the plan (with where it is defined), or one the worst case adds. */
  add(kind: DataKind, item: Json, source?: IacSource, id?: string): void {
    this.put(kind, item, this.world.origin);
    if (source && id !== undefined) {
      let map = this.sources.get(kind);
      if (!map) this.sources.set(kind, (map = new Map()));
      map.set(id, { address: source.address, origin: source.file, ...(source.line !== undefined ? { line: source.line } : {}) });
    }
  }

  /** An item of the account's (the context), kept with the file it was read from. */
  keep(kind: DataKind, item: Json, from: ContextKind): void {
    this.put(kind, item, from.origins.get(item));
  }

  private put(kind: DataKind, item: Json, origin: string | undefined): void {
    let byOrigin = this.items.get(kind);
    if (!byOrigin) this.items.set(kind, (byOrigin = new Map()));
    let items = byOrigin.get(origin);
    if (!items) byOrigin.set(origin, (items = []));
    items.push(item);
  }

  /** Every item of a kind, whatever its file. */
  all(kind: DataKind): Json[] {
    return [...(this.items.get(kind)?.values() ?? [])].flat();
  }

  /** Records an unknown value of `resourceId`'s checks. */
  note(resourceId: string, source: IacSource, attribute: string, reason: string, assumed: string): void {
    this.unknowns.push({ resourceId, value: { address: source.address, attribute, reason, assumed } });
  }

  /** A fresh id for something the worst case adds (a public subnet for an unknown one). */
  assumedId(prefix: string, of: string): string {
    return `${prefix}-assumed:${of}#${++this.synthetic}`;
  }
}

const where = (at: string, attribute: string) => (at ? `${at}.${attribute}` : attribute);

/** The owner for items, when the placement knows the account. */
function owner(world: World): Json {
  return world.accountId ? { OwnerId: world.accountId } : {};
}

// ── Security groups ───────────────────────────────────────────────────────────────────────────

/** One rule as an IpPermission, or undefined when the best case leaves it out (or it names no peer). */
function permissionOf(b: Builder, groupId: string, rule: IacRule, ownerId: string | undefined, known: (id: string) => boolean): Json | undefined {
  const at = rule.at;
  let protocol: string;
  if (isUnknown(rule.protocol)) {
    b.note(groupId, rule.source, where(at, 'protocol'), rule.protocol.reason, 'all traffic (-1)');
    if (!b.worst) return undefined;
    protocol = '-1';
  } else protocol = rule.protocol;
  const ports: Json = {};
  for (const [field, value, name] of [
    ['FromPort', rule.fromPort, 'from_port'],
    ['ToPort', rule.toPort, 'to_port'],
  ] as const) {
    if (isUnknown(value)) {
      b.note(groupId, rule.source, where(at, name), value.reason, 'every port');
      if (!b.worst) return undefined;
    } else if (value !== undefined) ports[field] = value;
  }
  // Unknown bounds are all ports: both go, or the one known bound would make a one-port range.
  if (isUnknown(rule.fromPort) || isUnknown(rule.toPort)) {
    delete ports['FromPort'];
    delete ports['ToPort'];
  }
  let description: string | undefined;
  if (isUnknown(rule.description)) {
    // The worst case for a description is none (rule-missing-description).
    b.note(groupId, rule.source, where(at, 'description'), rule.description.reason, 'no description');
    description = b.worst ? undefined : '(known after apply)';
  } else description = rule.description;
  const text = description ? { Description: description } : {};

  const ipv4: Json[] = [];
  const ipv6: Json[] = [];
  const prefixLists: Json[] = [];
  const pairs: Json[] = [];
  for (const peer of rule.peers) {
    if (peer.kind !== 'prefix-list' && peer.kind !== 'group') {
      const all = peer.kind === 'ipv4' ? '0.0.0.0/0' : '::/0';
      if (isUnknown(peer.cidr)) {
        b.note(groupId, rule.source, peer.attribute, peer.cidr.reason, all);
        if (!b.worst) continue;
      }
      const cidr = isUnknown(peer.cidr) ? all : peer.cidr;
      if (peer.kind === 'ipv4') ipv4.push({ CidrIp: cidr, ...text });
      else ipv6.push({ CidrIpv6: cidr, ...text });
    } else if (peer.kind === 'prefix-list') {
      if (isUnknown(peer.id)) {
        b.note(groupId, rule.source, peer.attribute, peer.id.reason, 'a prefix list that cannot be resolved');
        if (!b.worst) continue;
      }
      prefixLists.push({ PrefixListId: isUnknown(peer.id) ? `pl-unknown:${rule.source.address}` : peer.id, ...text });
    } else {
      if (isUnknown(peer.id)) {
        b.note(groupId, rule.source, peer.attribute, peer.id.reason, 'a reference to another group');
        if (!b.worst) continue;
      }
      const id = isUnknown(peer.id) ? `sg-unknown:${rule.source.address}` : peer.id;
      // Without an owner the stale-reference rule reads the group as deleted: only a group nobody has is.
      const userId = known(id) || isUnknown(peer.id) || !b.context ? { UserId: ownerId ?? 'unknown' } : {};
      pairs.push({ GroupId: id, ...userId, ...text });
    }
  }
  if (ipv4.length + ipv6.length + prefixLists.length + pairs.length === 0) return undefined;
  return {
    IpProtocol: protocol,
    ...ports,
    ...(ipv4.length > 0 ? { IpRanges: ipv4 } : {}),
    ...(ipv6.length > 0 ? { Ipv6Ranges: ipv6 } : {}),
    ...(prefixLists.length > 0 ? { PrefixListIds: prefixLists } : {}),
    ...(pairs.length > 0 ? { UserIdGroupPairs: pairs } : {}),
  };
}

/** A whole rule list not known before apply: the worst is all traffic from everywhere. */
function unknownRules(b: Builder, groupId: string, source: IacSource, attribute: string, reason: string): Json[] {
  b.note(groupId, source, attribute, reason, 'all traffic from 0.0.0.0/0 and ::/0');
  return b.worst ? [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] : [];
}

function materializeGroups(b: Builder, groupsInContext: ContextKind, groupIds: ReadonlySet<string>): void {
  const { world } = b;
  const known = (id: string) => groupIds.has(id) || groupsInContext.byId.has(id);
  const extra = new Map<string, { ingress: Json[]; egress: Json[]; source: IacSource }>();
  const extraOf = (id: string, source: IacSource) => {
    let found = extra.get(id);
    if (!found) extra.set(id, (found = { ingress: [], egress: [], source }));
    return found;
  };
  for (const { groupId, rule } of world.groupRules) {
    if (isUnknown(groupId)) {
      b.undecided.push({
        ruleIds: [],
        message: `${rule.source.address}: the group it adds a rule to is not known before apply (${groupId.reason}), so no check can place the rule`,
      });
      continue;
    }
    const perm = permissionOf(b, groupId, rule, world.accountId, known);
    if (perm) extraOf(groupId, rule.source)[rule.direction].push(perm);
  }

  for (const g of world.groups) {
    const ingress = isUnknown(g.ingress)
      ? unknownRules(b, g.id, g.source, 'ingress', g.ingress.reason)
      : g.ingress.map((r) => permissionOf(b, g.id, r, world.accountId, known)).filter((p): p is Json => p !== undefined);
    const egress = isUnknown(g.egress)
      ? unknownRules(b, g.id, g.source, 'egress', g.egress.reason)
      : g.egress.map((r) => permissionOf(b, g.id, r, world.accountId, known)).filter((p): p is Json => p !== undefined);
    const more = extra.get(g.id);
    extra.delete(g.id);
    // A refreshed state lists a rule resource's rule in its group's own rules too: once is enough.
    const unique = (own: Json[], added: readonly Json[]) => {
      const seen = new Set(own.map((p) => JSON.stringify(p)));
      return [...own, ...added.filter((p) => !seen.has(JSON.stringify(p)))];
    };
    const vpcId = isUnknown(g.vpcId) ? undefined : g.vpcId;
    b.add(
      'securityGroups',
      {
        GroupId: g.id,
        GroupName: isUnknown(g.name) ? '' : g.name,
        Description: isUnknown(g.description) ? '' : g.description,
        ...(vpcId !== undefined ? { VpcId: vpcId } : {}),
        ...owner(world),
        IpPermissions: unique(ingress, more?.ingress ?? []),
        IpPermissionsEgress: unique(egress, more?.egress ?? []),
        Tags: Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value })),
      },
      g.source,
      g.id,
    );
  }

  // Rules added to groups the plan does not define: to the account's group (context), or to a
  // group of which only these rules are known (adding rules can only open more).
  // A VPC's default group the plan manages (aws_default_security_group) replaces the account's.
  const defaultsManaged = new Set(world.groups.filter((g) => g.isDefault && typeof g.vpcId === 'string').map((g) => g.vpcId as string));
  for (const item of groupsInContext.items) {
    const id = str(item, 'GroupId');
    if (id === undefined || groupIds.has(id)) continue;
    if (str(item, 'GroupName') === 'default' && defaultsManaged.has(str(item, 'VpcId') ?? '')) continue;
    const more = id !== undefined ? extra.get(id) : undefined;
    if (!more) {
      b.keep('securityGroups', item, groupsInContext);
      continue;
    }
    extra.delete(id);
    b.keep('securityGroups', { ...item, IpPermissions: [...list(item, 'IpPermissions'), ...more.ingress], IpPermissionsEgress: [...list(item, 'IpPermissionsEgress'), ...more.egress] }, groupsInContext);
  }
  for (const [id, more] of extra) {
    b.add(
      'securityGroups',
      { GroupId: id, GroupName: '', Description: '', ...owner(world), IpPermissions: more.ingress, IpPermissionsEgress: more.egress },
      more.source,
      id,
    );
    b.warnings.push(`${more.source.address} adds rules to ${id}, which is not in the ${b.context ? 'plan or the context' : 'plan'}: only those rules are audited (--context gives the group's others)`);
  }
}

// ── Prefix lists ──────────────────────────────────────────────────────────────────────────────

function materializePrefixLists(b: Builder): void {
  const { world } = b;
  const lists = new ContextKind('prefixLists', b.context);
  const entries = new ContextKind('prefixListEntries', b.context);
  const own = new Set(world.prefixLists.map((p) => p.id));
  const added = new Map<string, Json[]>();
  for (const e of world.prefixListEntries) {
    if (isUnknown(e.listId)) {
      b.warnings.push(`${e.source.address}: the prefix list it adds an entry to is not known before apply; the entry is not audited`);
      continue;
    }
    let cidr: string;
    if (isUnknown(e.cidr)) {
      b.note(e.listId, e.source, 'cidr', e.cidr.reason, '0.0.0.0/0');
      if (!b.worst) continue;
      cidr = '0.0.0.0/0';
    } else cidr = e.cidr;
    let found = added.get(e.listId);
    if (!found) added.set(e.listId, (found = []));
    found.push({ Cidr: cidr });
  }
  for (const p of world.prefixLists) {
    b.add('prefixLists', { PrefixListId: p.id, ...(isUnknown(p.name) ? {} : { PrefixListName: p.name }), ...owner(world) });
    let cidrs: Json[];
    if (isUnknown(p.entries)) {
      b.note(p.id, p.source, 'entry', p.entries.reason, '0.0.0.0/0 and ::/0');
      cidrs = b.worst ? [{ Cidr: '0.0.0.0/0' }, { Cidr: '::/0' }] : [];
    } else {
      cidrs = p.entries.flatMap((cidr, i) => {
        if (!isUnknown(cidr)) return [{ Cidr: cidr }];
        b.note(p.id, p.source, `entry[${i}].cidr`, cidr.reason, '0.0.0.0/0');
        return b.worst ? [{ Cidr: '0.0.0.0/0' }] : [];
      });
    }
    b.add('prefixListEntries', { PrefixListId: p.id, Entries: [...cidrs, ...(added.get(p.id) ?? [])] });
    added.delete(p.id);
  }
  for (const item of lists.items) if (!own.has(str(item, 'PrefixListId') ?? '')) b.keep('prefixLists', item, lists);
  for (const item of entries.items) {
    const id = str(item, 'PrefixListId') ?? '';
    if (own.has(id)) continue;
    const more = added.get(id);
    added.delete(id);
    b.keep('prefixListEntries', more ? { ...item, Entries: [...list(item, 'Entries'), ...more] } : item, entries);
  }
  // Entries added to a list whose others are not known: the list stays unresolved (unresolved-prefix-list says so).
  for (const id of added.keys()) b.warnings.push(`entries are added to prefix list ${id}, whose other entries are not in the inputs: it is left unresolved`);
}

// ── The network: VPCs, subnets, gateways, route tables, ACLs ─────────────────────────────────

function materializeNetwork(b: Builder, subnetsInContext: ContextKind, vpcsInContext: ContextKind): void {
  const { world } = b;
  for (const v of world.vpcs) {
    const cidr = isUnknown(v.cidr) ? undefined : v.cidr;
    b.add('vpcs', { VpcId: v.id, ...(cidr ? { CidrBlock: cidr } : {}), IsDefault: false, ...owner(world), ...(v.name ? { Tags: [{ Key: 'Name', Value: v.name }] } : {}) }, v.source, v.id);
  }
  const ownVpcs = new Set(world.vpcs.map((v) => v.id));
  for (const item of vpcsInContext.items) if (!ownVpcs.has(str(item, 'VpcId') ?? '')) b.keep('vpcs', item, vpcsInContext);

  for (const s of world.subnets) {
    const flag = (value: Maybe<boolean>, attribute: string, assumed: string): boolean => {
      if (!isUnknown(value)) return value;
      b.note(s.id, s.source, attribute, value.reason, assumed);
      return b.worst;
    };
    const vpcId = isUnknown(s.vpcId) ? undefined : s.vpcId;
    const cidr = isUnknown(s.cidr) ? undefined : s.cidr;
    b.add(
      'subnets',
      {
        SubnetId: s.id,
        ...(vpcId !== undefined ? { VpcId: vpcId } : {}),
        ...(cidr !== undefined ? { CidrBlock: cidr } : {}),
        ...(s.availabilityZone ? { AvailabilityZone: s.availabilityZone } : {}),
        MapPublicIpOnLaunch: flag(s.mapPublicIp, 'map_public_ip_on_launch', 'instances get a public IPv4 address'),
        AssignIpv6AddressOnCreation: flag(s.assignIpv6, 'assign_ipv6_address_on_creation', 'instances get an IPv6 address'),
        ...owner(world),
        ...(s.name ? { Tags: [{ Key: 'Name', Value: s.name }] } : {}),
      },
      s.source,
      s.id,
    );
  }
  const ownSubnets = new Set(world.subnets.map((s) => s.id));
  for (const item of subnetsInContext.items) if (!ownSubnets.has(str(item, 'SubnetId') ?? '')) b.keep('subnets', item, subnetsInContext);
}

/** Gateways: the plan's, then the account's; attachments from the plan's VPC ids. */
function materializeGateways(b: Builder, routeVpcs: ReadonlyMap<string, ReadonlySet<string>>): void {
  const { world } = b;
  const context = new ContextKind('internetGateways', b.context);
  for (const g of world.internetGateways) {
    const vpcIds = new Set<string>();
    g.vpcIds.forEach((vpc, i) => {
      if (!isUnknown(vpc)) return void vpcIds.add(vpc);
      // The worst: attached to every VPC whose route tables send traffic to it.
      b.note(g.id, g.source, g.vpcIds.length > 1 ? `vpc_id[${i}]` : 'vpc_id', vpc.reason, 'attached to the VPC of the route tables that use it');
      if (b.worst) for (const v of routeVpcs.get(g.id) ?? []) vpcIds.add(v);
    });
    b.add(
      'internetGateways',
      { InternetGatewayId: g.id, Attachments: [...vpcIds].map((VpcId) => ({ VpcId, State: 'available' })), ...owner(world), ...(g.name ? { Tags: [{ Key: 'Name', Value: g.name }] } : {}) },
      g.source,
      g.id,
    );
  }
  const own = new Set(world.internetGateways.map((g) => g.id));
  for (const item of context.items) if (!own.has(str(item, 'InternetGatewayId') ?? '')) b.keep('internetGateways', item, context);
}

function routeItem(b: Builder, tableId: string, route: IacRoute, tableVpc: string | undefined, assumedGateways: Map<string, string>): Json | undefined {
  let destination: string | undefined;
  if (isUnknown(route.destination)) {
    const all = route.ipv6 ? '::/0' : '0.0.0.0/0';
    b.note(tableId, route.source, where(route.at, route.ipv6 ? 'ipv6_cidr_block' : 'cidr_block'), route.destination.reason, all);
    if (!b.worst) return undefined;
    destination = all;
  } else destination = route.destination;
  let target: string;
  if (isUnknown(route.target)) {
    b.note(tableId, route.source, where(route.at, 'target'), route.target.reason, 'an internet gateway');
    if (!b.worst) return undefined;
    target = b.assumedId('igw', route.source.address);
    if (tableVpc !== undefined) assumedGateways.set(target, tableVpc);
  } else target = route.target;
  const dest =
    destination !== undefined
      ? { [route.ipv6 ? 'DestinationIpv6CidrBlock' : 'DestinationCidrBlock']: destination }
      : route.prefixListId !== undefined
        ? { DestinationPrefixListId: route.prefixListId }
        : undefined;
  if (!dest) return undefined;
  return { ...dest, [routeTargetField(target)]: target, State: 'active' };
}

interface TableState {
  readonly item: Json;
  readonly subnets: Set<string>;
  main: boolean;
  readonly routes: Json[];
  readonly vpcId?: string;
  readonly source?: IacSource;
  readonly id: string;
  /** Set for the account's tables the plan does not replace. */
  readonly from?: ContextKind;
}

/** Route tables: the plan's and the account's, with the plan's associations and routes applied. */
function materializeRouteTables(b: Builder): { tableOfSubnet: Map<string, string>; mainOfVpc: Map<string, string>; gatewaysOf: Map<string, string[]>; assumedGateways: Map<string, string> } {
  const { world } = b;
  const context = new ContextKind('routeTables', b.context);
  const tables = new Map<string, TableState>();
  const assumedGateways = new Map<string, string>();
  for (const item of context.items) {
    const id = str(item, 'RouteTableId');
    if (id === undefined) continue;
    const subnets = new Set<string>();
    let main = false;
    for (const a of list(item, 'Associations')) {
      if (!isObject(a)) continue;
      const state = isObject(a['AssociationState']) ? str(a['AssociationState'], 'State') : undefined;
      if (state !== undefined && state !== 'associated') continue;
      if (a['Main'] === true) main = true;
      const subnet = str(a, 'SubnetId');
      if (subnet) subnets.add(subnet);
    }
    const vpcId = str(item, 'VpcId');
    tables.set(id, { item, subnets, main, routes: list(item, 'Routes').filter(isObject), ...(vpcId ? { vpcId } : {}), id, from: context });
  }
  for (const t of world.routeTables) {
    const vpcId = isUnknown(t.vpcId) ? undefined : t.vpcId;
    const routes = t.routes.map((r) => routeItem(b, t.id, r, vpcId, assumedGateways)).filter((r): r is Json => r !== undefined);
    // A table the plan updates keeps the account's associations.
    const before = tables.get(t.id);
    tables.set(t.id, {
      item: { RouteTableId: t.id, ...(vpcId ? { VpcId: vpcId } : {}), ...owner(world), ...(t.name ? { Tags: [{ Key: 'Name', Value: t.name }] } : {}) },
      subnets: before?.subnets ?? new Set(),
      main: t.main || (before?.main ?? false),
      routes,
      ...(vpcId ? { vpcId } : {}),
      source: t.source,
      id: t.id,
    });
  }
  // A table the plan makes main (aws_default_route_table) is its VPC's only main one.
  for (const t of world.routeTables) {
    if (!t.main || isUnknown(t.vpcId)) continue;
    for (const other of tables.values()) if (other.id !== t.id && other.vpcId === t.vpcId) other.main = false;
  }
  for (const { tableId, route } of world.routes) {
    if (isUnknown(tableId)) {
      b.warnings.push(`${route.source.address}: the route table it adds a route to is not known before apply; the route is not audited`);
      continue;
    }
    const table = tables.get(tableId);
    if (!table) continue; // a table outside the inputs: interfaces behind it are outside too
    const item = routeItem(b, tableId, route, table.vpcId, assumedGateways);
    if (item) table.routes.push(item);
  }
  for (const a of world.associations) {
    if (a.kind === 'network-acl') continue;
    if (isUnknown(a.targetId) || isUnknown(a.subjectId)) {
      b.warnings.push(`${a.source.address}: the ${a.kind === 'route-table' ? 'subnet or route table' : 'VPC or route table'} it associates is not known before apply; the association is not audited`);
      continue;
    }
    const table = tables.get(a.targetId);
    if (a.kind === 'route-table') {
      // A subnet has one table: the plan's association moves it.
      for (const t of tables.values()) t.subnets.delete(a.subjectId);
      table?.subnets.add(a.subjectId);
    } else if (table) {
      for (const t of tables.values()) if (t.vpcId === a.subjectId) t.main = false;
      table.main = true;
    }
  }
  // A VPC the plan creates gets a main table with only its local route, unless the plan makes one main.
  for (const v of world.vpcs) {
    if ([...tables.values()].some((t) => t.main && t.vpcId === v.id)) continue;
    const id = `rtb-main:${v.id}`;
    tables.set(id, { item: { RouteTableId: id, VpcId: v.id, ...owner(world) }, subnets: new Set(), main: true, routes: [], vpcId: v.id, id });
  }

  const tableOfSubnet = new Map<string, string>();
  const mainOfVpc = new Map<string, string>();
  const gatewaysOf = new Map<string, string[]>();
  for (const t of tables.values()) {
    const associations = [...(t.main ? [{ Main: true }] : []), ...[...t.subnets].sort().map((SubnetId) => ({ SubnetId }))];
    const item = { ...t.item, Associations: associations, Routes: t.routes };
    if (t.from) b.keep('routeTables', item, t.from);
    else b.add('routeTables', item, t.source, t.id);
    for (const subnet of t.subnets) tableOfSubnet.set(subnet, t.id);
    if (t.main && t.vpcId) mainOfVpc.set(t.vpcId, t.id);
    gatewaysOf.set(t.id, t.routes.map((r) => str(r, 'GatewayId')).filter((g): g is string => g !== undefined && g.startsWith('igw-')));
  }
  return { tableOfSubnet, mainOfVpc, gatewaysOf, assumedGateways };
}

function aclEntryItem(b: Builder, aclId: string, e: IacAclEntry): Json | undefined {
  const allow = isUnknown(e.action) ? b.worst : e.action === 'allow';
  if (isUnknown(e.action)) b.note(aclId, e.source, where(e.at, 'action'), e.action.reason, 'allow');
  // For an allow entry the worst is to match more; for a deny entry, to match less.
  const widen = allow === b.worst;
  let ruleNumber: number;
  if (isUnknown(e.ruleNumber)) {
    b.note(aclId, e.source, where(e.at, 'rule_no'), e.ruleNumber.reason, allow ? 'first (1)' : 'last (32766)');
    ruleNumber = allow === b.worst ? 1 : 32766;
  } else ruleNumber = e.ruleNumber;
  let protocol: string;
  if (isUnknown(e.protocol)) {
    b.note(aclId, e.source, where(e.at, 'protocol'), e.protocol.reason, allow ? 'all traffic' : 'no traffic');
    if (!widen) return undefined;
    protocol = '-1';
  } else protocol = ACL_PROTOCOL[e.protocol.toLowerCase()] ?? e.protocol;
  let cidr: string;
  if (isUnknown(e.cidr)) {
    const all = e.ipv6 ? '::/0' : '0.0.0.0/0';
    b.note(aclId, e.source, where(e.at, e.ipv6 ? 'ipv6_cidr_block' : 'cidr_block'), e.cidr.reason, allow ? all : 'matches nothing');
    if (!widen) return undefined;
    cidr = all;
  } else cidr = e.cidr;
  const range: Json = {};
  if (isUnknown(e.fromPort) || isUnknown(e.toPort)) {
    const reason = isUnknown(e.fromPort) ? e.fromPort.reason : isUnknown(e.toPort) ? e.toPort.reason : '';
    b.note(aclId, e.source, where(e.at, 'from_port'), reason, allow ? 'every port' : 'no port');
    if (!widen) return undefined;
  } else if (e.fromPort !== undefined && e.toPort !== undefined) {
    range['PortRange'] = { From: e.fromPort, To: e.toPort };
  }
  return {
    RuleNumber: ruleNumber,
    Protocol: protocol,
    RuleAction: allow ? 'allow' : 'deny',
    Egress: e.egress,
    [e.ipv6 ? 'Ipv6CidrBlock' : 'CidrBlock']: cidr,
    ...range,
  };
}

function materializeAcls(b: Builder): Map<string, string> {
  const { world } = b;
  const context = new ContextKind('networkAcls', b.context);
  const acls = new Map<string, { item: Json; subnets: Set<string>; entries: Json[]; source?: IacSource; isDefault: boolean; vpcId?: string; from?: ContextKind }>();
  for (const item of context.items) {
    const id = str(item, 'NetworkAclId');
    if (id === undefined) continue;
    const subnets = new Set(list(item, 'Associations').flatMap((a) => (isObject(a) && str(a, 'SubnetId') ? [str(a, 'SubnetId') as string] : [])));
    const vpcId = str(item, 'VpcId');
    acls.set(id, { item, subnets, entries: list(item, 'Entries').filter(isObject), isDefault: item['IsDefault'] === true, ...(vpcId ? { vpcId } : {}), from: context });
  }
  // A default ACL the plan manages (aws_default_network_acl) replaces the account's for its VPC.
  for (const a of world.networkAcls) {
    if (!a.isDefault || typeof a.vpcId !== 'string') continue;
    for (const [id, acl] of acls) {
      // Its subnets stay with it (under the plan's id, which the plan's entries then fill).
      if (acl.from && acl.isDefault && acl.vpcId === a.vpcId && id !== a.id) {
        acls.delete(id);
        acls.set(a.id, acl);
      }
    }
  }
  const move = (subnet: string, to: string) => {
    for (const acl of acls.values()) acl.subnets.delete(subnet);
    acls.get(to)?.subnets.add(subnet);
  };
  for (const a of world.networkAcls) {
    const vpcId = isUnknown(a.vpcId) ? undefined : a.vpcId;
    const entries = a.entries.map((e) => aclEntryItem(b, a.id, e)).filter((e): e is Json => e !== undefined);
    // Every ACL ends with AWS's deny-all entries (the `*` rule), as describe-network-acls lists them.
    for (const egress of [false, true]) {
      entries.push({ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: egress, CidrBlock: '0.0.0.0/0' });
      entries.push({ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: egress, Ipv6CidrBlock: '::/0' });
    }
    const before = acls.get(a.id);
    acls.set(a.id, {
      item: { NetworkAclId: a.id, ...(vpcId ? { VpcId: vpcId } : {}), IsDefault: a.isDefault, ...owner(world), ...(a.name ? { Tags: [{ Key: 'Name', Value: a.name }] } : {}) },
      subnets: before?.subnets ?? new Set(),
      entries,
      source: a.source,
      isDefault: a.isDefault,
      ...(vpcId ? { vpcId } : {}),
    });
    for (const subnet of a.subnetIds) {
      if (isUnknown(subnet)) b.warnings.push(`${a.source.address}: a subnet it is associated with is not known before apply; that association is not audited`);
      else move(subnet, a.id);
    }
  }
  for (const { aclId, entry } of world.aclRules) {
    if (isUnknown(aclId)) {
      b.undecided.push({ ruleIds: ['nacl-admin-port-open-to-internet', 'instance-exposed-to-internet'], message: `${entry.source.address}: the network ACL it adds an entry to is not known before apply` });
      continue;
    }
    const acl = acls.get(aclId);
    const item = aclEntryItem(b, aclId, entry);
    if (acl && item) acl.entries.push(item);
  }
  for (const a of world.associations) {
    if (a.kind !== 'network-acl') continue;
    if (isUnknown(a.targetId) || isUnknown(a.subjectId)) {
      b.warnings.push(`${a.source.address}: the subnet or network ACL it associates is not known before apply; the association is not audited`);
      continue;
    }
    move(a.subjectId, a.targetId);
  }
  const aclOfSubnet = new Map<string, string>();
  for (const [id, acl] of acls) {
    const item = { ...acl.item, Associations: [...acl.subnets].sort().map((SubnetId) => ({ SubnetId, NetworkAclId: id })), Entries: acl.entries };
    if (acl.from) b.keep('networkAcls', item, acl.from);
    else b.add('networkAcls', item, acl.source, id);
    for (const subnet of acl.subnets) aclOfSubnet.set(subnet, id);
    if (acl.isDefault && acl.vpcId) aclOfSubnet.set(`default:${acl.vpcId}`, id);
  }
  return aclOfSubnet;
}

// ── Interfaces and instances ─────────────────────────────────────────────────────────────────

interface SubnetFacts {
  readonly vpcId?: string;
  readonly mapPublicIp: Maybe<boolean>;
  readonly assignIpv6: Maybe<boolean>;
}

function materializeInterfaces(
  b: Builder,
  subnets: ReadonlyMap<string, SubnetFacts>,
  groups: ReadonlySet<string>,
  network: { tableOfSubnet: Map<string, string>; mainOfVpc: Map<string, string>; gatewaysOf: Map<string, string[]>; aclOfSubnet: Map<string, string> },
  defaultSubnet: string | undefined,
  defaultGroupOf: (vpcId: string) => string | undefined,
): void {
  const { world } = b;
  const interfacesInContext = new ContextKind('networkInterfaces', b.context);
  const withElasticIp = new Set(world.elasticIps.flatMap((e) => (isUnknown(e.interfaceId) || e.interfaceId === undefined ? [] : [e.interfaceId])));
  const own = new Set(world.interfaces.map((i) => i.id));
  const instanceOf = new Map(world.instances.flatMap((inst) => inst.interfaceIds.map((id) => [id, inst] as const)));
  const extraItems: { kind: DataKind; item: Json }[] = [];
  const groupsOfInterface = new Map<string, string[]>();
  const subnetOfInterface = new Map<string, { subnetId?: string; vpcId?: string; publicIps: string[]; ipv6: string[] }>();

  for (const eni of world.interfaces) {
    const missing: string[] = [];
    const related: string[] = [];
    // Groups: one that cannot be named before apply leaves the interface's exposure undecided.
    let groupIds: string[] = [];
    if (isUnknown(eni.groupIds)) {
      b.undecided.push({ ruleIds: GROUP_USE_RULES, resourceId: eni.id, message: `${eni.source.address}: ${eni.attributes.groups} is not known before apply (${eni.groupIds.reason})` });
    } else {
      const unknowns = eni.groupIds.filter(isUnknown);
      if (unknowns.length > 0) {
        b.undecided.push({ ruleIds: GROUP_USE_RULES, resourceId: eni.id, message: `${eni.source.address}: ${eni.attributes.groups} holds a group not known before apply (${unknowns[0]?.reason ?? ''})` });
      }
      groupIds = eni.groupIds.filter((g): g is string => !isUnknown(g));
      for (const g of groupIds) if (!groups.has(g)) missing.push(`${g} (a group it uses)`);
    }
    related.push(...groupIds);

    // Subnet: unknown → the worst is a public one; not given → the default VPC's.
    let subnetId: string | undefined;
    let facts: SubnetFacts | undefined;
    let vpcId: string | undefined;
    if (isUnknown(eni.subnetId)) {
      b.note(eni.id, eni.source, eni.attributes.subnet, eni.subnetId.reason, 'a public subnet (a route to an internet gateway, no ACL in the way)');
      if (b.worst) {
        subnetId = b.assumedId('subnet', eni.source.address);
        vpcId = b.assumedId('vpc', eni.source.address);
        const gateway = b.assumedId('igw', eni.source.address);
        const table = b.assumedId('rtb', eni.source.address);
        extraItems.push(
          { kind: 'subnets', item: { SubnetId: subnetId, VpcId: vpcId, MapPublicIpOnLaunch: true, AssignIpv6AddressOnCreation: true } },
          { kind: 'internetGateways', item: { InternetGatewayId: gateway, Attachments: [{ VpcId: vpcId, State: 'available' }] } },
          {
            kind: 'routeTables',
            item: {
              RouteTableId: table,
              VpcId: vpcId,
              Associations: [{ SubnetId: subnetId }],
              Routes: [
                { DestinationCidrBlock: '0.0.0.0/0', GatewayId: gateway, State: 'active' },
                { DestinationIpv6CidrBlock: '::/0', GatewayId: gateway, State: 'active' },
              ],
            },
          },
        );
        facts = { vpcId, mapPublicIp: true, assignIpv6: true };
      }
    } else {
      subnetId = eni.subnetId ?? defaultSubnet;
      if (subnetId === undefined) missing.push('the default VPC (it names no subnet)');
      else {
        facts = subnets.get(subnetId);
        if (!facts) missing.push(`${subnetId} (its subnet)`);
        vpcId = facts?.vpcId;
        const table = network.tableOfSubnet.get(subnetId) ?? (vpcId ? network.mainOfVpc.get(vpcId) : undefined);
        if (facts && !table) missing.push(`the route table of ${subnetId}${vpcId ? ` (its VPC ${vpcId} has no main table in the inputs)` : ''}`);
        related.push(subnetId, ...(vpcId ? [vpcId] : []));
        if (table) related.push(table, ...(network.gatewaysOf.get(table) ?? []));
        const acl = network.aclOfSubnet.get(subnetId) ?? (vpcId ? network.aclOfSubnet.get(`default:${vpcId}`) : undefined);
        if (acl) related.push(acl);
      }
    }

    // An interface launched without groups gets its VPC's default group.
    if (!isUnknown(eni.groupIds) && groupIds.length === 0 && !(isUnknown(eni.subnetId) && b.worst === false)) {
      const fallback = vpcId !== undefined ? defaultGroupOf(vpcId) : undefined;
      if (fallback !== undefined) {
        groupIds = [fallback];
        related.push(fallback);
      } else if (!isUnknown(eni.subnetId)) missing.push('the default group of its VPC (it names no group)');
    }

    const address = (setting: AddressSetting, family: 'ipv4' | 'ipv6'): boolean => {
      const attribute = family === 'ipv4' ? eni.attributes.publicIpv4 : eni.attributes.ipv6;
      if (setting === 'subnet-default') {
        const fromSubnet = facts ? (family === 'ipv4' ? facts.mapPublicIp : facts.assignIpv6) : false;
        if (!isUnknown(fromSubnet)) return fromSubnet;
        b.note(eni.id, eni.source, attribute, `${fromSubnet.reason} (its subnet's setting)`, family === 'ipv4' ? 'a public IPv4 address' : 'an IPv6 address');
        return b.worst;
      }
      if (!isUnknown(setting)) return setting;
      b.note(eni.id, eni.source, attribute, setting.reason, family === 'ipv4' ? 'a public IPv4 address' : 'an IPv6 address');
      return b.worst;
    };
    const publicIps = eni.publicIpv4Address
      ? [eni.publicIpv4Address]
      : address(eni.publicIpv4, 'ipv4') || withElasticIp.has(eni.id)
        ? ['(a public IPv4 address at launch)']
        : [];
    const ipv6 = eni.ipv6Addresses && eni.ipv6Addresses.length > 0 ? [...eni.ipv6Addresses] : address(eni.ipv6, 'ipv6') ? ['(an IPv6 address at launch)'] : [];

    if (missing.length > 0) b.outside.push({ interfaceId: eni.id, address: eni.source.address, missing });
    b.related.set(eni.id, [...new Set(related)]);
    groupsOfInterface.set(eni.id, groupIds);
    subnetOfInterface.set(eni.id, { ...(subnetId ? { subnetId } : {}), ...(vpcId ? { vpcId } : {}), publicIps, ipv6 });
    const instance = instanceOf.get(eni.id);
    b.add(
      'networkInterfaces',
      {
        NetworkInterfaceId: eni.id,
        ...(subnetId ? { SubnetId: subnetId } : {}),
        ...(vpcId ? { VpcId: vpcId } : {}),
        Groups: groupIds.map((GroupId) => ({ GroupId })),
        ...(instance ? { Attachment: { InstanceId: instance.id, Status: 'attached' } } : {}),
        InterfaceType: 'interface',
        Status: instance ? 'in-use' : 'available',
        Description: eni.description,
        ...(publicIps[0] ? { Association: { PublicIp: publicIps[0] } } : {}),
        Ipv6Addresses: ipv6.map((Ipv6Address) => ({ Ipv6Address })),
        ...owner(world),
      },
      eni.source,
      eni.id,
    );
  }
  for (const { kind, item } of extraItems) b.add(kind, item);
  for (const item of interfacesInContext.items) if (!own.has(str(item, 'NetworkInterfaceId') ?? '')) b.keep('networkInterfaces', item, interfacesInContext);

  // Instances: a reservation each, with the groups of all their interfaces.
  const ownInstances = new Set(world.instances.map((i) => i.id));
  for (const inst of world.instances) {
    const primary = inst.interfaceIds[0] !== undefined ? subnetOfInterface.get(inst.interfaceIds[0]) : undefined;
    const groupIds = [...new Set(inst.interfaceIds.flatMap((id) => groupsOfInterface.get(id) ?? []))];
    b.add('instances', {
      ReservationId: `r-${inst.id}`,
      ...owner(world),
      Instances: [
        {
          InstanceId: inst.id,
          ...(primary?.subnetId ? { SubnetId: primary.subnetId } : {}),
          ...(primary?.vpcId ? { VpcId: primary.vpcId } : {}),
          State: { Name: 'running' },
          SecurityGroups: groupIds.map((GroupId) => ({ GroupId })),
          NetworkInterfaces: inst.interfaceIds.map((id) => ({ NetworkInterfaceId: id, Groups: (groupsOfInterface.get(id) ?? []).map((GroupId) => ({ GroupId })) })),
          ...(primary?.publicIps[0] ? { PublicIpAddress: primary.publicIps[0] } : {}),
          ...(inst.name ? { Tags: [{ Key: 'Name', Value: inst.name }] } : {}),
        },
      ],
    });
  }
  const instancesInContext = new ContextKind('instances', b.context);
  for (const item of instancesInContext.items) {
    const instances = list(item, 'Instances').filter((i) => !(isObject(i) && ownInstances.has(str(i, 'InstanceId') ?? '')));
    if (instances.length > 0) b.keep('instances', { ...item, Instances: instances }, instancesInContext);
  }
}

/** The rules whose checks read which groups an interface has. */
const GROUP_USE_RULES = ['instance-exposed-to-internet', 'unused-sg', 'default-sg-in-use', 'sg-shared-by-all-instances'];

function materializeFlowLogs(b: Builder): void {
  const { world } = b;
  for (const f of world.flowLogs) {
    if (isUnknown(f.resourceId) || f.resourceId === undefined) continue;
    b.add('flowLogs', { FlowLogId: f.id, ResourceId: f.resourceId, FlowLogStatus: 'ACTIVE', ...(f.trafficType ? { TrafficType: f.trafficType } : {}) });
  }
  const own = new Set(world.flowLogs.map((f) => f.id));
  const context = new ContextKind('flowLogs', b.context);
  for (const item of context.items) if (!own.has(str(item, 'FlowLogId') ?? '')) b.keep('flowLogs', item, context);
}

/** The subnets of the plan and of the context, with what decides an instance's addresses. */
function subnetFacts(world: World, context: ContextKind): Map<string, SubnetFacts> {
  const facts = new Map<string, SubnetFacts>();
  for (const item of context.items) {
    const id = str(item, 'SubnetId');
    const vpcId = str(item, 'VpcId');
    if (id) facts.set(id, { ...(vpcId ? { vpcId } : {}), mapPublicIp: item['MapPublicIpOnLaunch'] === true, assignIpv6: item['AssignIpv6AddressOnCreation'] === true });
  }
  for (const s of world.subnets) {
    const vpcId = isUnknown(s.vpcId) ? undefined : s.vpcId;
    facts.set(s.id, { ...(vpcId ? { vpcId } : {}), mapPublicIp: s.mapPublicIp, assignIpv6: s.assignIpv6 });
  }
  return facts;
}

/** A default subnet of the default VPC, where an instance that names no subnet is launched. */
function defaultSubnetOf(subnets: ContextKind, vpcs: ContextKind): string | undefined {
  const defaultVpcs = new Set(vpcs.items.filter((v) => v['IsDefault'] === true).map((v) => str(v, 'VpcId')));
  const candidates = subnets.items.filter((s) => s['DefaultForAz'] === true && defaultVpcs.has(str(s, 'VpcId')));
  return candidates.map((s) => str(s, 'SubnetId')).filter((id): id is string => id !== undefined).sort()[0];
}

/**
 * The World as one account × region of saved JSON, over the context's scope for the same place
 * when there is one: the plan's resources replace the account's of the same id, its associations
 * move subnets, its rules and routes add to the account's groups and tables.
 */
export function materialize(world: World, assume: Assumption, context: RawScope | undefined, placement: { accountId?: string; region: string }): Materialized {
  const b = new Builder(world, assume, context);
  const groupsInContext = new ContextKind('securityGroups', context);
  const subnetsInContext = new ContextKind('subnets', context);
  const vpcsInContext = new ContextKind('vpcs', context);
  const ownGroups = new Set(world.groups.map((g) => g.id));
  materializeGroups(b, groupsInContext, ownGroups);
  materializePrefixLists(b);
  materializeNetwork(b, subnetsInContext, vpcsInContext);
  const tables = materializeRouteTables(b);
  // The VPCs of the route tables that send traffic to each gateway (for a gateway whose VPC is unknown).
  const routeVpcs = new Map<string, Set<string>>();
  const tableVpc = new Map<string, string | undefined>(b.all('routeTables').map((t) => [str(t, 'RouteTableId') ?? '', str(t, 'VpcId')]));
  for (const [table, gateways] of tables.gatewaysOf) {
    const vpc = tableVpc.get(table);
    if (!vpc) continue;
    for (const g of gateways) {
      let set = routeVpcs.get(g);
      if (!set) routeVpcs.set(g, (set = new Set()));
      set.add(vpc);
    }
  }
  materializeGateways(b, routeVpcs);
  for (const [gateway, vpc] of tables.assumedGateways) b.add('internetGateways', { InternetGatewayId: gateway, Attachments: [{ VpcId: vpc, State: 'available' }] });
  const aclOfSubnet = materializeAcls(b);
  const allGroups = new Set([...ownGroups, ...groupsInContext.byId.keys(), ...world.groupRules.flatMap((r) => (isUnknown(r.groupId) ? [] : [r.groupId]))]);
  // The default group of each VPC: the plan's, the account's, or, for a VPC the plan creates, the
  // one AWS gives it (all traffic from itself, all traffic out), made when an interface uses it.
  const defaultGroups = new Map<string, string>();
  for (const g of world.groups) if (g.isDefault && typeof g.vpcId === 'string') defaultGroups.set(g.vpcId, g.id);
  for (const item of groupsInContext.items) {
    const vpc = str(item, 'VpcId');
    const id = str(item, 'GroupId');
    if (vpc && id && str(item, 'GroupName') === 'default' && !defaultGroups.has(vpc)) defaultGroups.set(vpc, id);
  }
  const newVpcs = new Set(world.vpcs.map((v) => v.id));
  const defaultGroupOf = (vpcId: string): string | undefined => {
    const found = defaultGroups.get(vpcId);
    if (found !== undefined || !newVpcs.has(vpcId)) return found;
    const id = `sg-default:${vpcId}`;
    defaultGroups.set(vpcId, id);
    allGroups.add(id);
    b.add('securityGroups', {
      GroupId: id,
      GroupName: 'default',
      Description: 'default VPC security group',
      VpcId: vpcId,
      ...owner(world),
      IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: id, UserId: world.accountId ?? 'unknown' }] }],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    return id;
  };
  materializeInterfaces(
    b,
    subnetFacts(world, subnetsInContext),
    allGroups,
    { ...tables, aclOfSubnet },
    context ? defaultSubnetOf(subnetsInContext, vpcsInContext) : undefined,
    defaultGroupOf,
  );
  materializeFlowLogs(b);

  // Every kind the plan can fill is known (possibly empty); the context adds its own, errors included.
  const kinds: Partial<Record<DataKind, RawKindResult>> = { ...(context?.kinds ?? {}) };
  for (const kind of IAC_KINDS) {
    const previous = context?.kinds[kind];
    if (previous?.status === 'error') continue;
    // Only the flow logs the plan defines are known without the account: the kind stays absent without context.
    if (kind === 'flowLogs' && !context && world.flowLogs.length === 0) continue;
    const sources = b.sources.get(kind) ?? new Map<string, ResourceSource>();
    const parts: RawPart[] = [...(b.items.get(kind) ?? new Map<string | undefined, Json[]>())].map(([origin, items]) => ({
      ...(origin !== undefined ? { origin } : {}),
      items,
      ...(origin === world.origin ? { sources } : {}),
    }));
    kinds[kind] = { status: 'ok', parts: parts.length > 0 ? parts : [{ origin: world.origin, items: [] }] };
  }
  return {
    scope: { ...(placement.accountId ? { accountId: placement.accountId } : {}), region: placement.region, kinds },
    unknowns: b.unknowns,
    undecided: b.undecided,
    outside: b.outside,
    related: b.related,
    warnings: b.warnings,
  };
}
