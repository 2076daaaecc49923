// Terraform plans for tests, in the shape `terraform show -json plan.out` prints (format 1.2):
// resource_changes with before, after and after_unknown; planned_values and prior_state as values
// representations (modules as child_modules); the configuration with each resource block once
// (count and for_each instances share it), module calls and their outputs. A test names the
// resource instances and what is unknown; the rest is filled as Terraform fills it.
type Json = Record<string, unknown>;

export interface TfInstance {
  /** module.app.aws_security_group.web[0], aws_subnet.private["a"] */
  readonly address: string;
  readonly action?: 'create' | 'update' | 'no-op' | 'delete' | 'replace';
  readonly before?: Json;
  readonly after?: Json;
  /** after_unknown: true at each value known only after apply. */
  readonly unknown?: Json;
  /** The resource block's expressions (given once per resource; instances of one block share it). */
  readonly expressions?: Json;
  readonly countExpression?: Json;
  readonly forEachExpression?: Json;
}

export interface TfModuleCall {
  readonly source: string;
  readonly expressions?: Json;
  readonly outputs?: Readonly<Record<string, Json>>;
}

export interface TfPlanSpec {
  readonly region?: string;
  readonly resources: readonly TfInstance[];
  /** Module calls by configuration path: `app`, `app.db`. */
  readonly modules?: Readonly<Record<string, TfModuleCall>>;
  readonly variables?: Readonly<Record<string, unknown>>;
}

const PROVIDER = 'registry.terraform.io/hashicorp/aws';

export const c = (value: unknown) => ({ constant_value: value });
export const refs = (...references: string[]) => ({ references });

