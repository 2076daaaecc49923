import { familiesText, internetExposure, permissionEvidence, permissionText, sourceId } from '../src/model/exposure.js';
import { defineRule } from '../src/rules-kit/define-rule.js';
import { revokeCommand } from '../src/rules-kit/remediation.js';

export default defineRule({
  meta: {
    id: 'unrestricted-egress',
    title: 'Security group allows all outbound traffic to the internet',
    severity: 'info',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: ['prefixLists', 'prefixListEntries', 'securityGroupRules'],
    description:
      'Flags a group whose egress allows protocol `all` ("-1") to all public IPv4 or all public IPv6 space ' +
      '(0.0.0.0/0, ::/0, or CIDRs and resolved prefix lists whose union holds it) — the rule AWS adds to ' +
      'every new group. Egress limited to some protocols or ports (tcp 443 to 0.0.0.0/0) is not flagged. ' +
      'Informational: it is the AWS default, but it is also the path data leaves by.',
    rationale:
      'Unlimited egress lets malware fetch tools, reach its command-and-control and exfiltrate data over any ' +
      'port. Workloads that only call a few services can say so.',
    remediation: {
      summary:
        'Replace the allow-all egress with the destinations the workload needs (tcp 443 to 0.0.0.0/0 or to ' +
        'AWS-managed prefix lists, the database\'s group, …).',
      cli: 'aws ec2 describe-security-group-rules --region {region} --filters Name=group-id,Values={groupId}  # then: aws ec2 revoke-security-group-egress --region {region} --group-id {groupId} --security-group-rule-ids <sgr-id>',
    },
    references: [
      { framework: 'sg-audit best practice', control: 'Restrict outbound rules' },
      { framework: 'Checkov', control: 'CKV_AWS_382' },
    ],
    messages: {
      open: 'All outbound traffic allowed to the internet over {families} via {via}',
    },
    summaries: {
      open: 'all traffic to {sources}',
    },
  },
  check(group, { report }) {
    const exposure = internetExposure(group.egress.filter((p) => p.protocol === 'all'));
    if (exposure.length === 0) return;
    const permissions = [...new Set(exposure.flatMap((e) => e.permissions))];
    const command = revokeCommand(group, permissions);
    report({
      messageId: 'open',
      key: 'egress-all',
      data: { families: familiesText(exposure.map((e) => e.family)), via: permissions.map(permissionText).join('; ') },
      sources: [...new Set(permissions.map((p) => sourceId(p.source)))],
      ...(command ? { remediationCommand: command } : {}),
      evidence: { families: exposure.map((e) => e.family), permissions: permissions.map(permissionEvidence) },
    });
  },
});
