// The JSON `terraform show -json plan.out` prints (format 1.x; 0.x is read as well), checked and
// indexed: each managed resource instance with its values before and after the change, which
// of them are unknown until apply, its configuration block (for the references of an unknown
// value) and its provider's region. `terraform show -json` of a state file (values only) reads as
// a plan that changes nothing. Untrusted input: every field is read through a narrowing helper and
// a malformed one is an input error naming the file and the JSON path.
import { inputError } from '../../errors.js';

export type Json = Readonly<Record<string, unknown>>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export type Action = 'create' | 'update' | 'delete' | 'replace' | 'no-op' | 'read';

/** One managed resource instance of the plan. */
export interface PlanInstance {
  /** module.app.aws_security_group.web[0] */
  readonly address: string;
  /** module.app (instance keys included); '' for the root module. */
  readonly moduleAddress: string;
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly action: Action;
  /** Values before the change (prior state); undefined when it is created. */
  readonly before?: Json;
  /** Values after the change; undefined when it is deleted. */
  readonly after?: Json;
  /** after_unknown: true at each value known only after apply. */
  readonly afterUnknown?: unknown;
  /** Its `resource` block in the configuration, when the plan has one. */
  readonly config?: ConfigResource;
  /** The region of its provider configuration, when the configuration says. */
  readonly region?: string;
}

/** A module's configuration: its resources, the module calls in it, its outputs. */
export interface ConfigModule {
  readonly resources: readonly ConfigResource[];
  readonly moduleCalls: ReadonlyMap<string, ModuleCall>;
  readonly outputs: ReadonlyMap<string, Json>;
  /** The configuration path of this module: '' for the root, `app.db` for module.app.module.db. */
  readonly path: string;
}

export interface ModuleCall {
  readonly source?: string;
  readonly expressions: Json;
  readonly module: ConfigModule;
}

export interface ConfigResource {
  readonly type: string;
  readonly name: string;
  readonly expressions: Json;
  readonly providerKey?: string;
  readonly module: ConfigModule;
}

export interface TerraformPlan {
  readonly file: string;
  readonly formatVersion: string;
  readonly terraformVersion?: string;
  /** A state (`terraform show -json` of a state file): nothing changes. */
  readonly isState: boolean;
  readonly instances: readonly PlanInstance[];
  readonly root?: ConfigModule;
  /** Input variables' values, for a provider region given as var.region. */
  readonly variables: ReadonlyMap<string, unknown>;
}

/** Is this JSON the output of `terraform show -json` (a plan, or a state)? */
export function isTerraformJson(data: unknown): boolean {
  if (!isObject(data) || typeof data['format_version'] !== 'string') return false;
  return ['planned_values', 'resource_changes', 'prior_state', 'configuration', 'values'].some((key) => key in data);
}

