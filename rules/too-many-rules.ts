import { defineRule } from '../src/rules-kit/define-rule.js';

export default defineRule({
  meta: {
    id: 'too-many-rules',
    title: 'Security group has so many rules it is near the quota and hard to review',
    severity: 'low',
    scope: 'security-group',
    requires: ['securityGroups'],
    description:
      'Counts a group\'s inbound and outbound rules the way AWS does — one rule per source (IPv4 CIDR, IPv6 ' +
      'CIDR, prefix list or group reference) of each permission entry — and flags a direction with more than ' +
      '`maxRules` (default 50; the default quota is 60 per direction). A referenced prefix list counts as one ' +
      'rule here, although AWS charges its maximum size against the quota.',
    rationale:
      'Near the quota, the next urgent change fails; and a list of dozens of rules is one nobody reviews. ' +
      'Long lists of single addresses belong in a managed prefix list.',
    remediation: {
      summary:
        'Collect repeated sources (partner or office addresses) into a customer-managed prefix list and ' +
        'reference it once; split unrelated services into their own groups.',
    },
    references: [{ framework: 'Prowler', control: 'ec2_securitygroup_with_many_ingress_egress_rules' }],
    options: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          maxRules: { type: 'integer', minimum: 1, maximum: 1000, description: 'rules one direction may have before the group is flagged' },
        },
      },
      defaults: { maxRules: 50 },
    },
    messages: {
      tooMany: '{inbound} inbound and {outbound} outbound rules; more than {max} in one direction',
    },
  },
  check(group, { options, report }) {
    const inbound = group.ingress.length;
    const outbound = group.egress.length;
    if (inbound <= options.maxRules && outbound <= options.maxRules) return;
    report({
      messageId: 'tooMany',
      key: 'too-many-rules',
      data: { inbound, outbound, max: options.maxRules },
      evidence: { inbound, outbound, maxRules: options.maxRules },
    });
  },
});
