// Rule options: one object per rule, validated against the rule's JSON Schema (ajv, compiled once
// per rule and cached), then merged over the defaults: objects deep-merge, arrays and scalars
// replace (`ports: [2222]` means only 2222, not 22 plus 2222).
import { Ajv, type ValidateFunction } from 'ajv';
import { parseCidr } from '../model/net.js';
import { parsePortSpec } from './port-spec.js';
import type { AnyRule } from './types.js';

/**
 * String formats a rule schema may use (`{ type: 'string', format: 'cidr' }`), each with the
 * text that completes "… is not": what the value should have been.
 */
export const OPTION_FORMATS: Readonly<Record<string, { readonly validate: (text: string) => boolean; readonly expected: string }>> = {
  /** What parseCidr accepts: an IPv4 or IPv6 CIDR (a bare address is a /32 or /128). */
  cidr: { validate: (text) => parseCidr(text) !== undefined, expected: 'a CIDR (IPv4 or IPv6, e.g. 10.0.0.0/8 or 2001:db8::/32)' },
  /** What parsePortSpec accepts: tcp/80, udp/53, tcp/8000-8100. */
  'port-spec': { validate: (text) => parsePortSpec(text) !== undefined, expected: 'a port spec (tcp/22, udp/53 or tcp/8000-8100; ports 0-65535)' },
};

/** Registers OPTION_FORMATS on an ajv instance (also used by the config file's schema). */
export function addOptionFormats(instance: Ajv): Ajv {
  for (const [name, format] of Object.entries(OPTION_FORMATS)) instance.addFormat(name, { type: 'string', validate: format.validate });
  return instance;
}

let ajv: Ajv | undefined;
const validators = new WeakMap<AnyRule, ValidateFunction>();

function validatorFor(rule: AnyRule): ValidateFunction {
  let validate = validators.get(rule);
  if (!validate) {
    // verbose: errors carry the offending value, so a bad CIDR is quoted back to the user.
    ajv ??= addOptionFormats(new Ajv({ allErrors: true, strict: true, verbose: true }));
    validate = ajv.compile(rule.meta.options?.schema ?? { type: 'object', additionalProperties: false, properties: {} });
    validators.set(rule, validate);
  }
  return validate;
}

/**
 * Problems with a (partial) options object, each as "path message": "/ports/0 must be integer",
 * "/trusted/0 "10.0.0.0/33" is not a CIDR (…)", "/ must NOT have additional properties (prts)".
 */
export function optionProblems(rule: AnyRule, options: unknown): string[] {
  const validate = validatorFor(rule);
  if (validate(options)) return [];
  return (validate.errors ?? []).map((e) => {
    const where = e.instancePath || '/';
    const format = e.keyword === 'format' ? OPTION_FORMATS[String(e.params['format'])] : undefined;
    if (format) return `${where} ${JSON.stringify(e.data)} is not ${format.expected}`;
    const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params['additionalProperty'])})` : '';
    return `${where} ${e.message ?? 'is invalid'}${extra}`;
  });
}

export { mergeOptions } from './merge-options.js';
