// A parsed config value → AuditConfig, or one configError naming the file, the key path and the
// fix: `.sg-audit.yml: suppressions[1].reason: is required — say why this finding is accepted`.
// First the structure (CONFIG_SCHEMA, ajv), then what needs the catalog: rule ids and each
// rule's options against its own schema. The first problem is reported.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FailOn } from '../engine/gate.js';
import type { RuleSettings } from '../engine/select.js';
import type { Suppression } from '../engine/suppress.js';
import { configError, type SgAuditError } from '../errors.js';
import { parseCidr } from '../model/net.js';
import { addOptionFormats, optionProblems } from '../rules-kit/options.js';
import { parsePortSpec } from '../rules-kit/port-spec.js';
import { isSeverity, type AnyRule, type PortSpan, type Severity } from '../rules-kit/types.js';
import { closest } from '../suggest.js';
import { CONFIG_SCHEMA, isDate, SOURCE_ID } from './schema.js';
import type { AuditConfig } from './types.js';

let validator: ValidateFunction | undefined;

function configValidator(): ValidateFunction {
  if (!validator) {
    // allErrors off: stop at the first problem (anyOf still reports each branch, sorted out below).
    const ajv = addOptionFormats(new Ajv({ allErrors: false, strict: true, verbose: true }));
    ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'x-hint', schemaType: 'string' });
    ajv.addFormat('date', { type: 'string', validate: isDate });
    ajv.addFormat('suppression-source', { type: 'string', validate: (s: string) => SOURCE_ID.test(s) || parseCidr(s) !== undefined });
    validator = ajv.compile(CONFIG_SCHEMA);
  }
  return validator;
}

type Json = Readonly<Record<string, unknown>>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One segment of a key path: `.name`, `[3]`, or `["odd key"]`. */
function segment(container: unknown, key: string): string {
  if (Array.isArray(container) && /^\d+$/.test(key)) return `[${key}]`;
  return /^[A-Za-z0-9_-]+$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** A JSON pointer into `root` as a key path after `base`: /suppressions/1/reason → suppressions[1].reason. */
function keyPath(base: string, root: unknown, pointer: string, extra?: string): string {
  const keys = pointer === '' || pointer === '/' ? [] : pointer.slice(1).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) keys.push(extra);
  let path = base;
  let node = root;
  for (const key of keys) {
    path += segment(node, key);
    node = Array.isArray(node) ? node[Number(key)] : isMap(node) ? node[key] : undefined;
  }
  return path.replace(/^\./, '');
}

function typeName(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

/** "did you mean "x"? (keys: a, b, c)" for an unknown key among `known`. */
function unknownKeyHint(key: string, known: readonly string[], noun: string): string {
  const suggestion = closest(key, known);
  const list = known.length > 0 ? `${noun}: ${known.join(', ')}` : `this takes no ${noun}`;
  return suggestion ? `did you mean "${suggestion}"? (${list})` : list;
}

/** "… is not X" for a string, "must be X, not a number" otherwise; empty values are "empty". */
function valueProblem(value: unknown, expected: string): string {
  if (value === null || (typeof value === 'string' && value.trim() === '')) return 'is empty';
  if (typeof value === 'string') return `${JSON.stringify(value)} is not ${expected}`;
  return `must be ${expected}, not ${typeName(value)}`;
}

const annotation = (schema: unknown, key: 'x-expected' | 'x-hint'): string | undefined =>
  isMap(schema) && typeof schema[key] === 'string' ? (schema[key] as string) : undefined;

/** Where an ajv error points, counting the key of an unknown or missing property. */
function depth(e: ErrorObject): number {
  const keys = e.instancePath === '' ? 0 : e.instancePath.split('/').length - 1;
  return keys + (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 1 : 0);
}

/**
 * The error to show. Within an anyOf, ajv reports every branch: the deepest error is in the
 * branch the value was meant for (an object's bad key); when none goes deeper than the anyOf
 * itself, the value fit no branch and the anyOf's own words say what would.
 */
function pickError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  const deepest = Math.max(...errors.map(depth));
  const candidates = errors.filter((e) => depth(e) === deepest);
  return candidates.find((e) => e.keyword === 'anyOf') ?? candidates[0];
}

function structureError(file: string, root: unknown, e: ErrorObject): SgAuditError {
  const parent: unknown = e.parentSchema;
  if (e.keyword === 'additionalProperties') {
    const key = String(e.params['additionalProperty']);
    const known = isMap(parent) && isMap(parent['properties']) ? Object.keys(parent['properties']) : [];
    return configError(`${file}: ${keyPath('', root, e.instancePath, key)}: unknown key`, unknownKeyHint(key, known, 'keys'));
  }
  if (e.keyword === 'required') {
    const key = String(e.params['missingProperty']);
    const property = isMap(parent) && isMap(parent['properties']) ? parent['properties'][key] : undefined;
    return configError(`${file}: ${keyPath('', root, e.instancePath, key)}: is required`, annotation(property, 'x-hint') ?? `add ${key}`);
  }
  const path = keyPath('', root, e.instancePath);
  const expected = annotation(parent, 'x-expected') ?? e.message ?? 'valid';
  return configError(`${file}: ${path ? `${path}: ` : ''}${valueProblem(e.data, expected)}`, annotation(parent, 'x-hint') ?? 'see examples/sg-audit.example.yml');
}

