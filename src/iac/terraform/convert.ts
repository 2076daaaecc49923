// A Terraform plan → two Worlds: what exists before the change (the prior state) and what the
// change makes (the planned values), each resource with its address and `.tf` location. Values
// known only after apply stay Unknown (the reason names the reference they come from); ids the
// plan does not know yet are made from the address (sg-tf:module.app.aws_security_group.web[0]).
// Pure: the plan and the located sources come in.
import { isUnknown, unknown, emptyWorld, type IacAclEntry, type IacPeer, type IacRoute, type IacRule, type Maybe, type World } from '../world.js';
import type { SourceIndex } from './locate.js';
import { isObject, type Action, type Json, type TerraformPlan } from './plan.js';
import { PlanSide, primaryInterfaceId, type Inst, type Side } from './values.js';

/** The resource types sg-audit reads from a plan. */
export const TERRAFORM_TYPES = [
  'aws_security_group',
  'aws_default_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
  'aws_instance',
  'aws_launch_template',
  'aws_network_interface',
  'aws_network_interface_attachment',
  'aws_network_interface_sg_attachment',
  'aws_eip',
  'aws_eip_association',
  'aws_vpc',
  'aws_default_vpc',
  'aws_subnet',
  'aws_default_subnet',
  'aws_internet_gateway',
  'aws_internet_gateway_attachment',
  'aws_route_table',
  'aws_default_route_table',
  'aws_route',
  'aws_route_table_association',
  'aws_main_route_table_association',
  'aws_network_acl',
  'aws_default_network_acl',
  'aws_network_acl_rule',
  'aws_network_acl_association',
  'aws_ec2_managed_prefix_list',
  'aws_ec2_managed_prefix_list_entry',
  'aws_flow_log',
] as const;

const READ = new Set<string>(TERRAFORM_TYPES);

export interface ChangeCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
}

export interface TerraformWorlds {
  /** The prior state; undefined for a plan that has none (nothing applied yet), or a state file. */
  readonly before?: readonly World[];
  readonly after: readonly World[];
  /** Resources of the types sg-audit reads, by the change planned for them. */
  readonly changes: ChangeCounts;
}

// ── Reading values ────────────────────────────────────────────────────────────────────────────

type Path = readonly (string | number)[];

