import { matchLabel, permissionEvidence, permissionText, protocolLabel } from '../src/model/exposure.js';
import type { Permission } from '../src/model/types.js';
import { defineRule } from '../src/rules-kit/define-rule.js';
import { revokeCommand } from '../src/rules-kit/remediation.js';

// Peering states after which a reference across the connection no longer resolves.
const DEAD_PEERING = new Set(['deleted', 'deleting', 'failed', 'expired', 'rejected']);

/** The same rule however it was obtained (own data or DescribeStaleSecurityGroups, which drops descriptions). */
const ruleKey = (p: Permission) =>
  p.source.kind === 'security-group' ? [p.direction, String(p.protocol), matchLabel(p), p.source.groupId].join('|') : '';

export default defineRule({
  meta: {
    id: 'stale-sg-reference',
    title: 'Security group rule references a group that no longer exists',
    severity: 'medium',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: ['staleSecurityGroups', 'securityGroupRules'],
    description:
      'Flags inbound or outbound rules whose source or destination is another security group that is gone: ' +
      'listed by DescribeStaleSecurityGroups (when collected), or a group reference that AWS returns without ' +
      'its owner (`UserId`, left out once the group is deleted) and that is not a group of the audit, or one ' +
      'across a VPC peering connection whose status is deleted, failed, expired or rejected.',
    rationale:
      'A stale rule allows nothing today, but it hides intent and can come back to life: a new group or a ' +
      'new peering that reuses the path silently regains the access. It also counts against the quota.',
    remediation: {
      summary: 'Revoke the stale rule (or, if the access is still needed, re-create the peering and reference the current group).',
      cli: 'aws ec2 describe-stale-security-groups --region {region} --vpc-id <vpc-id>  # then revoke the listed rules by their sgr- ids',
    },
    references: [{ framework: 'AWS EC2 API', control: 'DescribeStaleSecurityGroups' }],
    messages: {
      stale: '{count} rule(s) reference a group that is gone: {rules}',
    },
  },
  check(group, { model, report }) {
    const own = [...group.ingress, ...group.egress];
    const byKey = new Map(own.map((p) => [ruleKey(p), p]));
    const stale = new Map<string, { perm: Permission; why: string }>();
    for (const perm of model.staleByGroup.get(group.id) ?? []) {
      stale.set(ruleKey(perm), { perm: byKey.get(ruleKey(perm)) ?? perm, why: 'listed by DescribeStaleSecurityGroups' });
    }
    for (const perm of own) {
      const { source } = perm;
      if (source.kind !== 'security-group' || source.self || stale.has(ruleKey(perm))) continue;
      if (source.peeringStatus && DEAD_PEERING.has(source.peeringStatus.toLowerCase())) {
        const peering = source.peeringConnectionId ? `peering ${source.peeringConnectionId}` : 'the peering';
        stale.set(ruleKey(perm), { perm, why: `${peering} is ${source.peeringStatus}` });
      } else if (source.userId === undefined && !model.groupsById.has(source.groupId)) {
        stale.set(ruleKey(perm), { perm, why: 'the group was deleted (no owner)' });
      }
    }
    if (stale.size === 0) return;
    const found = [...stale.values()];
    const describe = ({ perm, why }: { perm: Permission; why: string }) =>
      `${perm.direction === 'egress' ? 'egress ' : ''}${permissionText(perm)} (${why})`;
    const command = revokeCommand(group, found.map((f) => f.perm));
    report({
      messageId: 'stale',
      key: [...stale.keys()].sort().join(','),
      data: { count: found.length, rules: found.map(describe).join('; ') },
      sources: [...new Set(found.map((f) => (f.perm.source.kind === 'security-group' ? f.perm.source.groupId : '')))],
      ...(command ? { remediationCommand: command } : {}),
      evidence: {
        rules: found.map(({ perm, why }) => ({ ...permissionEvidence(perm), protocol: protocolLabel(perm.protocol), reason: why })),
      },
    });
  },
});
