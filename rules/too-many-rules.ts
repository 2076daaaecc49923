import { familiesText } from '../src/model/exposure.js';
import type { Permission } from '../src/model/types.js';
import { defineRule } from '../src/rules-kit/define-rule.js';

/**
 * Rules as the quota counts them: per address family, one per source. A group reference counts
 * for both families; a prefix list for its entries' family (both while its entries are unknown).
 */
function countRules(perms: readonly Permission[]): { ipv4: number; ipv6: number } {
  const count = { ipv4: 0, ipv6: 0 };
  for (const { source } of perms) {
    if (source.kind === 'cidr') count[source.cidr.family]++;
    else if (source.kind === 'prefix-list' && source.entries && source.entries.length > 0) {
      for (const family of new Set(source.entries.map((c) => c.family))) count[family]++;
    } else {
      count.ipv4++;
      count.ipv6++;
    }
  }
  return count;
}

export default defineRule({
  meta: {
    id: 'too-many-rules',
    title: 'Security group has so many rules it is near the quota and hard to review',
    severity: 'low',
    scope: 'security-group',
    requires: ['securityGroups'],
    description:
      'Counts a group\'s rules the way the quota does — one per source of each permission entry, separately ' +
      'for inbound and outbound and for IPv4 and IPv6 (a group reference counts for both families, a prefix ' +
      'list for the family of its entries) — and flags any count above `maxRules` (default 50; the default ' +
      'quota is 60). A referenced prefix list counts as one rule here, although AWS charges its maximum ' +
      'size against the quota.',
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
      tooMany: '{counts} rules, more than {max} (the quota counts each direction and address family)',
    },
  },
  check(group, { options, report }) {
    const counts = { inbound: countRules(group.ingress), outbound: countRules(group.egress) };
    const over = (['inbound', 'outbound'] as const).flatMap((direction) =>
      (['ipv4', 'ipv6'] as const).filter((family) => counts[direction][family] > options.maxRules).map((family) => ({ direction, family })),
    );
    if (over.length === 0) return;
    report({
      messageId: 'tooMany',
      // Which lists are over, not by how much: the counts move with every edit.
      key: over.map(({ direction, family }) => `${direction}-${family}`).join(','),
      data: {
        counts: over.map(({ direction, family }) => `${counts[direction][family]} ${direction} ${familiesText([family])}`).join(', '),
        max: options.maxRules,
      },
      evidence: { inbound: counts.inbound, outbound: counts.outbound, maxRules: options.maxRules },
    });
  },
});
