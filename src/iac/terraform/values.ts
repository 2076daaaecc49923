// Reading one side of a plan (the prior state, or the planned values): an instance's values with
// the ones known only after apply marked, the ids of the resources it references, and the
// expressions of its configuration (constants, input variables, module outputs) for a value the
// planned values leave unknown. Pure.
import { unknown, type Maybe, type IacSource, type Unknown } from '../world.js';
import { configPath, isObject, moduleAt, type ConfigModule, type Json, type PlanInstance, type TerraformPlan } from './plan.js';
import type { SourceIndex, TfBlock } from './locate.js';

export type Side = 'before' | 'after';

/** A resource instance as one side of the plan has it. */
export interface Inst {
  readonly plan: PlanInstance;
  readonly values: Json;
  /** after_unknown on the planned side; nothing is unknown in the prior state. */
  readonly unknownMarks: unknown;
  readonly source: IacSource;
  readonly block?: TfBlock;
  /** Its id on this side: the real one when known, else one made from its address. */
  readonly id: string;
}

/** The id prefix of each resource type, so a placeholder id reads as its kind (sg-tf:…, subnet-tf:…). */
const ID_PREFIX: Readonly<Record<string, string>> = {
  aws_security_group: 'sg',
  aws_default_security_group: 'sg',
  aws_security_group_rule: 'sgr',
  aws_vpc_security_group_ingress_rule: 'sgr',
  aws_vpc_security_group_egress_rule: 'sgr',
  aws_instance: 'i',
  aws_network_interface: 'eni',
  aws_subnet: 'subnet',
  aws_default_subnet: 'subnet',
  aws_vpc: 'vpc',
  aws_default_vpc: 'vpc',
  aws_network_acl: 'acl',
  aws_default_network_acl: 'acl',
  aws_route_table: 'rtb',
  aws_default_route_table: 'rtb',
  aws_internet_gateway: 'igw',
  aws_egress_only_internet_gateway: 'eigw',
  aws_nat_gateway: 'nat',
  aws_vpc_endpoint: 'vpce',
  aws_vpc_peering_connection: 'pcx',
  aws_ec2_transit_gateway: 'tgw',
  aws_vpn_gateway: 'vgw',
  aws_ec2_managed_prefix_list: 'pl',
  aws_launch_template: 'lt',
  aws_eip: 'eipalloc',
  aws_flow_log: 'fl',
};

export function placeholderId(type: string, address: string): string {
  return `${ID_PREFIX[type] ?? type.replace(/^aws_/, '')}-tf:${address}`;
}

