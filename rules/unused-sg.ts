import { defineRule } from '../src/rules-kit/define-rule.js';

export default defineRule({
  meta: {
    id: 'unused-sg',
    title: 'Security group is not used by anything',
    severity: 'low',
    scope: 'security-group',
    requires: ['securityGroups', 'networkInterfaces'],
    description:
      'Flags a non-default group that no network interface lists (instances and every AWS-managed ' +
      'interface count) and that no other group of the audit references in an inbound or outbound rule. ' +
      'The default group is not applicable (it cannot be deleted). References from accounts or regions ' +
      'outside the audit, and launch templates, are not visible to this check: look before deleting.',
    rationale:
      'Unused groups accumulate stale, often permissive rules; the next person attaches one because its ' +
      'name looks right, and inherits whatever it allows.',
    remediation: {
      summary: 'Confirm nothing (launch templates, other accounts) relies on the group, then delete it.',
      cli: 'aws ec2 delete-security-group --region {region} --group-id {groupId}',
    },
    references: [
      { framework: 'AWS FSBP', control: 'EC2.22' },
      { framework: 'AWS Config', control: 'ec2-security-group-attached-to-eni-periodic' },
    ],
    messages: {
      unused: 'Not attached to any network interface and not referenced by another group',
    },
  },
  appliesTo: (group) => !group.isDefault,
  check(group, { model, report }) {
    if ((model.interfacesByGroup.get(group.id)?.length ?? 0) > 0) return;
    if ((model.referencesTo.get(group.id)?.length ?? 0) > 0) return;
    report({ messageId: 'unused', key: 'unused', data: {}, evidence: { interfaces: 0, referencedBy: 0 } });
  },
});