/** module.a[0].aws_x.y["k"] → module address, type, name, index. */
function parse(address: string): { module: string; type: string; name: string; index?: number | string } {
  const m = /^((?:module\.[^.[]+(?:\[[^\]]+\])?\.)*)([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(\d+|"[^"]*")\])?$/.exec(address);
  if (!m) throw new Error(`not a resource address: ${address}`);
  const index = m[4] === undefined ? undefined : m[4].startsWith('"') ? (JSON.parse(m[4]) as string) : Number(m[4]);
  return { module: (m[1] ?? '').replace(/\.$/, ''), type: m[2] as string, name: m[3] as string, ...(index !== undefined ? { index } : {}) };
}

const configPath = (module: string) => [...module.matchAll(/module\.([^.[]+)/g)].map((m) => m[1]).join('.');

function valuesOf(instances: readonly { address: string; module: string; type: string; name: string; index?: number | string; values: Json }[]): Json {
  const modules = new Map<string, Json[]>();
  for (const i of instances) {
    const list = modules.get(i.module) ?? [];
    list.push({
      address: i.address,
      mode: 'managed',
      type: i.type,
      name: i.name,
      ...(i.index !== undefined ? { index: i.index } : {}),
      provider_name: PROVIDER,
      schema_version: 0,
      values: i.values,
      sensitive_values: {},
    });
    modules.set(i.module, list);
  }
  const child = (prefix: string): Json[] =>
    [...modules.keys()]
      .filter((m) => m !== prefix && m.startsWith(prefix ? `${prefix}.module.` : 'module.') && !m.slice(prefix ? prefix.length + 1 : 0).slice(7).includes('.module.'))
      .sort()
      .map((m) => ({ resources: modules.get(m) ?? [], address: m, ...(child(m).length > 0 ? { child_modules: child(m) } : {}) }));
  const children = child('');
  return { root_module: { ...(modules.has('') ? { resources: modules.get('') } : {}), ...(children.length > 0 ? { child_modules: children } : {}) } };
}

/** The plan JSON, as `terraform show -json` prints it. */
export function tfPlan(spec: TfPlanSpec): Json {
  const parsed = spec.resources.map((r) => ({ ...r, ...parse(r.address), action: r.action ?? (r.before ? (r.after ? 'update' : 'delete') : 'create') }));
  const actions = { create: ['create'], update: ['update'], 'no-op': ['no-op'], delete: ['delete'], replace: ['delete', 'create'] } as const;
  const resourceChanges = parsed.map((r) => ({
    address: r.address,
    ...(r.module ? { module_address: r.module } : {}),
    mode: 'managed',
    type: r.type,
    name: r.name,
    ...(r.index !== undefined ? { index: r.index } : {}),
    provider_name: PROVIDER,
    change: {
      actions: actions[r.action],
      before: r.action === 'create' ? null : (r.before ?? r.after ?? null),
      after: r.action === 'delete' ? null : (r.after ?? null),
      after_unknown: r.unknown ?? {},
      before_sensitive: r.action === 'create' ? false : {},
      after_sensitive: r.action === 'delete' ? false : {},
    },
  }));
  const planned = parsed.filter((r) => r.action !== 'delete' && r.after).map((r) => ({ ...r, values: r.after as Json }));
  const prior = parsed.filter((r) => r.action !== 'create' && (r.before ?? r.after)).map((r) => ({ ...r, values: (r.before ?? r.after) as Json }));

  // The configuration: one block per resource, in its module; module calls nested.
  const moduleConfig = new Map<string, { resources: Json[]; seen: Set<string> }>();
  const configOf = (path: string) => {
    let m = moduleConfig.get(path);
    if (!m) moduleConfig.set(path, (m = { resources: [], seen: new Set() }));
    return m;
  };
  for (const r of parsed) {
    const m = configOf(configPath(r.module));
    const key = `${r.type}.${r.name}`;
    if (m.seen.has(key)) continue;
    m.seen.add(key);
    m.resources.push({
      address: key,
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider_config_key: 'aws',
      expressions: r.expressions ?? {},
      schema_version: 0,
      ...(r.countExpression ? { count_expression: r.countExpression } : {}),
      ...(r.forEachExpression ? { for_each_expression: r.forEachExpression } : {}),
    });
  }
  const modules = spec.modules ?? {};
  const build = (path: string): Json => {
    const calls = Object.keys(modules).filter((p) => (path ? p.startsWith(`${path}.`) && !p.slice(path.length + 1).includes('.') : !p.includes('.')));
    const outputs = path ? (modules[path]?.outputs ?? {}) : {};
    return {
      ...(Object.keys(outputs).length > 0 ? { outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { expression: v }])) } : {}),
      resources: configOf(path).resources,
      ...(calls.length > 0
        ? {
            module_calls: Object.fromEntries(
              calls.map((p) => [p.split('.').pop() as string, { source: modules[p]?.source, expressions: modules[p]?.expressions ?? {}, module: build(p) }]),
            ),
          }
        : {}),
    };
  };
  const variables = { region: spec.region ?? 'us-east-1', ...(spec.variables ?? {}) };
  return {
    format_version: '1.2',
    terraform_version: '1.9.8',
    variables: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, { value: v }])),
    planned_values: valuesOf(planned),
    resource_changes: resourceChanges,
    ...(prior.length > 0 ? { prior_state: { format_version: '1.0', terraform_version: '1.9.8', values: valuesOf(prior) } } : {}),
    configuration: {
      provider_config: { aws: { name: 'aws', full_name: PROVIDER, expressions: { region: refs('var.region') } } },
      root_module: { ...build(''), variables: { region: { default: 'us-east-1' } } },
    },
    timestamp: '2025-06-02T09:30:00Z',
    applyable: true,
    complete: true,
    errored: false,
  };
}

/** An inline rule of aws_security_group as the planned values hold it. */
export function sgRule(from: number, to: number, protocol: string, sources: { cidr?: string[]; ipv6?: string[]; groups?: string[]; lists?: string[]; self?: boolean } = {}, description = ''): Json {
  return {
    cidr_blocks: sources.cidr ?? [],
    description,
    from_port: from,
    ipv6_cidr_blocks: sources.ipv6 ?? [],
    prefix_list_ids: sources.lists ?? [],
    protocol,
    security_groups: sources.groups ?? [],
    self: sources.self ?? false,
    to_port: to,
  };
}
