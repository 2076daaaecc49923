// The config file's structure as a JSON Schema (ajv). Each constraint carries the words an error
// needs: `x-expected` completes "… is not" / "must be", and `x-hint` says how to fix it. Rule
// ids and rule options are checked after this, against the catalog (validate.ts).
import { SEVERITIES } from '../rules-kit/types.js';

const SEVERITY_LIST = SEVERITIES.join('|');

const severity = {
  enum: [...SEVERITIES],
  'x-expected': `a severity (${SEVERITY_LIST})`,
} as const;

export const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A suppression's source: a CIDR, or the id of a managed prefix list or a security group. */
export const SOURCE_ID = /^(pl|sg)-[0-9a-z]+$/;

const RULE_SETTING = {
  'x-expected': `off, on, a severity (${SEVERITY_LIST}) or a map of severity, options and enabled`,
  'x-hint': 'e.g. `my-rule: off`, `my-rule: high` or `my-rule: { severity: high, options: { … } }`',
  anyOf: [
    { type: 'boolean' },
    { enum: ['on', 'off', ...SEVERITIES] },
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', 'x-expected': 'true or false' },
        severity: { ...severity, 'x-hint': 'the severity every finding of this rule gets' },
        options: {
          type: 'object',
          'x-expected': 'a map of option names to values',
          'x-hint': '`sg-audit explain <rule-id>` lists a rule\'s options',
        },
      },
    },
  ],
} as const;

const SUPPRESSION = {
  type: 'object',
  'x-expected': 'a map with rule, resource and reason',
  'x-hint': 'e.g. `- { rule: ssh-open-to-internet, resource: sg-0123456789abcdef0, reason: "bastion, TICKET-123" }`',
  additionalProperties: false,
  required: ['rule', 'resource', 'reason'],
  properties: {
    rule: { type: 'string', minLength: 1, 'x-expected': 'a rule id', 'x-hint': 'the id of the rule whose findings it accepts (sg-audit rules lists them)' },
    resource: {
      type: 'string',
      minLength: 1,
      pattern: '\\S',
      'x-expected': 'a resource id, ARN or name',
      'x-hint': 'the group (or ACL, VPC) id, ARN or name; `*` matches any characters, e.g. launch-wizard-*',
    },
    ports: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'string',
        format: 'port-spec',
        'x-expected': 'a port spec (tcp/22, udp/53 or tcp/8000-8100; ports 0-65535)',
        'x-hint': 'protocol tcp or udp, then a port or a range low-high, e.g. `ports: [tcp/22, tcp/8000-8100]`',
      },
      'x-expected': 'a list of port specs',
      'x-hint': 'e.g. `ports: [tcp/22, tcp/8000-8100]`',
    },
    source: {
      type: 'string',
      format: 'suppression-source',
      'x-expected': 'a CIDR, pl- or sg- id',
      'x-hint': 'e.g. `source: 203.0.113.0/24`, `source: pl-0123456789abcdef0` or `source: sg-0123456789abcdef0`',
    },
    reason: {
      type: 'string',
      pattern: '\\S',
      'x-expected': 'a reason',
      'x-hint': 'say why this finding is accepted (who reviewed it, a ticket)',
    },
    owner: { type: 'string', pattern: '\\S', 'x-expected': 'a team or person', 'x-hint': 'who answers for this suppression' },
    expires: {
      type: 'string',
      format: 'date',
      'x-expected': 'a date (YYYY-MM-DD)',
      'x-hint': 'the last day (UTC) the suppression applies, e.g. `expires: 2026-12-31`',
    },
    account: {
      type: 'string',
      pattern: '^\\d{12}$',
      'x-expected': 'a 12-digit account id',
      'x-hint': 'quote it, or YAML reads it as a number: `account: "012345678901"`',
    },
    region: {
      type: 'string',
      pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$',
      'x-expected': 'a region name',
      'x-hint': 'e.g. `region: us-east-1`',
    },
  },
} as const;

export const CONFIG_SCHEMA = {
  title: 'sg-audit configuration (.sg-audit.yml / .sg-audit.json)',
  type: 'object',
  'x-expected': 'a map with failOn, exposureContext, rules and suppressions',
  'x-hint': 'see examples/sg-audit.example.yml',
  additionalProperties: false,
  properties: {
    failOn: {
      enum: [...SEVERITIES, 'none'],
      'x-expected': `a severity (${SEVERITY_LIST}) or none`,
      'x-hint': 'the lowest severity that fails the run; --fail-on overrides it',
    },
    exposureContext: {
      type: 'boolean',
      'x-expected': 'true or false',
      'x-hint': 'false reports open groups at full severity even when the internet cannot reach them (as --no-exposure-context)',
    },
    rules: {
      type: 'object',
      'x-expected': 'a map of rule ids to settings',
      'x-hint': 'e.g. `rules: { unused-sg: off, too-many-open-ports: { options: { maxOpenPorts: 20 } } }`',
      additionalProperties: RULE_SETTING,
    },
    suppressions: {
      type: 'array',
      items: SUPPRESSION,
      'x-expected': 'a list of suppressions',
      'x-hint': 'each entry: `- { rule: …, resource: …, reason: … }`',
    },
  },
} as const;
