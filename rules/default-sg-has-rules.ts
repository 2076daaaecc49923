import { permissionEvidence } from '../src/model/exposure.js';
import { defineRule } from '../src/rules-kit/define-rule.js';
import { revokeCommand } from '../src/rules-kit/remediation.js';

export default defineRule({
  meta: {
    id: 'default-sg-has-rules',
    title: "A VPC's default security group has inbound or outbound rules",
    severity: 'medium',
    scope: 'security-group',
    requires: ['securityGroups'],
    uses: ['securityGroupRules'],
    description:
      'Flags the `default` group of a VPC when it has any inbound or outbound rule (each CIDR, IPv6 CIDR, ' +
      'prefix list or group reference of a permission counts as one rule, as AWS counts them), including ' +
      'the self-reference and allow-all egress AWS creates. Other groups are not applicable.',
    rationale:
      'Anything launched without an explicit group joins the default group; if it has rules, that ' +
      'accident comes with network access. CIS asks for the default group to restrict all traffic.',
    remediation: {
      summary:
        'Remove every inbound and outbound rule from the default group (it cannot be deleted), after moving ' +
        'any interface that relies on it to a purpose-built group.',
      cli: 'aws ec2 describe-security-group-rules --region {region} --filters Name=group-id,Values={groupId}  # then revoke each: aws ec2 revoke-security-group-ingress|egress --region {region} --group-id {groupId} --security-group-rule-ids <sgr-id>',
    },
    references: [
      { framework: 'CIS AWS Foundations', version: '3.0.0', control: '5.4' },
      { framework: 'CIS AWS Foundations', version: '5.0.0', control: '5.5' },
      { framework: 'AWS FSBP', control: 'EC2.2' },
      { framework: 'AWS Config', control: 'vpc-default-security-group-closed' },
    ],
    messages: {
      hasRules: 'Default group of {vpcId} has {inbound} inbound and {outbound} outbound rule(s)',
    },
  },
  appliesTo: (group) => group.isDefault,
  check(group, { report }) {
    if (group.ingress.length + group.egress.length === 0) return;
    const command = revokeCommand(group, [...group.ingress, ...group.egress]);
    report({
      messageId: 'hasRules',
      key: 'has-rules',
      ...(command ? { remediationCommand: command } : {}),
      data: { vpcId: group.vpcId ?? 'EC2-Classic', inbound: group.ingress.length, outbound: group.egress.length },
      evidence: { permissions: [...group.ingress, ...group.egress].map(permissionEvidence) },
    });
  },
});