const RESERVED = new Set(['var', 'local', 'module', 'data', 'each', 'count', 'path', 'terraform', 'self']);
const RESOURCE_REF = /^([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[("[^"]*"|\d+)\])?(?:\.([A-Za-z_][A-Za-z0-9_]*))?/;
const MODULE_REF = /^module\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[("[^"]*"|\d+)\])?(?:\.([A-Za-z_][A-Za-z0-9_]*))?/;

/** An instance key as written in a reference or an address: 0, "a". */
function keyText(index: number | string | undefined): string | undefined {
  return index === undefined ? undefined : typeof index === 'number' ? String(index) : JSON.stringify(index);
}

/** What a reference resolves to: ids, or why it does not. */
export type Resolved = { readonly ids: readonly string[] } | Unknown;

export class PlanSide {
  readonly instances: readonly Inst[];
  private readonly byResource = new Map<string, Inst[]>();
  private readonly byAddress = new Map<string, Inst>();

  constructor(
    readonly plan: TerraformPlan,
    readonly side: Side,
    sources: SourceIndex,
  ) {
    const instances: Inst[] = [];
    for (const p of plan.instances) {
      const values = side === 'before' ? p.before : p.after;
      if (!values) continue;
      const block = sources.get(configPath(p.moduleAddress))?.get(`${p.type}.${p.name}`);
      const id = typeof values['id'] === 'string' && values['id'] !== '' ? values['id'] : placeholderId(p.type, p.address);
      const inst: Inst = {
        plan: p,
        values,
        unknownMarks: side === 'after' ? p.afterUnknown : undefined,
        source: { address: p.address, file: block?.file ?? plan.file, ...(block ? { line: block.line } : {}) },
        ...(block ? { block } : {}),
        id,
      };
      instances.push(inst);
      this.byAddress.set(p.address, inst);
      const key = `${p.moduleAddress}|${p.type}.${p.name}`;
      let list = this.byResource.get(key);
      if (!list) this.byResource.set(key, (list = []));
      list.push(inst);
    }
    this.instances = instances;
    // A VPC's default group has no id of its own before apply: it is the VPC's (sg-default:vpc-…),
    // as aws_vpc.x.default_security_group_id reads.
    for (const inst of instances) {
      if (inst.plan.type !== 'aws_default_security_group' || inst.id !== placeholderId(inst.plan.type, inst.plan.address)) continue;
      const vpc = this.id(inst, ['vpc_id']);
      if (typeof vpc === 'string') this.rename(inst, defaultGroupId(vpc));
    }
  }

  private rename(inst: Inst, id: string): void {
    const renamed: Inst = { ...inst, id };
    const list = this.instances as Inst[];
    list[list.indexOf(inst)] = renamed;
    this.byAddress.set(inst.plan.address, renamed);
    const same = this.byResource.get(`${inst.plan.moduleAddress}|${inst.plan.type}.${inst.plan.name}`);
    if (same) same[same.indexOf(inst)] = renamed;
  }

  of(type: string): Inst[] {
    return this.instances.filter((i) => i.plan.type === type);
  }

  /** The value at a path, Unknown when the plan marks it (or a value above it) as known only after apply. */
  get(inst: Inst, path: readonly (string | number)[]): unknown {
    let value: unknown = inst.values;
    let marks: unknown = inst.unknownMarks;
    for (const step of path) {
      if (marks === true) return unknown(this.reasonFor(inst, path));
      value = typeof step === 'number' ? (Array.isArray(value) ? value[step] : undefined) : isObject(value) ? value[step] : undefined;
      marks = typeof step === 'number' ? (Array.isArray(marks) ? marks[step] : undefined) : isObject(marks) ? marks[step] : undefined;
    }
    if (marks === true) return unknown(this.reasonFor(inst, path));
    return value;
  }

  /**
   * Whether the configuration sets this attribute (a computed one left unset is the provider's to
   * fill). A nested block may be written as a `dynamic` block, which the plan's configuration
   * leaves out: only the `.tf` source can rule one out, and without it the worst is assumed.
   */
  configured(inst: Inst, attribute: string, block = false): boolean {
    const config = inst.plan.config;
    // Without a configuration block the plan cannot tell: assume it is set (the worst for an unknown).
    if (!config || attribute in config.expressions) return true;
    if (!block) return false;
    return inst.block ? new RegExp(`dynamic\\s+"${attribute}"`).test(inst.block.text) : true;
  }

  /** "known after apply (from aws_eip.nat.public_ip)". */
  reasonFor(inst: Inst, path: readonly (string | number)[]): string {
    const refs = this.referencesAt(inst, path).filter((r) => !RESERVED.has(r.split('.')[0] ?? '') || r.startsWith('module.') || r.startsWith('data.'));
    const shown = longest(refs);
    return `known after apply${shown.length > 0 ? ` (from ${shown.slice(0, 3).join(', ')}${shown.length > 3 ? ', …' : ''})` : ''}`;
  }

  /** The references of the expression that sets this path (a nested block's: every block's, when they cannot be told apart). */
  referencesAt(inst: Inst, path: readonly (string | number)[]): string[] {
    const expressions = inst.plan.config?.expressions;
    if (!expressions) return [];
    return referencesIn(expressionAt(expressions, path, (i) => this.get(inst, path.slice(0, i))));
  }

  /**
   * The ids an id-valued attribute holds (a list or one id): known ones as they are; unknown ones
   * from the references of its expression (a group, subnet or gateway of the plan, through module
   * outputs and input variables), with literal ids of the `.tf` source beside them.
   */
  ids(inst: Inst, path: readonly (string | number)[]): Maybe<readonly string[]> {
    const value = this.get(inst, path);
    if (typeof value === 'string') return value === '' ? [] : [value];
    if (Array.isArray(value)) {
      const known = value.filter((v): v is string => typeof v === 'string' && v !== '');
      if (known.length === value.length) return known;
      const resolved = this.resolveAt(inst, path);
      return 'unknown' in resolved ? resolved : [...new Set([...known, ...resolved.ids])];
    }
    if (value === undefined || value === null) return [];
    if (typeof value === 'object' && 'unknown' in value) {
      const resolved = this.resolveAt(inst, path);
      if ('unknown' in resolved) return resolved;
      // A list that mixes references and literal ids: the plan keeps only the references.
      const attribute = path[path.length - 1];
      const literal = typeof attribute === 'string' ? literalIds(inst.block, attribute) : [];
      return [...new Set([...resolved.ids, ...literal])];
    }
    return [];
  }

  /** One id (subnet_id, security_group_id …): undefined when unset, Unknown when it cannot be resolved to exactly one. */
  id(inst: Inst, path: readonly (string | number)[]): Maybe<string | undefined> {
    const ids = this.ids(inst, path);
    if ('unknown' in ids) return ids;
    if (ids.length <= 1) return ids[0];
    return unknown(`${this.reasonFor(inst, path)}: it could be any of ${ids.join(', ')}`);
  }

  /**
   * The value of an expression of the configuration: a constant, or an input variable's value (the
   * root module's from the plan, a module's from its caller's expression); Unknown otherwise.
   */
  valueOf(inst: Inst, expression: unknown): unknown {
    return this.evaluate(inst.plan.moduleAddress, expression, 0);
  }

  private evaluate(moduleAddress: string, expression: unknown, depth: number): unknown {
    if (!isObject(expression)) return expression === undefined ? undefined : unknown('known after apply');
    if ('constant_value' in expression) return expression['constant_value'];
    const refs = longest(referencesIn(expression));
    const only = refs.length === 1 ? refs[0] : undefined;
    const variable = only !== undefined ? /^var\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(only)?.[1] : undefined;
    if (variable === undefined || depth > 8) return unknown(`known after apply${refs.length > 0 ? ` (from ${refs.slice(0, 3).join(', ')})` : ''}`);
    if (!moduleAddress) return this.plan.variables.has(variable) ? this.plan.variables.get(variable) : unknown(`known after apply (from var.${variable})`);
    const parent = moduleAddress.replace(/\.?module\.[^.[]+(\[[^\]]*\])?$/, '');
    const call = /module\.([^.[]+)(?:\[[^\]]*\])?$/.exec(moduleAddress)?.[1];
    const given = call ? moduleAt(this.plan.root, configPath(parent))?.moduleCalls.get(call)?.expressions[variable] : undefined;
    return this.evaluate(parent, given, depth + 1);
  }

  /** The ids an expression of the configuration stands for (a block rebuilt from its configuration). */
  idsOf(inst: Inst, expression: unknown, attribute: string): Maybe<readonly string[]> {
    if (isObject(expression) && 'constant_value' in expression) {
      const value = expression['constant_value'];
      if (typeof value === 'string') return [value];
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    }
    const refs = referencesIn(expression);
    const reason = () => `known after apply${refs.length > 0 ? ` (from ${longest(refs).slice(0, 3).join(', ')})` : ''}`;
    if (refs.length === 0) return unknown(reason());
    const resolved = this.resolve(refs, inst.plan.moduleAddress, inst, 0);
    if (!resolved) return unknown(reason());
    return 'unknown' in resolved ? resolved : [...new Set([...resolved.ids, ...literalIds(inst.block, attribute)])];
  }

  private resolveAt(inst: Inst, path: readonly (string | number)[]): Resolved {
    const refs = this.referencesAt(inst, path);
    if (refs.length === 0) return unknown(this.reasonFor(inst, path));
    return this.resolve(refs, inst.plan.moduleAddress, inst, 0) ?? unknown(this.reasonFor(inst, path));
  }

  /** The ids a set of references (of one expression) stands for, in a module instance. */
  private resolve(refs: readonly string[], moduleAddress: string, from: Inst | undefined, depth: number): Resolved | undefined {
    if (depth > 8) return undefined;
    const ids: string[] = [];
    for (const ref of longest(refs)) {
      const head = ref.split('.')[0] ?? '';
      if (head === 'module') {
        const m = MODULE_REF.exec(ref);
        if (!m?.[3]) continue;
        const resolved = this.resolveOutput(moduleAddress, m[1] as string, m[2], m[3], depth);
        if (!resolved || 'unknown' in resolved) return resolved;
        ids.push(...resolved.ids);
      } else if (head === 'var') {
        const resolved = this.resolveVariable(moduleAddress, ref.split('.')[1]?.replace(/\[.*$/, '') ?? '', depth);
        if (!resolved || 'unknown' in resolved) return resolved;
        ids.push(...resolved.ids);
      } else if (RESERVED.has(head)) {
        if (head === 'data' || head === 'local') return undefined;
        continue; // count.index, each.key: they pick an instance below
      } else {
        const m = RESOURCE_REF.exec(ref);
        if (!m) return undefined;
        const [, type, name, key, attribute] = m as unknown as [string, string, string, string | undefined, string | undefined];
        let candidates = this.byResource.get(`${moduleAddress}|${type}.${name}`) ?? [];
        if (key !== undefined) candidates = candidates.filter((c) => keyText(c.plan.index) === key);
        else if (candidates.length > 1 && from && refs.some((r) => r === 'count.index' || r.startsWith('each.'))) {
          // aws_subnet.a[count.index]: the instance with the referencing instance's own key.
          const same = candidates.filter((c) => keyText(c.plan.index) === keyText(from.plan.index));
          if (same.length === 1) candidates = same;
        }
        if (candidates.length === 0) return undefined;
        for (const c of candidates) {
          const id = derivedId(c, attribute);
          if (id === undefined) return undefined;
          ids.push(id);
        }
      }
    }
    return ids.length > 0 ? { ids: [...new Set(ids)] } : undefined;
  }

  /** module.net.sg_id: the output's expression, in each instance of the module. */
  private resolveOutput(moduleAddress: string, call: string, key: string | undefined, output: string, depth: number): Resolved | undefined {
    const caller = moduleAt(this.plan.root, configPath(moduleAddress));
    const child = caller?.moduleCalls.get(call)?.module;
    const expression = child?.outputs.get(output);
    if (!child || !expression) return undefined;
    const prefix = `${moduleAddress ? `${moduleAddress}.` : ''}module.${call}`;
    const addresses = key !== undefined ? [`${prefix}[${key}]`] : this.moduleInstances(prefix);
    const ids: string[] = [];
    for (const address of addresses) {
      const resolved = this.resolve(referencesIn(expression), address, undefined, depth + 1);
      if (!resolved || 'unknown' in resolved) return resolved;
      ids.push(...resolved.ids);
    }
    return ids.length > 0 ? { ids } : undefined;
  }

  /** var.x in a module: the caller's expression for it, in the caller's module instance. */
  private resolveVariable(moduleAddress: string, name: string, depth: number): Resolved | undefined {
    if (!moduleAddress) return undefined; // a root variable's value is known at plan time
    const parent = moduleAddress.replace(/\.?module\.[^.[]+(\[[^\]]*\])?$/, '');
    const call = /module\.([^.[]+)(?:\[[^\]]*\])?$/.exec(moduleAddress)?.[1];
    const caller: ConfigModule | undefined = moduleAt(this.plan.root, configPath(parent));
    const expression = call ? caller?.moduleCalls.get(call)?.expressions[name] : undefined;
    if (!isObject(expression)) return undefined;
    if (typeof expression['constant_value'] === 'string') return { ids: [expression['constant_value']] };
    return this.resolve(referencesIn(expression), parent, undefined, depth + 1);
  }

  /** The instances of a module call: module.app, or module.app[0], module.app["x"]. */
  private moduleInstances(prefix: string): string[] {
    const found = new Set<string>();
    for (const inst of this.instances) {
      const m = inst.plan.moduleAddress;
      if (m === prefix || m.startsWith(`${prefix}.`)) found.add(prefix);
      else if (m.startsWith(`${prefix}[`)) found.add(m.slice(0, m.indexOf(']', prefix.length) + 1));
    }
    return [...found];
  }

  byAddr(address: string): Inst | undefined {
    return this.byAddress.get(address);
  }
}

/** The id an attribute of a resource stands for, when it is one sg-audit knows. */
function derivedId(target: Inst, attribute: string | undefined): string | undefined {
  const type = target.plan.type;
  if (attribute === undefined || attribute === 'id') return target.id;
  if (type === 'aws_instance' && attribute === 'primary_network_interface_id') return primaryInterfaceId(target);
  if (type === 'aws_vpc' || type === 'aws_default_vpc') {
    if (attribute === 'default_security_group_id') return defaultGroupId(target.id);
    if (attribute === 'main_route_table_id' || attribute === 'default_route_table_id') return mainRouteTableId(target.id);
    if (attribute === 'default_network_acl_id') return defaultAclId(target.id);
  }
  if (type === 'aws_eip' && attribute === 'allocation_id') return target.id;
  return undefined;
}

export function primaryInterfaceId(inst: Inst): string {
  const known = inst.values['primary_network_interface_id'];
  return typeof known === 'string' && known !== '' ? known : placeholderId('aws_network_interface', inst.plan.address);
}

/** The ids a new VPC's default resources get before apply; materialize.ts makes the main table under the same id. */
export const defaultGroupId = (vpcId: string) => `sg-default:${vpcId}`;
export const mainRouteTableId = (vpcId: string) => `rtb-main:${vpcId}`;
export const defaultAclId = (vpcId: string) => `acl-default:${vpcId}`;

/** Of `a.b.c`, `a.b` and `a`, only `a.b.c`: the plan lists every step of a reference. */
function longest(refs: readonly string[]): string[] {
  return refs.filter((r) => !refs.some((other) => other !== r && (other.startsWith(`${r}.`) || other.startsWith(`${r}[`))));
}

export function referencesIn(expression: unknown): string[] {
  if (!isObject(expression)) {
    if (Array.isArray(expression)) return expression.flatMap(referencesIn);
    return [];
  }
  if (Array.isArray(expression['references'])) return expression['references'].filter((r): r is string => typeof r === 'string');
  // A block's expressions: every reference in it.
  return Object.values(expression).flatMap(referencesIn);
}

/**
 * The expression that sets a path of the values. Nested blocks are lists of block expressions in
 * the configuration, in the order written, while the values of a set are in another order: the
 * block is found by its known constant fields, else every block of the attribute counts.
 */
function expressionAt(expressions: Json, path: readonly (string | number)[], valueAt: (depth: number) => unknown): unknown {
  let current: unknown = expressions;
  for (let i = 0; i < path.length; i++) {
    const step = path[i] as string | number;
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return current; // the whole attribute's expression
      const element = valueAt(i + 1);
      const match = isObject(element) ? current.filter((block) => sameConstants(block, element)) : [];
      current = match.length === 1 ? match[0] : current;
      continue;
    }
    if (Array.isArray(current)) current = current.map((block) => (isObject(block) ? block[step] : undefined));
    else if (isObject(current)) {
      if ('references' in current || 'constant_value' in current) return current;
      current = current[step];
    } else return undefined;
  }
  return current;
}

/** Whether a block's constant expressions agree with a value (the ports and protocol of a rule). */
function sameConstants(block: unknown, value: Json): boolean {
  if (!isObject(block)) return false;
  let compared = 0;
  for (const key of ['from_port', 'to_port', 'protocol', 'rule_no', 'action', 'cidr_block']) {
    const expression = block[key];
    if (!isObject(expression) || !('constant_value' in expression) || value[key] === undefined || value[key] === null) continue;
    compared++;
    if (String(expression['constant_value']) !== String(value[key])) return false;
  }
  return compared > 0;
}

/** Ids written literally in a resource's attribute (`[aws_security_group.web.id, "sg-0abc…"]`), from its `.tf` source. */
function literalIds(block: TfBlock | undefined, attribute: string): string[] {
  if (!block) return [];
  const m = new RegExp(`\\b${attribute}\\s*=\\s*(\\[[^\\]]*\\]|"[^"]*")`).exec(block.text);
  const text = m?.[1];
  return text ? [...text.matchAll(/"((?:sg|subnet|pl|igw|rtb|acl|eni|vpc)-[0-9a-f]{8,17})"/g)].map((x) => x[1] as string) : [];
}
