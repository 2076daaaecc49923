// Rule options: one object per rule, validated against the rule's JSON Schema (ajv, compiled once
// per rule and cached), then merged over the defaults: objects deep-merge, arrays and scalars
// replace (`ports: [2222]` means only 2222, not 22 plus 2222).
import { Ajv, type ValidateFunction } from 'ajv';
import type { AnyRule } from './types.js';

let ajv: Ajv | undefined;
const validators = new WeakMap<AnyRule, ValidateFunction>();

function validatorFor(rule: AnyRule): ValidateFunction {
  let validate = validators.get(rule);
  if (!validate) {
    ajv ??= new Ajv({ allErrors: true, strict: true });
    validate = ajv.compile(rule.meta.options?.schema ?? { type: 'object', additionalProperties: false, properties: {} });
    validators.set(rule, validate);
  }
  return validate;
}

/** Problems with a (partial) options object, each as "path message" (e.g. "/ports/0 must be integer"). */
export function optionProblems(rule: AnyRule, options: unknown): string[] {
  const validate = validatorFor(rule);
  if (validate(options)) return [];
  return (validate.errors ?? []).map((e) => {
    const where = e.instancePath || '/';
    const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params['additionalProperty'])})` : '';
    return `${where} ${e.message ?? 'is invalid'}${extra}`;
  });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeOptions<O extends object>(defaults: O, overrides: Partial<O>): O {
  const out: Record<string, unknown> = structuredClone(defaults) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    const base = out[key];
    out[key] = isPlainObject(base) && isPlainObject(value) ? mergeOptions(base, value) : structuredClone(value);
  }
  return out as O;
}