class Reader {
  constructor(readonly file: string) {}
  fail(path: string, problem: string): never {
    throw inputError(`${this.file}: ${path} ${problem}`, 'give the unmodified output of `terraform show -json plan.out`');
  }
  object(value: unknown, path: string): Json {
    if (!isObject(value)) this.fail(path, 'is not an object');
    return value;
  }
  optionalObject(parent: Json, key: string, path: string): Json | undefined {
    const value = parent[key];
    return value === undefined || value === null ? undefined : this.object(value, `${path}.${key}`);
  }
  list(parent: Json, key: string, path: string): readonly unknown[] {
    const value = parent[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(`${path}.${key}`, 'is not a list');
    return value;
  }
  str(parent: Json, key: string, path: string): string {
    const value = parent[key];
    if (typeof value !== 'string') this.fail(`${path}.${key}`, value === undefined ? 'is missing' : 'is not a string');
    return value;
  }
}

const ACTIONS: Readonly<Record<string, Action>> = {
  'no-op': 'no-op',
  create: 'create',
  read: 'read',
  update: 'update',
  delete: 'delete',
  'delete,create': 'replace',
  'create,delete': 'replace',
};

/** module.a[0].module.b["x"] → a.b: the configuration path, instance keys dropped. */
export function configPath(moduleAddress: string): string {
  return [...moduleAddress.matchAll(/module\.([^.[]+)(?:\[[^\]]*\])?/g)].map((m) => m[1]).join('.');
}

function readModule(r: Reader, raw: Json, path: string, at: string): ConfigModule {
  const resources: ConfigResource[] = [];
  const moduleCalls = new Map<string, ModuleCall>();
  const outputs = new Map<string, Json>();
  const module: ConfigModule = { resources, moduleCalls, outputs, path };
  r.list(raw, 'resources', at).forEach((item, i) => {
    const res = r.object(item, `${at}.resources[${i}]`);
    if (res['mode'] === 'data') return;
    const providerKey = typeof res['provider_config_key'] === 'string' ? res['provider_config_key'] : undefined;
    resources.push({
      type: r.str(res, 'type', `${at}.resources[${i}]`),
      name: r.str(res, 'name', `${at}.resources[${i}]`),
      expressions: r.optionalObject(res, 'expressions', `${at}.resources[${i}]`) ?? {},
      ...(providerKey !== undefined ? { providerKey } : {}),
      module,
    });
  });
  const calls = r.optionalObject(raw, 'module_calls', at) ?? {};
  for (const [name, value] of Object.entries(calls)) {
    const call = r.object(value, `${at}.module_calls.${name}`);
    const child = r.optionalObject(call, 'module', `${at}.module_calls.${name}`) ?? {};
    const source = typeof call['source'] === 'string' ? call['source'] : typeof call['resolved_source'] === 'string' ? call['resolved_source'] : undefined;
    moduleCalls.set(name, {
      ...(source !== undefined ? { source } : {}),
      expressions: r.optionalObject(call, 'expressions', `${at}.module_calls.${name}`) ?? {},
      module: readModule(r, child, path ? `${path}.${name}` : name, `${at}.module_calls.${name}.module`),
    });
  }
  for (const [name, value] of Object.entries(r.optionalObject(raw, 'outputs', at) ?? {})) {
    const output = r.object(value, `${at}.outputs.${name}`);
    outputs.set(name, r.optionalObject(output, 'expression', `${at}.outputs.${name}`) ?? {});
  }
  return module;
}

/** The configuration module at a configuration path ('' for the root). */
export function moduleAt(root: ConfigModule | undefined, path: string): ConfigModule | undefined {
  let module = root;
  for (const name of path ? path.split('.') : []) module = module?.moduleCalls.get(name)?.module;
  return module;
}

/** The region each provider configuration names (a constant, or a variable's value). */
function providerRegions(r: Reader, configuration: Json | undefined, variables: ReadonlyMap<string, unknown>): Map<string, string> {
  const regions = new Map<string, string>();
  const providers = configuration ? (r.optionalObject(configuration, 'provider_config', 'configuration') ?? {}) : {};
  for (const [key, value] of Object.entries(providers)) {
    if (!isObject(value)) continue;
    const region = isObject(value['expressions']) ? value['expressions']['region'] : undefined;
    if (!isObject(region)) continue;
    if (typeof region['constant_value'] === 'string') regions.set(key, region['constant_value']);
    else if (Array.isArray(region['references'])) {
      const variable = region['references'].find((ref): ref is string => typeof ref === 'string' && ref.startsWith('var.'));
      const given = variable ? variables.get(variable.slice(4)) : undefined;
      if (typeof given === 'string') regions.set(key, given);
    }
  }
  return regions;
}

/** The managed resources of a values representation (planned_values, prior_state.values, a state's values). */
function valuesResources(r: Reader, values: Json, at: string): { address: string; moduleAddress: string; type: string; name: string; index?: number | string; values: Json }[] {
  const out: { address: string; moduleAddress: string; type: string; name: string; index?: number | string; values: Json }[] = [];
  const walk = (module: Json, path: string, moduleAddress: string) => {
    r.list(module, 'resources', path).forEach((item, i) => {
      const res = r.object(item, `${path}.resources[${i}]`);
      if (res['mode'] === 'data') return;
      const index = typeof res['index'] === 'number' || typeof res['index'] === 'string' ? { index: res['index'] } : {};
      out.push({
        address: r.str(res, 'address', `${path}.resources[${i}]`),
        moduleAddress,
        type: r.str(res, 'type', `${path}.resources[${i}]`),
        name: r.str(res, 'name', `${path}.resources[${i}]`),
        ...index,
        values: r.optionalObject(res, 'values', `${path}.resources[${i}]`) ?? {},
      });
    });
    r.list(module, 'child_modules', path).forEach((item, i) => {
      const child = r.object(item, `${path}.child_modules[${i}]`);
      walk(child, `${path}.child_modules[${i}]`, r.str(child, 'address', `${path}.child_modules[${i}]`));
    });
  };
  const root = r.optionalObject(values, 'root_module', at);
  if (root) walk(root, `${at}.root_module`, '');
  return out;
}

export function readTerraformPlan(file: string, data: unknown): TerraformPlan {
  const r: Reader = new Reader(file);
  const plan = r.object(data, '(top level)');
  const formatVersion = r.str(plan, 'format_version', '(top level)');
  const major = Number(formatVersion.split('.')[0]);
  if (!(major === 0 || major === 1)) {
    throw inputError(`${file}: Terraform JSON format ${formatVersion} is not supported (this sg-audit reads 0.x and 1.x)`, 'use a Terraform whose `terraform show -json` writes format 1.x, or a newer sg-audit');
  }
  if (plan['errored'] === true) {
    throw inputError(`${file} is the plan of a failed \`terraform plan\` (errored: true): it does not say what would change`, 'fix the plan errors and run terraform plan again');
  }
  const variables = new Map<string, unknown>();
  for (const [name, value] of Object.entries(r.optionalObject(plan, 'variables', '(top level)') ?? {})) {
    if (isObject(value)) variables.set(name, value['value']);
  }
  const configuration = r.optionalObject(plan, 'configuration', '(top level)');
  const root = configuration ? readModule(r, r.optionalObject(configuration, 'root_module', 'configuration') ?? {}, '', 'configuration.root_module') : undefined;
  const regions = providerRegions(r, configuration, variables);
  const configOf = (moduleAddress: string, type: string, name: string) =>
    moduleAt(root, configPath(moduleAddress))?.resources.find((c) => c.type === type && c.name === name);
  const regionOf = (config: ConfigResource | undefined) => {
    // A resource without a provider key uses its provider's default configuration.
    const key = config?.providerKey ?? (regions.has('aws') ? 'aws' : undefined);
    return key !== undefined ? regions.get(key) ?? regions.get(key.replace(/^.*:/, '')) : undefined;
  };
  const base = { file, formatVersion, ...(typeof plan['terraform_version'] === 'string' ? { terraformVersion: plan['terraform_version'] } : {}), variables };

  // A state: its values are both sides.
  if (!('resource_changes' in plan) && !('planned_values' in plan) && isObject(plan['values'])) {
    const instances = valuesResources(r, plan['values'], 'values').map((res): PlanInstance => {
      const config = configOf(res.moduleAddress, res.type, res.name);
      const region = regionOf(config);
      return { ...res, action: 'no-op', before: res.values, after: res.values, ...(config ? { config } : {}), ...(region ? { region } : {}) };
    });
    return { ...base, isState: true, instances, ...(root ? { root } : {}) };
  }

  const instances: PlanInstance[] = [];
  const seen = new Set<string>();
  r.list(plan, 'resource_changes', '(top level)').forEach((item, i) => {
    const at = `resource_changes[${i}]`;
    const rc = r.object(item, at);
    if (rc['mode'] === 'data' || rc['deposed'] !== undefined) return;
    const change = r.object(rc['change'], `${at}.change`);
    const actions = r.list(change, 'actions', `${at}.change`).map((a) => (typeof a === 'string' ? a : ''));
    const action = ACTIONS[actions.join(',')];
    if (action === undefined) r.fail(`${at}.change.actions`, `${JSON.stringify(actions)} is not an action Terraform writes`);
    if (action === 'read') return;
    const address = r.str(rc, 'address', at);
    const type = r.str(rc, 'type', at);
    const name = r.str(rc, 'name', at);
    const moduleAddress = typeof rc['module_address'] === 'string' ? rc['module_address'] : '';
    const before = r.optionalObject(change, 'before', `${at}.change`);
    const after = r.optionalObject(change, 'after', `${at}.change`);
    const config = configOf(moduleAddress, type, name);
    const region = regionOf(config);
    seen.add(address);
    instances.push({
      address,
      moduleAddress,
      type,
      name,
      ...(typeof rc['index'] === 'number' || typeof rc['index'] === 'string' ? { index: rc['index'] } : {}),
      action,
      ...(before && action !== 'create' ? { before } : {}),
      ...(after && action !== 'delete' ? { after } : {}),
      ...(change['after_unknown'] !== undefined ? { afterUnknown: change['after_unknown'] } : {}),
      ...(config ? { config } : {}),
      ...(region ? { region } : {}),
    });
  });
  // Older Terraform left resources without changes out of resource_changes: planned_values has them.
  const planned = r.optionalObject(plan, 'planned_values', '(top level)');
  if (planned) {
    for (const res of valuesResources(r, planned, 'planned_values')) {
      if (seen.has(res.address)) continue;
      const config = configOf(res.moduleAddress, res.type, res.name);
      const region = regionOf(config);
      instances.push({ ...res, action: 'no-op', before: res.values, after: res.values, ...(config ? { config } : {}), ...(region ? { region } : {}) });
    }
  }
  return { ...base, isState: false, instances, ...(root ? { root } : {}) };
}