function text(side: PlanSide, inst: Inst, path: Path): Maybe<string | undefined> {
  const v = side.get(inst, path);
  if (isUnknown(v)) return v;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function number(side: PlanSide, inst: Inst, path: Path): Maybe<number | undefined> {
  const v = side.get(inst, path);
  if (isUnknown(v)) return v;
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

function flag(side: PlanSide, inst: Inst, path: Path, absent: boolean): Maybe<boolean> {
  const v = side.get(inst, path);
  if (isUnknown(v)) return v;
  return typeof v === 'boolean' ? v : absent;
}

/** A list of strings, each possibly unknown; Unknown when the whole list is. */
function texts(side: PlanSide, inst: Inst, path: Path): Maybe<readonly Maybe<string>[]> {
  const v = side.get(inst, path);
  if (isUnknown(v)) return v;
  if (!Array.isArray(v)) return [];
  return v.map((_, i) => {
    const item = side.get(inst, [...path, i]);
    return isUnknown(item) ? item : typeof item === 'string' ? item : '';
  }).filter((item) => item !== '');
}

function tagsOf(values: Json): Record<string, string> {
  const tags = isObject(values['tags']) ? values['tags'] : isObject(values['tags_all']) ? values['tags_all'] : {};
  return Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

const nameTag = (values: Json) => tagsOf(values)['Name'];

const attr = (at: string, name: string) => (at ? `${at}.${name}` : name);

// ── Security group rules ──────────────────────────────────────────────────────────────────────

/** Peers from CIDR lists: each entry, or one unknown peer for a list known only after apply. */
function cidrPeers(side: PlanSide, inst: Inst, path: Path, kind: 'ipv4' | 'ipv6', at: string, name: string): IacPeer[] {
  const list = texts(side, inst, path);
  if (isUnknown(list)) return [{ kind, cidr: list, attribute: attr(at, name) }];
  return list.map((cidr, i) => ({ kind, cidr, attribute: `${attr(at, name)}[${i}]` }));
}

function idPeers(side: PlanSide, inst: Inst, path: Path, kind: 'prefix-list' | 'group', at: string, name: string): IacPeer[] {
  const ids = side.ids(inst, path);
  if (isUnknown(ids)) return [{ kind, id: ids, attribute: attr(at, name) }];
  return ids.map((id) => ({ kind, id, attribute: attr(at, name) }));
}

/** An inline rule of aws_security_group (an element of `ingress` or `egress`). */
function inlineRule(side: PlanSide, inst: Inst, direction: 'ingress' | 'egress', i: number, groupId: string): IacRule {
  const base: Path = [direction, i];
  const at = `${direction}[${i}]`;
  const peers: IacPeer[] = [
    ...cidrPeers(side, inst, [...base, 'cidr_blocks'], 'ipv4', at, 'cidr_blocks'),
    ...cidrPeers(side, inst, [...base, 'ipv6_cidr_blocks'], 'ipv6', at, 'ipv6_cidr_blocks'),
    ...idPeers(side, inst, [...base, 'prefix_list_ids'], 'prefix-list', at, 'prefix_list_ids'),
    ...idPeers(side, inst, [...base, 'security_groups'], 'group', at, 'security_groups'),
  ];
  const self = flag(side, inst, [...base, 'self'], false);
  if (isUnknown(self) || self) peers.push({ kind: 'group', id: isUnknown(self) ? self : groupId, attribute: attr(at, 'self') });
  return {
    direction,
    protocol: protocolOf(text(side, inst, [...base, 'protocol'])),
    fromPort: number(side, inst, [...base, 'from_port']),
    toPort: number(side, inst, [...base, 'to_port']),
    peers,
    description: text(side, inst, [...base, 'description']),
    source: inst.source,
    at,
  };
}

/** Terraform writes a missing protocol as ""; an unset one means all (the provider's default for -1 is "-1"). */
function protocolOf(value: Maybe<string | undefined>): Maybe<string> {
  return isUnknown(value) ? value : value ?? '-1';
}

/**
 * An inline rule list known only after apply, rebuilt from the configuration's blocks: their
 * constants, variables and references to groups of the plan; a CIDR that comes from a reference
 * stays unknown. Unknown as a whole when the configuration gives one expression for the list.
 */
function rulesFromConfig(side: PlanSide, inst: Inst, direction: 'ingress' | 'egress', groupId: string): Maybe<readonly IacRule[]> {
  const expression = inst.plan.config?.expressions[direction];
  const reason = side.reasonFor(inst, [direction]);
  const blocks: Json[] | undefined = Array.isArray(expression)
    ? expression.filter(isObject)
    : isObject(expression) && Array.isArray(expression['constant_value'])
      ? expression['constant_value'].filter(isObject).map((v) => Object.fromEntries(Object.entries(v).map(([k, c]) => [k, { constant_value: c }])))
      : undefined;
  if (!blocks) return unknown(reason);
  return blocks.map((block, i): IacRule => {
    const at = `${direction}[${i}]`;
    const value = (key: string) => side.valueOf(inst, block[key]);
    const textValue = (key: string): Maybe<string | undefined> => {
      const v = value(key);
      return isUnknown(v) ? v : typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
    };
    const numberValue = (key: string): Maybe<number | undefined> => {
      const v = value(key);
      return isUnknown(v) ? v : typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined;
    };
    const cidrs = (key: string, kind: 'ipv4' | 'ipv6'): IacPeer[] => {
      const v = value(key);
      if (isUnknown(v)) return [{ kind, cidr: v, attribute: attr(at, key) }];
      return Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string').map((cidr, j) => ({ kind, cidr, attribute: `${attr(at, key)}[${j}]` })) : [];
    };
    const ids = (key: string, kind: 'prefix-list' | 'group'): IacPeer[] => {
      if (block[key] === undefined) return [];
      const found = side.idsOf(inst, block[key], key);
      return isUnknown(found) ? [{ kind, id: found, attribute: attr(at, key) }] : found.map((id) => ({ kind, id, attribute: attr(at, key) }));
    };
    const self = value('self');
    return {
      direction,
      protocol: protocolOf(textValue('protocol')),
      fromPort: numberValue('from_port'),
      toPort: numberValue('to_port'),
      peers: [
        ...cidrs('cidr_blocks', 'ipv4'),
        ...cidrs('ipv6_cidr_blocks', 'ipv6'),
        ...ids('prefix_list_ids', 'prefix-list'),
        ...ids('security_groups', 'group'),
        ...(self === true || isUnknown(self) ? [{ kind: 'group' as const, id: isUnknown(self) ? self : groupId, attribute: attr(at, 'self') }] : []),
      ],
      description: textValue('description'),
      source: inst.source,
      at,
    };
  });
}

/** A group's inline rules of one direction, as the plan has them or (unknown) as the configuration writes them. */
function inlineRules(side: PlanSide, inst: Inst, direction: 'ingress' | 'egress', groupId: string): Maybe<readonly IacRule[]> {
  const value = side.get(inst, [direction]);
  if (isUnknown(value)) {
    // Unset, the provider leaves the group's rules to rule resources: a new group then has none.
    if (!side.configured(inst, direction, true)) return inst.plan.action === 'create' || inst.plan.action === 'replace' ? [] : unknown(value.reason);
    return rulesFromConfig(side, inst, direction, groupId);
  }
  if (!Array.isArray(value)) return [];
  return value.map((_, i) => inlineRule(side, inst, direction, i, groupId));
}

function groupName(side: PlanSide, inst: Inst): Maybe<string> {
  const name = text(side, inst, ['name']);
  if (!isUnknown(name)) return name ?? '';
  // name_prefix: the name starts with it, whatever apply adds.
  const prefix = text(side, inst, ['name_prefix']);
  return typeof prefix === 'string' ? `${prefix}*` : name;
}

function addGroups(side: PlanSide, world: (inst: Inst) => World): void {
  for (const inst of [...side.of('aws_security_group'), ...side.of('aws_default_security_group')]) {
    const isDefault = inst.plan.type === 'aws_default_security_group';
    world(inst).groups.push({
      id: inst.id,
      source: inst.source,
      name: isDefault ? 'default' : groupName(side, inst),
      description: isDefault ? 'default VPC security group' : (text(side, inst, ['description']) ?? ''),
      vpcId: side.id(inst, ['vpc_id']),
      isDefault,
      tags: tagsOf(inst.values),
      ingress: inlineRules(side, inst, 'ingress', inst.id),
      egress: inlineRules(side, inst, 'egress', inst.id),
    });
  }
  // aws_security_group_rule: one rule, any number of peers.
  for (const inst of side.of('aws_security_group_rule')) {
    const type = text(side, inst, ['type']);
    const direction = type === 'egress' ? 'egress' : 'ingress';
    const groupId = side.id(inst, ['security_group_id']);
    const peers: IacPeer[] = [
      ...cidrPeers(side, inst, ['cidr_blocks'], 'ipv4', '', 'cidr_blocks'),
      ...cidrPeers(side, inst, ['ipv6_cidr_blocks'], 'ipv6', '', 'ipv6_cidr_blocks'),
      ...idPeers(side, inst, ['prefix_list_ids'], 'prefix-list', '', 'prefix_list_ids'),
    ];
    const self = flag(side, inst, ['self'], false);
    if (self === true || isUnknown(self)) peers.push({ kind: 'group', id: isUnknown(self) ? self : isUnknown(groupId) ? groupId : (groupId ?? ''), attribute: 'self' });
    else {
      const source = side.id(inst, ['source_security_group_id']);
      if (source !== undefined) peers.push({ kind: 'group', id: source, attribute: 'source_security_group_id' });
    }
    world(inst).groupRules.push({
      groupId: groupId ?? unknown('security_group_id is not set'),
      rule: {
        direction,
        protocol: protocolOf(text(side, inst, ['protocol'])),
        fromPort: number(side, inst, ['from_port']),
        toPort: number(side, inst, ['to_port']),
        peers,
        description: text(side, inst, ['description']),
        source: inst.source,
        at: '',
      },
    });
  }
  // The per-rule resources (AWS provider 5): one peer each; ip_protocol "-1" has no ports.
  for (const type of ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'] as const) {
    for (const inst of side.of(type)) {
      const peers: IacPeer[] = [];
      const v4 = text(side, inst, ['cidr_ipv4']);
      if (v4 !== undefined) peers.push({ kind: 'ipv4', cidr: v4, attribute: 'cidr_ipv4' });
      const v6 = text(side, inst, ['cidr_ipv6']);
      if (v6 !== undefined) peers.push({ kind: 'ipv6', cidr: v6, attribute: 'cidr_ipv6' });
      const list = side.id(inst, ['prefix_list_id']);
      if (list !== undefined) peers.push({ kind: 'prefix-list', id: list, attribute: 'prefix_list_id' });
      const group = side.id(inst, ['referenced_security_group_id']);
      if (group !== undefined) peers.push({ kind: 'group', id: group, attribute: 'referenced_security_group_id' });
      const protocol = text(side, inst, ['ip_protocol']);
      const all = protocol === '-1' || protocol === 'all';
      world(inst).groupRules.push({
        groupId: side.id(inst, ['security_group_id']) ?? unknown('security_group_id is not set'),
        rule: {
          direction: type.endsWith('ingress_rule') ? 'ingress' : 'egress',
          protocol: protocolOf(protocol),
          fromPort: all ? undefined : number(side, inst, ['from_port']),
          toPort: all ? undefined : number(side, inst, ['to_port']),
          peers,
          description: text(side, inst, ['description']),
          source: inst.source,
          at: '',
        },
      });
    }
  }
}

// ── Instances and interfaces ─────────────────────────────────────────────────────────────────

/** What a launch template gives the instances launched from it. */
interface TemplateDefaults {
  readonly groupIds?: Maybe<readonly string[]>;
  readonly subnetId?: Maybe<string | undefined>;
  readonly publicIpv4?: Maybe<boolean>;
}

function templateDefaults(side: PlanSide, template: Inst): TemplateDefaults {
  const groups = side.ids(template, ['vpc_security_group_ids']);
  const nic = side.get(template, ['network_interfaces', 0]);
  const nicGroups = isObject(nic) ? side.ids(template, ['network_interfaces', 0, 'security_groups']) : [];
  const groupIds = !isUnknown(groups) && groups.length > 0 ? groups : !isUnknown(nicGroups) && nicGroups.length > 0 ? nicGroups : isUnknown(groups) ? groups : nicGroups;
  const subnet = isObject(nic) ? side.id(template, ['network_interfaces', 0, 'subnet_id']) : undefined;
  const publicText = isObject(nic) ? side.get(template, ['network_interfaces', 0, 'associate_public_ip_address']) : undefined;
  // The template spells it "true"/"false" (a string, so it can be left unset).
  const publicIpv4 = isUnknown(publicText) ? publicText : publicText === 'true' || publicText === true ? true : publicText === 'false' || publicText === false ? false : undefined;
  return { groupIds, ...(subnet !== undefined ? { subnetId: subnet } : {}), ...(publicIpv4 !== undefined ? { publicIpv4 } : {}) };
}

function addInterfaces(side: PlanSide, world: (inst: Inst) => World): void {
  const byId = new Map(side.instances.map((i) => [i.id, i]));
  const templates = side.of('aws_launch_template');
  // Groups and instances joined to interfaces by their own resources.
  const extraGroups = new Map<string, Maybe<string>[]>();
  const extraInterfaces = new Map<string, string[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    list.push(value);
  };
  for (const inst of side.of('aws_network_interface_sg_attachment')) {
    const eni = side.id(inst, ['network_interface_id']);
    const group = side.id(inst, ['security_group_id']);
    if (typeof eni === 'string' && group !== undefined) push(extraGroups, eni, group);
  }
  for (const inst of side.of('aws_network_interface_attachment')) {
    const eni = side.id(inst, ['network_interface_id']);
    const instance = side.id(inst, ['instance_id']);
    if (typeof eni === 'string' && typeof instance === 'string') push(extraInterfaces, instance, eni);
  }
  for (const inst of side.of('aws_network_interface')) {
    const attachments = side.get(inst, ['attachment']);
    if (!Array.isArray(attachments)) continue;
    attachments.forEach((_, i) => {
      const instance = side.id(inst, ['attachment', i, 'instance']);
      if (typeof instance === 'string') push(extraInterfaces, instance, inst.id);
    });
  }
  const attachedTo = new Map<string, string>();
  for (const [instance, enis] of extraInterfaces) for (const eni of enis) attachedTo.set(eni, instance);

  const withExtra = (eni: string, groups: Maybe<readonly Maybe<string>[]>): Maybe<readonly Maybe<string>[]> =>
    isUnknown(groups) ? groups : [...groups, ...(extraGroups.get(eni) ?? [])];

  for (const inst of side.of('aws_network_interface')) {
    const ipv6Count = number(side, inst, ['ipv6_address_count']);
    const ipv6List = texts(side, inst, ['ipv6_addresses']);
    const known6 = isUnknown(ipv6List) ? [] : ipv6List.filter((a): a is string => !isUnknown(a));
    world(inst).interfaces.push({
      id: inst.id,
      source: inst.source,
      subnetId: side.id(inst, ['subnet_id']),
      groupIds: withExtra(inst.id, side.ids(inst, ['security_groups'])),
      // A network interface gets a public IPv4 address only from an Elastic IP.
      publicIpv4: false,
      ipv6: known6.length > 0 || (typeof ipv6Count === 'number' && ipv6Count > 0) ? true : isUnknown(ipv6Count) && side.configured(inst, 'ipv6_address_count') ? ipv6Count : false,
      ...(attachedTo.has(inst.id) ? { instanceId: attachedTo.get(inst.id) as string } : {}),
      description: (text(side, inst, ['description']) as string | undefined) ?? '',
      ...(known6.length > 0 ? { ipv6Addresses: known6 } : {}),
      attributes: { subnet: 'subnet_id', groups: 'security_groups', publicIpv4: 'associate_public_ip_address', ipv6: 'ipv6_address_count' },
    });
  }

  for (const inst of side.of('aws_instance')) {
    const template = templateOf(side, inst, templates, byId);
    const defaults = template ? templateDefaults(side, template) : {};
    // An interface attached at launch as device 0 is the primary one: its own settings apply.
    const attached: string[] = [];
    let primaryGiven: string | undefined;
    for (const key of ['network_interface', 'primary_network_interface']) {
      const blocks = side.get(inst, [key]);
      if (!Array.isArray(blocks)) continue;
      blocks.forEach((_, i) => {
        const eni = side.id(inst, [key, i, 'network_interface_id']);
        const device = number(side, inst, [key, i, 'device_index']);
        if (typeof eni !== 'string') return;
        if (key === 'primary_network_interface' || device === 0) primaryGiven = eni;
        else attached.push(eni);
      });
    }
    const interfaceIds: string[] = [];
    if (primaryGiven !== undefined) interfaceIds.push(primaryGiven);
    else {
      const id = primaryInterfaceId(inst);
      interfaceIds.push(id);
      world(inst).interfaces.push({
        id,
        source: inst.source,
        subnetId: instanceSubnet(side, inst, defaults),
        groupIds: withExtra(id, instanceGroups(side, inst, defaults)),
        publicIpv4: instancePublicIpv4(side, inst, defaults),
        ipv6: instanceIpv6(side, inst),
        instanceId: inst.id,
        description: '',
        ...publicAddresses(side, inst),
        attributes: { subnet: 'subnet_id', groups: 'vpc_security_group_ids', publicIpv4: 'associate_public_ip_address', ipv6: 'ipv6_address_count' },
      });
    }
    interfaceIds.push(...attached, ...(extraInterfaces.get(inst.id) ?? []).filter((id) => !attached.includes(id) && id !== primaryGiven));
    const name = nameTag(inst.values);
    world(inst).instances.push({ id: inst.id, source: inst.source, ...(name ? { name } : {}), interfaceIds });
  }

  // Elastic IPs: a public IPv4 address for the interface (or the instance's primary one).
  for (const type of ['aws_eip', 'aws_eip_association'] as const) {
    for (const inst of side.of(type)) {
      const eni = side.id(inst, [type === 'aws_eip' ? 'network_interface' : 'network_interface_id']);
      const instance = side.id(inst, [type === 'aws_eip' ? 'instance' : 'instance_id']);
      const target = typeof eni === 'string' ? eni : typeof instance === 'string' ? primaryOf(byId.get(instance)) : isUnknown(eni) ? eni : isUnknown(instance) ? instance : undefined;
      if (target !== undefined) world(inst).elasticIps.push({ interfaceId: target, source: inst.source });
    }
  }
}

function primaryOf(instance: Inst | undefined): string | undefined {
  return instance ? primaryInterfaceId(instance) : undefined;
}

function templateOf(side: PlanSide, inst: Inst, templates: readonly Inst[], byId: ReadonlyMap<string, Inst>): Inst | undefined {
  const block = side.get(inst, ['launch_template', 0]);
  if (!isObject(block) && !isUnknown(block)) return undefined;
  const id = side.id(inst, ['launch_template', 0, 'id']);
  if (typeof id === 'string' && byId.get(id)?.plan.type === 'aws_launch_template') return byId.get(id);
  const name = text(side, inst, ['launch_template', 0, 'name']);
  return typeof name === 'string' ? templates.find((t) => t.values['name'] === name) : undefined;
}

function instanceGroups(side: PlanSide, inst: Inst, defaults: TemplateDefaults): Maybe<readonly Maybe<string>[]> {
  const raw = side.get(inst, ['vpc_security_group_ids']);
  const configured = !isUnknown(raw) || side.configured(inst, 'vpc_security_group_ids');
  const ids = configured ? side.ids(inst, ['vpc_security_group_ids']) : [];
  // security_groups takes names (the default VPC) or ids.
  const names = side.get(inst, ['security_groups']);
  const byName = Array.isArray(names)
    ? names.filter((n): n is string => typeof n === 'string').map((n) => (n.startsWith('sg-') ? n : (side.of('aws_security_group').find((g) => g.values['name'] === n)?.id ?? n)))
    : [];
  if (isUnknown(ids)) return ids;
  const all = [...ids, ...byName];
  if (all.length > 0) return all;
  return defaults.groupIds ?? [];
}

function instanceSubnet(side: PlanSide, inst: Inst, defaults: TemplateDefaults): Maybe<string | undefined> {
  const raw = side.get(inst, ['subnet_id']);
  if (!isUnknown(raw) || side.configured(inst, 'subnet_id')) {
    const id = side.id(inst, ['subnet_id']);
    if (id !== undefined) return id;
  }
  return defaults.subnetId;
}

function instancePublicIpv4(side: PlanSide, inst: Inst, defaults: TemplateDefaults): Maybe<boolean> | 'subnet-default' {
  const known = inst.values['public_ip'];
  if (typeof known === 'string' && known !== '') return true;
  const value = side.get(inst, ['associate_public_ip_address']);
  if (typeof value === 'boolean' && side.configured(inst, 'associate_public_ip_address')) return value;
  if (isUnknown(value) && side.configured(inst, 'associate_public_ip_address')) return value;
  if (defaults.publicIpv4 !== undefined) return defaults.publicIpv4;
  // Unset: the subnet's map_public_ip_on_launch decides.
  return typeof value === 'boolean' && inst.plan.action !== 'create' ? value : 'subnet-default';
}

function instanceIpv6(side: PlanSide, inst: Inst): Maybe<boolean> | 'subnet-default' {
  const addresses = side.get(inst, ['ipv6_addresses']);
  if (Array.isArray(addresses) && addresses.length > 0) return true;
  const count = number(side, inst, ['ipv6_address_count']);
  if (typeof count === 'number' && side.configured(inst, 'ipv6_address_count')) return count > 0;
  if (isUnknown(count) && side.configured(inst, 'ipv6_address_count')) return count;
  return typeof count === 'number' && inst.plan.action !== 'create' ? count > 0 : 'subnet-default';
}

function publicAddresses(side: PlanSide, inst: Inst): { publicIpv4Address?: string; ipv6Addresses?: readonly string[] } {
  const ip = inst.values['public_ip'];
  const v6 = side.get(inst, ['ipv6_addresses']);
  const ipv6 = Array.isArray(v6) ? v6.filter((a): a is string => typeof a === 'string') : [];
  return { ...(typeof ip === 'string' && ip !== '' ? { publicIpv4Address: ip } : {}), ...(ipv6.length > 0 ? { ipv6Addresses: ipv6 } : {}) };
}

// ── The network ──────────────────────────────────────────────────────────────────────────────

const ROUTE_TARGETS = [
  'gateway_id',
  'nat_gateway_id',
  'egress_only_gateway_id',
  'transit_gateway_id',
  'vpc_peering_connection_id',
  'network_interface_id',
  'vpc_endpoint_id',
  'local_gateway_id',
  'carrier_gateway_id',
  'core_network_arn',
  'instance_id',
];

function routeOf(side: PlanSide, inst: Inst, base: Path, at: string, names: { v4: string; v6: string; pl: string }): IacRoute[] {
  let target: Maybe<string> | undefined;
  for (const field of ROUTE_TARGETS) {
    const value = side.id(inst, [...base, field]);
    if (value !== undefined) {
      target = value;
      break;
    }
  }
  if (target === undefined) return [];
  const v4 = text(side, inst, [...base, names.v4]);
  const v6 = text(side, inst, [...base, names.v6]);
  const pl = text(side, inst, [...base, names.pl]);
  const routes: IacRoute[] = [];
  if (v4 !== undefined) routes.push({ destination: v4, ipv6: false, target, source: inst.source, at });
  if (v6 !== undefined) routes.push({ destination: v6, ipv6: true, target, source: inst.source, at });
  if (v4 === undefined && v6 === undefined && typeof pl === 'string') routes.push({ destination: undefined, ipv6: false, prefixListId: pl, target, source: inst.source, at });
  return routes;
}

function tableRoutes(side: PlanSide, inst: Inst): IacRoute[] {
  const value = side.get(inst, ['route']);
  if (isUnknown(value)) {
    // Unset on a new table: its routes are aws_route resources. Set but unknown: the worst.
    if (!side.configured(inst, 'route', true) && inst.plan.action === 'create') return [];
    return [{ destination: value, ipv6: false, target: value, source: inst.source, at: 'route' }];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((_, i) => routeOf(side, inst, ['route', i], `route[${i}]`, { v4: 'cidr_block', v6: 'ipv6_cidr_block', pl: 'destination_prefix_list_id' }));
}

function aclEntries(side: PlanSide, inst: Inst, direction: 'ingress' | 'egress'): IacAclEntry[] {
  const value = side.get(inst, [direction]);
  if (isUnknown(value)) {
    if (!side.configured(inst, direction, true) && inst.plan.action === 'create') return [];
    return [{ ruleNumber: value, egress: direction === 'egress', action: value, protocol: value, fromPort: value, toPort: value, cidr: value, ipv6: false, source: inst.source, at: direction }];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((_, i) => {
    const base: Path = [direction, i];
    const at = `${direction}[${i}]`;
    const v6 = text(side, inst, [...base, 'ipv6_cidr_block']);
    const v4 = text(side, inst, [...base, 'cidr_block']);
    const cidr = v4 ?? v6;
    if (cidr === undefined) return [];
    return [
      {
        ruleNumber: number(side, inst, [...base, 'rule_no']) ?? unknown('rule_no is not set'),
        egress: direction === 'egress',
        action: text(side, inst, [...base, 'action']) ?? 'deny',
        protocol: protocolOf(text(side, inst, [...base, 'protocol'])),
        fromPort: number(side, inst, [...base, 'from_port']),
        toPort: number(side, inst, [...base, 'to_port']),
        cidr,
        ipv6: v4 === undefined,
        source: inst.source,
        at,
      },
    ];
  });
}

/** The VPC a default resource belongs to, from its id (rtb-main:vpc-…, acl-default:vpc-…) or its vpc_id. */
function vpcOfDefault(side: PlanSide, inst: Inst, idField: string, prefix: string): Maybe<string | undefined> {
  const vpc = side.id(inst, ['vpc_id']);
  if (typeof vpc === 'string') return vpc;
  const id = side.id(inst, [idField]);
  return typeof id === 'string' && id.startsWith(prefix) ? id.slice(prefix.length) : vpc;
}

function addNetwork(side: PlanSide, world: (inst: Inst) => World): void {
  for (const inst of [...side.of('aws_vpc'), ...side.of('aws_default_vpc')]) {
    const name = nameTag(inst.values);
    world(inst).vpcs.push({ id: inst.id, source: inst.source, cidr: text(side, inst, ['cidr_block']), ...(name ? { name } : {}) });
  }
  for (const inst of [...side.of('aws_subnet'), ...side.of('aws_default_subnet')]) {
    const name = nameTag(inst.values);
    const zone = inst.values['availability_zone'];
    world(inst).subnets.push({
      id: inst.id,
      source: inst.source,
      vpcId: side.id(inst, ['vpc_id']),
      cidr: text(side, inst, ['cidr_block']),
      ipv6Cidr: text(side, inst, ['ipv6_cidr_block']),
      mapPublicIp: flag(side, inst, ['map_public_ip_on_launch'], inst.plan.type === 'aws_default_subnet'),
      assignIpv6: flag(side, inst, ['assign_ipv6_address_on_creation'], false),
      ...(typeof zone === 'string' ? { availabilityZone: zone } : {}),
      ...(name ? { name } : {}),
    });
  }
  for (const inst of side.of('aws_internet_gateway')) {
    const vpc = side.id(inst, ['vpc_id']);
    const name = nameTag(inst.values);
    world(inst).internetGateways.push({ id: inst.id, source: inst.source, vpcIds: vpc === undefined ? [] : [vpc], ...(name ? { name } : {}) });
  }
  for (const inst of side.of('aws_internet_gateway_attachment')) {
    const gateway = side.id(inst, ['internet_gateway_id']);
    const vpc = side.id(inst, ['vpc_id']);
    const found = typeof gateway === 'string' ? world(inst).internetGateways.find((g) => g.id === gateway) : undefined;
    if (found && vpc !== undefined) (found.vpcIds as Maybe<string>[]).push(vpc);
  }
  for (const inst of [...side.of('aws_route_table'), ...side.of('aws_default_route_table')]) {
    const isDefault = inst.plan.type === 'aws_default_route_table';
    const vpcId = isDefault ? vpcOfDefault(side, inst, 'default_route_table_id', 'rtb-main:') : side.id(inst, ['vpc_id']);
    const id = isDefault ? (side.id(inst, ['default_route_table_id']) ?? inst.id) : inst.id;
    const name = nameTag(inst.values);
    world(inst).routeTables.push({ id: typeof id === 'string' ? id : inst.id, source: inst.source, vpcId, main: isDefault, routes: tableRoutes(side, inst), ...(name ? { name } : {}) });
  }
  for (const inst of side.of('aws_route')) {
    for (const route of routeOf(side, inst, [], '', { v4: 'destination_cidr_block', v6: 'destination_ipv6_cidr_block', pl: 'destination_prefix_list_id' })) {
      world(inst).routes.push({ tableId: side.id(inst, ['route_table_id']) ?? unknown('route_table_id is not set'), route });
    }
  }
  for (const inst of side.of('aws_route_table_association')) {
    const subnet = side.id(inst, ['subnet_id']);
    if (subnet === undefined) continue; // a gateway (edge) association routes traffic entering through a gateway
    world(inst).associations.push({ kind: 'route-table', targetId: side.id(inst, ['route_table_id']) ?? unknown('route_table_id is not set'), subjectId: subnet, source: inst.source });
  }
  for (const inst of side.of('aws_main_route_table_association')) {
    world(inst).associations.push({
      kind: 'main-route-table',
      targetId: side.id(inst, ['route_table_id']) ?? unknown('route_table_id is not set'),
      subjectId: side.id(inst, ['vpc_id']) ?? unknown('vpc_id is not set'),
      source: inst.source,
    });
  }
  for (const inst of [...side.of('aws_network_acl'), ...side.of('aws_default_network_acl')]) {
    const isDefault = inst.plan.type === 'aws_default_network_acl';
    const id = isDefault ? (side.id(inst, ['default_network_acl_id']) ?? inst.id) : inst.id;
    const subnets = side.ids(inst, ['subnet_ids']);
    const name = nameTag(inst.values);
    world(inst).networkAcls.push({
      id: typeof id === 'string' ? id : inst.id,
      source: inst.source,
      vpcId: isDefault ? vpcOfDefault(side, inst, 'default_network_acl_id', 'acl-default:') : side.id(inst, ['vpc_id']),
      isDefault,
      subnetIds: isUnknown(subnets) ? [subnets] : subnets,
      entries: [...aclEntries(side, inst, 'ingress'), ...aclEntries(side, inst, 'egress')],
      ...(name ? { name } : {}),
    });
  }
  for (const inst of side.of('aws_network_acl_rule')) {
    const v4 = text(side, inst, ['cidr_block']);
    const v6 = text(side, inst, ['ipv6_cidr_block']);
    const cidr = v4 ?? v6;
    if (cidr === undefined) continue;
    const egress = flag(side, inst, ['egress'], false);
    world(inst).aclRules.push({
      aclId: side.id(inst, ['network_acl_id']) ?? unknown('network_acl_id is not set'),
      entry: {
        ruleNumber: number(side, inst, ['rule_number']) ?? unknown('rule_number is not set'),
        egress: egress === true,
        action: text(side, inst, ['rule_action']) ?? 'deny',
        protocol: protocolOf(text(side, inst, ['protocol'])),
        fromPort: number(side, inst, ['from_port']),
        toPort: number(side, inst, ['to_port']),
        cidr,
        ipv6: v4 === undefined,
        source: inst.source,
        at: '',
      },
    });
  }
  for (const inst of side.of('aws_network_acl_association')) {
    world(inst).associations.push({
      kind: 'network-acl',
      targetId: side.id(inst, ['network_acl_id']) ?? unknown('network_acl_id is not set'),
      subjectId: side.id(inst, ['subnet_id']) ?? unknown('subnet_id is not set'),
      source: inst.source,
    });
  }
  for (const inst of side.of('aws_ec2_managed_prefix_list')) {
    const entries = side.get(inst, ['entry']);
    world(inst).prefixLists.push({
      id: inst.id,
      source: inst.source,
      name: text(side, inst, ['name']) ?? '',
      entries: isUnknown(entries)
        ? entries
        : Array.isArray(entries)
          ? entries.map((_, i) => text(side, inst, ['entry', i, 'cidr'])).filter((c): c is Maybe<string> => c !== undefined)
          : [],
    });
  }
  for (const inst of side.of('aws_ec2_managed_prefix_list_entry')) {
    world(inst).prefixListEntries.push({
      listId: side.id(inst, ['prefix_list_id']) ?? unknown('prefix_list_id is not set'),
      cidr: text(side, inst, ['cidr']) ?? unknown('cidr is not set'),
      source: inst.source,
    });
  }
  for (const inst of side.of('aws_flow_log')) {
    const target = side.id(inst, ['vpc_id']) ?? side.id(inst, ['subnet_id']) ?? side.id(inst, ['eni_id']);
    const traffic = inst.values['traffic_type'];
    world(inst).flowLogs.push({ id: inst.id, source: inst.source, resourceId: target, ...(typeof traffic === 'string' ? { trafficType: traffic } : {}) });
  }
}

// ── Placement ─────────────────────────────────────────────────────────────────────────────────

/** arn:aws:ec2:eu-west-1:123456789012:… → region and account. */
function placementOf(values: Json): { region?: string; accountId?: string } {
  const arn = typeof values['arn'] === 'string' ? values['arn'].split(':') : [];
  const owner = typeof values['owner_id'] === 'string' && /^\d{12}$/.test(values['owner_id']) ? values['owner_id'] : undefined;
  const account = arn[4] && /^\d{12}$/.test(arn[4]) ? arn[4] : owner;
  return { ...(arn[3] ? { region: arn[3] } : {}), ...(account ? { accountId: account } : {}) };
}

function sideWorlds(plan: TerraformPlan, side: Side, sources: SourceIndex, region: string | undefined): World[] {
  const view = new PlanSide(plan, side, sources);
  const worlds = new Map<string, World>();
  // The account, when any resource's ARN or owner says.
  const accountId = view.instances.map((i) => placementOf(i.values).accountId).find((a) => a !== undefined);
  const worldOf = (inst: Inst): World => {
    const key = inst.plan.region ?? region ?? placementOf(inst.values).region ?? '';
    let world = worlds.get(key);
    if (!world) worlds.set(key, (world = emptyWorld(plan.file, { ...(accountId ? { accountId } : {}), ...(key ? { region: key } : {}) })));
    return world;
  };
  addGroups(view, worldOf);
  addInterfaces(view, worldOf);
  addNetwork(view, worldOf);
  return [...worlds.values()];
}

/** A plan's two sides as Worlds, and what it changes. `region` names the region when the plan does not. */
export function terraformWorlds(plan: TerraformPlan, sources: SourceIndex, region?: string): TerraformWorlds {
  const counts: Record<Exclude<Action, 'no-op' | 'read'>, number> = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const inst of plan.instances) if (READ.has(inst.type) && inst.action in counts) counts[inst.action as keyof typeof counts]++;
  const after = sideWorlds(plan, 'after', sources, region);
  // A plan without a prior state (nothing applied yet) has an empty before; a state has no change.
  const hasPrior = plan.instances.some((i) => i.before !== undefined);
  return {
    ...(plan.isState ? {} : { before: hasPrior ? sideWorlds(plan, 'before', sources, region) : [] }),
    after: after.length > 0 ? after : [emptyWorld(plan.file, region ? { region } : {})],
    changes: counts,
  };
}