function unknownRule(file: string, path: string, id: string, catalog: readonly AnyRule[]): SgAuditError {
  const suggestion = closest(id, catalog.map((r) => r.meta.id));
  return configError(
    `${file}: ${path}: unknown rule id${path.endsWith(id) ? '' : ` "${id}"`}`,
    suggestion ? `did you mean "${suggestion}"? (sg-audit rules lists them)` : 'sg-audit rules lists the rule ids',
  );
}

/** The first problem of a rule's options, as "rules.<id>.options.<path>: <message>". */
function optionsError(file: string, rule: AnyRule, options: Json): SgAuditError | undefined {
  const problem = optionProblems(rule, options)[0];
  if (problem === undefined) return undefined;
  const base = `rules${segment({}, rule.meta.id)}.options`;
  const space = problem.indexOf(' ');
  const pointer = problem.slice(0, space);
  const message = problem.slice(space + 1);
  const explain = `sg-audit explain ${rule.meta.id} lists its options`;
  const unknown = /^must NOT have additional properties \((.*)\)$/.exec(message);
  if (unknown) {
    const key = unknown[1] as string;
    const schema = rule.meta.options?.schema;
    const known = isMap(schema) && isMap(schema['properties']) ? Object.keys(schema['properties']) : [];
    return configError(`${file}: ${keyPath(base, options, pointer, key)}: unknown option`, `${unknownKeyHint(key, known, 'options')}; ${explain}`);
  }
  return configError(`${file}: ${keyPath(base, options, pointer)}: ${message}`, explain);
}

function ruleSettings(value: unknown): RuleSettings {
  if (value === true || value === 'on') return { enabled: true };
  if (value === false || value === 'off') return { enabled: false };
  if (typeof value === 'string' && isSeverity(value)) return { severity: value };
  const map = value as { enabled?: boolean; severity?: Severity; options?: Json };
  return {
    ...(map.enabled !== undefined ? { enabled: map.enabled } : {}),
    ...(map.severity !== undefined ? { severity: map.severity } : {}),
    ...(map.options !== undefined ? { options: map.options } : {}),
  };
}

interface RawSuppression {
  rule: string;
  resource: string;
  ports?: string[];
  source?: string;
  reason: string;
  owner?: string;
  expires?: string;
  account?: string;
  region?: string;
}

function suppression(raw: RawSuppression, index: number): Suppression {
  return {
    index,
    rule: raw.rule,
    resource: raw.resource.trim(),
    // The schema's port-spec format has checked each one.
    ...(raw.ports ? { ports: raw.ports.map((p) => parsePortSpec(p) as PortSpan) } : {}),
    ...(raw.source !== undefined ? { source: parseCidr(raw.source)?.text ?? raw.source } : {}),
    ...(raw.account !== undefined ? { account: raw.account } : {}),
    ...(raw.region !== undefined ? { region: raw.region } : {}),
    reason: raw.reason.trim(),
    ...(raw.owner !== undefined ? { owner: raw.owner.trim() } : {}),
    ...(raw.expires !== undefined ? { expires: raw.expires } : {}),
  };
}

/**
 * Validates a parsed config against the schema and the catalog. `file` names it in errors.
 * Throws a configError (exit 2) for the first problem.
 */
export function validateConfig(parsed: unknown, file: string, catalog: readonly AnyRule[]): AuditConfig {
  // `rules:` or `suppressions:` with every entry commented out is YAML null: nothing, not an error.
  const value = isMap(parsed)
    ? Object.fromEntries(Object.entries(parsed).filter(([key, v]) => !(v === null && (key === 'rules' || key === 'suppressions'))))
    : parsed;
  const validate = configValidator();
  if (!validate(value)) {
    const error = pickError(validate.errors ?? []);
    throw error ? structureError(file, value, error) : configError(`${file}: is not a valid config`, 'see examples/sg-audit.example.yml');
  }
  const raw = value as { failOn?: FailOn; exposureContext?: boolean; rules?: Json; suppressions?: RawSuppression[] };

  const rules = new Map<string, RuleSettings>();
  for (const [id, setting] of Object.entries(raw.rules ?? {})) {
    const rule = catalog.find((r) => r.meta.id === id);
    if (!rule) throw unknownRule(file, `rules${segment({}, id)}`, id, catalog);
    const settings = ruleSettings(setting);
    if (settings.options) {
      const problem = optionsError(file, rule, settings.options);
      if (problem) throw problem;
    }
    rules.set(id, settings);
  }

  const suppressions = (raw.suppressions ?? []).map((entry, index) => {
    if (!catalog.some((r) => r.meta.id === entry.rule)) throw unknownRule(file, `suppressions[${index}].rule`, entry.rule, catalog);
    return suppression(entry, index);
  });

  return {
    file,
    ...(raw.failOn !== undefined ? { failOn: raw.failOn } : {}),
    ...(raw.exposureContext !== undefined ? { exposureContext: raw.exposureContext } : {}),
    rules,
    suppressions,
  };
}
