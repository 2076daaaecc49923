// A stand-in rule whose options use the cidr and port-spec formats, for config and format tests.
import { defineRule } from '../../src/rules-kit/define-rule.js';
import type { AnyRule } from '../../src/rules-kit/types.js';

export const FORMATS_RULE = defineRule({
  meta: {
    id: 'format-test',
    title: 'Test rule',
    severity: 'low',
    scope: 'security-group',
    requires: ['securityGroups'],
    description: 'd',
    rationale: 'r',
    remediation: { summary: 's' },
    references: [],
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          trusted: { type: 'array', items: { type: 'string', format: 'cidr' } },
          allowed: { type: 'array', items: { type: 'string', format: 'port-spec' } },
        },
      },
      defaults: { trusted: [] as string[], allowed: [] as string[] },
    },
    messages: { m: 'm' },
  },
  check() {},
}) as AnyRule;
